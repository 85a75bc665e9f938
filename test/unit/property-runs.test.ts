/**
 * Property tests must not pass by chance: each runs on a fixed seed, then on a bounded random one
 * whose failure prints the seed to replay (test/doubles/property.ts). These tests hold every test
 * file to that, and check that a printed seed really replays the failure.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { ROOT } from '../doubles/cli.js';
import { checkProperty, PROPERTY_RANDOM_RUNS_ENV, PROPERTY_SEED_ENV, randomRuns, replayFrom } from '../doubles/property.js';

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? testFiles(path) : entry.name.endsWith('.ts') ? [path] : [];
  });
}

const saved = { seed: process.env[PROPERTY_SEED_ENV], runs: process.env[PROPERTY_RANDOM_RUNS_ENV] };
afterEach(() => {
  for (const [key, value] of [[PROPERTY_SEED_ENV, saved.seed], [PROPERTY_RANDOM_RUNS_ENV, saved.runs]] as const) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

/** Fails for every number of at least 1000: fast-check finds and shrinks it to exactly 1000. */
const failsFrom1000 = fc.property(fc.integer({ min: 0, max: 100_000 }), (n) => {
  if (n >= 1000) throw new Error(`too big: ${n}`);
});

function failureOf(work: () => void): Error {
  try {
    work();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the property to fail');
}

describe('property tests', () => {
  it('all run through checkProperty, never fc.assert directly (a fixed seed plus a replayable random run)', () => {
    const root = join(ROOT, 'test');
    const direct = testFiles(root)
      .filter((file) => !file.endsWith(join('doubles', 'property.ts')) && !file.endsWith('property-runs.test.ts'))
      .filter((file) => /\bfc\s*\.\s*(assert|check)\s*\(/.test(readFileSync(file, 'utf8')))
      .map((file) => relative(ROOT, file));
    expect(direct).toEqual([]);
  });

  it('names the seed of a failing run and how to replay it', () => {
    process.env[PROPERTY_RANDOM_RUNS_ENV] = '0';
    const error = failureOf(() => checkProperty(failsFrom1000, { numRuns: 200, seed: 42 }));
    expect(error.message).toContain('The fixed run (seed 42) failed.');
    expect(error.message).toMatch(new RegExp(`Replay exactly this case: ${PROPERTY_SEED_ENV}=42(:[\\d:]+)? npx vitest run`));
    expect(error.message).toContain('Counterexample: [1000]');
  });

  it('replays the printed seed (and path) alone, and finds the same case', () => {
    process.env[PROPERTY_RANDOM_RUNS_ENV] = '0';
    const first = failureOf(() => checkProperty(failsFrom1000, { numRuns: 200, seed: 7 }));
    const recipe = new RegExp(`${PROPERTY_SEED_ENV}=(\\S+)`).exec(first.message)![1]!;
    process.env[PROPERTY_SEED_ENV] = recipe;
    delete process.env[PROPERTY_RANDOM_RUNS_ENV];
    const replayed = failureOf(() => checkProperty(failsFrom1000, { numRuns: 200, seed: 999 }));
    expect(replayed.message).toContain('The replay run (seed 7) failed.');
    expect(replayed.message).toContain('Counterexample: [1000]');
  });

  it('adds a bounded random run to the fixed one, which the environment can cap or turn off', () => {
    expect(randomRuns(800, undefined)).toBe(200);
    expect(randomRuns(3, undefined)).toBe(1);
    expect(randomRuns(800, '50')).toBe(50);
    expect(randomRuns(10, '50')).toBe(10);
    expect(randomRuns(800, '0')).toBe(0);
    expect(() => randomRuns(800, 'lots')).toThrow(PROPERTY_RANDOM_RUNS_ENV);
    let runs = 0;
    delete process.env[PROPERTY_RANDOM_RUNS_ENV];
    checkProperty(fc.property(fc.nat(), () => void runs++), { numRuns: 40 });
    expect(runs).toBe(40 + 10);
  });

  it('reads a replay seed as fast-check prints it, and refuses anything else', () => {
    expect(replayFrom(undefined)).toBeUndefined();
    expect(replayFrom(' ')).toBeUndefined();
    expect(replayFrom('1234')).toEqual({ seed: 1234 });
    expect(replayFrom('-5:3:0:1')).toEqual({ seed: -5, path: '3:0:1' });
    expect(() => replayFrom('seed=12')).toThrow(PROPERTY_SEED_ENV);
  });
});
