import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RequestContext } from '../../src/app/context.js';
import { closeGuardLoop, currentGuardWeek, logGuardEntry, showGuardWeek } from '../../src/app/guard.js';
import { guardSummary } from '../../src/views/guard.js';
import { auditTrail } from '../doubles/audit.js';
import { actAs, createTestApp, type TestApp } from '../doubles/context.js';
import { thrown } from '../doubles/errors.js';

let t: TestApp;
let ctx: RequestContext;
afterEach(() => t.close());

describe('the guard log', () => {
  beforeEach(() => {
    t = createTestApp({ now: new Date('2026-03-04T10:00:00Z') });
    ctx = actAs(t.app, 'oncall-olga');
  });

  it('logs entries in the current week with an audit event', () => {
    const entry = logGuardEntry(ctx, { kind: 'hotfix', text: '  Rolled back push gateway 4.2.1 ' });
    expect(entry).toMatchObject({ weekStart: '2026-03-02', kind: 'hotfix', body: 'Rolled back push gateway 4.2.1', author: '@oncall-olga', closedAt: null });
    expect(auditTrail(t.app, 'guard', entry.id)).toMatchObject([
      { action: 'guard.logged', actorLabel: '@oncall-olga', after: { weekStart: '2026-03-02', kind: 'hotfix', body: 'Rolled back push gateway 4.2.1' } },
    ]);
  });

  it('refuses empty and overlong entries', () => {
    expect(thrown(() => logGuardEntry(ctx, { kind: 'sql', text: '   ' })).code).toBe('INVALID');
    expect(thrown(() => logGuardEntry(ctx, { kind: 'sql', text: 'x'.repeat(2001) })).code).toBe('INVALID');
  });

  it('shows a week grouped by kind, with the numbers first', () => {
    logGuardEntry(ctx, { kind: 'hotfix', text: 'Fix 1' });
    logGuardEntry(ctx, { kind: 'loop', text: 'Loop A' });
    logGuardEntry(ctx, { kind: 'hotfix', text: 'Fix 2' });
    logGuardEntry(ctx, { kind: 'sql', text: 'UPDATE users SET ...' });
    const loopB = logGuardEntry(ctx, { kind: 'loop', text: 'Loop B' });
    logGuardEntry(ctx, { kind: 'hotfix', text: 'Fix 3' });
    logGuardEntry(ctx, { kind: 'loop', text: 'Loop C' });
    closeGuardLoop(ctx, loopB.id);
    const week = showGuardWeek(t.app);
    expect(week).toMatchObject({ weekStart: '2026-03-02', weekEnd: '2026-03-08', isCurrent: true, carriedOver: [] });
    expect(week.byKind.hotfix.map((e) => e.body)).toEqual(['Fix 1', 'Fix 2', 'Fix 3']);
    expect(guardSummary(week)).toBe('3 hotfixes, 1 SQL script, 2 open loops, 1 closed loop');
    expect(guardSummary(showGuardWeek(t.app, { week: 'last' }))).toBe('Nothing logged');
  });

  it('shows last week and the week holding a typed date', () => {
    logGuardEntry(ctx, { kind: 'sql', text: 'Old script' });
    t.clock.set(new Date('2026-03-10T10:00:00Z'));
    logGuardEntry(ctx, { kind: 'hotfix', text: 'New fix' });
    expect(showGuardWeek(t.app, { week: 'last' }).byKind.sql.map((e) => e.body)).toEqual(['Old script']);
    expect(showGuardWeek(t.app, { date: '2026-03-08' })).toMatchObject({ weekStart: '2026-03-02', isCurrent: false });
    expect(showGuardWeek(t.app, { date: '2026-03-09' }).byKind.hotfix).toHaveLength(1);
  });

  it('refuses a date the calendar does not have', () => {
    const error = thrown(() => showGuardWeek(t.app, { date: '2026-02-30' }));
    expect(error.code).toBe('INVALID');
    expect(error.message).toContain('does not exist');
    expect(error.hint).toContain('/guard show last');
  });

  it('carries open loops from earlier weeks into the current one until closed', () => {
    const loop = logGuardEntry(ctx, { kind: 'loop', text: 'Check the nightly export' });
    t.clock.set(new Date('2026-03-17T10:00:00Z'));
    expect(showGuardWeek(t.app).carriedOver.map((e) => e.id)).toEqual([loop.id]);
    closeGuardLoop(ctx, loop.id);
    expect(showGuardWeek(t.app).carriedOver).toEqual([]);
  });

  it('closes only open loops, with an audit event', () => {
    const fix = logGuardEntry(ctx, { kind: 'hotfix', text: 'Fix' });
    const loop = logGuardEntry(ctx, { kind: 'loop', text: 'Loop' });
    t.clock.advance(3_600_000);
    const closed = closeGuardLoop(ctx, loop.id);
    expect(closed.closedAt?.toISOString()).toBe('2026-03-04T11:00:00.000Z');
    expect(auditTrail(t.app, 'guard', loop.id).at(-1)).toMatchObject({ action: 'guard.closed', after: { closedAt: '2026-03-04T11:00:00.000Z' } });
    expect(thrown(() => closeGuardLoop(ctx, loop.id)).code).toBe('CONFLICT');
    expect(thrown(() => closeGuardLoop(ctx, fix.id))).toMatchObject({ code: 'INVALID', message: expect.stringContaining('only open loops') });
    expect(thrown(() => closeGuardLoop(ctx, 999)).code).toBe('NOT_FOUND');
  });
});

describe('guard weeks follow the team time zone', () => {
  it('files a Monday-morning entry in Berlin under the new week while UTC still says Sunday', () => {
    t = createTestApp({ now: new Date('2026-03-01T23:30:00Z'), settings: { timeZone: 'Europe/Berlin' } });
    ctx = actAs(t.app, 'olga');
    expect(logGuardEntry(ctx, { kind: 'hotfix', text: 'Early fix' }).weekStart).toBe('2026-03-02');
  });

  it('files a Sunday-evening entry in New York under the old week while UTC already says Monday', () => {
    t = createTestApp({ now: new Date('2026-03-02T03:00:00Z'), settings: { timeZone: 'America/New_York' } });
    ctx = actAs(t.app, 'olga');
    expect(logGuardEntry(ctx, { kind: 'hotfix', text: 'Late fix' }).weekStart).toBe('2026-02-23');
  });

  it('keeps the week right across the DST change weekend', () => {
    t = createTestApp({ now: new Date('2026-03-29T21:59:00Z'), settings: { timeZone: 'Europe/Berlin' } });
    expect(currentGuardWeek(t.app)).toBe('2026-03-23'); // Sunday 23:59 CEST, the night clocks went forward
    t.clock.advance(60_000);
    expect(currentGuardWeek(t.app)).toBe('2026-03-30');
    expect(showGuardWeek(t.app, { week: 'last' }).weekStart).toBe('2026-03-23');
  });
});
