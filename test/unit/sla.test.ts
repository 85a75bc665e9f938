import { describe, expect, it } from 'vitest';
import { defaultCalendar } from '../../src/domain/calendar.js';
import {
  DEFAULT_SLA_POLICY,
  bandOf,
  clockRuns,
  dueWarning,
  formatBusinessDuration,
  nextCheckAt,
  slaStatus,
  thresholdsFor,
  usedAt,
  usedOverTimeline,
  type ClockState,
} from '../../src/domain/sla.js';

const calendar = defaultCalendar('UTC'); // Mon–Fri 09:00–17:00
const at = (iso: string) => new Date(iso);
const H = 3_600_000;
const t1 = thresholdsFor(DEFAULT_SLA_POLICY, calendar, { tier: 't1', priority: 'medium', department: 'paid' })!;
// Monday 23 Nov 2026, 09:00 UTC
const running = (since: string, extra: Partial<ClockState> = {}): ClockState => ({ usedMs: 0, runningSince: at(since), warned: null, snoozedUntil: null, ...extra });

describe('SLA thresholds', () => {
  it("follows docs/workflow.md's table in business time", () => {
    expect(t1).toEqual({ yellowAfterMs: 2 * H, redAfterMs: 8 * H, preYellowMs: 0.5 * H });
    const t4 = thresholdsFor(DEFAULT_SLA_POLICY, calendar, { tier: 't4', priority: 'medium', department: 'paid' })!;
    expect([t4.yellowAfterMs, t4.redAfterMs]).toEqual([16 * H, 24 * H]);
  });

  it('halves for High priority and doubles for Community', () => {
    const high = thresholdsFor(DEFAULT_SLA_POLICY, calendar, { tier: 't2', priority: 'high', department: 'paid' })!;
    expect([high.yellowAfterMs, high.redAfterMs]).toEqual([4 * H, 8 * H]);
    const community = thresholdsFor(DEFAULT_SLA_POLICY, calendar, { tier: 't1', priority: 'medium', department: 'community' })!;
    expect([community.yellowAfterMs, community.redAfterMs]).toEqual([4 * H, 16 * H]);
  });

  it('lets the most specific override win', () => {
    const policy = {
      ...DEFAULT_SLA_POLICY,
      overrides: [
        { tier: 't1' as const, yellowAfter: '3h', redAfter: '6h' },
        { tier: 't1' as const, priority: 'high' as const, yellowAfter: '30m', redAfter: '1h' },
      ],
    };
    expect(thresholdsFor(policy, calendar, { tier: 't1', priority: 'high', department: 'paid' })!.redAfterMs).toBe(H);
    expect(thresholdsFor(policy, calendar, { tier: 't1', priority: 'low', department: 'paid' })!.redAfterMs).toBe(6 * H);
  });

  it('has no response SLA for On-Call, which has its own ladder', () => {
    expect(thresholdsFor(DEFAULT_SLA_POLICY, calendar, { tier: 'oncall', priority: 'high', department: 'paid' })).toBeNull();
  });
});

describe('SLA clock', () => {
  it('warns 30 business minutes before yellow, at yellow and at red, in order', () => {
    let clock = running('2026-11-23T09:00:00Z');
    expect(nextCheckAt(clock, t1, calendar, at('2026-11-23T09:00:00Z'))).toEqual(at('2026-11-23T10:30:00Z'));
    expect(dueWarning(clock, t1, calendar, at('2026-11-23T10:29:00Z'))).toBeNull();
    expect(dueWarning(clock, t1, calendar, at('2026-11-23T10:30:00Z'))).toBe('pre-yellow');
    clock = { ...clock, warned: 'pre-yellow' };
    expect(nextCheckAt(clock, t1, calendar, at('2026-11-23T10:30:00Z'))).toEqual(at('2026-11-23T11:00:00Z'));
    clock = { ...clock, warned: 'yellow' };
    expect(nextCheckAt(clock, t1, calendar, at('2026-11-23T11:00:00Z'))).toEqual(at('2026-11-23T17:00:00Z'));
    clock = { ...clock, warned: 'red' };
    expect(nextCheckAt(clock, t1, calendar, at('2026-11-23T17:00:00Z'))).toBeNull();
  });

  it('counts only business hours: a Friday-evening ticket turns yellow Monday morning', () => {
    const clock = running('2026-11-27T16:00:00Z', { warned: 'pre-yellow' }); // Friday 16:00
    expect(nextCheckAt(clock, t1, calendar, at('2026-11-27T16:00:00Z'))).toEqual(at('2026-11-30T10:00:00Z'));
  });

  it('pauses: used time stays put and the next check waits for the clock to run again', () => {
    const paused: ClockState = { usedMs: H, runningSince: null, warned: null, snoozedUntil: null };
    expect(usedAt(paused, calendar, at('2026-12-01T12:00:00Z'))).toBe(H);
    expect(nextCheckAt(paused, t1, calendar, at('2026-12-01T12:00:00Z'))).toBeNull();
    const resumed = { ...paused, runningSince: at('2026-11-24T09:00:00Z') };
    expect(nextCheckAt(resumed, t1, calendar, at('2026-11-24T09:00:00Z'))).toEqual(at('2026-11-24T09:30:00Z'));
  });

  it('after downtime gives only the most severe due warning, once', () => {
    const clock = running('2026-11-23T09:00:00Z');
    expect(dueWarning(clock, t1, calendar, at('2026-11-24T12:00:00Z'))).toBe('red');
    expect(dueWarning({ ...clock, warned: 'red' }, t1, calendar, at('2026-11-24T12:00:00Z'))).toBeNull();
  });

  it('holds warnings while snoozed and checks again when the snooze ends', () => {
    const snoozedUntil = at('2026-11-23T12:00:00Z');
    const clock = running('2026-11-23T09:00:00Z', { warned: 'pre-yellow', snoozedUntil });
    expect(dueWarning(clock, t1, calendar, at('2026-11-23T11:30:00Z'))).toBeNull();
    expect(nextCheckAt(clock, t1, calendar, at('2026-11-23T11:30:00Z'))).toEqual(snoozedUntil);
    expect(dueWarning(clock, t1, calendar, at('2026-11-23T12:00:00Z'))).toBe('yellow');
  });

  it('reports band, time left and when the next band starts', () => {
    const status = slaStatus(running('2026-11-23T09:00:00Z'), t1, calendar, at('2026-11-23T12:00:00Z'));
    expect(status).toMatchObject({ band: 'yellow', usedMs: 3 * H, running: true, next: { band: 'red', leftMs: 5 * H, at: at('2026-11-23T17:00:00Z') } });
    expect(bandOf(8 * H, t1)).toBe('red');
    expect(slaStatus({ usedMs: 9 * H, runningSince: null, warned: 'red', snoozedUntil: null }, t1, calendar, at('2026-11-23T12:00:00Z')).next).toBeNull();
  });

  it('formats business durations with the calendar day length', () => {
    expect(formatBusinessDuration(8 * H + 90 * 60_000, calendar)).toBe('1 d 1 h 30 min');
    expect(formatBusinessDuration(0, calendar)).toBe('0 min');
    expect(formatBusinessDuration(-2 * H, calendar)).toBe('-2 h');
  });
});

describe('when a clock runs', () => {
  it('runs while the ticket waits on us in its queue: Open or Review, not handed off', () => {
    expect(clockRuns({ status: 'open', team: null })).toBe(true);
    expect(clockRuns({ status: 'review', team: null })).toBe(true);
    for (const status of ['pending', 'waiting', 'hold', 'resolved', 'closed'] as const) expect(clockRuns({ status, team: null }), status).toBe(false);
    expect(clockRuns({ status: 'open', team: 'product' })).toBe(false);
  });

  it('adds up the business time of the stretches it ran, up to an end instant', () => {
    // Runs Mon 09:00–11:00, paused to Tue 10:00, runs on; the end falls on Tue 12:00.
    const changes = [
      { at: at('2026-11-23T11:00:00Z'), running: false },
      { at: at('2026-11-23T12:00:00Z'), running: false },
      { at: at('2026-11-24T10:00:00Z'), running: true },
      { at: at('2026-11-24T15:00:00Z'), running: false },
    ];
    expect(usedOverTimeline(calendar, at('2026-11-23T09:00:00Z'), true, changes, at('2026-11-24T12:00:00Z'))).toBe(4 * H);
    expect(usedOverTimeline(calendar, at('2026-11-23T09:00:00Z'), false, changes.slice(2), at('2026-11-24T12:00:00Z'))).toBe(2 * H);
    // Running at the end with no change: everything from the start, in business hours only.
    expect(usedOverTimeline(calendar, at('2026-11-27T15:30:00Z'), true, [], at('2026-11-30T00:00:00Z'))).toBe(1.5 * H);
  });
});
