/**
 * Wall-clock time in an IANA zone, pure and explicit about DST: a local time that does not exist
 * (spring-forward gap) moves forward by the gap, and one that exists twice (fall-back overlap)
 * means the earlier instant, as Temporal's "compatible" disambiguation does. Built on Intl
 * offsets rather than TZDate's constructor, which resolves overlaps differently per zone.
 */
import { parseTypedDate } from './guard-week.js';

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

/** A calendar day as a number: days since 1970-01-01 on the zone's wall calendar. */
export type LocalDay = number;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let cached = formatters.get(timeZone);
  if (!cached) {
    cached = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, cached);
  }
  return cached;
}

/** The zone's offset from UTC at `instant`, in milliseconds (wall clock minus UTC). */
export function offsetAt(instant: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(instant))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const wall = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  const floored = instant - (((instant % 1000) + 1000) % 1000);
  return wall - floored;
}

/** The wall-clock reading of `instant` in `timeZone`. */
export interface LocalParts {
  day: LocalDay;
  /** ISO weekday: 1 = Monday … 7 = Sunday. */
  weekday: number;
  hours: number;
  minutes: number;
}

/** What a wall clock in `timeZone` shows at `instant`. */
export function localParts(instant: number, timeZone: string): LocalParts {
  const wall = instant + offsetAt(instant, timeZone);
  const day = Math.floor(wall / DAY_MS);
  const date = new Date(day * DAY_MS);
  return { day, weekday: ((date.getUTCDay() + 6) % 7) + 1, hours: new Date(wall).getUTCHours(), minutes: new Date(wall).getUTCMinutes() };
}

/** The local calendar day holding `instant`. */
export function localDay(instant: number, timeZone: string): LocalDay {
  return localParts(instant, timeZone).day;
}

/** The LocalDay of a calendar date (month 1–12). */
export function dayOf(year: number, month: number, date: number): LocalDay {
  return Math.round(Date.UTC(year, month - 1, date) / DAY_MS);
}

/** The instant a wall clock in `timeZone` shows `hours:minutes` on `day` (gap: forward; overlap: earlier). */
export function zonedInstant(day: LocalDay, hours: number, minutes: number, timeZone: string): number {
  const wall = day * DAY_MS + (hours * 60 + minutes) * MINUTE_MS;
  // The offsets a day either side cover any transition near this wall time (zones change at most once a day).
  const before = offsetAt(wall - DAY_MS, timeZone);
  const after = offsetAt(wall + DAY_MS, timeZone);
  const candidates = [...new Set([before, after])]
    .map((offset) => wall - offset)
    .filter((instant) => instant + offsetAt(instant, timeZone) === wall)
    .sort((a, b) => a - b);
  if (candidates.length > 0) return candidates[0]!;
  // A gap: read the wall time with the offset in force before it, which lands past the gap.
  return wall - before;
}

/** A typed instant: the instant and whether only a date was given, or why it is not one. */
export type TypedInstant = { ok: true; instant: Date; dateOnly: boolean } | { ok: false; reason: string };

const LOCAL_DATE_TIME = /^(\d{4}-\d{2}-\d{2})[T ](\d{1,2}):(\d{2})$/;
const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})$/i;

/**
 * Reads an instant as people type it: 'YYYY-MM-DD' (the start of that day in `timeZone`, or with
 * `dateMeans: 'end'` the end of it, so a date range includes its last day), 'YYYY-MM-DDTHH:mm' in
 * `timeZone`, or an ISO instant with Z or an offset.
 */
export function parseTypedInstant(text: string, timeZone: string, dateMeans: 'start' | 'end' = 'start'): TypedInstant {
  const trimmed = text.trim();
  const expected = 'type it as YYYY-MM-DD, YYYY-MM-DDTHH:mm (team time) or an ISO instant like 2026-03-02T09:00Z';
  if (ISO_WITH_ZONE.test(trimmed)) {
    const parsed = Date.parse(trimmed);
    return Number.isNaN(parsed) ? { ok: false, reason: `"${trimmed}" is not a valid instant: ${expected}.` } : { ok: true, instant: new Date(parsed), dateOnly: false };
  }
  const withTime = LOCAL_DATE_TIME.exec(trimmed);
  const datePart = withTime ? withTime[1]! : trimmed;
  const date = parseTypedDate(datePart);
  if (!date.ok) return { ok: false, reason: withTime || /^\d{4}-/.test(trimmed) ? date.reason : `"${trimmed}" is not a date or time: ${expected}.` };
  const [year, month, dayOfMonth] = date.day.split('-').map(Number) as [number, number, number];
  const day = dayOf(year, month, dayOfMonth);
  if (!withTime) {
    const instant = dateMeans === 'end' ? zonedInstant(day + 1, 0, 0, timeZone) : zonedInstant(day, 0, 0, timeZone);
    return { ok: true, instant: new Date(instant), dateOnly: true };
  }
  const hours = Number(withTime[2]);
  const minutes = Number(withTime[3]);
  if (hours > 23 || minutes > 59) return { ok: false, reason: `"${trimmed}" has no time ${withTime[2]}:${withTime[3]}: use 00:00 to 23:59.` };
  return { ok: true, instant: new Date(zonedInstant(day, hours, minutes, timeZone)), dateOnly: false };
}

/** "UTC+05:30", "UTC-04:00", "UTC+00:00" for an offset in milliseconds. */
export function formatUtcOffset(offsetMs: number): string {
  const minutes = Math.round(offsetMs / MINUTE_MS);
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `UTC${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/**
 * The UTC offset of `instant` when its wall-clock time in `timeZone` happens twice (the repeated
 * hour when clocks go back: "01:30 America/New_York" is both UTC-04:00 and UTC-05:00), so a
 * reader can tell which; null when the wall time names one instant only.
 */
export function ambiguousOffset(instant: number, timeZone: string): string | null {
  const offset = offsetAt(instant, timeZone);
  const wall = instant + offset;
  // The offsets a day either side cover any transition near this instant (zones change at most once a day).
  for (const probe of [instant - DAY_MS, instant + DAY_MS]) {
    const other = offsetAt(probe, timeZone);
    if (other === offset) continue;
    const twin = wall - other;
    if (offsetAt(twin, timeZone) === other) return formatUtcOffset(offset);
  }
  return null;
}
