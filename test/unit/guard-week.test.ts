import fc from 'fast-check';
import { checkProperty } from '../doubles/property.js';
import { describe, expect, it } from 'vitest';
import {
  addCalendarDays,
  formatDay,
  guardWeekStart,
  parseTypedDate,
  previousWeek,
  weekContaining,
  weekEnd,
} from '../../src/domain/guard-week.js';

const at = (iso: string) => new Date(iso);

describe('guardWeekStart', () => {
  it('is the Monday of the week in the given zone', () => {
    expect(guardWeekStart(at('2026-03-04T12:00:00Z'), 'UTC')).toBe('2026-03-02');
    expect(guardWeekStart(at('2026-03-02T00:00:00Z'), 'UTC')).toBe('2026-03-02');
    expect(guardWeekStart(at('2026-03-01T23:59:59Z'), 'UTC')).toBe('2026-02-23');
  });

  it('follows the team zone, not UTC, around Sunday midnight', () => {
    // Monday 00:30 in Berlin is still Sunday in UTC.
    expect(guardWeekStart(at('2026-03-01T23:30:00Z'), 'Europe/Berlin')).toBe('2026-03-02');
    expect(guardWeekStart(at('2026-03-01T23:30:00Z'), 'UTC')).toBe('2026-02-23');
    // Monday 03:00 UTC is still Sunday evening in New York.
    expect(guardWeekStart(at('2026-03-02T03:00:00Z'), 'America/New_York')).toBe('2026-02-23');
  });

  it('handles odd offsets (+05:30, +12:45, +14:00)', () => {
    expect(guardWeekStart(at('2026-03-01T18:30:00Z'), 'Asia/Kolkata')).toBe('2026-03-02'); // 00:00 Monday IST
    expect(guardWeekStart(at('2026-03-01T18:29:59Z'), 'Asia/Kolkata')).toBe('2026-02-23');
    expect(guardWeekStart(at('2026-03-01T10:15:00Z'), 'Pacific/Chatham')).toBe('2026-03-02'); // 00:00 Monday +13:45 (DST)
    expect(guardWeekStart(at('2026-03-01T10:14:59Z'), 'Pacific/Chatham')).toBe('2026-02-23');
    expect(guardWeekStart(at('2026-06-28T11:15:00Z'), 'Pacific/Chatham')).toBe('2026-06-29'); // 00:00 Monday +12:45
    expect(guardWeekStart(at('2026-03-01T10:00:00Z'), 'Pacific/Kiritimati')).toBe('2026-03-02'); // 00:00 Monday +14
  });

  it('is right across the DST change weekends', () => {
    // Europe: clocks go forward on Sunday 29 March 2026 at 02:00 and back on 25 October 2026 at 03:00.
    expect(guardWeekStart(at('2026-03-29T00:59:00Z'), 'Europe/Berlin')).toBe('2026-03-23');
    expect(guardWeekStart(at('2026-03-29T21:59:00Z'), 'Europe/Berlin')).toBe('2026-03-23'); // Sun 23:59 CEST
    expect(guardWeekStart(at('2026-03-29T22:00:00Z'), 'Europe/Berlin')).toBe('2026-03-30'); // Mon 00:00 CEST
    expect(guardWeekStart(at('2026-10-25T22:59:00Z'), 'Europe/Berlin')).toBe('2026-10-19'); // Sun 23:59 CET
    expect(guardWeekStart(at('2026-10-25T23:00:00Z'), 'Europe/Berlin')).toBe('2026-10-26'); // Mon 00:00 CET
    // US: forward on 8 March 2026, back on 1 November 2026.
    expect(guardWeekStart(at('2026-03-09T03:59:00Z'), 'America/New_York')).toBe('2026-03-02'); // Sun 23:59 EDT
    expect(guardWeekStart(at('2026-03-09T04:00:00Z'), 'America/New_York')).toBe('2026-03-09'); // Mon 00:00 EDT
    expect(guardWeekStart(at('2026-11-02T04:59:00Z'), 'America/New_York')).toBe('2026-10-26'); // Sun 23:59 EST
    expect(guardWeekStart(at('2026-11-02T05:00:00Z'), 'America/New_York')).toBe('2026-11-02');
  });

  it('is right when a Monday midnight does not exist (DST starting at 00:00)', () => {
    // Brazil moved clocks from Sunday 00:00 to 01:00 on 4 November 2018 (Sao Paulo).
    expect(guardWeekStart(at('2018-11-04T03:30:00Z'), 'America/Sao_Paulo')).toBe('2018-10-29');
    expect(guardWeekStart(at('2018-11-05T02:00:00Z'), 'America/Sao_Paulo')).toBe('2018-11-05');
  });

  it('agrees with the calendar date Intl shows, for any instant and zone', () => {
    const zones = ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Pacific/Chatham', 'Pacific/Kiritimati', 'Pacific/Pago_Pago', 'America/Sao_Paulo', 'Australia/Lord_Howe'];
    checkProperty(
      fc.property(fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2040, 0, 1) }), fc.constantFrom(...zones), (ms, zone) => {
        const localDay = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(ms);
        const start = guardWeekStart(new Date(ms), zone);
        expect(start).toBe(weekContaining(localDay));
        expect(new Date(`${start}T00:00:00Z`).getUTCDay()).toBe(1);
      }),
      { numRuns: 500 },
    );
  });
});

describe('calendar weeks', () => {
  it('steps back a week across month and year ends', () => {
    expect(previousWeek('2026-03-02')).toBe('2026-02-23');
    expect(previousWeek('2026-01-05')).toBe('2025-12-29');
    expect(previousWeek('2024-03-04')).toBe('2024-02-26');
  });

  it('finds the Monday holding any day, and the Sunday ending a week', () => {
    expect(weekContaining('2026-03-08')).toBe('2026-03-02'); // Sunday
    expect(weekContaining('2026-03-02')).toBe('2026-03-02'); // Monday
    expect(weekContaining('2026-01-01')).toBe('2025-12-29');
    expect(weekEnd('2025-12-29')).toBe('2026-01-04');
    expect(addCalendarDays('2024-02-28', 1)).toBe('2024-02-29');
  });

  it('formats a day for people', () => {
    expect(formatDay('2026-03-02')).toBe('Mon 2 Mar 2026');
  });
});

describe('parseTypedDate', () => {
  it('accepts real days, leap days included', () => {
    expect(parseTypedDate('2026-03-02')).toEqual({ ok: true, day: '2026-03-02' });
    expect(parseTypedDate(' 2024-02-29 ')).toEqual({ ok: true, day: '2024-02-29' });
  });

  it('refuses days the calendar does not have, saying why', () => {
    const feb30 = parseTypedDate('2026-02-30');
    expect(feb30).toEqual({ ok: false, reason: '"2026-02-30" does not exist: that month has days 01 to 28.' });
    expect(parseTypedDate('2025-02-29').ok).toBe(false);
    expect(parseTypedDate('2026-04-31').ok).toBe(false);
    expect(parseTypedDate('2026-13-01')).toMatchObject({ ok: false, reason: expect.stringContaining('no month 13') });
    expect(parseTypedDate('2026-00-10').ok).toBe(false);
  });

  it('refuses other spellings with the format to use', () => {
    for (const text of ['tomorrow', '2026-3-2', '02/03/2026', '2026-03-02T10:00', '']) {
      expect(parseTypedDate(text)).toMatchObject({ ok: false, reason: expect.stringContaining('YYYY-MM-DD') });
    }
  });
});
