/**
 * The thin shell around the jobs: node-cron calls each job on its schedule in the team's zone,
 * and the delivery worker every 15 seconds. Every run is timed and recorded in job_runs; a job
 * that throws is logged and the others go on.
 */
import { withTeamZone } from '../app/calendar.js';
import { performance } from 'node:perf_hooks';
import cron, { type ScheduledTask, type TaskOptions } from 'node-cron';
import { sql } from 'drizzle-orm';
import { deliverDue, type DeliveryOptions, type DeliveryReport } from '../delivery/worker.js';
import type { DeliverySink } from '../delivery/sink.js';
import { newCorrelationId, withCorrelation } from '../log.js';
import { jobRuns } from '../store/schema.js';
import { emptyReport, type Job, type JobContext, type JobReport } from './job.js';

/** A job's report, with the error when the job as a whole threw. */
export interface JobRunReport extends JobReport {
  error?: string;
}

export interface SchedulerOptions {
  /** The team's IANA zone, in which the cron expressions are read. */
  timeZone: string;
  sink: DeliverySink;
  /** Told about every job (or delivery run) that threw, after it was logged and recorded. */
  onError?: (job: string, error: unknown) => void;
  /** Cron expression (with seconds) for the delivery worker; every 15 s by default. */
  deliveryEvery?: string;
  delivery?: DeliveryOptions;
  /** Run every job and a delivery once right away, to catch up after downtime (default true). */
  catchUpAtStart?: boolean;
}

/** A running scheduler. */
export interface Scheduler {
  /** Stops every task and resolves once a run in flight has finished. */
  stop(): Promise<void>;
}

/** The name the delivery worker's runs are recorded under in job_runs. */
export const DELIVERY_JOB = 'delivery';
const DELIVERY_EVERY = '*/15 * * * * *';

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Records that `name` started at `at` (before the work, so a crash mid-run stays visible). */
function recordStart(ctx: JobContext, name: string, at: Date): void {
  ctx.store.db
    .insert(jobRuns)
    .values({ job: name, lastStartedAt: at, runs: 0 })
    .onConflictDoUpdate({ target: jobRuns.job, set: { lastStartedAt: at } })
    .run();
}

function recordFinish(ctx: JobContext, name: string, at: Date, durationMs: number, error: string | null): void {
  ctx.store.db
    .update(jobRuns)
    .set({ lastFinishedAt: at, lastDurationMs: Math.round(durationMs), lastError: error, runs: sql`${jobRuns.runs} + 1` })
    .where(sql`${jobRuns.job} = ${name}`)
    .run();
}

/** Runs `record`, logging instead of throwing: bookkeeping must never stop the work itself. */
function safely(ctx: JobContext, job: string, what: string, record: () => void): void {
  try {
    record();
  } catch (error) {
    ctx.logger.error({ err: error, job }, what);
  }
}

/** Records the start of a run of `name` as of `now`; returns the function that records its end. */
function beginRun(ctx: JobContext, name: string, now: Date): (error: string | null) => void {
  const started = performance.now();
  safely(ctx, name, 'could not record the job start', () => recordStart(ctx, name, now));
  return (error) => {
    const duration = performance.now() - started;
    safely(ctx, name, 'could not record the job run', () => recordFinish(ctx, name, new Date(now.getTime() + duration), duration, error));
  };
}

/**
 * Runs `fn` as one run of `job`: every log line inside carries `{ job, runId }` (a fresh runId per
 * run), so the lines of one run can be found together.
 */
export function asJobRun<T>(job: string, fn: () => T): T {
  return withCorrelation({ job, runId: newCorrelationId() }, fn);
}

/** Runs one job as of `now`, timed and recorded; a throw is logged and reported, never rethrown. */
function runRecorded(ctx: JobContext, job: Job, now: Date): JobRunReport {
  return asJobRun(job.name, () => runRecordedInContext(ctx, job, now));
}

function runRecordedInContext(ctx: JobContext, job: Job, now: Date): JobRunReport {
  const finish = beginRun(ctx, job.name, now);
  let report: JobRunReport;
  try {
    report = job.run(withTeamZone(ctx), now);
  } catch (error) {
    ctx.logger.error({ err: error, job: job.name }, 'job failed');
    report = { ...emptyReport(), failed: 1, error: errorText(error) };
  }
  finish(report.error ?? null);
  return report;
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

/**
 * Delivers what is due as of `now` (one batch), recorded in job_runs as "delivery". Resolves to
 * the report, or to the error when the run itself failed (the database, not a post: failed posts
 * are retried and counted in the report).
 */
export function runDelivery(ctx: JobContext, now: Date, sink: DeliverySink, options?: DeliveryOptions): Promise<DeliveryReport | { error: unknown }> {
  return asJobRun(DELIVERY_JOB, () => runDeliveryInContext(ctx, now, sink, options));
}

async function runDeliveryInContext(ctx: JobContext, now: Date, sink: DeliverySink, options?: DeliveryOptions): Promise<DeliveryReport | { error: unknown }> {
  const finish = beginRun(ctx, DELIVERY_JOB, now);
  try {
    const report = await deliverDue(ctx, now, sink, options);
    finish(null);
    return report;
  } catch (error) {
    ctx.logger.error({ err: error, job: DELIVERY_JOB }, 'delivery run failed');
    finish(errorText(error));
    return { error };
  }
}

/** node-cron's own messages, into our log. Missed ticks are harmless (jobs catch up), hence debug. */
function cronLogger(ctx: JobContext): NonNullable<TaskOptions['logger']> {
  return {
    info: (message) => ctx.logger.debug({ source: 'node-cron' }, message),
    warn: (message) => ctx.logger.debug({ source: 'node-cron' }, message),
    error: (message, err) => ctx.logger.error({ source: 'node-cron', err: err ?? message }, 'scheduler error'),
    debug: (message) => ctx.logger.debug({ source: 'node-cron' }, String(message)),
  };
}

/**
 * Starts node-cron tasks for `jobs` (each on its schedule, in `options.timeZone`, never
 * overlapping itself) and for the delivery worker. Each run acts as of `ctx.clock.now()`, not
 * node-cron's instant, so a clock pinned in the shell (`:clock`) is what the jobs see too.
 */
export function startScheduler(ctx: JobContext, jobs: readonly Job[], options: SchedulerOptions): Scheduler {
  const inFlight = new Set<Promise<unknown>>();
  const tasks: ScheduledTask[] = [];
  const track = (run: Promise<unknown>): Promise<unknown> => {
    inFlight.add(run);
    void run.finally(() => inFlight.delete(run));
    return run;
  };
  const runJob = (job: Job) => {
    const report = runRecorded(ctx, job, ctx.clock.now());
    if (report.error !== undefined) options.onError?.(job.name, new Error(report.error));
  };
  const deliver = () =>
    track(
      runDelivery(ctx, ctx.clock.now(), options.sink, options.delivery).then((outcome) => {
        if ('error' in outcome) options.onError?.(DELIVERY_JOB, outcome.error);
      }),
    );
  const taskOptions = (name: string): TaskOptions => ({ name, timezone: options.timeZone, noOverlap: true, logger: cronLogger(ctx) });

  for (const job of jobs) {
    if (!cron.validate(job.schedule)) {
      // One job with a bad expression must not keep the others from running.
      ctx.logger.error({ job: job.name, schedule: job.schedule }, 'invalid cron expression; job not scheduled');
      options.onError?.(job.name, new Error(`invalid cron expression "${job.schedule}"`));
      continue;
    }
    tasks.push(cron.schedule(job.schedule, () => runJob(job), taskOptions(job.name)));
  }
  tasks.push(cron.schedule(options.deliveryEvery ?? DELIVERY_EVERY, deliver, taskOptions(DELIVERY_JOB)));

  if (options.catchUpAtStart !== false) {
    for (const job of jobs) runJob(job);
    void deliver();
  }

  return {
    async stop() {
      // node-cron's stop() does not wait for a run in flight; the set of runs does.
      await Promise.all(tasks.map((task) => task.destroy()));
      await Promise.allSettled([...inFlight]);
    },
  };
}
