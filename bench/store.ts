/**
 * Store benchmark: ticket creation through the use case (audit event, outbox row, transaction)
 * against a raw prepared better-sqlite3 insert of the same row, and a ticket card read against a
 * raw point read. Figures are rates and their ratio, measured in the same run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { SettableClock } from '../src/clock.js';
import { loadConfig } from '../src/config.js';
import { createDeskops } from '../src/main.js';
import { createTicket } from '../src/app/ticket-create.js';
import { ticketDetail } from '../src/app/ticket-queries.js';
import { resolveActor } from '../src/app/people.js';
import type { RequestContext } from '../src/app/context.js';

function rate(count: number, run: () => void): number {
  const start = process.hrtime.bigint();
  run();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return count / seconds;
}

export function benchStore(count = 20_000): Record<string, number> {
  const dir = mkdtempSync(join(tmpdir(), 'deskops-bench-'));
  try {
    const clock = new SettableClock(undefined, new Date('2026-11-23T10:00:00Z'));
    const desk = createDeskops(loadConfig({ DESKOPS_DB: join(dir, 'bench.db') }), { clock, logger: pino({ level: 'silent' }) });
    const { app } = desk;
    const actor = app.store.transaction(() => resolveActor(app, 'shell', { externalId: 'bench', handle: 'bench' }, 'admin'));
    const ctx: RequestContext = { ...app, actor, origin: { platform: 'shell', channel: '#bench', thread: null } };

    const viaUseCase = rate(count, () => {
      for (let i = 0; i < count; i++) createTicket(ctx, { title: `Bench ticket ${i}`, priority: 'high' });
    });

    const now = clock.now().getTime();
    const raw = app.store.sqlite.prepare(
      `INSERT INTO tickets (title, description, requester, origin, department, priority, tier, status, created_at, updated_at, tier_entered_at, status_changed_at)
       VALUES (?, '', '@bench', 'chat', 'paid', 'high', 'triage', 'open', ?, ?, ?, ?)`,
    );
    // The raw side gets the same per-row transaction the use case pays for.
    const rawInsert = app.store.sqlite.transaction((i: number) => raw.run(`Raw ticket ${i}`, now, now, now, now));
    const viaRaw = rate(count, () => {
      for (let i = 0; i < count; i++) rawInsert(i);
    });

    const reads = Math.min(count, 20_000);
    const cardRead = rate(reads, () => {
      for (let i = 1; i <= reads; i++) ticketDetail(app, i);
    });
    const rawRead = app.store.sqlite.prepare('SELECT * FROM tickets WHERE id = ?');
    const pointRead = rate(reads, () => {
      for (let i = 1; i <= reads; i++) rawRead.get(i);
    });
    desk.close();
    return {
      'create via use case (tickets/s)': viaUseCase,
      'create raw insert (tickets/s)': viaRaw,
      'create ratio (use case / raw)': viaUseCase / viaRaw,
      'ticket card read (reads/s)': cardRead,
      'raw point read (reads/s)': pointRead,
      'read ratio (card / raw point read)': cardRead / pointRead,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
