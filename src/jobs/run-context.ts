/** What every run of a job carries, wherever it runs: its name in job_runs and its log lines' fields. */
import { newCorrelationId, withCorrelation } from '../log.js';

/** The name the delivery worker's runs are recorded under in job_runs. */
export const DELIVERY_JOB = 'delivery';

/** A thrown value as the text job_runs keeps. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Runs `fn` as one run of `job`: every log line inside carries `{ job, runId }` (a fresh runId per
 * run), so the lines of one run can be found together.
 */
export function asJobRun<T>(job: string, fn: () => T): T {
  return withCorrelation({ job, runId: newCorrelationId() }, fn);
}
