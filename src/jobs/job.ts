/**
 * A scheduled job: a function of `now` and the store. The scheduler (node-cron) and
 * `deskops tick --at` / the shell's `:tick` all call `run` the same way.
 */
import type { AppContext, RequestContext } from '../app/context.js';
import type { Logger } from '../log.js';

export interface JobContext extends AppContext {
  logger: Logger;
}

export interface JobReport {
  /** Items looked at (due tickets, due ladder steps…). */
  processed: number;
  /** Outbox rows queued. */
  queued: number;
  /** Items that failed; each was logged and the rest went on. */
  failed: number;
}

export interface Job {
  /** Stable name, used in logs, job_runs and the audit actor "system:<name>". */
  name: string;
  /** node-cron expression, evaluated in the team's time zone. */
  schedule: string;
  run(ctx: JobContext, now: Date): JobReport;
}

export const emptyReport = (): JobReport => ({ processed: 0, queued: 0, failed: 0 });

/** The request context a job acts in: the system actor named after the job. */
export function systemContext(ctx: JobContext, job: string): RequestContext {
  return { ...ctx, actor: { kind: 'system', job }, origin: { platform: 'system', channel: null, thread: null } };
}

/**
 * Runs `work` for each item in its own transaction, so one bad ticket cannot stop the others;
 * failures are logged and counted.
 */
export function forEachIsolated<T>(ctx: JobContext, job: string, items: readonly T[], describe: (item: T) => string, work: (item: T) => number): JobReport {
  const report = emptyReport();
  for (const item of items) {
    report.processed++;
    try {
      report.queued += ctx.store.transaction(() => work(item));
    } catch (error) {
      report.failed++;
      ctx.logger.error({ err: error, job, item: describe(item) }, 'job item failed');
    }
  }
  return report;
}
