/**
 * The directory cache behind the staff rules (adapters/directory-cache.ts): an answer is trusted a
 * minute; while the directory does not answer, the last answer stands in for at most an hour, and
 * after that the person is covered by no rule (fail closed), in what a request reads as well as in
 * what the look-up returns.
 */
import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createDirectoryCache, DIRECTORY_TTL_MS } from '../../src/adapters/directory-cache.js';
import type { DirectoryFacts } from '../../src/domain/access.js';

const member: DirectoryFacts = { platform: 'slack', teamId: 'T1', enterpriseId: null, teams: [], guest: false, deleted: false, bot: false };

afterEach(() => {
  vi.useRealTimers();
});

describe('the directory cache', () => {
  it('asks again after a minute, keeps the last answer while the directory is down, and drops it after an hour', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    let up = true;
    let asked = 0;
    const cache = createDirectoryCache(async () => {
      asked++;
      if (!up) throw new Error('users.info timed out');
      return member;
    }, pino({ level: 'silent' }));
    expect(await cache.lookup('U1')).toEqual(member);
    expect(await cache.lookup('U1')).toEqual(member);
    expect(asked).toBe(1);
    vi.setSystemTime(Date.now() + DIRECTORY_TTL_MS + 1);
    up = false;
    // Down for a while: the last answer stands in.
    expect(await cache.lookup('U1')).toEqual(member);
    expect(cache.cached('U1')).toEqual(member);
    vi.setSystemTime(Date.now() + 61 * 60_000);
    // Down for over an hour: no answer any more, in the look-up and in what a request reads.
    expect((await cache.lookup('U1')).platform).toBe('unavailable');
    expect(cache.cached('U1')).toBeUndefined();
    up = true;
    expect(await cache.lookup('U1')).toEqual(member);
  });
});
