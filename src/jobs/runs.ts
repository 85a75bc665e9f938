/**
 * One run of a job, where the database is (the engine): timed, recorded in job_runs before and
 * after the work (so a crash mid-run stays visible), every log line inside carrying `{ job, runId }`,
 * and a job that throws logged and reported, never rethrown. The scheduler (jobs/scheduler.ts) only
 * decides when; `deskops tick --at` and the shell's `:tick` run every job once through here too.
 */
import { performance } from 'node:perf_hooks';
import { withTeamZone } from '../app/calendar.js';
import { emptyReport, type Job, type JobContext, type JobReport } from './job.js';
import { asJobRun, errorText } from './run-context.js';
import { isFencedOut } from '../store/fence.js';

export { asJobRun } from './run-context.js';

/** A job's report, with the error when the job as a whole threw. */
export interface JobRunReport extends JobReport {
  error?: string;
  /** The run was refused by the store: another replica took the scheduler's lease (store/fence.ts). */
  fenced?: true;
}

/** Records that `name` started at `at` (before the work, so a crash mid-run stays visible). */
function recordStart(ctx: JobContext, name: string, at: Date): void {
  ctx.store.jobRuns.recordStart(name, at);
}

function recordFinish(ctx: JobContext, name: string, at: Date, durationMs: number, error: string | null): void {
  ctx.store.jobRuns.recordFinish(name, at, durationMs, error);
}

/** Runs `record`, logging instead of throwing: bookkeeping must never stop the work itself. */
function safely(ctx: JobContext, job: string, what: string, record: () => void): void {
  try {
    record();
  } catch (error) {
    ctx.logger.error({ err: error, job }, what);
  }
}

/** Records the start of a run of `name` as of `now` (never throws). */
export function recordJobStart(ctx: JobContext, name: string, now: Date): void {
  safely(ctx, name, 'could not record the job start', () => recordStart(ctx, name, now));
}

/** Records the end of a run of `name` that started at `now` and took `durationMs` (never throws). */
export function recordJobFinish(ctx: JobContext, name: string, now: Date, durationMs: number, error: string | null): void {
  safely(ctx, name, 'could not record the job run', () => recordFinish(ctx, name, new Date(now.getTime() + durationMs), durationMs, error));
}

/** Runs one job as of `now`, timed and recorded; a throw is logged and reported, never rethrown. */
export function runRecorded(ctx: JobContext, job: Job, now: Date): JobRunReport {
  return asJobRun(job.name, () => {
    const started = performance.now();
    recordJobStart(ctx, job.name, now);
    let report: JobRunReport;
    try {
      report = job.run(withTeamZone(ctx), now);
    } catch (error) {
      if (isFencedOut(error)) {
        ctx.logger.warn({ err: error, job: job.name }, 'job run stopped: another replica leads the scheduler now');
        report = { ...emptyReport(), error: errorText(error), fenced: true };
      } else {
        ctx.logger.error({ err: error, job: job.name }, 'job failed');
        report = { ...emptyReport(), failed: 1, error: errorText(error) };
      }
    }
    recordJobFinish(ctx, job.name, now, performance.now() - started, report.error ?? null);
    return report;
  });
}

/**
 * Runs every job once as of `now`, in order, each recorded in job_runs; a job that throws is
 * reported with its error and the rest still run. Catch-up is the jobs' own: they compute what
 * is due from stored state, so one run after downtime does what the missed ticks would have.
 */
export function runJobsOnce(ctx: JobContext, jobs: readonly Job[], now: Date): Record<string, JobRunReport> {
  const reports: Record<string, JobRunReport> = {};
  for (const job of jobs) reports[job.name] = runRecorded(ctx, job, now);
  return reports;
}
