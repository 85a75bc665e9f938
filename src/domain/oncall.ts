/**
 * On-call rotations and the acknowledgement ladder, pure. Shifts are local weeks in the team zone:
 * each starts at the hand-off weekday and time as the wall clock there shows it, so across a DST
 * change a shift lasts 167 or 169 hours and the hand-off stays at 10:00 local. Every function takes
 * the instants it needs; nothing reads the real clock.
 */
import { localParts, zonedInstant, type LocalDay } from './zoned-time.js';

const MINUTE_MS = 60_000;

/** A rotation's timing: weekly hand-off at a weekday (1 = Monday … 7 = Sunday) and "HH:mm" in `timeZone`. */
export interface RotationTiming {
  handoffWeekday: number;
  handoffTime: string;
  /** Any instant in the first participant's first shift (usually its start). */
  anchorAt: Date;
  timeZone: string;
}

/** Someone covering the rotation for a period; on overlap the override with the highest id (the latest) wins. */
export interface RotationOverride {
  id: number;
  personId: number;
  startsAt: Date;
  endsAt: Date;
}

/** One weekly shift: its number counted from the anchor's shift (negative before it) and its bounds. */
export interface Shift {
  index: number;
  start: Date;
  end: Date;
}

/** A stretch of one shift with one person on call (overrides split shifts into several). */
export interface Segment {
  shift: Shift;
  start: Date;
  end: Date;
  /** Who is on call; null when nobody is (no participants and no override). */
  personId: number | null;
  /** Who the rotation itself names for the shift, whatever the overrides say. */
  scheduledPersonId: number | null;
  backupPersonId: number | null;
  overrideId: number | null;
}

/** Who is on call at an instant, with the shift and the stretch this person holds. */
export interface OnCallAt {
  personId: number | null;
  backupPersonId: number | null;
  scheduledPersonId: number | null;
  viaOverride: boolean;
  overrideId: number | null;
  shiftStart: Date;
  shiftEnd: Date;
  /** When this person's stretch began and when the on-call person next changes. */
  from: Date;
  until: Date;
}

/** "HH:mm" (00:00–23:59) as hours and minutes, or null. */
export function parseClockTime(text: string): { hours: number; minutes: number } | null {
  const match = /^(\d{1,2}):(\d{2})$/.exec(text.trim());
  if (!match) return null;
  const hours = Number(match[1]);
  const minutes = Number(match[2]);
  return hours <= 23 && minutes <= 59 ? { hours, minutes } : null;
}

const WEEKDAY_NAMES = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;

/** "mon", "Monday", "1" -> 1 (ISO, Monday first); null when it names no weekday. */
export function parseWeekday(text: string): number | null {
  const lowered = text.trim().toLowerCase();
  if (/^[1-7]$/.test(lowered)) return Number(lowered);
  if (lowered.length < 2) return null;
  const index = WEEKDAY_NAMES.findIndex((name) => name.startsWith(lowered));
  return index >= 0 ? index + 1 : null;
}

/** "Monday" for 1 … "Sunday" for 7. */
export function weekdayName(weekday: number): string {
  const name = WEEKDAY_NAMES[weekday - 1] ?? 'monday';
  return name[0]!.toUpperCase() + name.slice(1);
}

function handoffClock(rotation: RotationTiming): { hours: number; minutes: number } {
  const clock = parseClockTime(rotation.handoffTime);
  if (!clock) throw new Error(`Bad hand-off time "${rotation.handoffTime}"`);
  return clock;
}

function handoffOn(rotation: RotationTiming, day: LocalDay): number {
  const { hours, minutes } = handoffClock(rotation);
  return zonedInstant(day, hours, minutes, rotation.timeZone);
}

/** The local day (days since 1970-01-01 on the zone's calendar) of the last hand-off at or before `at`. */
function handoffDayOnOrBefore(rotation: RotationTiming, at: number): LocalDay {
  const local = localParts(at, rotation.timeZone);
  let day = local.day - ((local.weekday - rotation.handoffWeekday + 7) % 7);
  if (handoffOn(rotation, day) > at) day -= 7;
  return day;
}

/** The most recent hand-off instant at or before `at` (where a rotation set at `at` anchors). */
export function lastHandoff(rotation: Omit<RotationTiming, 'anchorAt'>, at: Date): Date {
  const timing = { ...rotation, anchorAt: at };
  return new Date(handoffOn(timing, handoffDayOnOrBefore(timing, at.getTime())));
}

/** The weekly shift holding `at`: index counted from the anchor's shift, start and end instants. */
export function shiftAt(rotation: RotationTiming, at: Date): Shift {
  const day = handoffDayOnOrBefore(rotation, at.getTime());
  const anchorDay = handoffDayOnOrBefore(rotation, rotation.anchorAt.getTime());
  return shiftOfDay(rotation, day, anchorDay);
}

function shiftOfDay(rotation: RotationTiming, day: LocalDay, anchorDay: LocalDay): Shift {
  return {
    index: Math.round((day - anchorDay) / 7),
    start: new Date(handoffOn(rotation, day)),
    end: new Date(handoffOn(rotation, day + 7)),
  };
}

/** The shift after `shift` (same rotation). */
function nextShift(rotation: RotationTiming, shift: Shift): Shift {
  // The hand-off day is found again from the instant: a hand-off time inside a DST gap may fall on the next local day.
  const day = handoffDayOnOrBefore(rotation, shift.end.getTime());
  return { index: shift.index + 1, start: shift.end, end: new Date(handoffOn(rotation, day + 7)) };
}

const mod = (n: number, m: number): number => ((n % m) + m) % m;

/** The participant the rotation names for shift `index` (round robin from the anchor). */
export function scheduledFor(members: readonly number[], index: number): number | null {
  return members.length === 0 ? null : members[mod(index, members.length)]!;
}

/**
 * The backup: the next participant in line after the scheduled one, skipping whoever is on call.
 * With an override the scheduled person is not made backup (they handed the shift off for a
 * reason), so a two-person rotation with the other person covering has no backup.
 */
export function backupFor(members: readonly number[], index: number, onCall: number | null): number | null {
  const count = members.length;
  if (count === 0) return null;
  const scheduledPosition = mod(index, count);
  for (let step = 1; step < count; step++) {
    const candidate = members[(scheduledPosition + step) % count]!;
    if (candidate !== onCall && candidate !== members[scheduledPosition]) return candidate;
  }
  return null;
}

/** The override in force at `at` (the latest created wins), if any. */
export function overrideAt(overrides: readonly RotationOverride[], at: number): RotationOverride | null {
  let winner: RotationOverride | null = null;
  for (const override of overrides) {
    if (override.startsAt.getTime() <= at && at < override.endsAt.getTime() && (!winner || override.id > winner.id)) winner = override;
  }
  return winner;
}

/** One shift cut into segments at every override boundary inside it; neighbours with the same cover merge. */
export function segmentsOf(shift: Shift, members: readonly number[], overrides: readonly RotationOverride[]): Segment[] {
  const start = shift.start.getTime();
  const end = shift.end.getTime();
  const cuts = new Set<number>([start, end]);
  for (const o of overrides) {
    for (const t of [o.startsAt.getTime(), o.endsAt.getTime()]) if (t > start && t < end) cuts.add(t);
  }
  const points = [...cuts].sort((a, b) => a - b);
  const scheduled = scheduledFor(members, shift.index);
  const segments: Segment[] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const override = overrideAt(overrides, points[i]!);
    const personId = override ? override.personId : scheduled;
    const last = segments.at(-1);
    if (last && last.personId === personId && last.overrideId === (override?.id ?? null)) {
      last.end = new Date(points[i + 1]!);
      continue;
    }
    segments.push({
      shift,
      start: new Date(points[i]!),
      end: new Date(points[i + 1]!),
      personId,
      scheduledPersonId: scheduled,
      backupPersonId: override ? backupFor(members, shift.index, personId) : backupFor(members, shift.index, scheduled),
      overrideId: override?.id ?? null,
    });
  }
  return segments;
}

/** Who is on call at `at`: the override in force, else the scheduled participant, with the backup. */
export function whoIsOnCall(rotation: RotationTiming, members: readonly number[], overrides: readonly RotationOverride[], at: Date): OnCallAt {
  const shift = shiftAt(rotation, at);
  const time = at.getTime();
  let segments = segmentsOf(shift, members, overrides);
  let position = segments.findIndex((s) => s.start.getTime() <= time && time < s.end.getTime());
  const segment = segments[position]!;
  // "Until" is when the person changes, which overrides can push past the shift's end. A plain
  // hand-off (no override on either side) always ends it, so a rotation of one still shows the week.
  let previous = segment;
  for (let guard = 0; guard < 200; guard++) {
    position++;
    if (position >= segments.length) {
      segments = segmentsOf(nextShift(rotation, previous.shift), members, overrides);
      position = 0;
    }
    const following = segments[position]!;
    const plainHandoff = following.start.getTime() === following.shift.start.getTime() && previous.overrideId === null && following.overrideId === null;
    if (following.personId !== segment.personId || plainHandoff) break;
    previous = following;
  }
  const until = previous.end;
  return {
    personId: segment.personId,
    backupPersonId: segment.backupPersonId,
    scheduledPersonId: segment.scheduledPersonId,
    viaOverride: segment.overrideId !== null,
    overrideId: segment.overrideId,
    shiftStart: shift.start,
    shiftEnd: shift.end,
    from: segment.start,
    until,
  };
}

/** The segments of `weeks` shifts starting with the one holding `from`, overrides applied. */
export function schedule(rotation: RotationTiming, members: readonly number[], overrides: readonly RotationOverride[], from: Date, weeks: number): Segment[] {
  const segments: Segment[] = [];
  let shift = shiftAt(rotation, from);
  for (let week = 0; week < weeks; week++) {
    segments.push(...segmentsOf(shift, members, overrides));
    shift = nextShift(rotation, shift);
  }
  return segments;
}

/**
 * Everyone on call at some point in [from, to), overrides applied, in order of appearance (null:
 * a stretch nobody covers). The people an override for that period would replace.
 */
export function holdersBetween(rotation: RotationTiming, members: readonly number[], overrides: readonly RotationOverride[], from: Date, to: Date): (number | null)[] {
  const holders: (number | null)[] = [];
  for (let shift = shiftAt(rotation, from); shift.start.getTime() < to.getTime(); shift = nextShift(rotation, shift)) {
    for (const segment of segmentsOf(shift, members, overrides)) {
      const overlaps = segment.start.getTime() < to.getTime() && segment.end.getTime() > from.getTime();
      if (overlaps && !holders.includes(segment.personId)) holders.push(segment.personId);
    }
  }
  return holders;
}

/** Something `/oncall check` should warn about in a rotation. */
export type RotationProblem =
  | { kind: 'no-members' }
  /** Fewer than two distinct participants: the call step has no backup to call. */
  | { kind: 'no-backup' }
  /** Nobody on call in this span (no participants and no override covering it). */
  | { kind: 'uncovered'; start: Date; end: Date }
  /** Someone is on call but nobody is backup (an override took the only other participant). */
  | { kind: 'backup-missing'; start: Date; end: Date; personId: number }
  /** An override that changes nothing: it names the scheduled person, or later overrides hide it all. */
  | { kind: 'override-ineffective'; overrideId: number; reason: 'same-person' | 'shadowed' };

/** Problems with a rotation between `from` and `until` (shifts touching that span are checked whole). */
export function rotationGaps(
  rotation: RotationTiming,
  members: readonly number[],
  overrides: readonly RotationOverride[],
  from: Date,
  until: Date,
): RotationProblem[] {
  const problems: RotationProblem[] = [];
  const distinct = new Set(members).size;
  if (distinct === 0) problems.push({ kind: 'no-members' });
  else if (distinct === 1) problems.push({ kind: 'no-backup' });
  const segments: Segment[] = [];
  for (let shift = shiftAt(rotation, from); shift.start.getTime() < until.getTime(); shift = nextShift(rotation, shift)) {
    segments.push(...segmentsOf(shift, members, overrides));
  }
  for (const span of mergeSpans(segments.filter((s) => s.personId === null))) problems.push({ kind: 'uncovered', ...span });
  if (distinct >= 2) {
    for (const s of segments) {
      if (s.personId !== null && s.backupPersonId === null) problems.push({ kind: 'backup-missing', start: s.start, end: s.end, personId: s.personId });
    }
  }
  for (const o of overrides) {
    if (o.endsAt.getTime() <= from.getTime() || o.startsAt.getTime() >= until.getTime()) continue;
    const own = segments.filter((s) => s.overrideId === o.id);
    if (own.length === 0) problems.push({ kind: 'override-ineffective', overrideId: o.id, reason: 'shadowed' });
    else if (own.every((s) => s.scheduledPersonId === o.personId)) problems.push({ kind: 'override-ineffective', overrideId: o.id, reason: 'same-person' });
  }
  return problems;
}

function mergeSpans(segments: readonly Segment[]): { start: Date; end: Date }[] {
  const spans: { start: Date; end: Date }[] = [];
  for (const s of segments) {
    const last = spans.at(-1);
    if (last && last.end.getTime() === s.start.getTime()) last.end = s.end;
    else spans.push({ start: s.start, end: s.end });
  }
  return spans;
}

/** Where an on-call escalation stands: announced -> paged -> called. */
export type LadderStepName = 'announced' | 'paged' | 'called';

/** The stored snapshot of one escalation that the ladder needs. */
export interface LadderState {
  step: LadderStepName;
  escalatedAt: Date;
  /** When the page went out; by default the instant it was due (so a late tick does not delay the call). */
  pagedAt?: Date | null;
  major: boolean;
  acknowledgedAt: Date | null;
}

export interface LadderPolicy {
  /** Minutes to acknowledge before the page. */
  ackMinutes: number;
  /** Minutes after the page before the call step. */
  callAfterPageMinutes: number;
}

/** docs/workflow.md: acknowledge within an hour; call 30 minutes after the page. */
export const DEFAULT_LADDER_POLICY: LadderPolicy = { ackMinutes: 60, callAfterPageMinutes: 30 };

/** What the ladder does now: the step to take (if one is due) and when to look again. */
export interface LadderDecision {
  next: 'page' | 'call' | null;
  /** After taking `next`: when the following step falls due; null when the ladder is finished. */
  nextStepAt: Date | null;
}

/** The step name a ladder action leads to. */
export const STEP_AFTER = { page: 'paged', call: 'called' } as const satisfies Record<'page' | 'call', LadderStepName>;

/** When the page is due: at once for a major outage, else `ackMinutes` after the escalation. */
export function pageDueAt(state: Pick<LadderState, 'escalatedAt' | 'major'>, policy: LadderPolicy = DEFAULT_LADDER_POLICY): Date {
  return new Date(state.escalatedAt.getTime() + (state.major ? 0 : policy.ackMinutes * MINUTE_MS));
}

/** When the call step is due: `callAfterPageMinutes` after the page (as sent, or as due). */
export function callDueAt(state: Omit<LadderState, 'step' | 'acknowledgedAt'>, policy: LadderPolicy = DEFAULT_LADDER_POLICY): Date {
  const paged = state.pagedAt ?? pageDueAt(state, policy);
  return new Date(paged.getTime() + policy.callAfterPageMinutes * MINUTE_MS);
}

/**
 * The pure step function of the acknowledgement ladder. Acknowledged or finished: nothing, ever.
 * Otherwise the due step (if any) and when to look again. A tick long after both deadlines gets
 * 'page' now and, applied again to the advanced state, 'call': each step once, not once per
 * missed tick.
 */
export function ladderStep(state: LadderState, now: Date, policy: LadderPolicy = DEFAULT_LADDER_POLICY): LadderDecision {
  if (state.acknowledgedAt !== null) return { next: null, nextStepAt: null };
  const time = now.getTime();
  switch (state.step) {
    case 'announced': {
      const pageAt = pageDueAt(state, policy);
      if (time < pageAt.getTime()) return { next: null, nextStepAt: pageAt };
      return { next: 'page', nextStepAt: callDueAt(state, policy) };
    }
    case 'paged': {
      const callAt = callDueAt(state, policy);
      if (time < callAt.getTime()) return { next: null, nextStepAt: callAt };
      return { next: 'call', nextStepAt: null };
    }
    case 'called':
      return { next: null, nextStepAt: null };
  }
}
