/**
 * The store benchmark on PostgreSQL (bench/store.ts's operations): the use cases through deskops'
 * PostgreSQL store (drizzle's pg builder over the synchronous bridge, src/store/pg/) against raw
 * node-postgres, awaited, one statement at a time, doing the same database work in the same
 * transaction shape, on one embedded PostgreSQL server, measured in the same run.
 *
 * - Create: `createTicket` (what `/ticket new` runs) in its SERIALIZABLE transaction, against a raw
 *   SERIALIZABLE transaction inserting the same ticket row and audit row (bench/store.ts's raw side
 *   on SQLite); a third figure inserts every row the use case writes (ticket, SLA clock, audit
 *   event, outbox row): the same work, whose ratio is the one the target is read against.
 * - Card read: `ticketDetail` (what `/ticket show` reads) in its read-only snapshot, against the
 *   same point reads done raw in a REPEATABLE READ READ ONLY transaction (bench/store.ts lists them).
 *
 * The statements each deskops operation sends are counted (the bridge's queries), next to the raw
 * side's. Both sides alternate in rounds over the same tables, so drift falls on both alike.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { SettableClock } from '../src/clock.js';
import { loadConfig } from '../src/config.js';
import { createDeskopsFor } from '../src/main.js';
import { createTicket } from '../src/app/ticket-create.js';
import { ticketDetail } from '../src/app/ticket-queries.js';
import { resolveActor } from '../src/app/people.js';
import type { RequestContext } from '../src/app/context.js';
import { prepareStorage } from '../src/store/open.js';
import type { PgStore } from '../src/store/pg/store.js';
import { BENCH_PG_SETTINGS } from './pg-slack.js';
import { startEmbeddedPostgres, withDatabase } from '../test/doubles/embedded-postgres.js';

const ROUNDS = 20;

/** Runs each side in `ROUNDS` alternating slices of `count`; returns each side's rate per second. */
async function alternate(count: number, sides: ((from: number, to: number) => void | Promise<void>)[]): Promise<number[]> {
  const seconds = sides.map(() => 0);
  const slice = Math.ceil(count / ROUNDS);
  for (let from = 0; from < count; from += slice) {
    const to = Math.min(count, from + slice);
    for (const [i, side] of sides.entries()) {
      const start = process.hrtime.bigint();
      await side(from, to);
      seconds[i]! += Number(process.hrtime.bigint() - start) / 1e9;
    }
  }
  return seconds.map((s) => count / s);
}

export interface PgStoreFigures {
  creates: number;
  reads: number;
  figures: Record<string, number>;
  /** Statements per operation: deskops (counted on the bridge) and the raw side. */
  statements: { create: number; rawCreate: number; card: number; rawCard: number };
}

type Row = Record<string, unknown>;

/** An INSERT of `row`'s non-null columns (but `id`) into `table`, with values for a given row. */
function insertLike(table: string, row: Row, extra = ''): { text: string; values: (overrides: Row) => unknown[] } {
  const columns = Object.keys(row).filter((c) => c !== 'id' && row[c] !== null);
  const text = `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')}) ${extra}`;
  // jsonb values go as JSON text: node-postgres would send a JavaScript array as a PostgreSQL array.
  const encode = (value: unknown) => (value !== null && typeof value === 'object' && !(value instanceof Date) ? JSON.stringify(value) : value);
  return { text, values: (overrides) => columns.map((c) => encode(c in overrides ? overrides[c] : row[c])) };
}

export async function benchPgStore(count: number): Promise<PgStoreFigures> {
  const server = await startEmbeddedPostgres({ password: 'bench', folderPrefix: 'deskops-bench-pg-', settings: BENCH_PG_SETTINGS });
  const unused = mkdtempSync(join(tmpdir(), 'deskops-bench-'));
  const raw = new pg.Client({ connectionString: withDatabase(server.adminUrl, 'deskops_store') });
  let close = () => {};
  let rawConnected = false;
  try {
    const admin = new pg.Client({ connectionString: server.adminUrl });
    await admin.connect();
    await admin.query('CREATE DATABASE deskops_store');
    await admin.end();
    const config = loadConfig({ DESKOPS_DATABASE_URL: withDatabase(server.adminUrl, 'deskops_store'), DESKOPS_DB: join(unused, 'never.db') });
    await prepareStorage(config);
    const clock = new SettableClock(undefined, new Date('2026-11-23T10:00:00Z'));
    const desk = createDeskopsFor(config, { clock, logger: pino({ level: 'silent' }) });
    close = () => desk.close();
    const { app } = desk;
    // Count what deskops sends: every statement goes through the bridge's query.
    const bridge = (app.store as PgStore).bridge;
    const query = bridge.query.bind(bridge);
    let sent = 0;
    bridge.query = (text, values, arrayMode) => {
      sent++;
      return query(text, values, arrayMode);
    };
    const actor = app.store.transaction(() => resolveActor(app, 'shell', { externalId: 'bench', handle: 'bench' }, { localAdmin: true }));
    if (actor.kind !== 'person') throw new Error('the bench actor is a person');
    const ctx: RequestContext = { ...app, actor, origin: { platform: 'shell', channel: '#bench', thread: null } };
    await raw.connect();
    rawConnected = true;
    let rawSent = 0;
    const q = (text: string, values: unknown[] = []) => {
      rawSent++;
      return raw.query(text, values);
    };

    // One ticket through the use case first: the raw side copies its rows column for column. Counted
    // once the settings are cached, as every create after the first finds them (the first reads three).
    createTicket(ctx, { title: 'Bench warm-up', priority: 'high' });
    sent = 0;
    const first = createTicket(ctx, { title: 'Bench ticket', priority: 'high' }).ticket;
    const createStatements = sent;
    const one = async (text: string) => (await raw.query(text, [first.id])).rows[0] as Row;
    const sample = {
      ticket: await one('select * from tickets where id = $1'),
      audit: await one("SELECT * FROM audit_events WHERE entity = 'ticket' AND entity_id = $1::text"),
      clock: await one('SELECT * FROM sla_clocks WHERE ticket_id = $1'),
      outbox: await one('SELECT * FROM outbox WHERE ticket_id = $1'),
    };
    const ticketInsert = insertLike('tickets', sample.ticket, 'RETURNING id');
    const auditInsert = insertLike('audit_events', sample.audit);
    const clockInsert = insertLike('sla_clocks', sample.clock);
    const outboxInsert = insertLike('outbox', sample.outbox, 'ON CONFLICT (dedupe_key) DO NOTHING');
    const auditAfter = sample.audit.after as object;
    const rawTicketAndAudit = async (i: number, all: boolean) => {
      const title = `Raw ticket ${i}`;
      await q('BEGIN ISOLATION LEVEL SERIALIZABLE');
      const id = ((await q(ticketInsert.text, ticketInsert.values({ title }))).rows[0] as { id: number }).id;
      if (all) await q(clockInsert.text, clockInsert.values({ ticket_id: id }));
      await q(auditInsert.text, auditInsert.values({ entity_id: String(id), after: { ...auditAfter, title } }));
      if (all) {
        const payload = JSON.stringify(sample.outbox.payload).replaceAll(`#${first.id}`, `#${id}`).replaceAll(`ticket assign ${first.id} `, `ticket assign ${id} `);
        await q(outboxInsert.text, outboxInsert.values({ dedupe_key: `ticket-new:${id}`, ticket_id: id, payload: JSON.parse(payload) }));
      }
      await q('COMMIT');
    };
    rawSent = 0;
    await rawTicketAndAudit(-1, false);
    const rawCreateStatements = rawSent;

    const created: number[] = [];
    const [viaUseCase, viaRaw, viaRawAll] = (await alternate(count, [
      (from, to) => {
        for (let i = from; i < to; i++) created.push(createTicket(ctx, { title: `Bench ticket ${i}`, priority: 'high' }).ticket.id);
      },
      async (from, to) => {
        for (let i = from; i < to; i++) await rawTicketAndAudit(i, false);
      },
      async (from, to) => {
        for (let i = from; i < to; i++) await rawTicketAndAudit(i, true);
      },
    ])) as [number, number, number];

    // The card's reads, as bench/store.ts's raw side does them on SQLite.
    const rawCard = async (id: number) => {
      await q('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const t = (await q('select * from tickets where id = $1', [id])).rows[0] as { id: number; assignee_id: number | null; created_by: number | null; known_issue_id: number | null; parent_id: number | null; requester: string | null; requester_person_id: number | null };
      const handle = (person: number) => q('select handle from identities where person_id = $1 limit 1', [person]);
      if (t.assignee_id !== null) await handle(t.assignee_id);
      if (t.created_by !== null) await handle(t.created_by);
      if (t.known_issue_id !== null) await q('select id, title, status from known_issues where id = $1', [t.known_issue_id]);
      if (t.parent_id !== null) await q('select id, title from tickets where id = $1', [t.parent_id]);
      await q('select id, title, status from tickets where parent_id = $1 order by id', [t.id]);
      await q('select tags.id, family, name, slug, retired_at from ticket_tags join tags on tags.id = ticket_tags.tag_id where ticket_id = $1', [t.id]);
      await q('select * from comments where ticket_id = $1 order by id', [t.id]);
      await q('select * from sla_clocks where ticket_id = $1 and left_at is null order by id desc limit 1', [t.id]);
      await q('select id from oncall_escalations where ticket_id = $1 and acknowledged_at is null limit 1', [t.id]);
      if ((await q('select * from ticket_conversations where ticket_id = $1', [t.id])).rows.length === 0) await q('select requester, requester_person_id from tickets where id = $1', [t.id]);
      if (t.requester_person_id !== null) await q("select platform, external_id from identities where person_id = $1 and platform in ('slack', 'rocketchat', 'email', 'shell')", [t.requester_person_id]);
      if (t.requester !== null) await q('select count(*) from (select 1 from tickets where requester = $1 and id < $2 limit 100) earlier', [t.requester, t.id]);
      await q('COMMIT');
    };
    sent = 0;
    ticketDetail(app, created[0]!);
    const cardStatements = sent;
    rawSent = 0;
    await rawCard(created[0]!);
    const rawCardStatements = rawSent;

    const reads = count;
    const [cardRead, rawCardRead, pointRead] = (await alternate(reads, [
      (from, to) => {
        for (let i = from; i < to; i++) ticketDetail(app, created[i]!);
      },
      async (from, to) => {
        for (let i = from; i < to; i++) await rawCard(created[i]!);
      },
      async (from, to) => {
        for (let i = from; i < to; i++) await raw.query('select * from tickets where id = $1', [created[i]!]);
      },
    ])) as [number, number, number];
    return {
      creates: count,
      reads,
      statements: { create: createStatements, rawCreate: rawCreateStatements, card: cardStatements, rawCard: rawCardStatements },
      figures: {
        'create via use case (tickets/s)': viaUseCase,
        'create raw, ticket + audit (tickets/s)': viaRaw,
        'create ratio (use case / raw)': viaUseCase / viaRaw,
        'create raw, all 4 rows (tickets/s)': viaRawAll,
        // The same work: every row the use case writes (the ratio above leaves two of them out).
        'create ratio, same rows (use case / raw)': viaUseCase / viaRawAll,
        'card read via use case (reads/s)': cardRead,
        'card read raw, same reads (reads/s)': rawCardRead,
        'read ratio (use case / raw)': cardRead / rawCardRead,
        'ticket row point read, raw (reads/s)': pointRead,
      },
    };
  } finally {
    close();
    if (rawConnected) await raw.end();
    await server.stop();
    rmSync(unused, { recursive: true, force: true });
  }
}
