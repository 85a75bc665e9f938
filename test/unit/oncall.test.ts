import fc from 'fast-check';
import { checkProperty } from '../doubles/property.js';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_LADDER_POLICY,
  holdersBetween,
  ladderStep,
  lastHandoff,
  parseClockTime,
  parseWeekday,
  rotationGaps,
  schedule,
  shiftAt,
  STEP_AFTER,
  whoIsOnCall,
  type LadderState,
  type RotationOverride,
  type RotationTiming,
} from '../../src/domain/oncall.js';
import { dayOf, localParts, parseTypedInstant, zonedInstant } from '../../src/domain/zoned-time.js';

const HOUR = 60 * 60 * 1000;
const MINUTE = 60 * 1000;
const at = (iso: string) => new Date(iso);
const iso = (d: Date) => d.toISOString();

/** A Monday 10:00 rotation in `timeZone`, anchored at the hand-off on or before `anchor`. */
function mondayTen(timeZone: string, anchor: string): RotationTiming {
  const timing = { handoffWeekday: 1, handoffTime: '10:00', timeZone };
  return { ...timing, anchorAt: lastHandoff(timing, at(anchor)) };
}

const override = (id: number, personId: number, startsAt: string, endsAt: string): RotationOverride => ({ id, personId, startsAt: at(startsAt), endsAt: at(endsAt) });

describe('zoned wall-clock time', () => {
  it('moves a local time in a spring-forward gap forward by the gap', () => {
    expect(iso(new Date(zonedInstant(dayOf(2026, 3, 29), 2, 30, 'Europe/Berlin')))).toBe('2026-03-29T01:30:00.000Z');
    expect(iso(new Date(zonedInstant(dayOf(2026, 3, 8), 2, 30, 'America/New_York')))).toBe('2026-03-08T07:30:00.000Z');
    // Lord Howe moves by 30 minutes only.
    expect(iso(new Date(zonedInstant(dayOf(2026, 10, 4), 2, 15, 'Australia/Lord_Howe')))).toBe('2026-10-03T15:45:00.000Z');
  });

  it('takes the earlier instant for a local time that happens twice', () => {
    expect(iso(new Date(zonedInstant(dayOf(2026, 10, 25), 2, 30, 'Europe/Berlin')))).toBe('2026-10-25T00:30:00.000Z');
    expect(iso(new Date(zonedInstant(dayOf(2026, 11, 1), 1, 30, 'America/New_York')))).toBe('2026-11-01T05:30:00.000Z');
  });

  it('reads instants typed as dates, local times or ISO instants', () => {
    const berlin = 'Europe/Berlin';
    expect(parseTypedInstant('2026-03-09', berlin)).toEqual({ ok: true, instant: at('2026-03-08T23:00:00Z'), dateOnly: true });
    expect(parseTypedInstant('2026-03-13', berlin, 'end')).toEqual({ ok: true, instant: at('2026-03-13T23:00:00Z'), dateOnly: true });
    expect(parseTypedInstant('2026-07-01T18:30', berlin)).toEqual({ ok: true, instant: at('2026-07-01T16:30:00Z'), dateOnly: false });
    expect(parseTypedInstant('2026-07-01T18:30Z', berlin)).toEqual({ ok: true, instant: at('2026-07-01T18:30:00Z'), dateOnly: false });
    expect(parseTypedInstant('2026-07-01T18:30+05:30', berlin)).toEqual({ ok: true, instant: at('2026-07-01T13:00:00Z'), dateOnly: false });
    expect(parseTypedInstant('2026-02-30', berlin)).toMatchObject({ ok: false, reason: expect.stringContaining('does not exist') });
    expect(parseTypedInstant('2026-03-01T24:00', berlin)).toMatchObject({ ok: false, reason: expect.stringContaining('00:00 to 23:59') });
    expect(parseTypedInstant('tomorrow', berlin)).toMatchObject({ ok: false, reason: expect.stringContaining('YYYY-MM-DD') });
  });

  it('reads weekdays and hand-off times as people type them', () => {
    expect([parseWeekday('mon'), parseWeekday('Tuesday'), parseWeekday('7'), parseWeekday('x'), parseWeekday('t')]).toEqual([1, 2, 7, null, null]);
    expect(parseClockTime('9:05')).toEqual({ hours: 9, minutes: 5 });
    expect(parseClockTime('24:00')).toBeNull();
  });
});

describe('weekly shifts in the team zone', () => {
  it('keeps a Monday 10:00 hand-off at 10:00 in Berlin across spring forward (a 167-hour shift)', () => {
    const rotation = mondayTen('Europe/Berlin', '2026-03-02T12:00:00Z');
    const shift = shiftAt(rotation, at('2026-03-29T12:00:00Z'));
    expect(iso(shift.start)).toBe('2026-03-23T09:00:00.000Z'); // 10:00 CET
    expect(iso(shift.end)).toBe('2026-03-30T08:00:00.000Z'); // 10:00 CEST
    expect(shift.end.getTime() - shift.start.getTime()).toBe(167 * HOUR);
    expect(shift.index).toBe(3);
  });

  it('keeps it at 10:00 across fall back (a 169-hour shift)', () => {
    const rotation = mondayTen('Europe/Berlin', '2026-03-02T12:00:00Z');
    const shift = shiftAt(rotation, at('2026-10-25T12:00:00Z'));
    expect(iso(shift.start)).toBe('2026-10-19T08:00:00.000Z');
    expect(iso(shift.end)).toBe('2026-10-26T09:00:00.000Z');
    expect(shift.end.getTime() - shift.start.getTime()).toBe(169 * HOUR);
  });

  it('does the same in New York, whose clocks change on other weekends', () => {
    const rotation = mondayTen('America/New_York', '2026-03-02T16:00:00Z');
    const spring = shiftAt(rotation, at('2026-03-08T12:00:00Z'));
    expect([iso(spring.start), iso(spring.end)]).toEqual(['2026-03-02T15:00:00.000Z', '2026-03-09T14:00:00.000Z']);
    const fall = shiftAt(rotation, at('2026-11-01T12:00:00Z'));
    expect([iso(fall.start), iso(fall.end)]).toEqual(['2026-10-26T14:00:00.000Z', '2026-11-02T15:00:00.000Z']);
    expect(fall.end.getTime() - fall.start.getTime()).toBe(169 * HOUR);
  });

  it('starts every shift of a year on Monday 10:00 local, back to back', () => {
    for (const zone of ['Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kolkata']) {
      const rotation = mondayTen(zone, '2026-01-05T12:00:00Z');
      const segments = schedule(rotation, [1, 2, 3], [], rotation.anchorAt, 60);
      segments.forEach((s, i) => {
        expect(localParts(s.start.getTime(), zone)).toMatchObject({ weekday: 1, hours: 10, minutes: 0 });
        expect(s.shift.index).toBe(i);
        if (i > 0) expect(s.start).toEqual(segments[i - 1]!.end);
      });
    }
  });

  it('holds for random instants: the shift contains the instant and starts at the hand-off wall time', () => {
    const zones = ['Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'Pacific/Chatham', 'America/St_Johns', 'UTC'];
    checkProperty(
      fc.property(
        fc.constantFrom(...zones),
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 4, max: 23 }),
        fc.integer({ min: 0, max: 59 }),
        fc.integer({ min: Date.parse('2020-01-01'), max: Date.parse('2032-01-01') }),
        fc.integer({ min: -400, max: 400 }),
        (timeZone, weekday, hours, minutes, anchor, offsetDays) => {
          const timing = { handoffWeekday: weekday, handoffTime: `${hours}:${String(minutes).padStart(2, '0')}`, timeZone };
          const rotation = { ...timing, anchorAt: lastHandoff(timing, new Date(anchor)) };
          const instant = new Date(anchor + offsetDays * 24 * HOUR + 7 * MINUTE);
          const shift = shiftAt(rotation, instant);
          expect(shift.start.getTime()).toBeLessThanOrEqual(instant.getTime());
          expect(shift.end.getTime()).toBeGreaterThan(instant.getTime());
          // No zone has a DST gap between 04:00 and 24:00, so the wall time is exact.
          expect(localParts(shift.start.getTime(), timeZone)).toMatchObject({ weekday, hours, minutes });
          expect(Math.abs(shift.end.getTime() - shift.start.getTime() - 168 * HOUR)).toBeLessThanOrEqual(HOUR);
          expect(shiftAt(rotation, shift.end).index).toBe(shift.index + 1);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('who is on call', () => {
  const rotation = mondayTen('Europe/Berlin', '2026-03-02T09:00:00Z');
  const members = [1, 2, 3];

  it('goes round the participants in order, the next in line as backup', () => {
    const week = (n: number) => whoIsOnCall(rotation, members, [], new Date(rotation.anchorAt.getTime() + n * 7 * 24 * HOUR + HOUR));
    expect([0, 1, 2, 3, -1].map((n) => [week(n).personId, week(n).backupPersonId])).toEqual([
      [1, 2],
      [2, 3],
      [3, 1],
      [1, 2],
      [3, 1],
    ]);
    expect(week(0)).toMatchObject({ viaOverride: false, shiftStart: rotation.anchorAt, until: at('2026-03-09T09:00:00Z') });
  });

  it('lets an override cover part of a shift, which splits it', () => {
    const overrides = [override(10, 9, '2026-03-04T08:00:00Z', '2026-03-06T08:00:00Z')];
    const week = schedule(rotation, members, overrides, at('2026-03-02T12:00:00Z'), 1);
    expect(week.map((s) => [iso(s.start), iso(s.end), s.personId, s.backupPersonId, s.overrideId])).toEqual([
      ['2026-03-02T09:00:00.000Z', '2026-03-04T08:00:00.000Z', 1, 2, null],
      ['2026-03-04T08:00:00.000Z', '2026-03-06T08:00:00.000Z', 9, 2, 10],
      ['2026-03-06T08:00:00.000Z', '2026-03-09T09:00:00.000Z', 1, 2, null],
    ]);
    expect(whoIsOnCall(rotation, members, overrides, at('2026-03-05T00:00:00Z'))).toMatchObject({
      personId: 9,
      scheduledPersonId: 1,
      viaOverride: true,
      from: at('2026-03-04T08:00:00Z'),
      until: at('2026-03-06T08:00:00Z'),
    });
  });

  it('lets the latest override win where two overlap', () => {
    const overrides = [override(10, 8, '2026-03-03T00:00:00Z', '2026-03-07T00:00:00Z'), override(11, 9, '2026-03-04T00:00:00Z', '2026-03-05T00:00:00Z')];
    const who = (instant: string) => whoIsOnCall(rotation, members, overrides, at(instant)).personId;
    expect([who('2026-03-03T12:00:00Z'), who('2026-03-04T12:00:00Z'), who('2026-03-06T12:00:00Z'), who('2026-03-07T12:00:00Z')]).toEqual([8, 9, 8, 1]);
  });

  it('keeps the next in line as backup, never the covered person nor the one covering', () => {
    const week0 = '2026-03-03T12:00:00Z';
    const cover = (personId: number) => [override(10, personId, '2026-03-02T09:00:00Z', '2026-03-09T09:00:00Z')];
    expect(whoIsOnCall(rotation, [1, 2, 3], cover(2), at(week0))).toMatchObject({ personId: 2, backupPersonId: 3 });
    expect(whoIsOnCall(rotation, [1, 2, 3], cover(9), at(week0))).toMatchObject({ personId: 9, backupPersonId: 2 });
    expect(whoIsOnCall(rotation, [1, 2], cover(2), at(week0))).toMatchObject({ personId: 2, backupPersonId: null });
    expect(whoIsOnCall(rotation, [1], [], at(week0))).toMatchObject({ personId: 1, backupPersonId: null });
  });

  it('says "until" the on-call person changes, past the hand-off when an override spans it', () => {
    const overrides = [override(10, 2, '2026-03-06T00:00:00Z', '2026-03-16T00:00:00Z')];
    // Person 2 covers from Friday, straight into their own week, which ends at the Monday hand-off.
    expect(whoIsOnCall(rotation, members, overrides, at('2026-03-07T00:00:00Z')).until).toEqual(at('2026-03-16T09:00:00Z'));
    // A rotation of one hands over to the same person each week: "until" is still the hand-off.
    expect(whoIsOnCall(rotation, [1], [], at('2026-03-03T00:00:00Z')).until).toEqual(at('2026-03-09T09:00:00Z'));
  });

  it('has nobody on call without participants, except under an override', () => {
    const overrides = [override(10, 9, '2026-03-03T00:00:00Z', '2026-03-04T00:00:00Z')];
    expect(whoIsOnCall(rotation, [], overrides, at('2026-03-02T12:00:00Z'))).toMatchObject({ personId: null, backupPersonId: null });
    expect(whoIsOnCall(rotation, [], overrides, at('2026-03-03T12:00:00Z'))).toMatchObject({ personId: 9, backupPersonId: null });
  });
});

describe('who an override would replace', () => {
  const berlin = mondayTen('Europe/Berlin', '2026-03-02T09:00:00Z');

  it('names everyone on call at some point of the period, overrides applied, nobody for gaps', () => {
    expect(holdersBetween(berlin, [1, 2], [], at('2026-03-03T00:00:00Z'), at('2026-03-04T00:00:00Z'))).toEqual([1]);
    // Across the Monday hand-off: both.
    expect(holdersBetween(berlin, [1, 2], [], at('2026-03-08T00:00:00Z'), at('2026-03-10T00:00:00Z'))).toEqual([1, 2]);
    // An override in the middle of 1's week replaces 1 there, and is replaced in turn.
    const cover = [override(7, 3, '2026-03-04T00:00:00Z', '2026-03-05T00:00:00Z')];
    expect(holdersBetween(berlin, [1, 2], cover, at('2026-03-04T06:00:00Z'), at('2026-03-04T07:00:00Z'))).toEqual([3]);
    expect(holdersBetween(berlin, [1, 2], cover, at('2026-03-03T23:00:00Z'), at('2026-03-04T01:00:00Z'))).toEqual([1, 3]);
    expect(holdersBetween(berlin, [], [], at('2026-03-03T00:00:00Z'), at('2026-03-04T00:00:00Z'))).toEqual([null]);
  });
});

describe('rotation problems for the doctor', () => {
  const rotation = mondayTen('UTC', '2026-03-02T10:00:00Z');
  const from = at('2026-03-02T12:00:00Z');
  const until = at('2026-03-16T12:00:00Z');

  it('reports a rotation without participants and the spans nobody covers', () => {
    const overrides = [override(10, 9, '2026-03-03T00:00:00Z', '2026-03-04T00:00:00Z')];
    const problems = rotationGaps(rotation, [], overrides, from, until);
    expect(problems[0]).toEqual({ kind: 'no-members' });
    expect(problems.filter((p) => p.kind === 'uncovered')).toEqual([
      { kind: 'uncovered', start: at('2026-03-02T10:00:00Z'), end: at('2026-03-03T00:00:00Z') },
      { kind: 'uncovered', start: at('2026-03-04T00:00:00Z'), end: at('2026-03-23T10:00:00Z') },
    ]);
  });

  it('reports a rotation of one (no backup) and spans an override leaves without backup', () => {
    expect(rotationGaps(rotation, [1], [], from, until)).toEqual([{ kind: 'no-backup' }]);
    const overrides = [override(10, 2, '2026-03-03T00:00:00Z', '2026-03-04T00:00:00Z')];
    expect(rotationGaps(rotation, [1, 2], overrides, from, until)).toEqual([{ kind: 'backup-missing', start: at('2026-03-03T00:00:00Z'), end: at('2026-03-04T00:00:00Z'), personId: 2 }]);
  });

  it('reports overrides that change nothing', () => {
    const overrides = [override(10, 1, '2026-03-03T00:00:00Z', '2026-03-04T00:00:00Z'), override(11, 3, '2026-03-10T00:00:00Z', '2026-03-11T00:00:00Z'), override(12, 4, '2026-03-09T00:00:00Z', '2026-03-12T00:00:00Z')];
    expect(rotationGaps(rotation, [1, 2, 3], overrides, from, until)).toEqual([
      { kind: 'override-ineffective', overrideId: 10, reason: 'same-person' },
      { kind: 'override-ineffective', overrideId: 11, reason: 'shadowed' },
    ]);
  });

  it('finds nothing wrong with a healthy rotation', () => {
    expect(rotationGaps(rotation, [1, 2, 3], [], from, until)).toEqual([]);
  });
});

describe('the acknowledgement ladder', () => {
  const escalatedAt = at('2026-03-02T12:00:00Z');
  const state = (patch: Partial<LadderState> = {}): LadderState => ({ step: 'announced', escalatedAt, major: false, acknowledgedAt: null, ...patch });
  const plus = (minutes: number) => new Date(escalatedAt.getTime() + minutes * MINUTE);

  it('waits an hour for an acknowledgement, then pages', () => {
    expect(ladderStep(state(), plus(59))).toEqual({ next: null, nextStepAt: plus(60) });
    expect(ladderStep(state(), plus(60))).toEqual({ next: 'page', nextStepAt: plus(90) });
  });

  it('calls 30 minutes after the page', () => {
    expect(ladderStep(state({ step: 'paged' }), plus(89))).toEqual({ next: null, nextStepAt: plus(90) });
    expect(ladderStep(state({ step: 'paged' }), plus(90))).toEqual({ next: 'call', nextStepAt: null });
    expect(ladderStep(state({ step: 'paged', pagedAt: plus(75) }), plus(100))).toEqual({ next: null, nextStepAt: plus(105) });
    expect(ladderStep(state({ step: 'called' }), plus(600))).toEqual({ next: null, nextStepAt: null });
  });

  it('pages a major outage at once, and calls 30 minutes later', () => {
    expect(ladderStep(state({ major: true }), escalatedAt)).toEqual({ next: 'page', nextStepAt: plus(30) });
    expect(ladderStep(state({ major: true, step: 'paged' }), plus(30))).toEqual({ next: 'call', nextStepAt: null });
  });

  it('stops for good once acknowledged, at any step', () => {
    for (const step of ['announced', 'paged', 'called'] as const) {
      expect(ladderStep(state({ step, acknowledgedAt: plus(10) }), plus(500))).toEqual({ next: null, nextStepAt: null });
    }
  });

  it('takes each step once when a tick comes three hours late', () => {
    const now = plus(180);
    let current = state();
    const taken: string[] = [];
    for (let decision = ladderStep(current, now); decision.next; decision = ladderStep(current, now)) {
      taken.push(decision.next);
      current = { ...current, step: STEP_AFTER[decision.next] };
    }
    expect(taken).toEqual(['page', 'call']);
  });

  it('follows a team policy', () => {
    const policy = { ...DEFAULT_LADDER_POLICY, ackMinutes: 15, callAfterPageMinutes: 10 };
    expect(ladderStep(state(), plus(15), policy)).toEqual({ next: 'page', nextStepAt: plus(25) });
  });
});
