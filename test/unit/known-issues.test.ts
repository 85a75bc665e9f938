import fc from 'fast-check';
import { checkProperty } from '../doubles/property.js';
import { describe, expect, it } from 'vitest';
import {
  STATUS_PAGE_THRESHOLD,
  TRACKED_THRESHOLD,
  knownIssueLabel,
  knownIssueTagName,
  parseKnownIssueRef,
  rankProfileMatches,
  thresholdCrossed,
} from '../../src/domain/known-issues.js';

describe('knownIssueTagName', () => {
  it('keeps the first three words that mean something', () => {
    expect(knownIssueTagName(3, 'Login loop after the SSO update')).toBe('3-login-loop-sso');
    expect(knownIssueTagName(12, 'The push notifications are not delivered on iOS')).toBe('12-push-notifications-delivered');
  });

  it('uses two words when only two are left, and folds accents and punctuation', () => {
    expect(knownIssueTagName(1, 'Crash: Éxport!')).toBe('1-crash-export');
    expect(knownIssueTagName(7, 'A loop in the SSO')).toBe('7-loop-sso');
  });

  it('falls back to "issue" when no word is left', () => {
    expect(knownIssueTagName(4, 'The of a')).toBe('4-issue');
    expect(knownIssueTagName(5, '🔥🔥')).toBe('5-issue');
  });

  it('always yields a slug that starts with the number', () => {
    checkProperty(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.string({ maxLength: 300 }), (n, title) => {
        const tag = knownIssueTagName(n, title);
        expect(tag).toMatch(new RegExp(`^${n}-[a-z0-9]+(-[a-z0-9]+){0,2}$`));
      }),
      { numRuns: 100 },
    );
  });
});

describe('known issue numbers', () => {
  it('shows them as KI-n and reads 3, #3 and KI-3', () => {
    expect(knownIssueLabel(3)).toBe('KI-3');
    expect(parseKnownIssueRef('3')).toBe(3);
    expect(parseKnownIssueRef('#3')).toBe(3);
    expect(parseKnownIssueRef('KI-3')).toBe(3);
    expect(parseKnownIssueRef('ki3')).toBe(3);
  });

  it('refuses anything else', () => {
    for (const raw of ['0', 'KI-', 'three', '-3', '3.5', 'KI-3x', '']) expect(parseKnownIssueRef(raw)).toBeUndefined();
  });
});

describe('thresholdCrossed', () => {
  it('names the threshold only on the link that crosses it', () => {
    expect(TRACKED_THRESHOLD).toBe(3);
    expect(STATUS_PAGE_THRESHOLD).toBe(6);
    expect(thresholdCrossed(2, 3)).toBe('tracked');
    expect(thresholdCrossed(0, 3)).toBe('tracked');
    expect(thresholdCrossed(3, 4)).toBeUndefined();
    expect(thresholdCrossed(5, 6)).toBe('status-page');
    expect(thresholdCrossed(6, 7)).toBeUndefined();
    expect(thresholdCrossed(1, 2)).toBeUndefined();
  });

  it('prefers the status page when one link jumps over both', () => {
    expect(thresholdCrossed(2, 7)).toBe('status-page');
  });

  it('fires each threshold exactly once when tickets are linked one by one', () => {
    checkProperty(
      fc.property(fc.integer({ min: 7, max: 50 }), (total) => {
        const crossed = Array.from({ length: total }, (_, i) => thresholdCrossed(i, i + 1)).filter(Boolean);
        expect(crossed).toEqual(['tracked', 'status-page']);
      }),
      { numRuns: 100 },
    );
  });

  it('never fires when the count does not grow', () => {
    checkProperty(
      fc.property(fc.nat(100), fc.nat(100), (a, b) => {
        expect(thresholdCrossed(Math.max(a, b), Math.min(a, b))).toBeUndefined();
      }),
      { numRuns: 100 },
    );
  });
});

describe('rankProfileMatches', () => {
  const profile = (id: number, tags: string[], linkedCount = 3) => ({ id, linkedCount, tags: new Set(tags) });

  it('needs every area tag of the ticket in the profile', () => {
    const profiles = [profile(1, ['area:authentication']), profile(2, ['area:authentication', 'area:mobile'])];
    expect(rankProfileMatches(['area:authentication', 'area:mobile'], profiles).map((m) => m.id)).toEqual([2]);
  });

  it('needs at least one area tag on the ticket', () => {
    expect(rankProfileMatches(['type:bug'], [profile(1, ['area:authentication', 'type:bug'])])).toEqual([]);
  });

  it('ranks by shared area/type/special tags, then linked tickets, then newest', () => {
    const profiles = [
      profile(1, ['area:authentication']),
      profile(2, ['area:authentication', 'type:bug', 'special:licensing']),
      profile(3, ['area:authentication', 'type:bug'], 8),
      profile(4, ['area:authentication', 'type:bug'], 8),
    ];
    const matches = rankProfileMatches(['area:authentication', 'type:bug', 'special:licensing', 'process:process-tweak'], profiles);
    expect(matches.map((m) => m.id)).toEqual([2, 4, 3, 1]);
    expect(matches[0]!.shared).toEqual(['area:authentication', 'type:bug', 'special:licensing']);
  });

  it('ignores process tags and the known-issue family', () => {
    const matches = rankProfileMatches(['area:mobile', 'process:missed-doc-review', 'known:1-login-loop'], [profile(1, ['area:mobile', 'process:missed-doc-review'])]);
    expect(matches).toEqual([{ id: 1, shared: ['area:mobile'] }]);
  });
});
