/** Guard weeks: the Monday-to-Sunday weeks of the on-call running log, in the team's time zone. */
import { TZDate } from '@date-fns/tz';
import { format, startOfWeek } from 'date-fns';

const DAY_MS = 24 * 60 * 60 * 1000;
const TYPED_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** 'YYYY-MM-DD' of the Monday that starts the week holding `now`, as a calendar in `timeZone` sees it. */
export function guardWeekStart(now: Date, timeZone: string): string {
  const local = new TZDate(now.getTime(), timeZone);
  return format(startOfWeek(local, { weekStartsOn: 1 }), 'yyyy-MM-dd');
}

/** The calendar day `days` after a 'YYYY-MM-DD' day (negative goes back); calendar arithmetic, no zone. */
export function addCalendarDays(day: string, days: number): string {
  const [year, month, date] = splitDay(day);
  return new Date(Date.UTC(year, month - 1, date) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Local midnight of a "YYYY-MM-DD" day in `zone`, as an instant. */
export function startOfDay(day: string, zone: string): Date {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(new TZDate(y, m - 1, d, 0, 0, 0, zone).getTime());
}

/** The week before the one starting on `weekStart`. */
export function previousWeek(weekStart: string): string {
  return addCalendarDays(weekStart, -7);
}

/** The Sunday that ends the week starting on `weekStart`. */
export function weekEnd(weekStart: string): string {
  return addCalendarDays(weekStart, 6);
}

/** The Monday of the week holding a calendar day 'YYYY-MM-DD'. */
export function weekContaining(day: string): string {
  const [year, month, date] = splitDay(day);
  const weekday = new Date(Date.UTC(year, month - 1, date)).getUTCDay(); // 0 = Sunday
  return addCalendarDays(day, -((weekday + 6) % 7));
}

/** A typed date: the day it names, or the reason it is not one ("2026-02-30" does not exist). */
export type TypedDate = { ok: true; day: string } | { ok: false; reason: string };

/** Parses a date typed as 'YYYY-MM-DD', refusing days the calendar does not have. */
export function parseTypedDate(text: string): TypedDate {
  const trimmed = text.trim();
  const match = TYPED_DATE.exec(trimmed);
  if (!match) return { ok: false, reason: `"${text}" is not a date: type it as YYYY-MM-DD, like 2026-03-02.` };
  const [year, month, date] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (month < 1 || month > 12) return { ok: false, reason: `"${trimmed}" has no month ${month}: months go from 01 to 12.` };
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (date < 1 || date > lastDay) {
    return { ok: false, reason: `"${trimmed}" does not exist: that month has days 01 to ${lastDay}.` };
  }
  return { ok: true, day: trimmed };
}

/** "Mon 2 Mar 2026" for a 'YYYY-MM-DD' day. */
export function formatDay(day: string): string {
  const [year, month, date] = splitDay(day);
  return format(new TZDate(year, month - 1, date, 'UTC'), 'EEE d MMM yyyy');
}

function splitDay(day: string): [number, number, number] {
  const match = TYPED_DATE.exec(day);
  if (!match) throw new Error(`Not a YYYY-MM-DD day: ${day}`);
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}
