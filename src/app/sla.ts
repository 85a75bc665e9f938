/**
 * SLA clocks in the store: one per ticket per tier entry, kept in step with every tier and status
 * change, plus the requester-reply deadline. The sweep reads only clocks whose next check is due.
 */
import { addBusinessTime, businessDayMs, type BusinessCalendar } from '../domain/calendar.js';
import {
  bandOf,
  clockRuns,
  nextCheckAt,
  slaStatus,
  thresholdsFor,
  usedAt,
  type ClockState,
  type SlaPolicy,
  type SlaStatus,
  type Thresholds,
} from '../domain/sla.js';
import type { SlaClockRow } from '../store/repositories/clocks.js';
import type { TicketRow } from '../store/repositories/tickets.js';
import type { AppContext } from './context.js';
import { loadCalendar } from './calendar.js';
import { loadSlaPolicy } from './sla-policy.js';

export type { SlaClockRow } from '../store/repositories/clocks.js';

/** The calendar and policy a computation needs, read once per request or job run. */
export interface SlaSetup {
  calendar: BusinessCalendar;
  thresholds(ticket: Pick<TicketRow, 'tier' | 'priority' | 'department'>): Thresholds | null;
}

/**
 * Setups by calendar and policy object. The settings cache hands out the same objects until a
 * setting changes, so the thresholds of each tier, priority and department are worked out once.
 */
const setups = new WeakMap<BusinessCalendar, WeakMap<SlaPolicy, SlaSetup>>();

export function slaSetup(ctx: AppContext): SlaSetup {
  const calendar = loadCalendar(ctx);
  const policy = loadSlaPolicy(ctx);
  let byPolicy = setups.get(calendar);
  if (!byPolicy) {
    byPolicy = new WeakMap();
    setups.set(calendar, byPolicy);
  }
  let setup = byPolicy.get(policy);
  if (!setup) {
    const known = new Map<string, Thresholds | null>();
    setup = {
      calendar,
      thresholds(ticket) {
        const key = `${ticket.tier}|${ticket.priority}|${ticket.department}`;
        let thresholds = known.get(key);
        if (thresholds === undefined) {
          thresholds = thresholdsFor(policy, calendar, ticket);
          if (thresholds) Object.freeze(thresholds);
          known.set(key, thresholds);
        }
        return thresholds;
      },
    };
    byPolicy.set(policy, setup);
  }
  return setup;
}

/** The clock of the ticket's current tier entry, if it has one. */
export function currentClock(ctx: AppContext, ticketId: number): SlaClockRow | undefined {
  return ctx.store.clocks.currentOf(ticketId);
}

function stateOf(clock: SlaClockRow): ClockState {
  return { usedMs: clock.usedMs, runningSince: clock.runningSince, warned: clock.warned, snoozedUntil: clock.snoozedUntil };
}

/** Stores a clock's new state with its band and next check recomputed. */
function saveClock(ctx: AppContext, setup: SlaSetup, ticket: TicketRow, clock: SlaClockRow, patch: Partial<SlaClockRow>, now: Date): SlaClockRow {
  const merged = { ...clock, ...patch };
  const thresholds = setup.thresholds(ticket);
  const state = stateOf(merged);
  const band = thresholds ? worseBand(merged.band, bandOf(usedAt(state, setup.calendar, now), thresholds)) : merged.band;
  const next = thresholds && merged.leftAt === null ? nextCheckAt(state, thresholds, setup.calendar, now) : null;
  return ctx.store.clocks.update(clock.id, { ...patch, band, nextCheckAt: next });
}

const BAND_ORDER = ['green', 'yellow', 'red'] as const;
function worseBand(a: SlaClockRow['band'], b: SlaClockRow['band']): SlaClockRow['band'] {
  return BAND_ORDER.indexOf(a) >= BAND_ORDER.indexOf(b) ? a : b;
}

/**
 * The worst band an SLA clock reached by `now` (or when it stopped), undefined when its tier has no
 * SLA. A clock not swept since its last change may be worse than stored: the worse of the two.
 */
export function worstBand(setup: SlaSetup, clock: SlaClockRow, ticket: Pick<TicketRow, 'priority' | 'department'>, now: Date): SlaClockRow['band'] | undefined {
  const thresholds = setup.thresholds({ tier: clock.tier, priority: ticket.priority, department: ticket.department });
  if (!thresholds) return undefined;
  const live = bandOf(usedAt(clock, setup.calendar, clock.leftAt ?? now), thresholds);
  return BAND_ORDER.indexOf(live) > BAND_ORDER.indexOf(clock.band) ? live : clock.band;
}

/** Stops a clock for good (the ticket left the tier), freezing the business time it used. */
function closeClock(ctx: AppContext, setup: SlaSetup, ticket: TicketRow, clock: SlaClockRow, now: Date): void {
  const used = usedAt(stateOf(clock), setup.calendar, now);
  saveClock(ctx, setup, ticket, clock, { usedMs: used, runningSince: null, leftAt: now }, now);
}

/**
 * Starts the clock of a new tier entry (running if the ticket is Open), with its band and next
 * check worked out before the insert: the row saveClock would leave, in one statement.
 */
function openClock(ctx: AppContext, setup: SlaSetup, ticket: TicketRow, now: Date): void {
  const state: ClockState = { usedMs: 0, runningSince: clockRuns(ticket) ? now : null, warned: null, snoozedUntil: null };
  const thresholds = setup.thresholds(ticket);
  const band = thresholds ? worseBand('green', bandOf(usedAt(state, setup.calendar, now), thresholds)) : 'green';
  const next = thresholds ? nextCheckAt(state, thresholds, setup.calendar, now) : null;
  ctx.store.clocks.open({
    ticketId: ticket.id,
    tier: ticket.tier,
    enteredAt: ticket.tierEnteredAt,
    runningSince: state.runningSince,
    band,
    nextCheckAt: next,
  });
}

/**
 * Keeps the SLA clock in step with a ticket change: a new tier entry closes the old clock and
 * opens a new one; a status change pauses or resumes it; a priority or department change moves
 * its next check. `before` is null for a new ticket.
 */
export function syncSlaClock(ctx: AppContext, before: TicketRow | null, after: TicketRow, now: Date, setup: SlaSetup = slaSetup(ctx)): void {
  // A new ticket has no clock yet: its number was never used (AUTOINCREMENT) and a clock cannot
  // outlive its ticket (foreign key).
  const clock = before ? currentClock(ctx, after.id) : undefined;
  const newEntry = !before || before.tier !== after.tier || before.tierEnteredAt.getTime() !== after.tierEnteredAt.getTime();
  if (newEntry || !clock) {
    if (clock) closeClock(ctx, setup, before ?? after, clock, now);
    openClock(ctx, setup, after, now);
    return;
  }
  const runs = clockRuns(after);
  if (runs && !clock.runningSince) {
    saveClock(ctx, setup, after, clock, { runningSince: now }, now);
  } else if (!runs && clock.runningSince) {
    saveClock(ctx, setup, after, clock, { usedMs: usedAt(stateOf(clock), setup.calendar, now), runningSince: null }, now);
  } else if (before.priority !== after.priority || before.department !== after.department) {
    saveClock(ctx, setup, after, clock, {}, now);
  }
}

/** Snoozes a ticket's warnings until `until` (the clock itself keeps running). */
export function snoozeClock(ctx: AppContext, ticket: TicketRow, until: Date, now: Date): SlaClockRow | undefined {
  const clock = currentClock(ctx, ticket.id);
  if (!clock) return undefined;
  return saveClock(ctx, slaSetup(ctx), ticket, clock, { snoozedUntil: until }, now);
}

/** Records a warning as given and moves the clock's next check on. */
export function markWarned(ctx: AppContext, setup: SlaSetup, ticket: TicketRow, clock: SlaClockRow, warned: NonNullable<SlaClockRow['warned']>, now: Date): SlaClockRow {
  return saveClock(ctx, setup, ticket, clock, { warned }, now);
}

/** Recomputes a clock's band and next check without other changes (a due clock with nothing to say). */
export function refreshClock(ctx: AppContext, setup: SlaSetup, ticket: TicketRow, clock: SlaClockRow, now: Date): SlaClockRow {
  return saveClock(ctx, setup, ticket, clock, {}, now);
}

/** Clocks whose next check is due, oldest first (the index on next_check_at keeps this cheap). */
export function dueClocks(ctx: AppContext, now: Date, limit = 5_000): SlaClockRow[] {
  return ctx.store.clocks.due(now, limit);
}

export interface TicketSla {
  clock: SlaClockRow;
  thresholds: Thresholds;
  status: SlaStatus;
}

/** The SLA of a ticket's current tier entry, or null when its tier has none (On-Call). */
export function ticketSla(ctx: AppContext, setup: SlaSetup, ticket: TicketRow, now: Date): TicketSla | null {
  const clock = currentClock(ctx, ticket.id);
  const thresholds = setup.thresholds(ticket);
  if (!clock || !thresholds) return null;
  return { clock, thresholds, status: slaStatus(stateOf(clock), thresholds, setup.calendar, now) };
}

/** Tickets whose clock runs in a tier (or all tiers) with their SLA, worst first: least business time left to red. */
export function slaQueue(ctx: AppContext, now: Date, tier?: TicketRow['tier']): (TicketSla & { ticket: TicketRow })[] {
  const setup = slaSetup(ctx);
  const rows = ctx.store.clocks.runningWithTickets(tier);
  const result: (TicketSla & { ticket: TicketRow })[] = [];
  for (const { ticket, clock } of rows) {
    const thresholds = setup.thresholds(ticket);
    if (!thresholds) continue;
    result.push({ ticket, clock, thresholds, status: slaStatus(stateOf(clock), thresholds, setup.calendar, now) });
  }
  const toRed = (r: TicketSla) => r.thresholds.redAfterMs - r.status.usedMs;
  return result.sort((a, b) => toRed(a) - toRed(b) || a.ticket.id - b.ticket.id);
}

/** The length of a business day per frozen calendar (the settings cache hands out frozen ones). */
const dayLengths = new WeakMap<BusinessCalendar, number>();

/** When the requester is owed a reply: one business day after their message. */
export function replyDeadline(calendar: BusinessCalendar, requesterMessageAt: Date): Date {
  let day = dayLengths.get(calendar);
  if (day === undefined) {
    day = businessDayMs(calendar);
    if (Object.isFrozen(calendar)) dayLengths.set(calendar, day);
  }
  return addBusinessTime(calendar, requesterMessageAt, day);
}
