/**
 * The digest's figures for one week, as the week was when it ended, not as the tickets are now:
 * tickets opened and resolved by the tier they were in at that moment, open tickets by tier at
 * the week's end, the SLA band each tier entry had reached by then, and the on-call escalations
 * still open then. A ticket's state at the week's end is read back from its audit trail: its
 * first change after the end carries, in `before`, what it was.
 */
import { and, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import { ACTIVE_STATUSES } from '../domain/lifecycle.js';
import { bandOf, clockRuns, usedOverTimeline, type Band, type RunningChange } from '../domain/sla.js';
import { TIERS, type HandoffTeam, type Status, type Tier } from '../domain/vocabulary.js';
import type { DigestData } from '../domain/digest.js';
import { auditEvents, oncallEscalations, slaClocks, tickets } from '../store/schema.js';
import { formatInstant } from '../views/format.js';
import type { AppContext } from './context.js';
import { handleOf } from './people.js';
import { slaSetup, type SlaSetup } from './sla.js';

type SlaClockRow = typeof slaClocks.$inferSelect;

/** The ticket fields whose value at an instant the digest needs. */
interface TrackedFields {
  status: Status;
  tier: Tier;
  team: HandoffTeam | null;
}

const TRACKED = ['status', 'tier', 'team'] as const;
const ACTIVE: ReadonlySet<Status> = new Set(ACTIVE_STATUSES);
const BANDS: readonly Band[] = ['green', 'yellow', 'red'];

/** The worse of two bands. */
function worse(a: Band, b: Band): Band {
  return BANDS.indexOf(a) >= BANDS.indexOf(b) ? a : b;
}

function chunks<T>(items: readonly T[], size = 500): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Tickets as they were at `end`: for a ticket changed since, each tracked field's value before
 * its first change at or after `end`; otherwise the value it has now.
 */
class StateAtEnd {
  private readonly before = new Map<number, Partial<TrackedFields>>();

  constructor(
    private readonly ctx: AppContext,
    readonly end: Date,
  ) {
    const rows = ctx.store.db
      .select({ entityId: auditEvents.entityId, before: auditEvents.before })
      .from(auditEvents)
      .where(and(gte(auditEvents.at, end), eq(auditEvents.entity, 'ticket'), sql`${auditEvents.before} IS NOT NULL`))
      .orderBy(auditEvents.id)
      .all();
    for (const row of rows) {
      const before = row.before as Partial<Record<(typeof TRACKED)[number], unknown>> | null;
      if (!before) continue;
      const id = Number(row.entityId);
      const known = this.before.get(id) ?? {};
      for (const field of TRACKED) if (field in before && !(field in known)) (known as Record<string, unknown>)[field] = before[field];
      if (Object.keys(known).length > 0) this.before.set(id, known);
    }
  }

  /** Tickets with a tracked field changed since the end. */
  changedSince(): number[] {
    return [...this.before.keys()];
  }

  /** The tracked fields of `ticket` (its current row) as they were at the end. */
  of(ticket: TrackedFields & { id: number }): TrackedFields {
    return { status: ticket.status, tier: ticket.tier, team: ticket.team, ...this.before.get(ticket.id) };
  }

  /** Current rows of these tickets. */
  rows(ids: readonly number[]): (TrackedFields & { id: number; createdAt: Date })[] {
    return chunks(ids).flatMap((part) =>
      this.ctx.store.db.select({ id: tickets.id, status: tickets.status, tier: tickets.tier, team: tickets.team, createdAt: tickets.createdAt }).from(tickets).where(inArray(tickets.id, part)).all(),
    );
  }
}

/** Opened (by the tier a ticket was opened in), resolved (by its tier then) and open at the end, per tier. */
function ticketsByTier(ctx: AppContext, from: Date, to: Date, state: StateAtEnd): DigestData['tickets'] {
  const { db } = ctx.store;
  const openedTier = sql<Tier>`coalesce((SELECT ${slaClocks.tier} FROM ${slaClocks} WHERE ${slaClocks.ticketId} = ${tickets.id} ORDER BY ${slaClocks.id} LIMIT 1), ${tickets.tier})`;
  const opened = db.select({ tier: openedTier, n: sql<number>`count(*)` }).from(tickets).where(and(gte(tickets.createdAt, from), lt(tickets.createdAt, to))).groupBy(openedTier).all();
  // The tier a ticket was in when it was resolved: the tier entry open at that instant.
  const ticketId = sql`cast(${auditEvents.entityId} as integer)`;
  const tierThen = sql<Tier>`coalesce((SELECT ${slaClocks.tier} FROM ${slaClocks} WHERE ${slaClocks.ticketId} = ${ticketId} AND ${slaClocks.enteredAt} <= ${auditEvents.at} ORDER BY ${slaClocks.id} DESC LIMIT 1), (SELECT ${tickets.tier} FROM ${tickets} WHERE ${tickets.id} = ${ticketId}))`;
  const resolved = db
    .select({ tier: tierThen, n: sql<number>`count(distinct ${auditEvents.entityId})` })
    .from(auditEvents)
    .where(and(gte(auditEvents.at, from), lt(auditEvents.at, to), eq(auditEvents.entity, 'ticket'), sql`json_extract(${auditEvents.after}, '$.status') = 'resolved'`))
    .groupBy(tierThen)
    .all();
  // Open at the end: those active now, corrected for every ticket changed since.
  const open = new Map<Tier, number>();
  const add = (tier: Tier, n: number) => open.set(tier, (open.get(tier) ?? 0) + n);
  for (const row of db.select({ tier: tickets.tier, n: sql<number>`count(*)` }).from(tickets).where(and(inArray(tickets.status, [...ACTIVE_STATUSES]), lt(tickets.createdAt, to))).groupBy(tickets.tier).all()) add(row.tier, row.n);
  for (const ticket of state.rows(state.changedSince())) {
    if (ticket.createdAt.getTime() >= to.getTime()) continue;
    if (ACTIVE.has(ticket.status)) add(ticket.tier, -1);
    const then = state.of(ticket);
    if (ACTIVE.has(then.status)) add(then.tier, 1);
  }
  const find = (rows: { tier: Tier; n: number }[], tier: Tier) => rows.filter((r) => r.tier === tier).reduce((n, r) => n + r.n, 0);
  return TIERS.map((tier) => ({ tier, opened: find(opened, tier), resolved: find(resolved, tier), open: open.get(tier) ?? 0 }));
}

/**
 * When a tier entry's clock ran between its entry and `end`, from the ticket's audit trail: the
 * status and team at entry (before the first change that names them), then each change.
 */
function runningTimeline(ctx: AppContext, clock: SlaClockRow, current: TrackedFields, end: Date): { runningAtStart: boolean; changes: RunningChange[] } {
  const events = ctx.store.db
    .select({ at: auditEvents.at, before: auditEvents.before, after: auditEvents.after })
    .from(auditEvents)
    .where(and(eq(auditEvents.entity, 'ticket'), eq(auditEvents.entityId, String(clock.ticketId)), gte(auditEvents.at, clock.enteredAt)))
    .orderBy(auditEvents.id)
    .all();
  const fields: Pick<TrackedFields, 'status' | 'team'> = { status: current.status, team: current.team };
  const seen = new Set<string>();
  for (const event of events) {
    const before = (event.before ?? {}) as Record<string, unknown>;
    for (const field of ['status', 'team'] as const) {
      if (field in before && !seen.has(field)) {
        (fields as Record<string, unknown>)[field] = before[field];
        seen.add(field);
      }
    }
  }
  const runningAtStart = clockRuns(fields);
  const changes: RunningChange[] = [];
  for (const event of events) {
    if (event.at.getTime() >= end.getTime()) break;
    const after = (event.after ?? {}) as Record<string, unknown>;
    let touched = false;
    for (const field of ['status', 'team'] as const) {
      if (field in after) {
        (fields as Record<string, unknown>)[field] = after[field];
        touched = true;
      }
    }
    if (touched) changes.push({ at: event.at, running: clockRuns(fields) });
  }
  return { runningAtStart, changes };
}

/** The band a tier entry had reached by `end` (undefined when its tier has no SLA). */
function bandAtEnd(ctx: AppContext, setup: SlaSetup, clock: SlaClockRow, ticket: Parameters<SlaSetup['thresholds']>[0] & TrackedFields, end: Date): Band | undefined {
  const thresholds = setup.thresholds({ ...ticket, tier: clock.tier });
  if (!thresholds) return undefined;
  // Left the tier before the end: its time is frozen, and the worst band it reached is stored.
  if (clock.leftAt && clock.leftAt.getTime() <= end.getTime()) return worse(clock.band, bandOf(clock.usedMs, thresholds));
  // Running without a pause since before the end: the stored state holds at the end too.
  if (!clock.leftAt && clock.runningSince && clock.runningSince.getTime() <= end.getTime()) {
    return bandOf(clock.usedMs + usedOverTimeline(setup.calendar, clock.runningSince, true, [], end), thresholds);
  }
  // Paused, resumed or gone since: replay its running and pausing up to the end.
  const { runningAtStart, changes } = runningTimeline(ctx, clock, ticket, end);
  return bandOf(usedOverTimeline(setup.calendar, clock.enteredAt, runningAtStart, changes, end), thresholds);
}

/** Tier entries of the week by the band they had at its end. */
function slaByTier(ctx: AppContext, from: Date, to: Date): DigestData['sla'] {
  const setup = slaSetup(ctx);
  const rows = ctx.store.db
    .select({ clock: slaClocks, ticket: tickets })
    .from(slaClocks)
    .innerJoin(tickets, eq(tickets.id, slaClocks.ticketId))
    .where(and(gte(slaClocks.enteredAt, from), lt(slaClocks.enteredAt, to)))
    .all();
  const byTier = new Map<Tier, { green: number; yellow: number; red: number }>();
  for (const { clock, ticket } of rows) {
    const band = bandAtEnd(ctx, setup, clock, ticket, to);
    if (!band) continue;
    const entry = byTier.get(clock.tier) ?? { green: 0, yellow: 0, red: 0 };
    entry[band]++;
    byTier.set(clock.tier, entry);
  }
  return [...byTier.entries()].map(([tier, counts]) => ({ tier, ...counts }));
}

/** On-call escalations still open at the end (ticket active and On-Call then), acknowledged or not. */
function openOncall(ctx: AppContext, to: Date, state: StateAtEnd): DigestData['openOncall'] {
  const rows = ctx.store.db
    .select({ escalation: oncallEscalations, ticket: { id: tickets.id, title: tickets.title, status: tickets.status, tier: tickets.tier, team: tickets.team } })
    .from(oncallEscalations)
    .innerJoin(tickets, eq(tickets.id, oncallEscalations.ticketId))
    .where(lt(oncallEscalations.escalatedAt, to))
    .orderBy(oncallEscalations.escalatedAt)
    .all();
  // The latest escalation of each ticket speaks for it.
  const latest = new Map<number, (typeof rows)[number]>();
  for (const row of rows) latest.set(row.ticket.id, row);
  const zone = ctx.settings.timeZone;
  return [...latest.values()]
    .filter(({ ticket }) => {
      const then = state.of(ticket);
      return ACTIVE.has(then.status) && then.tier === 'oncall';
    })
    .map(({ escalation, ticket }) => {
      const acked = escalation.acknowledgedAt && escalation.acknowledgedAt.getTime() < to.getTime() ? `acknowledged by ${handleOf(ctx, escalation.acknowledgedBy) ?? 'someone'}` : 'not acknowledged';
      return { ticketId: ticket.id, title: ticket.title, state: acked, since: formatInstant(escalation.escalatedAt, zone) };
    });
}

/** The week's figures: tickets, SLA bands and open on-call items, as of the end of [from, to). */
export function weekFigures(ctx: AppContext, from: Date, to: Date): Pick<DigestData, 'tickets' | 'sla' | 'openOncall'> {
  const state = new StateAtEnd(ctx, to);
  return { tickets: ticketsByTier(ctx, from, to, state), sla: slaByTier(ctx, from, to), openOncall: openOncall(ctx, to, state) };
}
