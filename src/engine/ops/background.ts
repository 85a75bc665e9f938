/**
 * The engine's background operations: scheduled jobs (each run timed and recorded), the outbox
 * worker's database steps, and drawing charts. They run on the engine's background thread with its
 * own connection, so a long job (the weekly digest, the pattern watch, the catch-up at start)
 * never stands in front of a command. The one exception is `runUrgentJob` (the hand-off and the
 * ladder, short), which the worker engine runs on its commands thread (it is not in port.ts's
 * BACKGROUND_OPERATIONS): a page never waits behind the digest.
 */
import { claimDeliveries, recordFailed, recordSent, releaseClaim, renewClaim, type Claimed, type DeliveryFailure, type DeliveryOptions, type DeliveryReport, type FailureRecorded, type Outgoing } from '../../delivery/claims.js';
import { platformFor } from '../../delivery/destinations.js';
import type { ServicePlatform } from '../../domain/vocabulary.js';
import { asJobRun, recordJobFinish, recordJobStart, runJobsOnce, runRecorded, type JobRunReport } from '../../jobs/runs.js';
import { correlationFields } from '../../log.js';
import type { ReplyChart } from '../../views/reply.js';
import type { EngineEnv } from '../env.js';
import type { Fence } from '../../store/fence.js';

/** A job's run, when the scheduler or a tick asked for one. */
export interface JobRunResult extends JobRunReport {
  /** The instant the job acted as of. */
  at: Date;
}

/** Runs `fn` in the caller's job-run context when it has one (delivery runs), else as a run of `job`. */
function inRun<T>(job: string, fn: () => T): T {
  return correlationFields().runId ? fn() : asJobRun(job, fn);
}

export const backgroundOps = {
  /** Runs the job named `name` once as of `at` (the engine's now by default), recorded in job_runs; fenced by the leader's turn when given. */
  runJob(env: EngineEnv, name: string, at: Date | null = null, fence: Fence | null = null): JobRunResult {
    const job = env.jobs.find((j) => j.name === name);
    if (!job) throw new Error(`no job named ${name}`);
    const now = at ?? env.app.clock.now();
    // The scheduler's leader passes its turn: every write of the run is fenced by it (store/fence.ts).
    const run = () => runRecorded(env.jobContext, job, now);
    return { ...(fence ? env.app.store.fenced(fence, run) : run()), at: now };
  },

  /**
   * `runJob` for an urgent job (the on-call ladder), which the worker engine runs on its commands
   * thread instead: a page due now never waits behind the digest or at background priority.
   */
  runUrgentJob(env: EngineEnv, name: string, at: Date | null = null, fence: Fence | null = null): JobRunResult {
    if (!env.jobs.find((j) => j.name === name)?.urgent) throw new Error(`${name} is not an urgent job; run it with runJob`);
    return backgroundOps.runJob(env, name, at, fence);
  },

  /** Runs every job once as of `at` (the engine's now by default), in order: `deskops tick` and `:tick`. */
  runJobs(env: EngineEnv, at: Date | null = null): { at: Date; jobs: Record<string, JobRunReport> } {
    const now = at ?? env.app.clock.now();
    return { at: now, jobs: runJobsOnce(env.jobContext, env.jobs, now) };
  },

  /** Records the start of a run that happens outside the engine (a delivery run); never throws. */
  jobStarted(env: EngineEnv, name: string, at: Date): void {
    recordJobStart(env.jobContext, name, at);
  },

  /** Records the end of such a run; never throws. */
  jobFinished(env: EngineEnv, name: string, at: Date, durationMs: number, error: string | null): void {
    recordJobFinish(env.jobContext, name, at, durationMs, error);
  },

  /** Claims the outbox rows due at `now` as messages to post (delivery/claims.ts). */
  deliveryClaim(env: EngineEnv, now: Date, options: DeliveryOptions = {}): Claimed {
    return inRun('delivery', () => claimDeliveries(env.jobContext, now, options));
  },

  /** Extends the claim on a message about to be posted late in a long run; null when another worker has its rows now. */
  deliveryRenew(env: EngineEnv, item: Outgoing, at: Date, options: DeliveryOptions = {}): Outgoing | null {
    return inRun('delivery', () => renewClaim(env.jobContext, item, at, options));
  },

  /** Records that a claimed message was posted. */
  deliverySent(env: EngineEnv, item: Outgoing, now: Date): DeliveryReport {
    return inRun('delivery', () => recordSent(env.jobContext, item, now));
  },

  /** Records that posting a claimed message failed, and how (dropped, deferred, retried, failed for good). */
  deliveryFailed(env: EngineEnv, item: Outgoing, failure: DeliveryFailure, now: Date, options: DeliveryOptions = {}): FailureRecorded {
    return inRun('delivery', () => recordFailed(env.jobContext, item, failure, now, options));
  },

  /** Hands a claimed message back, due at `at`, without counting an attempt. */
  deliveryRelease(env: EngineEnv, item: Outgoing, at: Date): DeliveryReport {
    return inRun('delivery', () => releaseClaim(env.jobContext, item, at));
  },

  /** The platform an outbox channel belongs to among `available` (delivery/platform-sink.ts). */
  platformFor(env: EngineEnv, channel: string, available: ServicePlatform[]): ServicePlatform | null {
    return platformFor(env.app, channel, available) ?? null;
  },

  /** A reply's chart as PNG bytes (Chart.js on a Skia canvas: tens of milliseconds of CPU, so never on the I/O thread). */
  async renderChart(_env: EngineEnv, chart: ReplyChart): Promise<Uint8Array> {
    const { renderChartPng } = await import('../../charts/render.js');
    return new Uint8Array(renderChartPng(chart));
  },
};
