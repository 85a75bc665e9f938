import fc from 'fast-check';
import { checkProperty } from '../doubles/property.js';
import { describe, expect, it } from 'vitest';
import {
  addBusinessTime,
  businessDayMs,
  businessTimeBetween,
  calendarSchema,
  defaultCalendar,
  describeCalendar,
  isWorkingInstant,
  nextWorkingInstant,
  resolveTimeZone,
  type BusinessCalendar,
  type Weekday,
  type WorkInterval,
} from '../../src/domain/calendar.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const at = (iso: string) => new Date(iso);
const iso = (date: Date) => date.toISOString();

const nineToFive = (): WorkInterval[] => [{ start: '09:00', end: '17:00' }];
const allDay = (): WorkInterval[] => [{ start: '00:00', end: '24:00' }];
const everyDay = (intervals: () => WorkInterval[]): BusinessCalendar['hours'] => ({
  1: intervals(), 2: intervals(), 3: intervals(), 4: intervals(), 5: intervals(), 6: intervals(), 7: intervals(),
});
const twentyFourSeven = (timeZone: string): BusinessCalendar => ({ timeZone, hours: everyDay(allDay), holidays: [] });
const sundayOnly = (timeZone: string, start: string, end: string): BusinessCalendar => ({ timeZone, hours: { 7: [{ start, end }] }, holidays: [] });
const between = (cal: BusinessCalendar, from: string, to: string) => businessTimeBetween(cal, at(from), at(to));
const add = (cal: BusinessCalendar, from: string, ms: number) => iso(addBusinessTime(cal, at(from), ms));

// -----------------------------------------------------------------------------------------------
// Examples at chosen instants

describe('business calendar examples', () => {
  it('runs Friday evening into Monday morning', () => {
    const cal = defaultCalendar('UTC');
    expect(add(cal, '2026-11-27T16:00:00Z', HOUR)).toBe('2026-11-27T17:00:00.000Z'); // ends at closing, not Monday
    expect(add(cal, '2026-11-27T16:30:00Z', HOUR)).toBe('2026-11-30T09:30:00.000Z');
    expect(add(cal, '2026-11-27T17:00:00Z', MIN)).toBe('2026-11-30T09:01:00.000Z');
    expect(add(cal, '2026-11-27T18:00:00Z', 0)).toBe('2026-11-27T18:00:00.000Z'); // 0 stays put, even when closed
    expect(iso(nextWorkingInstant(cal, at('2026-11-27T18:00:00Z')))).toBe('2026-11-30T09:00:00.000Z');
    expect(iso(nextWorkingInstant(cal, at('2026-11-27T10:00:00Z')))).toBe('2026-11-27T10:00:00.000Z');
    expect(between(cal, '2026-11-27T16:30:00Z', '2026-11-30T09:30:00Z')).toBe(HOUR);
    expect(isWorkingInstant(cal, at('2026-11-27T16:59:59.999Z'))).toBe(true);
    expect(isWorkingInstant(cal, at('2026-11-27T17:00:00Z'))).toBe(false);
    expect(isWorkingInstant(cal, at('2026-11-28T12:00:00Z'))).toBe(false);
  });

  it('counts no closed minute at midnight on a 24/7 calendar (Zammad #3180)', () => {
    const cal = twentyFourSeven('UTC');
    expect(between(cal, '2026-12-31T23:59:00Z', '2027-01-01T00:01:00Z')).toBe(2 * MIN);
    expect(add(cal, '2026-12-31T23:59:00Z', MIN)).toBe('2027-01-01T00:00:00.000Z');
    expect(add(cal, '2026-12-31T23:59:00Z', 2 * MIN)).toBe('2027-01-01T00:01:00.000Z');
    expect(isWorkingInstant(cal, at('2027-01-01T00:00:00Z'))).toBe(true);
    expect(between(cal, '2026-11-23T00:00:00Z', '2026-11-30T00:00:00Z')).toBe(7 * DAY);
  });

  it('joins a night shift written as two intervals across midnight', () => {
    const cal: BusinessCalendar = { timeZone: 'Europe/Berlin', hours: { 1: [{ start: '22:00', end: '24:00' }], 2: [{ start: '00:00', end: '06:00' }] }, holidays: [] };
    expect(between(cal, '2026-11-23T21:00:00Z', '2026-11-24T01:00:00Z')).toBe(4 * HOUR); // Mon 22:00 – Tue 02:00 CET, no gap
    expect(add(cal, '2026-11-23T21:00:00Z', 2 * HOUR)).toBe('2026-11-23T23:00:00.000Z'); // exactly midnight
    expect(add(cal, '2026-11-23T21:00:00Z', 8 * HOUR)).toBe('2026-11-24T05:00:00.000Z');
  });

  it('skips Christmas and New Year holidays (Europe/Berlin)', () => {
    const cal: BusinessCalendar = { ...defaultCalendar('Europe/Berlin'), holidays: ['2026-12-24', '2026-12-25', '2026-12-31', '2027-01-01'] };
    expect(add(cal, '2026-12-23T15:00:00Z', 2 * HOUR)).toBe('2026-12-28T09:00:00.000Z'); // Wed 16:00 CET -> Mon 10:00
    expect(between(cal, '2026-12-23T08:00:00Z', '2027-01-04T08:00:00Z')).toBe(4 * 8 * HOUR); // 23, 28, 29, 30 Dec
    expect(add(cal, '2026-12-30T15:00:00Z', 8 * HOUR)).toBe('2027-01-04T15:00:00.000Z'); // over the year end
    expect(isWorkingInstant(cal, at('2026-12-24T10:00:00Z'))).toBe(false);
  });

  it('knows leap days', () => {
    const cal = defaultCalendar('UTC');
    expect(add(cal, '2028-02-28T16:00:00Z', 2 * HOUR)).toBe('2028-02-29T10:00:00.000Z');
    expect(add({ ...cal, holidays: ['2028-02-29'] }, '2028-02-28T16:00:00Z', 2 * HOUR)).toBe('2028-03-01T10:00:00.000Z');
  });

  it('adds whole business days by day totals over long spans', () => {
    const cal = { ...defaultCalendar('America/New_York'), holidays: ['2026-07-03', '2026-12-25'] };
    const from = '2026-01-05T14:00:00Z'; // Mon 09:00 EST
    const result = addBusinessTime(cal, at(from), 250 * 8 * HOUR);
    expect(businessTimeBetween(cal, at(from), result)).toBe(250 * 8 * HOUR);
    expect(iso(result)).toBe('2026-12-21T22:00:00.000Z'); // 50 weeks + Mon 21 Dec, minus 3 Jul: Mon 17:00 EST
  });

  it('throws clearly when the calendar never works', () => {
    const closed: BusinessCalendar = { timeZone: 'UTC', hours: { 1: [] }, holidays: [] };
    expect(() => addBusinessTime(closed, at('2026-01-01T00:00:00Z'), MIN)).toThrow(/no working hours/);
    expect(() => nextWorkingInstant(closed, at('2026-01-01T00:00:00Z'))).toThrow(/no working hours/);
    expect(businessTimeBetween(closed, at('2026-01-01T00:00:00Z'), at('2027-01-01T00:00:00Z'))).toBe(0);
    const mondays: string[] = [];
    for (let t = Date.UTC(2026, 0, 5); t < Date.UTC(2032, 0, 1); t += 7 * DAY) mondays.push(iso(new Date(t)).slice(0, 10));
    const allMondaysOff: BusinessCalendar = { timeZone: 'UTC', hours: { 1: nineToFive() }, holidays: mondays };
    expect(() => addBusinessTime(allMondaysOff, at('2026-01-01T00:00:00Z'), MIN)).toThrow(/within 5 years/);
    expect(() => addBusinessTime(defaultCalendar('UTC'), at('2026-01-01T00:00:00Z'), -1)).toThrow(RangeError);
    expect(() => addBusinessTime(defaultCalendar('UTC'), new Date(Number.NaN), HOUR)).toThrow(/valid date/);
    expect(() => businessTimeBetween(defaultCalendar('UTC'), new Date(Number.NaN), at('2026-01-01T00:00:00Z'))).toThrow(/valid date/);
  });

  it('returns 0 for empty or reversed spans', () => {
    const cal = twentyFourSeven('UTC');
    expect(between(cal, '2026-01-01T10:00:00Z', '2026-01-01T10:00:00Z')).toBe(0);
    expect(between(cal, '2026-01-01T11:00:00Z', '2026-01-01T10:00:00Z')).toBe(0);
  });
});

describe('DST changes', () => {
  it('Europe/Berlin: the spring day has 23 hours, the autumn day 25', () => {
    const cal = twentyFourSeven('Europe/Berlin');
    expect(between(cal, '2026-03-28T23:00:00Z', '2026-03-29T22:00:00Z')).toBe(23 * HOUR);
    expect(between(cal, '2026-10-24T22:00:00Z', '2026-10-25T23:00:00Z')).toBe(25 * HOUR);
  });

  it('Europe/Berlin: an interval inside the gap is empty, one across the overlap is longer', () => {
    expect(between(sundayOnly('Europe/Berlin', '02:00', '03:00'), '2026-03-28T00:00:00Z', '2026-03-30T00:00:00Z')).toBe(0);
    expect(between(sundayOnly('Europe/Berlin', '02:00', '03:00'), '2026-10-24T00:00:00Z', '2026-10-26T00:00:00Z')).toBe(2 * HOUR);
    const early = sundayOnly('Europe/Berlin', '01:00', '04:00');
    expect(between(early, '2026-03-28T00:00:00Z', '2026-03-30T00:00:00Z')).toBe(2 * HOUR);
    expect(between(early, '2026-10-24T00:00:00Z', '2026-10-26T00:00:00Z')).toBe(4 * HOUR);
    // 01:00 CET + 90 min: one hour to the gap, then 03:00 CEST + 30 min.
    expect(add(early, '2026-03-28T12:00:00Z', 90 * MIN)).toBe('2026-03-29T01:30:00.000Z');
    expect(iso(nextWorkingInstant(sundayOnly('Europe/Berlin', '02:00', '03:00'), at('2026-03-28T12:00:00Z')))).toBe('2026-04-05T00:00:00.000Z');
  });

  it('America/New_York: Friday afternoon to Monday over both changes', () => {
    const cal = defaultCalendar('America/New_York');
    expect(add(cal, '2026-03-06T21:00:00Z', 2 * HOUR)).toBe('2026-03-09T14:00:00.000Z'); // 16:00 EST -> Mon 10:00 EDT
    expect(add(cal, '2026-10-30T20:00:00Z', 2 * HOUR)).toBe('2026-11-02T15:00:00.000Z'); // 16:00 EDT -> Mon 10:00 EST
    expect(between(twentyFourSeven('America/New_York'), '2026-03-08T05:00:00Z', '2026-03-09T04:00:00Z')).toBe(23 * HOUR);
    expect(between(twentyFourSeven('America/New_York'), '2026-11-01T04:00:00Z', '2026-11-02T05:00:00Z')).toBe(25 * HOUR);
  });

  it('Australia/Sydney: the southern hemisphere changes the other way round', () => {
    const cal = twentyFourSeven('Australia/Sydney');
    expect(between(cal, '2026-04-04T13:00:00Z', '2026-04-05T14:00:00Z')).toBe(25 * HOUR); // Sun 5 Apr
    expect(between(cal, '2026-10-03T14:00:00Z', '2026-10-04T13:00:00Z')).toBe(23 * HOUR); // Sun 4 Oct
    expect(add(defaultCalendar('Australia/Sydney'), '2026-04-03T05:00:00Z', 2 * HOUR)).toBe('2026-04-06T00:00:00.000Z'); // Fri 16:00 AEDT -> Mon 10:00 AEST
  });

  it("Australia/Lord_Howe: a 30-minute shift", () => {
    const early = sundayOnly('Australia/Lord_Howe', '00:00', '06:00');
    expect(between(early, '2026-04-03T00:00:00Z', '2026-04-06T00:00:00Z')).toBe(6.5 * HOUR);
    expect(between(early, '2026-10-02T00:00:00Z', '2026-10-05T00:00:00Z')).toBe(5.5 * HOUR);
    expect(between(sundayOnly('Australia/Lord_Howe', '02:00', '02:30'), '2026-10-02T00:00:00Z', '2026-10-05T00:00:00Z')).toBe(0);
    expect(between(sundayOnly('Australia/Lord_Howe', '01:30', '02:00'), '2026-04-03T00:00:00Z', '2026-04-06T00:00:00Z')).toBe(HOUR);
  });

  it('Pacific/Chatham: +13:45 and +12:45', () => {
    const cal = twentyFourSeven('Pacific/Chatham');
    expect(between(cal, '2026-04-04T10:15:00Z', '2026-04-05T11:15:00Z')).toBe(25 * HOUR);
    expect(between(cal, '2026-09-26T11:15:00Z', '2026-09-27T10:15:00Z')).toBe(23 * HOUR);
    expect(add(defaultCalendar('Pacific/Chatham'), '2026-06-26T03:15:00Z', 90 * MIN)).toBe('2026-06-28T20:45:00.000Z'); // Fri 16:00 -> Mon 09:30
  });

  it('America/St_Johns: −03:30 and −02:30, and the old 00:01 fall-back that ran the date backwards', () => {
    expect(add(defaultCalendar('America/St_Johns'), '2026-03-06T19:30:00Z', 2 * HOUR)).toBe('2026-03-09T12:30:00.000Z');
    // 7 Nov 2010: at 00:01 NDT clocks went back to 23:01 on Saturday 6 Nov.
    const cal = twentyFourSeven('America/St_Johns');
    expect(between(cal, '2010-11-07T02:30:00Z', '2010-11-07T04:30:00Z')).toBe(2 * HOUR);
    const saturdayOff = { ...cal, holidays: ['2010-11-06'] };
    expect(between(saturdayOff, '2010-11-07T02:30:00Z', '2010-11-07T04:30:00Z')).toBe(61 * MIN);
    expect(add(saturdayOff, '2010-11-07T02:30:00Z', 2 * MIN)).toBe('2010-11-07T03:31:00.000Z');
    expect(isWorkingInstant(saturdayOff, at('2010-11-07T02:45:00Z'))).toBe(false);
  });

  it('Asia/Kolkata: +05:30 all year', () => {
    expect(add(defaultCalendar('Asia/Kolkata'), '2026-03-06T11:00:00Z', HOUR)).toBe('2026-03-09T04:00:00.000Z'); // Fri 16:30 -> Mon 09:30 IST
  });
});

describe('calendar settings', () => {
  it('measures a business day', () => {
    expect(businessDayMs(defaultCalendar('UTC'))).toBe(8 * HOUR);
    const split: BusinessCalendar = { timeZone: 'UTC', hours: { 1: [{ start: '09:00', end: '12:00' }, { start: '13:00', end: '17:30' }], 2: [{ start: '09:00', end: '12:00' }, { start: '13:00', end: '17:30' }], 5: nineToFive() }, holidays: [] };
    expect(businessDayMs(split)).toBe(7.5 * HOUR);
    expect(businessDayMs({ ...split, businessDayMinutes: 420 })).toBe(7 * HOUR);
    expect(businessDayMs({ timeZone: 'UTC', hours: {}, holidays: [] })).toBe(24 * HOUR);
    expect(businessDayMs(twentyFourSeven('UTC'))).toBe(24 * HOUR);
  });

  it('describes itself in a few lines', () => {
    const cal: BusinessCalendar = {
      timeZone: 'Europe/Berlin',
      hours: { 1: nineToFive(), 2: nineToFive(), 3: nineToFive(), 4: [{ start: '09:00', end: '12:00' }, { start: '13:00', end: '17:30' }], 5: nineToFive(), 6: [{ start: '10:00', end: '14:00' }] },
      holidays: ['2026-12-25', '2026-12-24'],
    };
    expect(describeCalendar(cal)).toEqual([
      'Mon–Wed, Fri 09:00–17:00',
      'Thu 09:00–12:00, 13:00–17:30',
      'Sat 10:00–14:00',
      'Sun closed',
      'Holidays: 2026-12-24, 2026-12-25',
      'Time zone: Europe/Berlin',
      '1 business day = 8h (the usual working day)',
    ]);
    expect(describeCalendar({ ...defaultCalendar('UTC'), businessDayMinutes: 450 }).at(-1)).toBe('1 business day = 7h 30m (set)');
  });

  it('validates stored calendars', () => {
    const ok = (value: unknown) => calendarSchema.safeParse(value).success;
    expect(ok(JSON.parse(JSON.stringify(defaultCalendar('Pacific/Chatham'))))).toBe(true);
    expect(ok(twentyFourSeven('UTC'))).toBe(true);
    expect(ok({ ...defaultCalendar('UTC'), timeZone: 'Mars/Olympus' })).toBe(false);
    expect(ok({ ...defaultCalendar('UTC'), holidays: ['2026-02-30'] })).toBe(false);
    expect(ok({ ...defaultCalendar('UTC'), hours: { 1: [{ start: '17:00', end: '09:00' }] } })).toBe(false);
    expect(ok({ ...defaultCalendar('UTC'), hours: { 1: [{ start: '09:00', end: '12:00' }, { start: '11:00', end: '13:00' }] } })).toBe(false);
    expect(ok({ ...defaultCalendar('UTC'), hours: { 1: [{ start: '13:00', end: '17:00' }, { start: '09:00', end: '12:00' }] } })).toBe(false);
    expect(ok({ ...defaultCalendar('UTC'), hours: { 8: nineToFive() } })).toBe(false);
    expect(ok({ ...defaultCalendar('UTC'), hours: { 1: [{ start: '24:00', end: '24:00' }] } })).toBe(false);
    expect(ok({ ...defaultCalendar('UTC'), hours: { 1: [{ start: '9:00', end: '17:00' }] } })).toBe(false);
    expect(ok({ ...defaultCalendar('UTC'), businessDayMinutes: 0 })).toBe(false);
  });

  it('resolves typed zones and suggests close ones', () => {
    expect(resolveTimeZone('europe/berlin')).toEqual({ ok: true, zone: 'Europe/Berlin' });
    expect(resolveTimeZone('UTC')).toEqual({ ok: true, zone: 'UTC' });
    expect(resolveTimeZone('Asia/Kolkata')).toEqual({ ok: true, zone: 'Asia/Kolkata' }); // not ICU's legacy Asia/Calcutta
    expect(resolveTimeZone('asia/ho_chi_minh')).toEqual({ ok: true, zone: 'Asia/Ho_Chi_Minh' });
    expect(resolveTimeZone('etc/gmt+5')).toEqual({ ok: true, zone: 'Etc/GMT+5' });
    expect(resolveTimeZone('Europe/Berln')).toMatchObject({ ok: false, suggestions: expect.arrayContaining(['Europe/Berlin']) });
    expect(resolveTimeZone('new york')).toMatchObject({ ok: false, suggestions: ['America/New_York'] });
  });
});

// -----------------------------------------------------------------------------------------------
// Property-based tests against a minute-by-minute oracle

const ZONES = ['Asia/Kolkata', 'Australia/Lord_Howe', 'Pacific/Chatham', 'America/St_Johns', 'Europe/Berlin', 'America/New_York', 'Australia/Sydney', 'UTC'] as const;
const WEEKDAY_OF: Record<string, Weekday> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

interface Wall {
  date: string;
  weekday: Weekday;
  minute: number;
  /** Wall clock read as if it were UTC, in ms. */
  wallMs: number;
}

const wallFormats = new Map<string, Intl.DateTimeFormat>();

/** What a wall clock in `zone` shows at `t`, straight from Intl (independent of the code under test). */
function wall(zone: string, t: number): Wall {
  let format = wallFormats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', weekday: 'short', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
    wallFormats.set(zone, format);
  }
  const match = /^(\w{3}), (\d{2})\/(\d{2})\/(\d{4}), (\d{2}):(\d{2})$/.exec(format.format(new Date(t)));
  if (!match) throw new Error(`Unexpected Intl output for ${zone}`);
  const [, weekday, month, day, year, hour, minute] = match as unknown as [string, string, string, string, string, string, string];
  return {
    date: `${year}-${month}-${day}`,
    weekday: WEEKDAY_OF[weekday]!,
    minute: Number(hour) * 60 + Number(minute),
    wallMs: Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute)),
  };
}

const clockMinutes = (text: string) => Number(text.slice(0, 2)) * 60 + Number(text.slice(3, 5));

/** The oracle: is the minute starting at `t` (a whole minute) working time? */
function oracleWorking(cal: BusinessCalendar, t: number): boolean {
  const local = wall(cal.timeZone, t);
  if (cal.holidays.includes(local.date)) return false;
  return (cal.hours[local.weekday] ?? []).some((i) => clockMinutes(i.start) <= local.minute && local.minute < clockMinutes(i.end));
}

/** Working flags of every minute in [from, to). */
function oracleWalk(cal: BusinessCalendar, from: number, to: number): boolean[] {
  const flags: boolean[] = [];
  for (let t = from; t < to; t += MIN) flags.push(oracleWorking(cal, t));
  return flags;
}

/** Instants near which offsets change, plus year ends and leap days: where bugs live. */
function anchorsFor(zone: string): number[] {
  const anchors: number[] = [];
  for (const [first, last] of [[2009, 2011], [2024, 2028]] as const) {
    for (let year = first; year <= last; year++) anchors.push(Date.UTC(year, 11, 31, 12));
    let previous = wall(zone, Date.UTC(first, 0, 1));
    for (let t = Date.UTC(first, 0, 1); t < Date.UTC(last + 1, 0, 1); t += 12 * HOUR) {
      const current = wall(zone, t);
      if (current.wallMs - t !== previous.wallMs - (t - 12 * HOUR)) anchors.push(t);
      previous = current;
    }
  }
  anchors.push(Date.UTC(2024, 1, 29, 12), Date.UTC(2028, 1, 29, 12));
  return anchors;
}

const ANCHORS = new Map(ZONES.map((zone) => [zone, anchorsFor(zone)]));

const interval = (start: number, end: number): WorkInterval => {
  const text = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
  return { start: text(start), end: text(end) };
};

// Boundaries near DST changes (01:00–03:45) and typical office hours, plus any minute of the day.
const boundaryArb = fc.oneof(
  fc.constantFrom(0, 60, 90, 120, 150, 165, 180, 225, 240, 540, 720, 780, 1020, 1050, 1380, 1410, 1440),
  fc.integer({ min: 0, max: 1440 }),
);

const randomDayArb = fc.uniqueArray(boundaryArb, { maxLength: 6 }).map((points) => {
  const sorted = [...points].sort((a, b) => a - b);
  const intervals: WorkInterval[] = [];
  for (let i = 0; i + 1 < sorted.length; i += 2) intervals.push(interval(sorted[i]!, sorted[i + 1]!));
  return intervals;
});

const dayArb: fc.Arbitrary<WorkInterval[]> = fc.oneof(
  { weight: 3, arbitrary: randomDayArb },
  { weight: 1, arbitrary: fc.constant<WorkInterval[]>([]) },
  { weight: 2, arbitrary: fc.constant<WorkInterval[]>([interval(540, 1020)]) },
  { weight: 1, arbitrary: fc.constant<WorkInterval[]>([interval(540, 720), interval(780, 1050)]) },
  { weight: 1, arbitrary: fc.constant<WorkInterval[]>([interval(0, 1440)]) },
  { weight: 1, arbitrary: fc.constant<WorkInterval[]>([interval(0, 360), interval(1320, 1440)]) },
  { weight: 1, arbitrary: fc.constant<WorkInterval[]>([interval(60, 240)]) },
);

const hoursArb: fc.Arbitrary<BusinessCalendar['hours']> = fc.oneof(
  fc.tuple(dayArb, dayArb, dayArb, dayArb, dayArb, dayArb, dayArb).map(([mon, tue, wed, thu, fri, sat, sun]) => ({ 1: mon, 2: tue, 3: wed, 4: thu, 5: fri, 6: sat, 7: sun })),
  fc.tuple(dayArb, dayArb).map(([sat, sun]) => ({ ...defaultCalendar('UTC').hours, 6: sat, 7: sun })),
  fc.constant(everyDay(allDay)),
);

const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);

interface Case {
  cal: BusinessCalendar;
  from: number;
  to: number;
}

/** A calendar in a random zone and a whole-minute span around one of the zone's anchors. */
function caseArb(maxSpanDays: number): fc.Arbitrary<Case> {
  return fc.constantFrom(...ZONES).chain((zone) =>
    fc
      .record({
        hours: hoursArb,
        anchor: fc.constantFrom(...ANCHORS.get(zone)!),
        startMinutes: fc.integer({ min: -4 * 1440, max: 2 * 1440 }),
        spanMinutes: fc.integer({ min: 0, max: maxSpanDays * 1440 }),
        holidayOffsets: fc.uniqueArray(fc.integer({ min: -5, max: 12 }), { maxLength: 4 }),
      })
      .map(({ hours, anchor, startMinutes, spanMinutes, holidayOffsets }) => {
        const from = anchor + startMinutes * MIN;
        const anchorDate = wall(zone, anchor).date;
        const holidays = holidayOffsets.map((days) => addDays(anchorDate, days));
        return { cal: { timeZone: zone, hours, holidays }, from, to: from + spanMinutes * MIN };
      }),
  );
}

const describeCase = (c: Case) => `${c.cal.timeZone} ${iso(new Date(c.from))} -> ${iso(new Date(c.to))}`;

describe('against the minute-by-minute oracle', () => {
  it('generates only valid calendars', () => {
    checkProperty(
      fc.property(caseArb(10), ({ cal }) => {
        expect(calendarSchema.safeParse(cal).success).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  /** Checks every function against one oracle walk of the case's span. */
  const agreesWithOracle = (c: Case) => {
    const { cal, from, to } = c;
    const flags = oracleWalk(cal, from, to);
    const count = flags.filter(Boolean).length;
    expect(businessTimeBetween(cal, new Date(from), new Date(to)), describeCase(c)).toBe(count * MIN);
    // Check every run boundary: the first and last minute of each working stretch.
    let seen = 0;
    for (let i = 0; i < flags.length; i++) {
      const minute = from + i * MIN;
      const edge = flags[i] !== (flags[i - 1] ?? !flags[i]) || flags[i] !== (flags[i + 1] ?? !flags[i]);
      if (edge) expect(isWorkingInstant(cal, new Date(minute)), `${describeCase(c)} at ${iso(new Date(minute))}`).toBe(flags[i]);
      if (!flags[i]) continue;
      seen++;
      if (edge) expect(addBusinessTime(cal, new Date(from), seen * MIN).getTime(), `${describeCase(c)} +${seen} min`).toBe(minute + MIN);
    }
    const firstWorking = flags.indexOf(true);
    if (firstWorking >= 0) expect(nextWorkingInstant(cal, new Date(from)).getTime(), describeCase(c)).toBe(from + firstWorking * MIN);
    const landed = addBusinessTime(cal, new Date(from), count * MIN).getTime();
    expect(landed).toBeLessThanOrEqual(to);
    expect(landed).toBeGreaterThanOrEqual(from);
  };

  it('agrees on spans up to 2 days (between, add, isWorking, nextWorking)', () => {
    checkProperty(fc.property(caseArb(2), agreesWithOracle), { numRuns: 700 });
  });

  it('agrees on spans up to 10 days (between, add, isWorking, nextWorking)', () => {
    checkProperty(fc.property(caseArb(10), agreesWithOracle), { numRuns: 150 });
  });

  it('isWorkingInstant matches the oracle at single minutes', () => {
    checkProperty(
      fc.property(caseArb(0), ({ cal, from }) => {
        expect(isWorkingInstant(cal, new Date(from))).toBe(oracleWorking(cal, from));
      }),
      { numRuns: 3000 },
    );
  });
});

describe('algebraic properties', () => {
  /** Any millisecond inside the case's span. */
  const instantArb = (c: Case) => fc.integer({ min: c.from, max: c.to });

  it('is additive: between(a, b) + between(b, c) = between(a, c)', () => {
    checkProperty(
      fc.property(
        caseArb(30).chain((c) => fc.tuple(fc.constant(c), instantArb(c), instantArb(c), instantArb(c))),
        ([{ cal }, x, y, z]) => {
          const [a, b, c] = [x, y, z].sort((p, q) => p - q) as [number, number, number];
          const ab = businessTimeBetween(cal, new Date(a), new Date(b));
          const bc = businessTimeBetween(cal, new Date(b), new Date(c));
          expect(ab + bc).toBe(businessTimeBetween(cal, new Date(a), new Date(c)));
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('is monotonic in both arguments', () => {
    checkProperty(
      fc.property(
        caseArb(30).chain((c) => fc.tuple(fc.constant(c), instantArb(c), instantArb(c))),
        ([{ cal, from, to }, x, y]) => {
          const [a, b] = x <= y ? [x, y] : [y, x];
          expect(businessTimeBetween(cal, new Date(from), new Date(a))).toBeLessThanOrEqual(businessTimeBetween(cal, new Date(from), new Date(b)));
          expect(businessTimeBetween(cal, new Date(b), new Date(to))).toBeLessThanOrEqual(businessTimeBetween(cal, new Date(a), new Date(to)));
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('addBusinessTime inverts businessTimeBetween and lands on the first instant with that much time', () => {
    checkProperty(
      fc.property(
        caseArb(30).chain((c) => fc.tuple(fc.constant(c), instantArb(c), instantArb(c))),
        ([{ cal }, x, y]) => {
          const [from, to] = x <= y ? [x, y] : [y, x];
          const ms = businessTimeBetween(cal, new Date(from), new Date(to));
          const landed = addBusinessTime(cal, new Date(from), ms).getTime();
          expect(landed).toBeLessThanOrEqual(to);
          expect(businessTimeBetween(cal, new Date(from), new Date(landed))).toBe(ms);
          if (ms > 0) expect(businessTimeBetween(cal, new Date(from), new Date(landed - 1))).toBe(ms - 1);
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('addBusinessTime is monotonic in the amount', () => {
    checkProperty(
      fc.property(caseArb(0), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), ({ cal, from }, x, y) => {
        // Up to three weeks' worth of working time, so sparse calendars stay within reach.
        const weekly = Object.values(cal.hours).reduce((sum, day) => sum + day.reduce((s, i) => s + (clockMinutes(i.end) - clockMinutes(i.start)) * MIN, 0), 0);
        fc.pre(weekly > 0);
        const [small, large] = [Math.floor(Math.min(x, y) * 3 * weekly), Math.floor(Math.max(x, y) * 3 * weekly)];
        const early = addBusinessTime(cal, new Date(from), small).getTime();
        const late = addBusinessTime(cal, new Date(from), large).getTime();
        expect(early).toBeLessThanOrEqual(late);
        expect(businessTimeBetween(cal, new Date(from), new Date(late))).toBe(large);
      }),
      { numRuns: 1000 },
    );
  });
});
