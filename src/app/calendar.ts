/** The team's business calendar: read it for SLA clocks, and let leads change hours, holidays, zone and day length. */
import {
  calendarSchema,
  defaultCalendar,
  formatClock,
  parseClock,
  resolveTimeZone,
  WEEKDAYS,
  type BusinessCalendar,
  type Weekday,
  type WorkInterval,
} from '../domain/calendar.js';
import { parseTypedDate } from '../domain/guard-week.js';
import type { AppContext, RequestContext } from './context.js';
import { invalid, notFound } from './errors.js';
import { requireRole } from './people.js';
import { deepFreeze, readSettingOr, writeSetting } from './team-settings.js';
import { loadSlaPolicy } from './sla-policy.js';
import { requireReachableTargets } from './sla-reach.js';

const SETTING_KEY = 'calendar';
const MAX_INTERVALS_PER_DAY = 12;
const MAX_HOLIDAYS = 1000;

/** What a change use case returns: the calendar now, and whether anything was written. */
export interface CalendarChange {
  calendar: BusinessCalendar;
  changed: boolean;
}

/**
 * One default calendar per zone, built once: the domain keeps its compiled form per calendar
 * object, so handing out the same object keeps that work from being redone on every read.
 */
const defaultCalendars = new Map<string, BusinessCalendar>();

function defaultCalendarIn(timeZone: string): BusinessCalendar {
  let calendar = defaultCalendars.get(timeZone);
  if (!calendar) {
    calendar = deepFreeze(defaultCalendar(timeZone));
    defaultCalendars.set(timeZone, calendar);
  }
  return calendar;
}

/** The stored calendar, or Mon–Fri 09:00–17:00 in the configured zone when none is stored. Shared and frozen: copy it to change it. */
export function loadCalendar(ctx: AppContext): BusinessCalendar {
  return readSettingOr(ctx, SETTING_KEY, calendarSchema, () => defaultCalendarIn(ctx.settings.timeZone));
}

/**
 * `ctx` with the team's time zone taken from the stored calendar: `/calendar zone` changes the
 * zone of everything (guard weeks, rotations, dates shown), not only of business hours.
 * DESKOPS_TIMEZONE is the zone until a lead sets one.
 */
export function withTeamZone<T extends AppContext>(ctx: T): T {
  const timeZone = loadCalendar(ctx).timeZone;
  return timeZone === ctx.settings.timeZone ? ctx : { ...ctx, settings: { ...ctx.settings, timeZone } };
}

/** Validates the edited calendar, then stores it (audited) unless nothing changed; one transaction or savepoint. */
function change(ctx: RequestContext, edit: (current: BusinessCalendar) => BusinessCalendar): CalendarChange {
  return ctx.store.transaction(() => {
    const current = loadCalendar(ctx);
    const next = edit(current);
    const parsed = calendarSchema.safeParse(next);
    if (!parsed.success) throw invalid(`That calendar is not valid: ${parsed.error.issues[0]?.message ?? 'unknown problem'}.`, 'Type /calendar show to see the current one.');
    if (JSON.stringify(parsed.data) === JSON.stringify(current)) return { calendar: current, changed: false };
    requireReachableTargets(ctx, parsed.data, loadSlaPolicy(ctx), 'Keep more working time in the week, or a shorter business day: /calendar day-length default.');
    writeSetting(ctx, SETTING_KEY, parsed.data);
    return { calendar: parsed.data, changed: true };
  });
}

/** Sorted intervals with touching ones joined; throws INVALID on a bad time or an overlap. */
export function normalizeIntervals(intervals: readonly WorkInterval[]): WorkInterval[] {
  const parsed = intervals.map((i) => {
    const [start, end] = [parseClock(i.start), parseClock(i.end)];
    if (start === undefined || end === undefined) throw invalid(`"${i.start}-${i.end}" is not a time range.`, 'Write times as HH:mm, like 09:00-17:00 (24:00 ends a day).');
    if (start >= end) {
      throw invalid(`${i.start}–${i.end} ends before it starts.`, 'For a shift past midnight give two ranges on two days, like /calendar hours mon 22:00-24:00 and /calendar hours tue 00:00-06:00.');
    }
    return { start, end, text: `${i.start}–${i.end}` };
  });
  parsed.sort((a, b) => a.start - b.start);
  const merged: { start: number; end: number; text: string }[] = [];
  for (const interval of parsed) {
    const last = merged.at(-1);
    if (last && interval.start < last.end) throw invalid(`${last.text} and ${interval.text} overlap.`, 'Give each range once, like 09:00-12:00 13:00-17:00.');
    if (last && interval.start === last.end) last.end = interval.end;
    else merged.push({ ...interval });
  }
  if (merged.length > MAX_INTERVALS_PER_DAY) throw invalid(`That is ${merged.length} ranges in a day; the limit is ${MAX_INTERVALS_PER_DAY}.`, 'Join ranges that belong together.');
  return merged.map((i) => ({ start: formatClock(i.start), end: formatClock(i.end) }));
}

/** Replaces the hours of `days`; an empty `intervals` closes them. Refuses a week with no working time. */
export function setWorkingHours(ctx: RequestContext, days: readonly Weekday[], intervals: readonly WorkInterval[]): CalendarChange {
  requireRole(ctx, 'lead', 'change the working hours');
  if (days.length === 0) throw invalid('Which days? Name at least one.', 'Type days like mon-fri, sat,sun, weekdays or all.');
  const normalized = normalizeIntervals(intervals);
  return change(ctx, (current) => {
    const hours: BusinessCalendar['hours'] = {};
    for (const weekday of WEEKDAYS) {
      const next = days.includes(weekday) ? normalized : current.hours[weekday];
      if (next && next.length > 0) hours[weekday] = next.map((i) => ({ ...i }));
    }
    if (Object.keys(hours).length === 0) {
      throw invalid('That would leave no working hours in the week, so SLA clocks would never run.', 'Keep at least one day open, like /calendar hours mon-fri 09:00-17:00.');
    }
    return { ...current, hours };
  });
}

/** Checks a typed holiday date, with the reason it is not one. */
function holidayDate(date: string): string {
  const parsed = parseTypedDate(date);
  if (!parsed.ok) throw invalid(parsed.reason, 'Type the date as YYYY-MM-DD, like /calendar holiday add 2026-12-25.');
  return parsed.day;
}

/** Adds a holiday (a local date with no working time); adding one twice changes nothing. */
export function addHoliday(ctx: RequestContext, date: string): CalendarChange {
  requireRole(ctx, 'lead', 'change the holidays');
  const day = holidayDate(date);
  return change(ctx, (current) => {
    if (current.holidays.includes(day)) return current;
    if (current.holidays.length >= MAX_HOLIDAYS) throw invalid(`The calendar already has ${MAX_HOLIDAYS} holidays.`, 'Remove past ones with /calendar holiday remove <date>.');
    return { ...current, holidays: [...current.holidays, day].sort() };
  });
}

/** Removes a holiday; NOT_FOUND (listing the holidays) when the date is not one. */
export function removeHoliday(ctx: RequestContext, date: string): CalendarChange {
  requireRole(ctx, 'lead', 'change the holidays');
  const day = holidayDate(date);
  return change(ctx, (current) => {
    if (!current.holidays.includes(day)) {
      const known = current.holidays.length > 0 ? `Holidays: ${current.holidays.join(', ')}.` : 'There are no holidays yet.';
      throw notFound(`${day} is not a holiday.`, known);
    }
    return { ...current, holidays: current.holidays.filter((h) => h !== day) };
  });
}

/** Sets the calendar's time zone (hours and holidays keep their wall-clock meaning there). */
export function setCalendarZone(ctx: RequestContext, zone: string): CalendarChange {
  requireRole(ctx, 'lead', 'change the calendar time zone');
  const resolved = resolveTimeZone(zone);
  if (!resolved.ok) {
    const options = resolved.suggestions;
    const listed = options.length > 1 ? `${options.slice(0, -1).join(', ')} or ${options.at(-1)}` : options[0];
    const near = listed ? `Did you mean ${listed}?` : 'Use an IANA zone name like Europe/Berlin, America/New_York or Asia/Kolkata.';
    throw invalid(`"${zone}" is not a time zone I know.`, near);
  }
  return change(ctx, (current) => ({ ...current, timeZone: resolved.zone }));
}

/** Sets the length of "1 business day" in minutes, or null for the usual working day. */
export function setBusinessDayLength(ctx: RequestContext, minutes: number | null): CalendarChange {
  requireRole(ctx, 'lead', 'change the business day length');
  if (minutes !== null && (!Number.isInteger(minutes) || minutes < 1 || minutes > 24 * 60)) {
    throw invalid(`A business day must be a whole number of minutes from 1 to 1440 (got ${minutes}).`, 'Type a length like /calendar day-length 8h or 7h30m, or default.');
  }
  return change(ctx, (current) => {
    const { businessDayMinutes: _previous, ...rest } = current;
    return minutes === null ? rest : { ...rest, businessDayMinutes: minutes };
  });
}
