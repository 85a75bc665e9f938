/**
 * A scheduled job: a function of `now` and the store. The scheduler (node-cron) and
 * `deskops tick --at` / the shell's `:tick` all call `run` the same way.
 */
import type { AppContext, RequestContext } from '../app/context.js';
import { storeTransient, storeTrouble } from '../app/errors.js';
import { isFencedOut } from '../store/fence.js';
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
  /**
   * Someone may have to be woken by it (the on-call ladder, and the hand-off that comes before its
   * steps): a short job the scheduler runs first when it catches up, on the engine's commands
   * thread, never behind a long job or at background priority.
   */
  urgent?: boolean;
  run(ctx: JobContext, now: Date): JobReport;
}

export const emptyReport = (): JobReport => ({ processed: 0, queued: 0, failed: 0 });

/** The request context a job acts in: the system actor named after the job. */
export function systemContext(ctx: JobContext, job: string): RequestContext {
  return { ...ctx, actor: { kind: 'system', job }, origin: { platform: 'system', channel: null, thread: null } };
}

/** How long one item may wait for another writer's lock, blocking the process (chat acks wait too). */
export const ITEM_BUSY_WAIT_MS = 250;

/**
 * Runs `work` for each item in its own transaction, so one bad ticket cannot stop the others;
 * failures are logged and counted. A database locked by another writer ends the run with a warning
 * after one short wait, the items left counted as failed: the next run finds them due again, and
 * waiting out the lock item by item would hold the whole process.
 */
export function forEachIsolated<T>(ctx: JobContext, job: string, items: readonly T[], describe: (item: T) => string, work: (item: T) => number): JobReport {
  const report = emptyReport();
  for (const [index, item] of items.entries()) {
    report.processed++;
    try {
      report.queued += ctx.store.withLockWait(ITEM_BUSY_WAIT_MS, () => ctx.store.transaction(() => work(item)));
    } catch (error) {
      // Another replica leads the scheduler now: the whole run ends here, the new leader does the rest.
      if (isFencedOut(error)) throw error;
      report.failed++;
      if (storeTrouble(error) === 'busy') {
        report.failed += items.length - index - 1;
        ctx.logger.warn({ job, item: describe(item), left: items.length - index }, 'job run cut short: the database is locked by another writer; the next run picks these up');
        return report;
      }
      // PostgreSQL's connection lost or the server restarting: every item left would fail the same way (one line, not one per item).
      if (storeTransient(error)) {
        report.failed += items.length - index - 1;
        ctx.logger.warn({ err: error, job, item: describe(item), left: items.length - index }, 'job run cut short: the database connection was lost; the next run picks these up');
        return report;
      }
      ctx.logger.error({ err: error, job, item: describe(item) }, 'job item failed');
    }
  }
  return report;
}
