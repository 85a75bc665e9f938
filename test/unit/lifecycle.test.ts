import { describe, expect, it } from 'vitest';
import { checkTransition, nextStatuses } from '../../src/domain/lifecycle.js';
import { STATUSES, type Status } from '../../src/domain/vocabulary.js';

/** The whole table, written out: docs/workflow.md's statuses and the moves between them. */
const EXPECTED: Record<Status, Status[]> = {
  open: ['pending', 'waiting', 'hold', 'review', 'resolved'],
  pending: ['open', 'waiting', 'hold', 'resolved'],
  waiting: ['open', 'pending', 'hold', 'resolved'],
  hold: ['open', 'pending', 'waiting', 'resolved', 'hold'],
  review: ['open', 'resolved'],
  resolved: ['open', 'closed'],
  closed: ['open'],
};

describe('status transitions', () => {
  for (const from of STATUSES) {
    for (const to of STATUSES) {
      const allowed = EXPECTED[from].includes(to);
      it(`${from} -> ${to} is ${allowed ? 'allowed' : 'refused with a reason'}`, () => {
        const check = checkTransition(from, to);
        expect(check.allowed).toBe(allowed);
        if (!check.allowed) expect(check.reason.length).toBeGreaterThan(10);
      });
    }
  }

  it('explains that only resolved tickets close, and that they close by themselves', () => {
    const check = checkTransition('open', 'closed');
    expect(check).toMatchObject({ allowed: false });
    if (!check.allowed) expect(check.hint).toMatch(/closes by itself after 4 days/);
  });

  it('lets staff reopen a closed ticket, and points there from any other move', () => {
    expect(checkTransition('closed', 'open')).toEqual({ allowed: true });
    const check = checkTransition('closed', 'pending');
    expect(check).toMatchObject({ allowed: false, reason: 'A Closed ticket can only be reopened.' });
    if (!check.allowed) expect(check.hint).toContain('/ticket status <id> open');
  });

  it('lists the next statuses for buttons', () => {
    expect(nextStatuses('resolved')).toEqual(['open', 'closed']);
  });
});
