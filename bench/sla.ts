/**
 * SLA sweep and ladder tick at 10k / 100k / 1M open tickets with the same number due: the cost
 * must follow the due tickets (indexed next-check instants), not the open ones. Tickets and their
 * clocks are bulk-inserted raw (the set-up is not what is measured).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { SettableClock } from '../src/clock.js';
import { loadConfig } from '../src/config.js';
import { createDeskops } from '../src/main.js';
import { runSlaWatch } from '../src/jobs/sla-watch.js';
import { oncallLadderJob } from '../src/jobs/oncall-ladder.js';
import type { JobContext } from '../src/jobs/job.js';

const NOW = new Date('2026-11-25T12:00:00Z'); // Wednesday noon
const HOUR = 3_600_000;

export interface SweepFigures {
  open: number;
  due: number;
  sweepMs: number;
  queued: number;
  ladderMs: number;
  ladderDue: number;
}

/** Fills a fresh database with `open` running tickets, `due` of them due now, and times one sweep. */
export function benchSweep(open: number, due: number): SweepFigures {
  const dir = mkdtempSync(join(tmpdir(), 'deskops-sla-bench-'));
  try {
    const clock = new SettableClock(undefined, NOW);
    const desk = createDeskops(loadConfig({ DESKOPS_DB: join(dir, 'bench.db') }), { clock, logger: pino({ level: 'silent' }) });
    const { sqlite } = desk.app.store;
    const entered = NOW.getTime() - 2 * HOUR; // two business hours in: yellow for T1 Medium
    const ticket = sqlite.prepare(
      `INSERT INTO tickets (title, description, requester, origin, department, priority, tier, status, created_at, updated_at, tier_entered_at, status_changed_at)
       VALUES (?, '', '@bench', 'chat', 'paid', 'medium', 't1', 'open', ?, ?, ?, ?)`,
    );
    // One open on-call escalation per hundred tickets; ten of them due for their page now.
    const escalation = sqlite.prepare(`INSERT INTO oncall_escalations (ticket_id, escalated_at, step, next_step_at) VALUES (?, ?, 'announced', ?)`);
    const slaClock = sqlite.prepare(`INSERT INTO sla_clocks (ticket_id, tier, entered_at, used_ms, running_since, band, warned, next_check_at) VALUES (?, 't1', ?, 0, ?, 'green', 'pre-yellow', ?)`);
    sqlite.transaction(() => {
      for (let i = 1; i <= open; i++) {
        const id = Number(ticket.run(`Bench ticket ${i}`, entered, entered, entered, entered).lastInsertRowid);
        // The first `due` tickets are due now; the rest fall due next week.
        const next = i <= due ? NOW.getTime() - 60_000 : NOW.getTime() + 7 * 24 * HOUR;
        slaClock.run(id, entered, entered, next);
        if (i % 100 === 0) escalation.run(id, entered, i <= 1_000 ? NOW.getTime() - 60_000 : NOW.getTime() + HOUR);
      }
    })();
    sqlite.pragma('optimize');
    const ctx: JobContext = { ...desk.app, logger: pino({ level: 'silent' }) };
    const started = process.hrtime.bigint();
    const report = runSlaWatch(ctx, NOW);
    const sweepMs = Number(process.hrtime.bigint() - started) / 1e6;
    const ladderStart = process.hrtime.bigint();
    const ladder = oncallLadderJob.run(ctx, NOW);
    const ladderMs = Number(process.hrtime.bigint() - ladderStart) / 1e6;
    desk.close();
    return { open, due, sweepMs, queued: report.queued, ladderMs, ladderDue: ladder.processed };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
