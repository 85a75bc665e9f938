import { describe, expect, it } from 'vitest';
import { DEFAULT_TIMER_POLICY, addLocalDays, nextStatusTimer, statusAfter } from '../../src/domain/status-timers.js';

const at = (iso: string) => new Date(iso);
const base = { pendingRemindedAt: null, holdUntil: null };

describe('status timers', () => {
  it('reminds a Pending requester after 3 days, then resolves 3 days after the reminder', () => {
    const changed = at('2026-11-23T15:00:00Z');
    expect(nextStatusTimer({ ...base, status: 'pending', statusChangedAt: changed }, DEFAULT_TIMER_POLICY, 'UTC')).toEqual({ action: 'remind', at: at('2026-11-26T15:00:00Z') });
    const reminded = at('2026-11-26T15:10:00Z');
    expect(nextStatusTimer({ ...base, status: 'pending', statusChangedAt: changed, pendingRemindedAt: reminded }, DEFAULT_TIMER_POLICY, 'UTC')).toEqual({ action: 'resolve', at: at('2026-11-29T15:10:00Z') });
  });

  it('ignores a reminder from an earlier Pending stretch', () => {
    const ticket = { ...base, status: 'pending' as const, statusChangedAt: at('2026-11-23T00:00:00Z'), pendingRemindedAt: at('2026-11-01T00:00:00Z') };
    expect(nextStatusTimer(ticket, DEFAULT_TIMER_POLICY, 'UTC')?.action).toBe('remind');
  });

  it('closes Resolved after 4 days and reopens Waiting after 10 and Hold at its end', () => {
    const changed = at('2026-11-23T09:00:00Z');
    expect(nextStatusTimer({ ...base, status: 'resolved', statusChangedAt: changed }, DEFAULT_TIMER_POLICY, 'UTC')).toEqual({ action: 'close', at: at('2026-11-27T09:00:00Z') });
    expect(nextStatusTimer({ ...base, status: 'waiting', statusChangedAt: changed }, DEFAULT_TIMER_POLICY, 'UTC')).toEqual({ action: 'reopen-waiting', at: at('2026-12-03T09:00:00Z') });
    const holdUntil = at('2026-11-25T09:00:00Z');
    expect(nextStatusTimer({ ...base, status: 'hold', statusChangedAt: changed, holdUntil }, DEFAULT_TIMER_POLICY, 'UTC')).toEqual({ action: 'reopen-hold', at: holdUntil });
  });

  it('has no timer for Open, Review and Closed', () => {
    for (const status of ['open', 'review', 'closed'] as const) {
      expect(nextStatusTimer({ ...base, status, statusChangedAt: at('2026-11-23T09:00:00Z') }, DEFAULT_TIMER_POLICY, 'UTC')).toBeNull();
    }
  });

  it('counts days in the team zone, keeping the wall time across DST', () => {
    // Berlin leaves summer time on 25 Oct 2026: 3 local days after Fri 23 Oct 15:00 is Mon 26 Oct 15:00 CET.
    const friday = at('2026-10-23T13:00:00Z'); // 15:00 CEST
    expect(addLocalDays(friday, 3, 'Europe/Berlin').toISOString()).toBe('2026-10-26T14:00:00.000Z'); // 15:00 CET
    expect(addLocalDays(friday, 3, 'UTC').toISOString()).toBe('2026-10-26T13:00:00.000Z');
  });

  it('follows a policy change', () => {
    const policy = { ...DEFAULT_TIMER_POLICY, resolvedCloseDays: 7 };
    expect(nextStatusTimer({ ...base, status: 'resolved', statusChangedAt: at('2026-11-23T09:00:00Z') }, policy, 'UTC')?.at).toEqual(at('2026-11-30T09:00:00Z'));
  });

  it('maps actions to the statuses they lead to', () => {
    expect(statusAfter('remind')).toBeNull();
    expect(statusAfter('resolve')).toBe('resolved');
    expect(statusAfter('close')).toBe('closed');
    expect(statusAfter('reopen-hold')).toBe('open');
  });
});
