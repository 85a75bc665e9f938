/**
 * The thin shell around the jobs: node-cron decides when, the engine runs them (jobs/runs.ts, on
 * its background thread), and the outbox is delivered every 5 seconds, and at once after a job
 * queued something (claims and marks in the engine, posts here). Every run is timed and recorded
 * in job_runs; a job that throws is logged and the others go on. Nothing here touches the database
 * or does the jobs' work itself.
 *
 * With several replicas on one database, only the holder of the scheduler's lease runs the jobs
 * (replicas/lease.ts), each run fenced by its turn; every replica delivers (the claims keep one
 * post per row). A replica that takes the lease catches up at once: one run of every job.
 */
import cron, { type ScheduledTask, type TaskOptions } from 'node-cron';
import { deliverDue, type DeliveryOptions, type DeliveryReport } from '../delivery/worker.js';
import type { DeliverySink } from '../delivery/sink.js';
import type { EnginePort, JobSchedule } from '../engine/port.js';
import type { Logger } from '../log.js';
import type { Lease } from '../replicas/lease.js';
import { asJobRun, DELIVERY_JOB, errorText } from './run-context.js';

export { DELIVERY_JOB } from './run-context.js';

export interface SchedulerOptions {
  /** The team's IANA zone, in which the cron expressions are read. */
  timeZone: string;
  sink: DeliverySink;
  logger: Logger;
  /** Told about every job (or delivery run) that threw, after it was logged and recorded. */
  onError?: (job: string, error: unknown) => void;
  /** Cron expression (with seconds) for the delivery worker; every 5 s by default. */
  deliveryEvery?: string;
  delivery?: DeliveryOptions;
  /** Run every job and a delivery once right away, to catch up after downtime (default true); with a lease, each time it is taken. */
  catchUpAtStart?: boolean;
  /** The scheduler's lease among replicas: jobs run only while this replica holds it, fenced by its turn. Without one, always. */
  lease?: Lease;
}

/** A running scheduler. */
export interface Scheduler {
  /** Stops every task and resolves once a run in flight has finished. */
  stop(): Promise<void>;
}

const DELIVERY_EVERY = '*/5 * * * * *';
/** Full batches delivered one after the other before a run yields to the next tick. */
const DRAIN_BATCHES = 20;

/** The engine calls a scheduler makes. */
export type SchedulerEngine = Pick<EnginePort, 'runJob' | 'runUrgentJob' | 'jobStarted' | 'jobFinished' | 'deliveryClaim' | 'deliveryRenew' | 'deliverySent' | 'deliveryFailed' | 'deliveryRelease' | 'now'>;

/**
 * Delivers what is due as of `now` (one batch) through `engine`, recorded in job_runs as
 * "delivery". Resolves to the report, or to the error when the run itself failed (the database,
 * not a post: failed posts are retried and counted in the report).
 */
export function runDelivery(engine: SchedulerEngine, now: Date, sink: DeliverySink, options?: DeliveryOptions): Promise<DeliveryReport | { error: unknown }> {
  return asJobRun(DELIVERY_JOB, async () => {
    const started = performance.now();
    await engine.jobStarted(DELIVERY_JOB, now).catch(() => undefined);
    try {
      const report = await deliverDue(engine, now, sink, options);
      await engine.jobFinished(DELIVERY_JOB, now, performance.now() - started, null).catch(() => undefined);
      return report;
    } catch (error) {
      await engine.jobFinished(DELIVERY_JOB, now, performance.now() - started, errorText(error)).catch(() => undefined);
      return { error };
    }
  });
}

/** node-cron's own messages, into our log. Missed ticks are harmless (jobs catch up), hence debug. */
function cronLogger(logger: Logger): NonNullable<TaskOptions['logger']> {
  return {
    info: (message) => logger.debug({ source: 'node-cron' }, message),
    warn: (message) => logger.debug({ source: 'node-cron' }, message),
    error: (message, err) => logger.error({ source: 'node-cron', err: err ?? message }, 'scheduler error'),
    debug: (message) => logger.debug({ source: 'node-cron' }, String(message)),
  };
}

/**
 * Starts node-cron tasks for `jobs` (each on its schedule, in `options.timeZone`, never overlapping
 * itself) and for the delivery worker. Each run acts as of the engine's clock, not node-cron's
 * instant, so a clock pinned in the shell (`:clock`) is what the jobs see too.
 */
export function startScheduler(engine: SchedulerEngine, jobs: readonly JobSchedule[], options: SchedulerOptions): Scheduler {
  const { logger } = options;
  const inFlight = new Set<Promise<unknown>>();
  const tasks: ScheduledTask[] = [];
  let stopped = false;
  const track = <T>(run: Promise<T>): Promise<T> => {
    inFlight.add(run);
    void run.finally(() => inFlight.delete(run));
    return run;
  };
  const { lease } = options;
  const runJob = (job: JobSchedule): Promise<void> => {
    const token = lease ? lease.turn() : null;
    // Another replica leads: its scheduler runs this one.
    if (lease && token === null) return Promise.resolve();
    const fence = lease && token !== null ? { lease: lease.name, token } : null;
    return track(
      (job.urgent ? engine.runUrgentJob(job.name, null, fence) : engine.runJob(job.name, null, fence)).then(
        (report) => {
          if (report.fenced) {
            lease?.lost(`the ${job.name} run was fenced out: another replica took a later turn`);
            return;
          }
          if (report.error !== undefined) options.onError?.(job.name, new Error(report.error));
          // What a job queued goes out now, not at the next delivery tick (a page is due now).
          if (report.queued > 0) void deliver();
        },
        (error: unknown) => {
          // The engine itself failed (it stopped, or its thread died): the job's next run tries again.
          logger.error({ err: error, job: job.name }, 'job could not run');
          options.onError?.(job.name, error);
        },
      ),
    );
  };
  // One delivery run at a time; one asked for meanwhile runs right after it.
  let delivering: Promise<void> | undefined;
  let deliverAgain = false;
  /** Delivers one batch; true when it was full (more is due). */
  const deliverOnce = () =>
    engine.now().then((now) =>
      runDelivery(engine, now, options.sink, options.delivery).then((outcome) => {
        if ('error' in outcome) {
          logger.error({ err: outcome.error, job: DELIVERY_JOB }, 'delivery run failed');
          options.onError?.(DELIVERY_JOB, outcome.error);
          return false;
        }
        return outcome.more;
      }),
    );
  const deliver = (): Promise<void> => {
    if (delivering) {
      deliverAgain = true;
      return delivering;
    }
    delivering = track(
      (async () => {
        // A backlog drains batch after batch (each run claims every row it reads, so each makes
        // progress), up to a bound; then the next tick goes on.
        let batches = 0;
        do {
          deliverAgain = false;
          if ((await deliverOnce()) && ++batches < DRAIN_BATCHES) deliverAgain = true;
        } while (deliverAgain && !stopped);
      })().finally(() => (delivering = undefined)),
    );
    return delivering;
  };
  const taskOptions = (name: string): TaskOptions => ({ name, timezone: options.timeZone, noOverlap: true, logger: cronLogger(logger) });

  for (const job of jobs) {
    if (!cron.validate(job.schedule)) {
      // One job with a bad expression must not keep the others from running.
      logger.error({ job: job.name, schedule: job.schedule }, 'invalid cron expression; job not scheduled');
      options.onError?.(job.name, new Error(`invalid cron expression "${job.schedule}"`));
      continue;
    }
    tasks.push(cron.schedule(job.schedule, () => runJob(job), taskOptions(job.name)));
  }
  tasks.push(cron.schedule(options.deliveryEvery ?? DELIVERY_EVERY, deliver, taskOptions(DELIVERY_JOB)));

  // Every job once: the urgent ones first (a page due during a failover must not wait for the
  // others), then the rest in order (state changes first, the digest last), then a delivery.
  const catchUpOrder = [...jobs.filter((job) => job.urgent), ...jobs.filter((job) => !job.urgent)];
  const catchUp = () =>
    void track(
      (async () => {
        for (const job of catchUpOrder) if (!stopped) await runJob(job);
        if (!stopped) await deliver();
      })(),
    );
  const offLease = lease?.onChange((turn) => {
    if (turn !== null && options.catchUpAtStart !== false && !stopped) catchUp();
  });
  if (options.catchUpAtStart !== false && (!lease || lease.turn() !== null)) catchUp();

  return {
    async stop() {
      stopped = true;
      offLease?.();
      // node-cron's stop() does not wait for a run in flight; the set of runs does.
      await Promise.all(tasks.map((task) => task.destroy()));
      await Promise.allSettled([...inFlight]);
    },
  };
}
