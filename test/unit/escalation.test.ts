import { describe, expect, it } from 'vitest';
import { escalationComment, isUpward, splitQuestions, tierAbove, tierBelow } from '../../src/domain/escalation.js';

describe('tier ladder', () => {
  it('goes up one tier at a time and stops at T5', () => {
    expect(tierAbove('triage')).toBe('t1');
    expect(tierAbove('t4')).toBe('t5');
    expect(tierAbove('t5')).toBeUndefined();
    expect(tierAbove('oncall')).toBeUndefined();
  });

  it('goes down one tier, on-call back to T4, and stops at Triage', () => {
    expect(tierBelow('t2')).toBe('t1');
    expect(tierBelow('t1')).toBe('triage');
    expect(tierBelow('triage')).toBeUndefined();
    expect(tierBelow('oncall')).toBe('t4');
  });

  it('counts on-call as up from every tier', () => {
    expect(isUpward('triage', 'oncall')).toBe(true);
    expect(isUpward('t5', 'oncall')).toBe(true);
    expect(isUpward('oncall', 't5')).toBe(false);
    expect(isUpward('t3', 't2')).toBe(false);
  });
});

describe('transition comment', () => {
  it('writes one bold ESCALATED QUESTION header per question, numbered', () => {
    const comment = escalationComment('t1', 't2', '@alice', ['Why does SSO loop?', 'Which log?']);
    expect(comment).toBe('Escalated from T1 to T2 by @alice.\n\n*ESCALATED QUESTION 1*\nWhy does SSO loop?\n\n*ESCALATED QUESTION 2*\nWhich log?');
  });

  it('splits questions on | and drops empty ones', () => {
    expect(splitQuestions(' a | | b |')).toEqual(['a', 'b']);
    expect(splitQuestions('  ')).toEqual([]);
  });
});
