/**
 * The team's business calendar: working hours per weekday in one IANA zone, holidays, and the
 * length of "1 business day". Pure: instants in, instants out; never reads the real clock.
 *
 * Working time is the set of instants whose local wall-clock time (date and time of day) falls in
 * a working interval of a non-holiday day. That one definition covers every DST case: a local
 * interval inside a spring-forward gap holds no instants, one spanning the gap is shorter, one
 * spanning a fall-back overlap is longer (the repeated wall minutes count twice).
 *
 * Computation works on UTC-day chunks: the zone's offsets within a chunk are found from Intl (with
 * a binary search only on transition days), each constant-offset segment is mapped onto the local
 * days it covers, and each chunk's working spans and total are memoised. Because chunks follow UTC
 * order, this stays right even where local dates run backwards (St. John's fell back from 00:01 to
 * 23:01 until 2011). Calendars are treated as immutable values once passed in.
 */
import { tzOffset } from '@date-fns/tz';
import { z } from 'zod';
import { parseTypedDate } from './guard-week.js';
import { closestMatches } from './text.js';

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export type Weekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

/** One working interval in local wall-clock time, "HH:mm"; `end` may be "24:00"; start < end. */
export interface WorkInterval {
  start: string;
  end: string;
}

/** A team's working time: zone, weekly hours, holidays, and the length of a business day. */
export interface BusinessCalendar {
  /** IANA zone the hours and holidays are read in. */
  timeZone: string;
  /** Sorted, non-overlapping intervals per weekday; a missing or empty day is closed. */
  hours: Partial<Record<Weekday, WorkInterval[]>>;
  /** Local dates "YYYY-MM-DD" with no working time. */
  holidays: string[];
  /** Length of "1 business day" in minutes; unset means the usual working day (businessDayMs). */
  businessDayMinutes?: number;
}

/** The weekdays in order, Monday first. */
export const WEEKDAYS: readonly Weekday[] = [1, 2, 3, 4, 5, 6, 7];

/** Short English names of the weekdays. */
export const WEEKDAY_NAMES: Readonly<Record<Weekday, string>> = { 1: 'Mon', 2: 'Tue', 3: 'Wed', 4: 'Thu', 5: 'Fri', 6: 'Sat', 7: 'Sun' };

const MINUTE_MS = 60_000;
const DAY_MINUTES = 24 * 60;
const DAY_MS = DAY_MINUTES * MINUTE_MS;
/** How far to look for working time before calling the calendar empty. */
const SEARCH_LIMIT_DAYS = 5 * 366;
/** Longest span addBusinessTime will walk; beyond it the input is a bug, not a deadline. */
const WALK_LIMIT_DAYS = 100 * 366;
/** Memo sizes: beyond these, a cache is dropped and rebuilt (a sweep touches a few weeks at most). */
const MAX_CACHED_CHUNKS = 20_000;

const CLOCK = /^(?:([01]\d|2[0-3]):([0-5]\d)|(24):(00))$/;

// ---------------------------------------------------------------------------------------------
// Small value helpers

/** Minutes since local midnight for "HH:mm" (00:00–24:00), or undefined if it is not one. */
export function parseClock(text: string): number | undefined {
  const match = CLOCK.exec(text);
  if (!match) return undefined;
  return Number(match[1] ?? match[3]) * 60 + Number(match[2] ?? match[4]);
}

/** "HH:mm" for minutes since local midnight (1440 -> "24:00"). */
export function formatClock(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** True when the runtime knows `zone` as a time zone (IANA names, "UTC", aliases). */
export function isTimeZone(zone: string): boolean {
  if (zone.trim() === '') return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** A zone typed by a person: its canonical spelling, or the closest known zones. */
export type ResolvedZone = { ok: true; zone: string } | { ok: false; suggestions: string[] };

/**
 * Resolves a typed zone ("europe/berlin" -> "Europe/Berlin"); unknown ones get suggestions. The
 * typed name is kept rather than Intl's canonical one, which is often the legacy name
 * (Asia/Kolkata resolves to Asia/Calcutta).
 */
export function resolveTimeZone(text: string): ResolvedZone {
  const typed = text.trim().replace(/\s+/g, '_');
  const zones = [...Intl.supportedValuesOf('timeZone'), 'UTC'];
  const listed = zones.find((zone) => zone.toLowerCase() === typed.toLowerCase());
  if (listed) return { ok: true, zone: listed };
  if (isTimeZone(typed)) return { ok: true, zone: /[A-Z]/.test(typed) ? typed : titleCaseZone(typed) };
  const byCity = new Map(zones.map((zone) => [zone.slice(zone.lastIndexOf('/') + 1).replace(/_/g, ' '), zone]));
  const cities = closestMatches(typed.replace(/_/g, ' '), [...byCity.keys()], 3).map((city) => byCity.get(city)!);
  const suggestions = [...new Set([...closestMatches(typed, zones, 3), ...cities])].slice(0, 3);
  return { ok: false, suggestions };
}

/** "asia/ho_chi_minh" -> "Asia/Ho_Chi_Minh", "etc/gmt+5" -> "Etc/GMT+5". */
function titleCaseZone(zone: string): string {
  return zone.replace(/(^|[/_-])([a-z])/g, (_, separator: string, letter: string) => separator + letter.toUpperCase()).replace(/\b(Gmt|Utc)\b/g, (word) => word.toUpperCase());
}

/** True for a local date "YYYY-MM-DD" that exists (2026-02-30 does not). */
export function isCalendarDate(text: string): boolean {
  return parseTypedDate(text).ok && text.trim() === text;
}

/** Days since 1970-01-01 for "YYYY-MM-DD". */
function dayNumber(date: string): number {
  return Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / DAY_MS;
}

/** ISO weekday of a day number (day 0, 1970-01-01, was a Thursday). */
function weekdayOf(day: number): Weekday {
  return (((((day + 3) % 7) + 7) % 7) + 1) as Weekday;
}

// ---------------------------------------------------------------------------------------------
// Validation

const clockSchema = z.string().regex(CLOCK, 'a time as HH:mm, from 00:00 to 24:00');

const intervalSchema = z
  .object({ start: clockSchema, end: clockSchema })
  .refine((i) => parseClock(i.start)! < parseClock(i.end)!, { message: 'an interval must end after it starts' });

const dayHoursSchema = z.array(intervalSchema).superRefine((intervals, issue) => {
  for (let i = 1; i < intervals.length; i++) {
    const previous = intervals[i - 1]!;
    const current = intervals[i]!;
    if (parseClock(previous.end)! > parseClock(current.start)!) {
      issue.addIssue({ code: 'custom', path: [i], message: `${current.start}–${current.end} overlaps or comes before ${previous.start}–${previous.end}` });
    }
  }
});

const hoursSchema = z.strictObject({
  1: dayHoursSchema.optional(),
  2: dayHoursSchema.optional(),
  3: dayHoursSchema.optional(),
  4: dayHoursSchema.optional(),
  5: dayHoursSchema.optional(),
  6: dayHoursSchema.optional(),
  7: dayHoursSchema.optional(),
});

/** Validates a stored or edited calendar: known zone, sorted non-overlapping intervals, real dates. */
export const calendarSchema: z.ZodType<BusinessCalendar> = z.object({
  timeZone: z.string().refine(isTimeZone, { message: 'must be an IANA time zone such as Europe/Berlin' }),
  hours: hoursSchema,
  holidays: z.array(z.string().refine(isCalendarDate, { message: 'must be an existing date as YYYY-MM-DD' })),
  businessDayMinutes: z.number().int().min(1).max(DAY_MINUTES).optional(),
});

/** Monday to Friday, 09:00–17:00 in `timeZone`, no holidays. */
export function defaultCalendar(timeZone: string): BusinessCalendar {
  const day = (): WorkInterval[] => [{ start: '09:00', end: '17:00' }];
  return { timeZone, hours: { 1: day(), 2: day(), 3: day(), 4: day(), 5: day() }, holidays: [] };
}

// ---------------------------------------------------------------------------------------------
// Day lengths and description

/** Wall-clock working minutes of a weekday, ignoring DST and holidays. */
function weekdayMinutes(cal: BusinessCalendar, weekday: Weekday): number {
  return (cal.hours[weekday] ?? []).reduce((sum, i) => sum + parseClock(i.end)! - parseClock(i.start)!, 0);
}

/** Length of "1 business day": the set length, else the most common working day (ties: the longer), else 24 h. */
export function businessDayMs(cal: BusinessCalendar): number {
  if (cal.businessDayMinutes !== undefined) return cal.businessDayMinutes * MINUTE_MS;
  const counts = new Map<number, number>();
  for (const weekday of WEEKDAYS) {
    const minutes = weekdayMinutes(cal, weekday);
    if (minutes > 0) counts.set(minutes, (counts.get(minutes) ?? 0) + 1);
  }
  let best = 0;
  let bestCount = 0;
  for (const [minutes, count] of counts) {
    if (count > bestCount || (count === bestCount && minutes > best)) [best, bestCount] = [minutes, count];
  }
  return (best > 0 ? best : DAY_MINUTES) * MINUTE_MS;
}

/** "8h", "7h 30m", "45m". */
export function formatMinutes(minutes: number): string {
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours === 0) return `${rest}m`;
  return rest === 0 ? `${hours}h` : `${hours}h ${rest}m`;
}

/** "Mon–Fri", "Sat, Sun", "Mon–Wed, Fri": weekdays with runs of three or more joined by a dash. */
export function formatWeekdays(days: readonly Weekday[]): string {
  const sorted = [...new Set(days)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    const [first, last] = [sorted[i]!, sorted[j]!];
    if (j - i >= 2) parts.push(`${WEEKDAY_NAMES[first]}–${WEEKDAY_NAMES[last]}`);
    else parts.push(...sorted.slice(i, j + 1).map((d) => WEEKDAY_NAMES[d]));
    i = j + 1;
  }
  return parts.join(', ');
}

/** "09:00–12:00, 13:00–17:30" or "closed". */
export function formatIntervals(intervals: readonly WorkInterval[] | undefined): string {
  return intervals && intervals.length > 0 ? intervals.map((i) => `${i.start}–${i.end}`).join(', ') : 'closed';
}

/** Human lines: the weekly hours grouped by identical days, holidays, zone, business day length. */
export function describeCalendar(cal: BusinessCalendar): string[] {
  const groups = new Map<string, Weekday[]>();
  for (const weekday of WEEKDAYS) {
    const key = formatIntervals(cal.hours[weekday]);
    groups.set(key, [...(groups.get(key) ?? []), weekday]);
  }
  const lines = [...groups].map(([hours, days]) => `${formatWeekdays(days)} ${hours}`);
  const holidays = [...new Set(cal.holidays)].sort();
  lines.push(`Holidays: ${holidays.length > 0 ? holidays.join(', ') : 'none'}`);
  lines.push(`Time zone: ${cal.timeZone}`);
  const dayMinutes = Math.round(businessDayMs(cal) / MINUTE_MS);
  const source = cal.businessDayMinutes !== undefined ? 'set' : WEEKDAYS.some((d) => weekdayMinutes(cal, d) > 0) ? 'the usual working day' : 'no working hours';
  lines.push(`1 business day = ${formatMinutes(dayMinutes)} (${source})`);
  return lines;
}

// ---------------------------------------------------------------------------------------------
// Zone offsets per UTC day

interface OffsetSegment {
  start: number;
  end: number;
  /** Wall clock minus UTC, in ms. */
  offset: number;
}

const offsetCache = new Map<string, Map<number, OffsetSegment[]>>();

function offsetAt(zone: string, instant: number): number {
  const minutes = tzOffset(zone, new Date(instant));
  if (Number.isNaN(minutes)) throw new Error(`Unknown time zone "${zone}"`);
  return Math.round(minutes * MINUTE_MS);
}

/** First instant in (low, high] whose offset differs from `offset` (which holds at `low`). */
function firstChange(zone: string, low: number, high: number, offset: number): number {
  let [a, b] = [low, high];
  while (b - a > 1) {
    const middle = Math.floor((a + b) / 2);
    if (offsetAt(zone, middle) === offset) a = middle;
    else b = middle;
  }
  return b;
}

/** The constant-offset segments of [start, end); assumes no two transitions cancel within a day. */
function offsetSegments(zone: string, start: number, end: number): OffsetSegment[] {
  const segments: OffsetSegment[] = [];
  const last = offsetAt(zone, end - 1);
  let low = start;
  let offset = offsetAt(zone, start);
  while (offset !== last) {
    const change = firstChange(zone, low, end - 1, offset);
    segments.push({ start: low, end: change, offset });
    low = change;
    offset = offsetAt(zone, change);
  }
  segments.push({ start: low, end, offset });
  return segments;
}

function chunkOffsets(zone: string, chunk: number): OffsetSegment[] {
  let byChunk = offsetCache.get(zone);
  if (!byChunk) offsetCache.set(zone, (byChunk = new Map()));
  let segments = byChunk.get(chunk);
  if (!segments) {
    if (byChunk.size >= MAX_CACHED_CHUNKS) byChunk.clear();
    segments = offsetSegments(zone, chunk * DAY_MS, (chunk + 1) * DAY_MS);
    byChunk.set(chunk, segments);
  }
  return segments;
}

// ---------------------------------------------------------------------------------------------
// Working spans per UTC day

/** Working instants within one UTC day: flat [start0, end0, start1, end1, …], sorted, merged. */
interface Chunk {
  spans: number[];
  total: number;
}

interface Compiled {
  zone: string;
  /** Working minutes [start, end) per weekday, index 1–7. */
  week: (readonly [number, number])[][];
  holidays: Set<number>;
  hasWork: boolean;
  chunks: Map<number, Chunk>;
}

const compiledCache = new WeakMap<BusinessCalendar, Compiled>();

function compile(cal: BusinessCalendar): Compiled {
  let compiled = compiledCache.get(cal);
  if (compiled) return compiled;
  const week: (readonly [number, number])[][] = [[]];
  for (const weekday of WEEKDAYS) {
    week[weekday] = (cal.hours[weekday] ?? []).map((i) => [parseClock(i.start)!, parseClock(i.end)!] as const);
  }
  compiled = {
    zone: cal.timeZone,
    week,
    holidays: new Set(cal.holidays.map(dayNumber)),
    hasWork: week.some((intervals) => intervals.length > 0),
    chunks: new Map(),
  };
  compiledCache.set(cal, compiled);
  return compiled;
}

/** Working instants of one constant-offset segment, appended to `out` as [start, end) pairs. */
function segmentSpans(c: Compiled, segment: OffsetSegment, out: [number, number][]): void {
  const { offset } = segment;
  const [wallStart, wallEnd] = [segment.start + offset, segment.end + offset];
  for (let day = Math.floor(wallStart / DAY_MS); day * DAY_MS < wallEnd; day++) {
    if (c.holidays.has(day)) continue;
    for (const [from, to] of c.week[weekdayOf(day)]!) {
      const start = Math.max(day * DAY_MS + from * MINUTE_MS, wallStart);
      const end = Math.min(day * DAY_MS + to * MINUTE_MS, wallEnd);
      if (start < end) out.push([start - offset, end - offset]);
    }
  }
}

function buildChunk(c: Compiled, chunk: number): Chunk {
  const pieces: [number, number][] = [];
  for (const segment of chunkOffsets(c.zone, chunk)) segmentSpans(c, segment, pieces);
  pieces.sort((a, b) => a[0] - b[0]);
  const spans: number[] = [];
  let total = 0;
  for (const [start, end] of pieces) {
    total += end - start;
    if (spans.length > 0 && spans[spans.length - 1] === start) spans[spans.length - 1] = end;
    else spans.push(start, end);
  }
  return { spans, total };
}

function chunkAt(c: Compiled, chunk: number): Chunk {
  let found = c.chunks.get(chunk);
  if (!found) {
    if (c.chunks.size >= MAX_CACHED_CHUNKS) c.chunks.clear();
    found = buildChunk(c, chunk);
    c.chunks.set(chunk, found);
  }
  return found;
}

const chunkOf = (instant: number): number => Math.floor(instant / DAY_MS);

/** The instant's ms, refusing an Invalid Date (it would otherwise loop to a misleading error). */
function msOf(date: Date): number {
  const t = date.getTime();
  if (Number.isNaN(t)) throw new RangeError('Business time needs a valid date (got Invalid Date)');
  return t;
}

/** Business ms of a chunk inside [from, to). */
function chunkTimeWithin(chunk: Chunk, from: number, to: number): number {
  let sum = 0;
  for (let i = 0; i < chunk.spans.length; i += 2) {
    const start = Math.max(chunk.spans[i]!, from);
    const end = Math.min(chunk.spans[i + 1]!, to);
    if (start < end) sum += end - start;
  }
  return sum;
}

function requireWork(c: Compiled): void {
  if (!c.hasWork) throw new Error(`The business calendar (${c.zone}) has no working hours on any weekday, so business time never passes.`);
}

function noWorkWithin(c: Compiled, from: number): Error {
  return new Error(`The business calendar (${c.zone}) has no working time within 5 years after ${new Date(from).toISOString()}; check its holidays.`);
}

// ---------------------------------------------------------------------------------------------
// Queries

/** True when `at` falls inside working hours (intervals are half-open: 17:00 is closed). */
export function isWorkingInstant(cal: BusinessCalendar, at: Date): boolean {
  const t = msOf(at);
  const { spans } = chunkAt(compile(cal), chunkOf(t));
  for (let i = 0; i < spans.length; i += 2) {
    if (spans[i]! <= t && t < spans[i + 1]!) return true;
  }
  return false;
}

/** `at` itself if it is working time, else the start of the next working interval. */
export function nextWorkingInstant(cal: BusinessCalendar, at: Date): Date {
  const c = compile(cal);
  requireWork(c);
  const t = msOf(at);
  const first = chunkOf(t);
  for (let chunk = first; chunk <= first + SEARCH_LIMIT_DAYS; chunk++) {
    const { spans } = chunkAt(c, chunk);
    for (let i = 0; i < spans.length; i += 2) {
      if (spans[i + 1]! > t) return new Date(Math.max(spans[i]!, t));
    }
  }
  throw noWorkWithin(c, t);
}

/** Business time in [from, to), in ms; 0 when `to` is not after `from`. */
export function businessTimeBetween(cal: BusinessCalendar, from: Date, to: Date): number {
  const [start, end] = [msOf(from), msOf(to)];
  if (!(end > start)) return 0;
  const c = compile(cal);
  const [first, last] = [chunkOf(start), chunkOf(end - 1)];
  if (first === last) return chunkTimeWithin(chunkAt(c, first), start, end);
  let sum = chunkTimeWithin(chunkAt(c, first), start, end) + chunkTimeWithin(chunkAt(c, last), start, end);
  if (c.hasWork) for (let chunk = first + 1; chunk < last; chunk++) sum += chunkAt(c, chunk).total;
  return sum;
}

/**
 * The first instant by which `ms` of business time has passed since `from`: Friday 16:00 plus
 * 1 h is Friday 17:00, not Monday 09:00. 0 ms returns `from` even outside hours. Throws when the
 * calendar has no working time at all (or none within 5 years).
 */
export function addBusinessTime(cal: BusinessCalendar, from: Date, ms: number): Date {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`Business time to add must be a finite, non-negative number of ms (got ${ms})`);
  const t = msOf(from);
  if (ms === 0) return new Date(t);
  const c = compile(cal);
  requireWork(c);
  let remaining = ms;
  let lastWorking = chunkOf(t);
  for (let chunk = chunkOf(t); chunk - chunkOf(t) <= WALK_LIMIT_DAYS; chunk++) {
    const found = chunkAt(c, chunk);
    if (found.total > 0) lastWorking = chunk;
    else if (chunk - lastWorking > SEARCH_LIMIT_DAYS) throw noWorkWithin(c, t);
    // Whole chunks after `from` that cannot finish the job are skipped by their total.
    if (found.total < remaining && found.spans.length > 0 && found.spans[0]! >= t) {
      remaining -= found.total;
      continue;
    }
    for (let i = 0; i < found.spans.length; i += 2) {
      const start = Math.max(found.spans[i]!, t);
      const end = found.spans[i + 1]!;
      if (end <= start) continue;
      if (end - start >= remaining) return new Date(start + remaining);
      remaining -= end - start;
    }
  }
  throw new RangeError(`Adding ${ms} ms of business time goes past ${WALK_LIMIT_DAYS / 366} years`);
}
