/** /calendar: the team's business calendar (working hours, holidays, zone, business day length) that SLA clocks run on. */
import { addHoliday, loadCalendar, removeHoliday, setBusinessDayLength, setCalendarZone, setWorkingHours, type CalendarChange } from '../app/calendar.js';
import type { RequestContext } from '../app/context.js';
import { invalid, UsageError } from '../app/errors.js';
import {
  describeCalendar,
  formatClock,
  formatIntervals,
  formatMinutes,
  formatWeekdays,
  isWorkingInstant,
  nextWorkingInstant,
  WEEKDAYS,
  type BusinessCalendar,
  type Weekday,
  type WorkInterval,
} from '../domain/calendar.js';
import { closestMatches } from '../domain/text.js';
import { formatInstant } from '../views/format.js';
import { info, success, type Reply } from '../views/reply.js';
import { choice, type ArgReader } from './args.js';
import type { CommandRegistry } from './registry.js';

const DAY_NAMES: Record<string, Weekday> = {
  mon: 1, monday: 1, tue: 2, tues: 2, tuesday: 2, wed: 3, wednesday: 3, thu: 4, thur: 4, thurs: 4, thursday: 4,
  fri: 5, friday: 5, sat: 6, saturday: 6, sun: 7, sunday: 7,
};
const DAY_GROUPS: Record<string, readonly Weekday[]> = {
  weekdays: [1, 2, 3, 4, 5], workdays: [1, 2, 3, 4, 5], weekend: [6, 7], weekends: [6, 7], all: WEEKDAYS, daily: WEEKDAYS, everyday: WEEKDAYS,
};
const SHOW_TITLE = 'Business calendar';
const CLOSED_WORDS = new Set(['closed', 'off', 'none']);
const RANGE = /^(\d{1,2})(?::(\d{2}))?(am|pm)?-(\d{1,2})(?::(\d{2}))?(am|pm)?$/;
const DURATION = /^(?:(\d+(?:\.\d+)?)h)?(?:(\d+)m)?$/;

const holidayAction = choice('holiday action', ['add', 'remove', 'list'] as const, { rm: 'remove', delete: 'remove', del: 'remove', new: 'add', show: 'list' });

/** A single day name: "mon", "Monday". */
function dayName(word: string): Weekday {
  const day = DAY_NAMES[word];
  if (day !== undefined) return day;
  const near = closestMatches(word, [...Object.keys(DAY_NAMES), ...Object.keys(DAY_GROUPS)], 1);
  throw new UsageError(`"${word}" is not a day.${near.length > 0 ? ` Did you mean ${near[0]}?` : ''} Use mon…sun, ranges like mon-fri, lists like mon,wed,fri, weekdays, weekend or all.`, '');
}

/** "mon-fri", "fri-mon" (wraps over the weekend), "mon,wed,fri", "weekdays", "weekend", "all". */
export function parseDays(text: string): Weekday[] {
  const days = new Set<Weekday>();
  for (const part of text.toLowerCase().split(',').filter(Boolean)) {
    const group = DAY_GROUPS[part];
    if (group) {
      group.forEach((d) => days.add(d));
      continue;
    }
    const [from, to, ...extra] = part.split(/[-–—]/);
    if (extra.length > 0) throw new UsageError(`"${part}" is not a day range: write it like mon-fri.`, '');
    const first = dayName(from!);
    const last = to === undefined ? first : dayName(to);
    for (let d = first, steps = 0; steps < 7; d = ((d % 7) + 1) as Weekday, steps++) {
      days.add(d);
      if (d === last) break;
    }
  }
  return [...days].sort((a, b) => a - b);
}

/** Minutes since midnight of "9", "09:30", "5pm"; `end` reads 00:00 as 24:00 ("22:00-00:00"). */
function clockOf(hourText: string, minuteText: string | undefined, meridiem: string | undefined, typed: string, end: boolean): number {
  let hour = Number(hourText);
  const minute = Number(minuteText ?? 0);
  if (meridiem) {
    if (hour < 1 || hour > 12) throw new UsageError(`"${typed}": ${hour}${meridiem} is not a time; with am/pm hours go from 1 to 12.`, '');
    hour = (hour % 12) + (meridiem === 'pm' ? 12 : 0);
  }
  const minutes = hour * 60 + minute;
  if (minute > 59 || minutes > 24 * 60) throw new UsageError(`"${typed}" has a time that does not exist: use 00:00 to 24:00.`, '');
  return end && minutes === 0 ? 24 * 60 : minutes;
}

/** "09:00-17:00", "9-17", "9am-5pm", "22:00-24:00"; several ranges separated by spaces or commas. */
export function parseIntervals(text: string): WorkInterval[] {
  const normalized = text.toLowerCase().replace(/\s*[-–—]\s*/g, '-').replace(/\s*(am|pm)\b/g, '$1');
  const intervals: WorkInterval[] = [];
  for (const typed of normalized.split(/[\s,]+/).filter(Boolean)) {
    const match = RANGE.exec(typed);
    if (!match) throw new UsageError(`"${typed}" is not a time range: write it like 09:00-17:00, or closed.`, '');
    const start = clockOf(match[1]!, match[2], match[3], typed, false);
    const end = clockOf(match[4]!, match[5], match[6], typed, true);
    if (start === 24 * 60) throw new UsageError(`"${typed}" starts at 24:00; a range must start before midnight.`, '');
    intervals.push({ start: formatClock(start), end: formatClock(end) });
  }
  return intervals;
}

/** "8h", "7h30m", "7.5h", "450m", "450" (minutes); null for "default". */
export function parseDayLength(text: string): number | null {
  const typed = text.toLowerCase().replace(/\s+/g, '');
  if (['default', 'reset', 'auto', 'usual'].includes(typed)) return null;
  const bare = /^\d+$/.test(typed) ? `${typed}m` : typed;
  const match = DURATION.exec(bare);
  if (!match || (match[1] === undefined && match[2] === undefined)) {
    throw new UsageError(`"${text}" is not a length: write it like 8h, 7h30m or 450m, or default.`, '');
  }
  const minutes = Number(match[1] ?? 0) * 60 + Number(match[2] ?? 0);
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > 24 * 60) {
    throw new UsageError(`A business day of "${text}" is not possible: give whole minutes between 1m and 24h.`, '');
  }
  return minutes;
}

/** Reads the day words at the cursor (up to the first time range or "closed"). */
function readDays(args: ArgReader): Weekday[] {
  const words: string[] = [];
  for (let token = args.peek(); token?.kind === 'word'; token = args.peek()) {
    if (/^\d/.test(token.value) || CLOSED_WORDS.has(token.value.toLowerCase())) break;
    words.push(args.next()!.value);
  }
  if (words.length === 0) throw new UsageError('Which days? Start with days like mon-fri, weekend or all.', '');
  return parseDays(words.join(','));
}

/** The "Now" line: open, or when it opens next. */
function nowLine(cal: BusinessCalendar, now: Date): string {
  if (isWorkingInstant(cal, now)) return 'Open now';
  try {
    return `Closed now; opens ${formatInstant(nextWorkingInstant(cal, now), cal.timeZone)}`;
  } catch {
    return 'Closed, with no working time ahead';
  }
}

function calendarReply(ctx: RequestContext, title: string, cal: BusinessCalendar, changed: boolean): Reply {
  const lines = [...describeCalendar(cal), nowLine(cal, ctx.clock.now())];
  const sections = [title === SHOW_TITLE ? { lines } : { heading: SHOW_TITLE, lines }];
  return changed ? success(title, { sections }) : info(title, { sections });
}

function changeReply(ctx: RequestContext, result: CalendarChange, changedTitle: string, unchangedTitle: string): Reply {
  return calendarReply(ctx, result.changed ? changedTitle : unchangedTitle, result.calendar, result.changed);
}

/** Registers the /calendar family (alias /cal). */
export function registerCalendarCommands(registry: CommandRegistry): void {
  registry.family({ name: 'calendar', summary: 'the business calendar SLA clocks run on: hours, holidays, zone', aliases: ['cal'] });

  registry.define({
    path: ['calendar'],
    readsOnly: true,
    usage: '/calendar [show]',
    summary: 'Shows the working hours, holidays, time zone and business day length, and whether we are open now.',
    examples: ['/calendar', '/cal show'],
    run(args, ctx) {
      const first = args.peek();
      if (first?.kind === 'word' && ['show', 'view'].includes(first.value.toLowerCase())) args.next();
      const extra = args.peek();
      if (extra) {
        const subcommands = registry.commandsOf('calendar').map((c) => c.path.slice(1).join(' ')).filter(Boolean);
        const near = extra.kind === 'word' ? closestMatches(extra.value, [...subcommands, 'show'], 1) : [];
        throw invalid(
          `/calendar has no "${extra.kind === 'word' ? extra.value : '…'}" command.`,
          `${near.length > 0 ? `Did you mean /calendar ${near[0]}? ` : ''}Try /calendar help.`,
        );
      }
      return calendarReply(ctx, SHOW_TITLE, loadCalendar(ctx), false);
    },
  });

  registry.define({
    path: ['calendar', 'hours'],
    usage: '/calendar hours <days> <HH:mm-HH:mm>...|closed',
    summary: 'Sets the working hours of some days (mon-fri, sat,sun, weekdays, weekend, all); several ranges a day are fine. A shift past midnight is two ranges on two days.',
    examples: ['/calendar hours mon-fri 09:00-17:00', '/calendar hours mon-thu 09:00-12:00 13:00-17:30', '/calendar hours weekend closed', '/calendar hours sun 22:00-24:00'],
    role: 'lead',
    run(args, ctx) {
      const days = readDays(args);
      const rest = args.restText();
      if (!rest) throw new UsageError(`What hours on ${formatWeekdays(days)}? Add ranges like 09:00-17:00, or closed.`, '');
      const intervals = CLOSED_WORDS.has(rest.toLowerCase()) ? [] : parseIntervals(rest);
      const result = setWorkingHours(ctx, days, intervals);
      const hours = formatIntervals(result.calendar.hours[days[0]!]);
      return changeReply(ctx, result, `Working hours for ${formatWeekdays(days)}: ${hours}`, `${formatWeekdays(days)} already ${hours}; nothing changed.`);
    },
  });

  registry.define({
    path: ['calendar', 'holiday'],
    aliases: ['holidays'],
    usage: '/calendar holiday add|remove <YYYY-MM-DD>...',
    summary: 'Adds or removes holidays: dates in the calendar zone with no working time.',
    examples: ['/calendar holiday add 2026-12-25', '/calendar holiday add 2026-12-24 2026-12-31', '/calendar holiday remove 2026-12-24'],
    role: 'lead',
    run(args, ctx) {
      if (args.done) throw new UsageError('Add or remove? Type the action and the date.', '');
      const action = args.choice('add or remove', holidayAction);
      if (action === 'list') {
        args.end();
        const { holidays } = loadCalendar(ctx);
        return info(holidays.length > 0 ? `Holidays: ${holidays.join(', ')}` : 'No holidays yet.', { text: 'Leads add one with /calendar holiday add YYYY-MM-DD.' });
      }
      const dates = args.takeAll().map((token) => (token.kind === 'word' || token.kind === 'quoted' ? token.value : ''));
      if (dates.length === 0) throw new UsageError(`Which date? Type it as YYYY-MM-DD, like /calendar holiday ${action} 2026-12-25.`, '');
      let last: CalendarChange | undefined;
      const changed: string[] = [];
      for (const date of dates) {
        last = action === 'add' ? addHoliday(ctx, date) : removeHoliday(ctx, date);
        if (last.changed) changed.push(date.trim());
      }
      const verb = action === 'add' ? 'added' : 'removed';
      const title = changed.length > 0 ? `Holiday${changed.length === 1 ? '' : 's'} ${verb}: ${changed.join(', ')}` : `${dates.join(', ')} ${dates.length === 1 ? 'is already a holiday' : 'are already holidays'}; nothing changed.`;
      return calendarReply(ctx, title, last!.calendar, changed.length > 0);
    },
  });

  registry.define({
    path: ['calendar', 'zone'],
    aliases: ['tz', 'timezone'],
    usage: '/calendar zone <IANA zone>',
    summary: 'Sets the time zone the hours and holidays are read in (an IANA name such as Europe/Berlin).',
    examples: ['/calendar zone Europe/Berlin', '/calendar zone America/St_Johns'],
    role: 'lead',
    run(args, ctx) {
      const typed = args.restText();
      if (!typed) throw new UsageError('Which zone? Type an IANA name like Europe/Berlin.', '');
      const result = setCalendarZone(ctx, typed);
      const zone = result.calendar.timeZone;
      return changeReply(ctx, result, `Calendar zone set to ${zone}`, `The calendar is already in ${zone}; nothing changed.`);
    },
  });

  registry.define({
    path: ['calendar', 'day-length'],
    aliases: ['daylength'],
    usage: '/calendar day-length <8h|7h30m|450m>|default',
    summary: 'Sets how long "1 business day" is in SLA targets; default is the most common working day in the hours.',
    examples: ['/calendar day-length 8h', '/calendar day-length 7h30m', '/calendar day-length default'],
    role: 'lead',
    run(args, ctx) {
      const typed = args.restText();
      if (!typed) throw new UsageError('How long? Type a length like 8h or 7h30m, or default.', '');
      const result = setBusinessDayLength(ctx, parseDayLength(typed));
      const minutes = result.calendar.businessDayMinutes;
      const what = minutes === undefined ? 'the usual working day' : formatMinutes(minutes);
      return changeReply(ctx, result, `1 business day is now ${what}`, `1 business day is already ${what}; nothing changed.`);
    },
  });
}
