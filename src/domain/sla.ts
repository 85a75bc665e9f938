/**
 * Response-time SLAs in business time (docs/workflow.md's table). Pure: every function takes the clock
 * state, the calendar and `now`. A tier entry's clock runs while the ticket is Open or in Review in
 * that tier, and pauses while it waits on the requester (Pending, Waiting on Customer, Hold) or is
 * handed off to another team; Resolved and Closed stop it.
 */
import { z } from 'zod';
import { addBusinessTime, businessDayMs, businessTimeBetween, type BusinessCalendar } from './calendar.js';
import { DEPARTMENTS, LADDER_TIERS, PRIORITIES, type Department, type HandoffTeam, type Priority, type Status, type Tier } from './vocabulary.js';

export type Band = 'green' | 'yellow' | 'red';
export type SlaWarning = 'pre-yellow' | 'yellow' | 'red';
export const WARNINGS: readonly SlaWarning[] = ['pre-yellow', 'yellow', 'red'];

/** "2h", "30m", "1d", "1.5d": business time; a day is the calendar's business-day length. */
export const businessDurationSchema = z
  .string()
  .trim()
  .regex(/^\d+(\.\d+)?\s*(m|h|d)$/i, 'use a number with m, h or d, like 30m, 2h or 1d');

const thresholdSchema = z.object({ yellowAfter: businessDurationSchema, redAfter: businessDurationSchema });

/** The policy matrix: per-tier defaults, factors per priority and department, and specific overrides. */
export const slaPolicySchema = z.object({
  tiers: z.record(z.enum(LADDER_TIERS), thresholdSchema),
  priorityFactor: z.record(z.enum(PRIORITIES), z.number().positive().max(10)),
  departmentFactor: z.record(z.enum(DEPARTMENTS), z.number().positive().max(10)),
  /** The most specific matching override wins over tier × factors. */
  overrides: z.array(
    thresholdSchema.extend({
      tier: z.enum(LADDER_TIERS).optional(),
      priority: z.enum(PRIORITIES).optional(),
      department: z.enum(DEPARTMENTS).optional(),
    }),
  ),
  /** The early warning comes this many business minutes before yellow. */
  preYellowMinutes: z.number().int().min(0).max(24 * 60),
});
export type SlaPolicy = z.infer<typeof slaPolicySchema>;

/**
 * docs/workflow.md's table. High priority halves every threshold (a T1 High ticket turns yellow after
 * one business hour and red after half a business day); Community, which has no contract, gets
 * twice as long; Low priority keeps the tier's defaults so no requester waits longer than the
 * handbook's worst case.
 */
export const DEFAULT_SLA_POLICY: SlaPolicy = {
  tiers: {
    triage: { yellowAfter: '2h', redAfter: '1d' },
    t1: { yellowAfter: '2h', redAfter: '1d' },
    t2: { yellowAfter: '1d', redAfter: '2d' },
    t3: { yellowAfter: '1d', redAfter: '2d' },
    t4: { yellowAfter: '2d', redAfter: '3d' },
    t5: { yellowAfter: '2d', redAfter: '3d' },
  },
  priorityFactor: { high: 0.5, medium: 1, low: 1 },
  departmentFactor: { paid: 1, community: 2, trials: 1 },
  overrides: [],
  preYellowMinutes: 30,
};

export interface Thresholds {
  yellowAfterMs: number;
  redAfterMs: number;
  preYellowMs: number;
}

/** Converts "2h" / "1d" to business milliseconds for this calendar. */
export function businessDurationMs(text: string, calendar: BusinessCalendar): number {
  const match = /^(\d+(?:\.\d+)?)\s*(m|h|d)$/i.exec(text.trim());
  if (!match) throw new Error(`Bad business duration "${text}"`);
  const value = Number(match[1]);
  const unit = match[2]!.toLowerCase();
  const unitMs = unit === 'm' ? 60_000 : unit === 'h' ? 3_600_000 : businessDayMs(calendar);
  return Math.round(value * unitMs);
}

/** The thresholds for a ticket, or null for tiers without a response SLA (On-Call has its own ladder). */
export function thresholdsFor(
  policy: SlaPolicy,
  calendar: BusinessCalendar,
  ticket: { tier: Tier; priority: Priority; department: Department },
): Thresholds | null {
  if (ticket.tier === 'oncall') return null;
  const preYellowMs = policy.preYellowMinutes * 60_000;
  const matching = policy.overrides
    .filter((o) => (!o.tier || o.tier === ticket.tier) && (!o.priority || o.priority === ticket.priority) && (!o.department || o.department === ticket.department))
    .sort((a, b) => specificity(b) - specificity(a));
  const override = matching[0];
  if (override) {
    return { yellowAfterMs: businessDurationMs(override.yellowAfter, calendar), redAfterMs: businessDurationMs(override.redAfter, calendar), preYellowMs };
  }
  const base = policy.tiers[ticket.tier];
  if (!base) return null;
  const factor = (policy.priorityFactor[ticket.priority] ?? 1) * (policy.departmentFactor[ticket.department] ?? 1);
  return {
    yellowAfterMs: Math.round(businessDurationMs(base.yellowAfter, calendar) * factor),
    redAfterMs: Math.round(businessDurationMs(base.redAfter, calendar) * factor),
    preYellowMs,
  };
}

function specificity(o: { tier?: unknown; priority?: unknown; department?: unknown }): number {
  return (o.tier ? 4 : 0) + (o.department ? 2 : 0) + (o.priority ? 1 : 0);
}

/**
 * Whether a tier entry's clock runs: while the ticket waits on us in its tier's queue, that is Open
 * or in Review (an agent still owes the review, so it counts like Open), and not handed off to
 * another team (Engagement, Product, Marketing have it until it comes back).
 */
export function clockRuns(ticket: { status: Status; team: HandoffTeam | null }): boolean {
  return (ticket.status === 'open' || ticket.status === 'review') && ticket.team === null;
}

/** When a clock started or stopped running, as a ticket's history shows it. */
export interface RunningChange {
  at: Date;
  running: boolean;
}

/**
 * The business time a clock used from `from` (running then if `runningAtStart`) to `end`, switching
 * at each change in order. For a clock as of an instant its stored state no longer tells, because
 * it was paused or resumed since (the digest's bands as of a week's end).
 */
export function usedOverTimeline(calendar: BusinessCalendar, from: Date, runningAtStart: boolean, changes: readonly RunningChange[], end: Date): number {
  let used = 0;
  let running = runningAtStart;
  let since = from;
  for (const change of changes) {
    if (change.at.getTime() >= end.getTime()) break;
    if (change.running === running) continue;
    if (running) used += businessTimeBetween(calendar, since, change.at);
    running = change.running;
    since = change.at;
  }
  if (running && end.getTime() > since.getTime()) used += businessTimeBetween(calendar, since, end);
  return used;
}

/** The stored state of one tier entry's clock. */
export interface ClockState {
  usedMs: number;
  runningSince: Date | null;
  warned: SlaWarning | null;
  snoozedUntil: Date | null;
}

/** Business time used so far, as of `now`. */
export function usedAt(clock: Pick<ClockState, 'usedMs' | 'runningSince'>, calendar: BusinessCalendar, now: Date): number {
  if (!clock.runningSince || now <= clock.runningSince) return clock.usedMs;
  return clock.usedMs + businessTimeBetween(calendar, clock.runningSince, now);
}

export function bandOf(usedMs: number, thresholds: Thresholds): Band {
  if (usedMs >= thresholds.redAfterMs) return 'red';
  if (usedMs >= thresholds.yellowAfterMs) return 'yellow';
  return 'green';
}

/** Business time used at which each warning falls due. */
export function warningAt(warning: SlaWarning, thresholds: Thresholds): number {
  if (warning === 'red') return thresholds.redAfterMs;
  if (warning === 'yellow') return thresholds.yellowAfterMs;
  return Math.max(0, thresholds.yellowAfterMs - thresholds.preYellowMs);
}

/** The warnings not yet given, in order. */
function pendingWarnings(warned: SlaWarning | null, thresholds: Thresholds): SlaWarning[] {
  const from = warned ? WARNINGS.indexOf(warned) + 1 : 0;
  // No early warning when it would fall at the very start (a policy with yellow <= pre-yellow).
  return WARNINGS.slice(from).filter((w) => w !== 'pre-yellow' || thresholds.yellowAfterMs > thresholds.preYellowMs);
}

/**
 * The warning due now, if any. After downtime several may have passed: only the most severe is
 * given (a red ticket gets one red warning, not a yellow and a red in the same minute).
 */
export function dueWarning(clock: ClockState, thresholds: Thresholds, calendar: BusinessCalendar, now: Date): SlaWarning | null {
  if (clock.snoozedUntil && clock.snoozedUntil > now) return null;
  const used = usedAt(clock, calendar, now);
  const due = pendingWarnings(clock.warned, thresholds).filter((w) => used >= warningAt(w, thresholds));
  return due.at(-1) ?? null;
}

/**
 * The next instant the sweep must look at this clock: when the next warning falls due (or the
 * snooze ends). Null when the clock is paused or every warning has been given.
 */
export function nextCheckAt(clock: ClockState, thresholds: Thresholds, calendar: BusinessCalendar, now: Date): Date | null {
  if (!clock.runningSince) return null;
  const next = pendingWarnings(clock.warned, thresholds)[0];
  if (!next) return null;
  const remaining = warningAt(next, thresholds) - clock.usedMs;
  const at = remaining <= 0 ? clock.runningSince : addBusinessTime(calendar, clock.runningSince, remaining);
  const due = at < now ? now : at;
  return clock.snoozedUntil && clock.snoozedUntil > due ? clock.snoozedUntil : due;
}

export interface SlaStatus {
  band: Band;
  usedMs: number;
  /** The next band and the business time left until it, if the clock can still reach one. */
  next: { band: Exclude<Band, 'green'>; leftMs: number; at: Date | null } | null;
  running: boolean;
}

/** Everything /sla shows for one clock. `at` is null while paused (it cannot be predicted). */
export function slaStatus(clock: ClockState, thresholds: Thresholds, calendar: BusinessCalendar, now: Date): SlaStatus {
  const usedMs = usedAt(clock, calendar, now);
  const band = bandOf(usedMs, thresholds);
  const running = clock.runningSince !== null;
  const nextBand = band === 'green' ? 'yellow' : band === 'yellow' ? 'red' : null;
  if (!nextBand) return { band, usedMs, next: null, running };
  const leftMs = (nextBand === 'yellow' ? thresholds.yellowAfterMs : thresholds.redAfterMs) - usedMs;
  return { band, usedMs, running, next: { band: nextBand, leftMs, at: running ? addBusinessTime(calendar, now, leftMs) : null } };
}

/** "1 h 30 min", "2 d 3 h" (business days of the calendar's length). */
export function formatBusinessDuration(ms: number, calendar: BusinessCalendar): string {
  const negative = ms < 0;
  let rest = Math.round(Math.abs(ms) / 60_000);
  const dayMinutes = Math.round(businessDayMs(calendar) / 60_000);
  const days = Math.floor(rest / dayMinutes);
  rest -= days * dayMinutes;
  const hours = Math.floor(rest / 60);
  const minutes = rest - hours * 60;
  const parts = [days ? `${days} d` : '', hours ? `${hours} h` : '', minutes || (!days && !hours) ? `${minutes} min` : ''].filter(Boolean);
  return `${negative ? '-' : ''}${parts.join(' ')}`;
}
