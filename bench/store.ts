/**
 * Store benchmark: the use cases the commands call against raw prepared better-sqlite3
 * statements doing the same database work, measured in the same run.
 *
 * - Create: `createTicket` (what `/ticket new` runs) against a raw transaction that inserts the
 *   same ticket row and the same audit row. A third figure inserts every row the use case writes
 *   (ticket, SLA clock, audit event, outbox row): the floor for doing all of it in SQLite.
 * - Card read: `ticketDetail` (what `/ticket show` reads) against the same point reads done raw:
 *   the ticket, its creator's handle, tags, split-off tickets, timeline, current SLA clock and
 *   open on-call escalation (the assignee, known issue and parent are read only when set, on both
 *   sides), each card in one deferred read transaction on both sides. (A command runs it inside
 *   the router's transaction instead.) Team settings (calendar, SLA policy) are not read per card
 *   on the raw side; the use case reads them from its cache, checking `PRAGMA data_version`. The
 *   bare ticket-row read is printed too.
 *
 * Both sides run in alternating rounds over the same tables, so drift from a busy machine or a
 * growing WAL falls on both alike.
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
import { ticketCard } from '../src/views/ticket-card.js';

const ROUNDS = 40;

/** Runs each side in `ROUNDS` alternating slices of `count`; returns each side's rate per second. */
function alternate(count: number, sides: ((from: number, to: number) => void)[]): number[] {
  const seconds = sides.map(() => 0);
  const slice = Math.ceil(count / ROUNDS);
  for (let from = 0; from < count; from += slice) {
    const to = Math.min(count, from + slice);
    sides.forEach((side, i) => {
      const start = process.hrtime.bigint();
      side(from, to);
      seconds[i]! += Number(process.hrtime.bigint() - start) / 1e9;
    });
  }
  return seconds.map((s) => count / s);
}

export function benchStore(count = 20_000): Record<string, number> {
  const dir = mkdtempSync(join(tmpdir(), 'deskops-bench-'));
  try {
    const clock = new SettableClock(undefined, new Date('2026-11-23T10:00:00Z'));
    const desk = createDeskops(loadConfig({ DESKOPS_DB: join(dir, 'bench.db') }), { clock, logger: pino({ level: 'silent' }) });
    const { app } = desk;
    const { sqlite } = app.store;
    const actor = app.store.transaction(() => resolveActor(app, 'shell', { externalId: 'bench', handle: 'bench' }, { localAdmin: true }));
    if (actor.kind !== 'person') throw new Error('the bench actor is a person');
    const ctx: RequestContext = { ...app, actor, origin: { platform: 'shell', channel: '#bench', thread: null } };

    // One ticket through the use case first: the raw side copies its row, audit event, clock and
    // outbox row column for column, so both sides store the same bytes.
    const first = createTicket(ctx, { title: 'Bench ticket', priority: 'high' }).ticket;
    const sample = {
      ticket: sqlite.prepare('select * from tickets where id = ?').get(first.id) as Record<string, unknown>,
      audit: sqlite.prepare("SELECT * FROM audit_events WHERE entity = 'ticket' AND entity_id = ?").get(String(first.id)) as Record<string, unknown>,
      clock: sqlite.prepare('SELECT * FROM sla_clocks WHERE ticket_id = ?').get(first.id) as Record<string, unknown>,
      outbox: sqlite.prepare('SELECT * FROM outbox WHERE ticket_id = ?').get(first.id) as Record<string, unknown>,
    };
    const insertTicket = sqlite.prepare(
      `INSERT INTO tickets (title, description, requester, requester_person_id, origin, department, priority, severity, tier, status,
         chat_platform, chat_channel, chat_thread, source_link, created_by, created_at, updated_at, tier_entered_at, status_changed_at,
         last_requester_message_at, status_timer_at, reply_due_at, reply_warned_at)
       VALUES (@title, @description, @requester, @requester_person_id, @origin, @department, @priority, @severity, @tier, @status,
         @chat_platform, @chat_channel, @chat_thread, @source_link, @created_by, @created_at, @updated_at, @tier_entered_at, @status_changed_at,
         @last_requester_message_at, @status_timer_at, @reply_due_at, @reply_warned_at)`,
    );
    const insertAudit = sqlite.prepare(
      'INSERT INTO audit_events (entity, entity_id, action, actor_id, actor_label, before, after, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const insertClock = sqlite.prepare(
      'INSERT INTO sla_clocks (ticket_id, tier, entered_at, running_since, band, next_check_at) VALUES (?, ?, ?, ?, ?, ?)',
    );
    const insertOutbox = sqlite.prepare(
      'INSERT INTO outbox (dedupe_key, channel, payload, next_attempt_at, created_at, ticket_id) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING',
    );
    const { id: _id, hold_until: _h, assignee_id: _a, team: _t, known_issue_id: _k, parent_id: _p, last_public_reply_at: _l, pending_reminded_at: _r, ...ticketRow } =
      sample.ticket;
    const rawTicket = (i: number): number => Number(insertTicket.run({ ...ticketRow, title: `Raw ticket ${i}` }).lastInsertRowid);
    const auditAfter = JSON.parse(String(sample.audit.after)) as object;
    const rawAudit = (id: number, title: string): void => {
      insertAudit.run('ticket', String(id), 'ticket.created', sample.audit.actor_id, sample.audit.actor_label, null, JSON.stringify({ ...auditAfter, title }), sample.audit.at);
    };
    // The raw side gets the same per-row transaction the use case pays for.
    const rawTicketAndAudit = sqlite.transaction((i: number) => {
      const id = rawTicket(i);
      rawAudit(id, `Raw ticket ${i}`);
    });
    const rawEverything = sqlite.transaction((i: number) => {
      const id = rawTicket(i);
      const c = sample.clock;
      insertClock.run(id, c.tier, c.entered_at, c.running_since, c.band, c.next_check_at);
      rawAudit(id, `Raw ticket ${i}`);
      const payload = String(sample.outbox.payload).replaceAll(`#${first.id}`, `#${id}`).replaceAll(`ticket assign ${first.id} `, `ticket assign ${id} `);
      insertOutbox.run(`ticket-new:${id}`, sample.outbox.channel, payload, sample.outbox.next_attempt_at, sample.outbox.created_at, id);
    });

    const created: number[] = [];
    const [viaUseCase, viaRaw, viaRawAll] = alternate(count, [
      (from, to) => {
        for (let i = from; i < to; i++) created.push(createTicket(ctx, { title: `Bench ticket ${i}`, priority: 'high' }).ticket.id);
      },
      (from, to) => {
        for (let i = from; i < to; i++) rawTicketAndAudit(i);
      },
      (from, to) => {
        for (let i = from; i < to; i++) rawEverything(i);
      },
    ]) as [number, number, number];

    const reads = Math.min(count, 20_000);
    // Lower case: statements of their own, not shared (through the store's statement cache) with
    // the ones deskops prepares in capitals.
    const byId = sqlite.prepare('select * from tickets where id = ?');
    const handle = sqlite.prepare('select handle from identities where person_id = ? limit 1');
    const knownIssue = sqlite.prepare('select id, title, status from known_issues where id = ?');
    const parent = sqlite.prepare('select id, title from tickets where id = ?');
    const children = sqlite.prepare('select id, title, status from tickets where parent_id = ? order by id');
    const tagsOf = sqlite.prepare('select tags.id, family, name, slug, retired_at from ticket_tags join tags on tags.id = ticket_tags.tag_id where ticket_id = ?');
    const commentsOf = sqlite.prepare('select * from comments where ticket_id = ? order by id');
    const clockOf = sqlite.prepare('select * from sla_clocks where ticket_id = ? and left_at is null order by id desc limit 1');
    const awaitingAck = sqlite.prepare('select id from oncall_escalations where ticket_id = ? and acknowledged_at is null limit 1');
    // Where the requester is answered (the card shows a mail address and its bounces), and how many
    // tickets they opened before: what the card reads since issues 11 and 13.
    const conversation = sqlite.prepare('select * from ticket_conversations where ticket_id = ?');
    const requesterOf = sqlite.prepare('select requester, requester_person_id from tickets where id = ?');
    const reachableBy = sqlite.prepare("select platform, external_id from identities where person_id = ? and platform in ('slack', 'rocketchat', 'email', 'shell')");
    const earlier = sqlite.prepare('select count(*) from (select 1 from tickets where requester = ? and id < ? limit 100)');
    const rawCardReads = (id: number) => {
      const t = byId.get(id) as { id: number; assignee_id: number | null; created_by: number | null; known_issue_id: number | null; parent_id: number | null; requester: string | null; requester_person_id: number | null };
      return {
        t,
        assignee: t.assignee_id === null ? null : handle.get(t.assignee_id),
        createdBy: t.created_by === null ? null : handle.get(t.created_by),
        knownIssue: t.known_issue_id === null ? null : knownIssue.get(t.known_issue_id),
        parent: t.parent_id === null ? null : parent.get(t.parent_id),
        children: children.all(t.id),
        tags: tagsOf.all(t.id),
        comments: commentsOf.all(t.id),
        clock: clockOf.get(t.id),
        ack: awaitingAck.get(t.id),
        conversation: conversation.get(t.id) ?? (requesterOf.get(t.id) as { requester_person_id: number | null } | undefined),
        reachable: t.requester_person_id === null ? [] : reachableBy.all(t.requester_person_id),
        earlier: t.requester === null ? 0 : earlier.get(t.requester, t.id),
      };
    };
    // The same read transaction per card as the use case (Store.read: one snapshot for the card).
    const rawCard = sqlite.transaction(rawCardReads).deferred;
    const [cardRead, rawCardRead, pointRead, cardShown] = alternate(reads, [
      (from, to) => {
        for (let i = from; i < to; i++) ticketDetail(app, created[i]!);
      },
      (from, to) => {
        for (let i = from; i < to; i++) rawCard(created[i]!);
      },
      (from, to) => {
        for (let i = from; i < to; i++) byId.get(created[i]!);
      },
      (from, to) => {
        for (let i = from; i < to; i++) ticketCard(ctx, ticketDetail(ctx, created[i]!), ctx.settings.timeZone);
      },
    ]) as [number, number, number, number];
    desk.close();
    return {
      'create via use case (tickets/s)': viaUseCase,
      'create raw, ticket + audit (tickets/s)': viaRaw,
      'create ratio (use case / raw)': viaUseCase / viaRaw,
      'create raw, all 4 rows (tickets/s)': viaRawAll,
      'card read via use case (reads/s)': cardRead,
      'card read raw, same reads (reads/s)': rawCardRead,
      'read ratio (use case / raw)': cardRead / rawCardRead,
      'ticket row point read (reads/s)': pointRead,
      'card read + build card (cards/s)': cardShown,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
