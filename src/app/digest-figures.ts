/**
 * The digest's figures for one week, as the week was when it ended, not as the tickets are now:
 * tickets opened and resolved by the tier they were in at that moment, open tickets by tier at
 * the week's end, the SLA band each tier entry had reached by then, and the on-call escalations
 * still open then. A ticket's state at the week's end is read back from its audit trail: its
 * first change after the end carries, in `before`, what it was.
 */
import { ACTIVE_STATUSES } from '../domain/lifecycle.js';
import { bandOf, clockRuns, usedOverTimeline, type Band, type RunningChange } from '../domain/sla.js';
import { TIERS, type HandoffTeam, type Status, type Tier } from '../domain/vocabulary.js';
import type { DigestData } from '../domain/digest.js';
import type { ClockFacts, TierCount, WeekEntry } from '../store/repositories/digest.js';
import { formatInstant } from '../views/format.js';
import type { AppContext } from './context.js';
import { handleOf } from './people.js';
import { slaSetup, type SlaSetup } from './sla.js';

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
    for (const row of ctx.store.digest.ticketChangesSince(end)) {
      const before = JSON.parse(row.before) as Partial<Record<(typeof TRACKED)[number], unknown>> | null;
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
    return chunks(ids).flatMap((part) => this.ctx.store.digest.trackedFieldsOf(part));
  }
}

/** Opened (by the tier a ticket was opened in), resolved (by its tier then) and open at the end, per tier. */
function ticketsByTier(ctx: AppContext, from: Date, to: Date, state: StateAtEnd): DigestData['tickets'] {
  const opened = ctx.store.digest.openedByTier(from, to);
  const resolved = ctx.store.digest.resolvedByTier(from, to);
  // Open at the end: those active now, corrected for every ticket changed since.
  const open = new Map<Tier, number>();
  const add = (tier: Tier, n: number) => open.set(tier, (open.get(tier) ?? 0) + n);
  for (const row of ctx.store.digest.activeByTier(to)) add(row.tier, row.n);
  for (const ticket of state.rows(state.changedSince())) {
    if (ticket.createdAt.getTime() >= to.getTime()) continue;
    if (ACTIVE.has(ticket.status)) add(ticket.tier, -1);
    const then = state.of(ticket);
    if (ACTIVE.has(then.status)) add(then.tier, 1);
  }
  const find = (rows: TierCount[], tier: Tier) => rows.filter((r) => r.tier === tier).reduce((n, r) => n + r.n, 0);
  return TIERS.map((tier) => ({ tier, opened: find(opened, tier), resolved: find(resolved, tier), open: open.get(tier) ?? 0 }));
}

/** A ticket change as the replay reads it: when, and its before and after (parsed JSON). */
interface TicketChange {
  at: Date;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

/**
 * The audit events of many tickets that may change whether a clock runs (they name a status or a
 * team; a comment, a tag or an assignment cannot), oldest first per ticket, from `since` on: one
 * statement per 500 tickets instead of one per tier entry (the week's digest replays 15,000 of
 * them), and no JSON parsed for the events that cannot matter.
 */
function changesOf(ctx: AppContext, ticketIds: readonly number[], since: Date): Map<number, TicketChange[]> {
  const byTicket = new Map<number, TicketChange[]>();
  for (const part of chunks(ticketIds)) {
    for (const row of ctx.store.digest.statusOrTeamEventsSince(part, since)) {
      const id = Number(row.entityId);
      const list = byTicket.get(id) ?? [];
      list.push({ at: new Date(row.at), before: row.before === null ? null : (JSON.parse(row.before) as Record<string, unknown>), after: row.after === null ? null : (JSON.parse(row.after) as Record<string, unknown>) });
      byTicket.set(id, list);
    }
  }
  return byTicket;
}

/**
 * When a tier entry's clock ran between its entry and `end`, from the ticket's changes (its audit
 * trail from before the entry on): the status and team at entry (before the first change since
 * that names them), then each change.
 */
function runningTimeline(clock: ClockFacts, current: TrackedFields, ticketChanges: readonly TicketChange[], end: Date): { runningAtStart: boolean; changes: RunningChange[] } {
  const events = ticketChanges.filter((event) => event.at.getTime() >= clock.enteredAt.getTime());
  const fields: Pick<TrackedFields, 'status' | 'team'> = { status: current.status, team: current.team };
  const seen = new Set<string>();
  for (const event of events) {
    const before = event.before ?? {};
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
    const after = event.after ?? {};
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

/**
 * The band a tier entry had reached by `end` when its stored state tells (undefined when its tier
 * has no SLA), or 'replay' when its running and pausing since the entry must be replayed.
 */
function bandFromState(setup: SlaSetup, clock: ClockFacts, ticket: Parameters<SlaSetup['thresholds']>[0], end: Date): Band | undefined | 'replay' {
  const thresholds = setup.thresholds({ ...ticket, tier: clock.tier });
  if (!thresholds) return undefined;
  // Left the tier before the end: its time is frozen, and the worst band it reached is stored.
  if (clock.leftAt && clock.leftAt.getTime() <= end.getTime()) return worse(clock.band, bandOf(clock.usedMs, thresholds));
  // Running without a pause since before the end: the stored state holds at the end too.
  if (!clock.leftAt && clock.runningSince && clock.runningSince.getTime() <= end.getTime()) {
    return bandOf(clock.usedMs + usedOverTimeline(setup.calendar, clock.runningSince, true, [], end), thresholds);
  }
  // Paused, resumed or gone since.
  return 'replay';
}

/** Tier entries of the week by the band they had at its end. */
function slaByTier(ctx: AppContext, from: Date, to: Date): DigestData['sla'] {
  const setup = slaSetup(ctx);
  const rows = ctx.store.digest.weekEntries(from, to);
  const byTier = new Map<Tier, { green: number; yellow: number; red: number }>();
  const count = (tier: Tier, band: Band) => {
    const entry = byTier.get(tier) ?? { green: 0, yellow: 0, red: 0 };
    entry[band]++;
    byTier.set(tier, entry);
  };
  const replays: WeekEntry[] = [];
  for (const row of rows) {
    const band = bandFromState(setup, row, row, to);
    if (band === 'replay') replays.push(row);
    else if (band) count(row.tier, band);
  }
  // The entries paused, resumed or gone since: their tickets' changes read in one pass, then replayed.
  const since = new Date(Math.min(...replays.map((row) => row.enteredAt.getTime())));
  const changes = replays.length > 0 ? changesOf(ctx, [...new Set(replays.map((row) => row.ticketId))], since) : new Map<number, TicketChange[]>();
  for (const row of replays) {
    const thresholds = setup.thresholds({ ...row, tier: row.tier })!;
    const { runningAtStart, changes: timeline } = runningTimeline(row, { status: row.status, tier: row.ticketTier, team: row.team }, changes.get(row.ticketId) ?? [], to);
    count(row.tier, bandOf(usedOverTimeline(setup.calendar, row.enteredAt, runningAtStart, timeline, to), thresholds));
  }
  return [...byTier.entries()].map(([tier, counts]) => ({ tier, ...counts }));
}

/** On-call escalations still open at the end (ticket active and On-Call then), acknowledged or not. */
function openOncall(ctx: AppContext, to: Date, state: StateAtEnd): DigestData['openOncall'] {
  const rows = ctx.store.digest.escalationsBefore(to);
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
