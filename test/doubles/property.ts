/**
 * The one way property tests run, so that none passes by chance and every failure reproduces:
 *
 * 1. a run on the test's fixed seed: the same cases every time, on every machine, in CI;
 * 2. then a bounded run on a fresh random seed, which explores beyond the pinned cases. When it
 *    fails, the error names the seed and how to replay it; the failure is a bug report (fix the
 *    code or the property, then pin the case), never something to rerun until green.
 *
 * `DESKOPS_PROPERTY_SEED=<seed>` (or `<seed>:<path>`, as fast-check prints them) replays exactly
 * that run and nothing else. `DESKOPS_PROPERTY_RANDOM_RUNS=<n>` caps the random run at n cases
 * (0 turns it off); by default it has a quarter of the fixed run's cases.
 */
import fc from 'fast-check';

export const PROPERTY_SEED_ENV = 'DESKOPS_PROPERTY_SEED';
export const PROPERTY_RANDOM_RUNS_ENV = 'DESKOPS_PROPERTY_RANDOM_RUNS';

/** The seed of the fixed run when a test names none. */
export const DEFAULT_PROPERTY_SEED = 20261204;

/** fast-check's parameters, with the fixed run's seed and size made explicit. */
export type PropertyRuns = Omit<fc.Parameters<unknown>, 'seed' | 'path' | 'numRuns'> & { numRuns: number; seed?: number };

interface Plan {
  kind: 'fixed' | 'random' | 'replay';
  parameters: fc.Parameters<unknown>;
}

/** `1234` or `1234:5:0:1` from the environment; undefined when unset, an Error when malformed. */
export function replayFrom(raw: string | undefined): { seed: number; path?: string } | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const match = /^\s*(-?\d{1,10})(?::([\d:]+))?\s*$/.exec(raw);
  if (!match) throw new Error(`${PROPERTY_SEED_ENV}="${raw}" is not a seed: use the number fast-check printed, e.g. ${PROPERTY_SEED_ENV}=1234 or 1234:5:0`);
  return { seed: Number(match[1]) | 0, ...(match[2] ? { path: match[2] } : {}) };
}

/** How many cases the random run gets for a fixed run of `numRuns`. */
export function randomRuns(numRuns: number, raw: string | undefined = process.env[PROPERTY_RANDOM_RUNS_ENV]): number {
  if (raw !== undefined && raw.trim() !== '') {
    const cap = Number(raw);
    if (!Number.isInteger(cap) || cap < 0) throw new Error(`${PROPERTY_RANDOM_RUNS_ENV}="${raw}" is not a number of cases (0 turns the random run off)`);
    return Math.min(numRuns, cap);
  }
  return Math.max(1, Math.ceil(numRuns / 4));
}

function freshSeed(): number {
  // Not the test's clock: this seed must differ from run to run, and it is printed when it matters.
  return (Date.now() ^ Math.floor(Math.random() * 0x7fffffff)) | 0;
}

function plans(runs: PropertyRuns): Plan[] {
  const { seed = DEFAULT_PROPERTY_SEED, numRuns, ...rest } = runs;
  const replay = replayFrom(process.env[PROPERTY_SEED_ENV]);
  if (replay) return [{ kind: 'replay', parameters: { ...rest, numRuns, seed: replay.seed, ...(replay.path ? { path: replay.path } : {}) } }];
  const random = randomRuns(numRuns);
  return [
    { kind: 'fixed', parameters: { ...rest, numRuns, seed } },
    ...(random > 0 ? [{ kind: 'random' as const, parameters: { ...rest, numRuns: random, seed: freshSeed() } }] : []),
  ];
}

/** The replay recipe for a failed run: the seed, and the shrunk path when fast-check printed one. */
function replayRecipe(error: unknown, seed: number): string {
  const path = /path:\s*"([\d:]+)"/.exec(error instanceof Error ? error.message : '')?.[1];
  return `${PROPERTY_SEED_ENV}=${seed}${path ? `:${path}` : ''}`;
}

function explained(error: unknown, plan: Plan): Error {
  const seed = plan.parameters.seed!;
  const message = error instanceof Error ? error.message : String(error);
  const what =
    plan.kind === 'random'
      ? `The random run (seed ${seed}) found a failing case the fixed seed did not. This is a bug report: fix the code or the property, then pin the case as an example.`
      : `The ${plan.kind} run (seed ${seed}) failed.`;
  return new Error(`${what}\nReplay exactly this case: ${replayRecipe(error, seed)} npx vitest run <this test file>\n\n${message}`, { cause: error });
}

/** Checks a synchronous property on the fixed seed, then on a bounded random seed. */
export function checkProperty<Ts>(property: fc.IProperty<Ts>, runs: PropertyRuns): void {
  for (const plan of plans(runs)) {
    try {
      fc.assert(property, plan.parameters as fc.Parameters<Ts>);
    } catch (error) {
      throw explained(error, plan);
    }
  }
}

/** Checks an asynchronous property on the fixed seed, then on a bounded random seed. */
export async function checkAsyncProperty<Ts>(property: fc.IAsyncProperty<Ts>, runs: PropertyRuns): Promise<void> {
  for (const plan of plans(runs)) {
    try {
      await fc.assert(property, plan.parameters as fc.Parameters<Ts>);
    } catch (error) {
      throw explained(error, plan);
    }
  }
}
