/**
 * The node-cron wiring, under fake timers (no real waiting): jobs run on their schedule and are
 * recorded in job_runs, a failing job does not stop the others, delivery runs every 15 seconds,
 * and stop() waits for a delivery in flight. The jobs' logic is tested at chosen instants elsewhere.
 */
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../../src/clock.js';
import { enqueue } from '../../src/app/outbox.js';
import type { Job, JobContext } from '../../src/jobs/job.js';
import { DELIVERY_JOB, startScheduler, type SchedulerOptions } from '../../src/jobs/scheduler.js';
import type { Lease } from '../../src/replicas/lease.js';
import { runJobsOnce } from '../../src/jobs/runs.js';
import { allJobs } from '../../src/jobs/index.js';
import { createInProcessEngine } from '../../src/engine/in-process.js';
import { jobRuns } from '../../src/store/schema.js';
import { warning } from '../../src/views/reply.js';
import { createTestApp, type TestApp } from '../doubles/context.js';
import { FakeSink, jobContext } from '../doubles/delivery.js';
import { selectRow } from '../doubles/db.js';

let t: TestApp;
let ctx: JobContext;
let sink: FakeSink;

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date('2026-03-02T09:00:30Z'));
  t = createTestApp();
  // The scheduler reads the bot's clock; here that is the (fake) system time.
  ctx = { ...jobContext(t.app).ctx, clock: systemClock };
  sink = new FakeSink();
});

afterEach(() => {
  t.close();
  vi.useRealTimers();
});

/** The scheduler over an in-process engine that runs `jobs` (the engine runs them; the scheduler decides when). */
function schedule(jobs: Job[], options: Omit<SchedulerOptions, 'logger'>) {
  const engine = createInProcessEngine({ app: ctx, logger: ctx.logger, jobs });
  return startScheduler(engine, engine.info.jobs, { ...options, logger: ctx.logger });
}

function runRecord(job: string) {
  return selectRow(t.app.store, jobRuns, eq(jobRuns.job, job));
}

function countingJob(name: string, schedule: string, seen: Date[]): Job {
  return {
    name,
    schedule,
    run(_ctx, now) {
      seen.push(now);
      return { processed: 1, queued: 0, failed: 0 };
    },
  };
}

const broken: Job = {
  name: 'broken',
  schedule: '* * * * *',
  run() {
    throw new Error('boom');
  },
};

describe('startScheduler', () => {
  it('runs each job on its schedule, records every run, and keeps going when one job throws', async () => {
    const minutely: Date[] = [];
    const hourly: Date[] = [];
    const errors: string[] = [];
    const scheduler = schedule([broken, countingJob('minutely', '* * * * *', minutely), countingJob('hourly', '0 * * * *', hourly)], {
      timeZone: 'Europe/Berlin',
      sink,
      catchUpAtStart: false,
      onError: (job) => errors.push(job),
    });
    try {
      await vi.advanceTimersByTimeAsync(3 * 60_000);
      expect(minutely.map((d) => d.toISOString())).toEqual(['2026-03-02T09:01:00.000Z', '2026-03-02T09:02:00.000Z', '2026-03-02T09:03:00.000Z']);
      expect(hourly).toEqual([]);
      expect(runRecord('minutely')).toMatchObject({ runs: 3, lastError: null, lastStartedAt: new Date('2026-03-02T09:03:00Z') });
      expect(runRecord('minutely')?.lastFinishedAt).toBeInstanceOf(Date);
      expect(runRecord('minutely')?.lastDurationMs).toBeGreaterThanOrEqual(0);
      expect(runRecord('broken')).toMatchObject({ runs: 3, lastError: 'boom' });
      expect(errors).toEqual(['broken', 'broken', 'broken']);

      // 10:00 in Berlin is 09:00 UTC; the hourly job fires at the top of each hour, team time.
      await vi.advanceTimersByTimeAsync(57 * 60_000);
      expect(hourly.map((d) => d.toISOString())).toEqual(['2026-03-02T10:00:00.000Z']);
    } finally {
      await scheduler.stop();
    }
  });

  it('delivers due outbox rows every 5 seconds and records the delivery runs', async () => {
    const scheduler = schedule([], { timeZone: 'UTC', sink, catchUpAtStart: false });
    try {
      enqueue(ctx, { audience: 'staff', dedupeKey: 'hello', channel: 'tier:t2', reply: warning('Hello') });
      // The next run is at most 5 s away; a second more lets the post's own steps run.
      await vi.advanceTimersByTimeAsync(6_000);
      expect(sink.postedKeys()).toEqual(['hello']);
      await vi.advanceTimersByTimeAsync(30_000);
      expect(sink.posts).toHaveLength(1);
      // One run every 5 s over 36 s: 7 runs, the first of which posted.
      expect(runRecord(DELIVERY_JOB)).toMatchObject({ runs: 7, lastError: null });
    } finally {
      await scheduler.stop();
    }
  });

  it('catches up at start, and stop() waits for a delivery in flight', async () => {
    const seen: Date[] = [];
    enqueue(ctx, { audience: 'staff', dedupeKey: 'pending', channel: 'tier:t2', reply: warning('Pending') });
    sink.hold();
    const scheduler = schedule([countingJob('catch-up', '0 9 * * 1', seen)], { timeZone: 'UTC', sink });
    expect(seen).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(0);
    let stopped = false;
    const stopping = scheduler.stop().then(() => (stopped = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false);
    sink.release();
    await stopping;
    expect(sink.postedKeys()).toEqual(['pending']);
    // Stopped means stopped: nothing runs any more.
    await vi.advanceTimersByTimeAsync(7 * 24 * 3600_000);
    expect(seen).toHaveLength(1);
  });

  it('catches up with the urgent jobs first (the ladder), the others after in their order', async () => {
    const order: string[] = [];
    const job = (name: string, urgent: boolean): Job => ({ ...countingJob(name, '0 9 * * 1', []), ...(urgent ? { urgent } : {}), run: () => (order.push(name), { processed: 0, queued: 0, failed: 0 }) });
    const scheduler = schedule([job('status-timers', false), job('sla-watch', false), job('ladder', true), job('digest', false)], { timeZone: 'UTC', sink });
    try {
      await vi.advanceTimersByTimeAsync(0);
      expect(order).toEqual(['ladder', 'status-timers', 'sla-watch', 'digest']);
    } finally {
      await scheduler.stop();
    }
  });

  it("catches up over deskops' own jobs with the hand-off, then the ladder (a failover across a hand-off pages the person taking over after telling them), then the rest in order", async () => {
    const order: string[] = [];
    const recorded = allJobs().map((job): Job => ({ ...job, schedule: '0 9 * * 1', run: () => (order.push(job.name), { processed: 0, queued: 0, failed: 0 }) }));
    const scheduler = schedule(recorded, { timeZone: 'UTC', sink });
    try {
      await vi.advanceTimersByTimeAsync(0);
      const rest = allJobs().map((job) => job.name).filter((name) => name !== 'oncall-handoff' && name !== 'oncall-ladder');
      expect(order).toEqual(['oncall-handoff', 'oncall-ladder', ...rest]);
    } finally {
      await scheduler.stop();
    }
  });

  it('drains a backlog batch after batch in one run instead of one batch per tick', async () => {
    for (let n = 0; n < 25; n++) enqueue(ctx, { audience: 'staff', dedupeKey: `backlog-${n}`, channel: `tier:t${(n % 3) + 1}`, reply: warning(`Backlog ${n}`) });
    const scheduler = schedule([], { timeZone: 'UTC', sink, catchUpAtStart: false, delivery: { batchSize: 4 } });
    try {
      // The first tick (at most 5 s away, a second more for the posts' own steps) delivers every batch: 4 + 4 + … + 1 rows.
      await vi.advanceTimersByTimeAsync(6_000);
      expect(sink.posts.flatMap((post) => post.rows.map((row) => row.dedupeKey)).sort()).toEqual(Array.from({ length: 25 }, (_, n) => `backlog-${n}`).sort());
      expect(runRecord(DELIVERY_JOB)?.runs).toBe(7);
    } finally {
      await scheduler.stop();
    }
  });
});

/** This replica's view of the scheduler's lease, turned by the test as the lock would turn it. */
function testLease(): Lease & { give(turn: number | null): void; lostWhy: string[] } {
  let turn: number | null = null;
  const listeners = new Set<(turn: number | null) => void>();
  const lostWhy: string[] = [];
  const give = (next: number | null) => {
    turn = next;
    for (const listener of listeners) listener(next);
  };
  return {
    name: 'scheduler',
    turn: () => turn,
    heldSince: () => (turn === null ? null : new Date()),
    onChange(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    whenHeld: async () => turn,
    lost(why) {
      lostWhy.push(why);
      give(null);
    },
    stop: async () => undefined,
    give,
    lostWhy,
  };
}

describe('startScheduler with a lease (replicas)', () => {
  it('runs jobs only while this replica holds the lease, catches up when it takes it, and stops when a fenced write finds a later turn', async () => {
    const seen: Date[] = [];
    // A job that writes in a transaction, as every job does: its writes carry the turn.
    const writing: Job = {
      name: 'writing',
      schedule: '* * * * *',
      run(jobCtx, now) {
        seen.push(now);
        jobCtx.store.transaction(() => jobCtx.store.jobRuns.startCursor(`run-${seen.length}`, seen.length));
        return { processed: 1, queued: 0, failed: 0 };
      },
    };
    const lease = testLease();
    const scheduler = schedule([writing], { timeZone: 'UTC', sink, lease });
    try {
      // Another replica leads: neither the catch-up nor the minutely run happens here.
      await vi.advanceTimersByTimeAsync(90_000);
      expect(seen).toHaveLength(0);

      // This replica takes turn 1: it catches up at once, then runs on schedule, its writes fenced by turn 1.
      const first = t.app.store.transaction(() => t.app.store.leases.takeTurn('scheduler', 'replica-a', new Date()));
      expect(first).toBe(1);
      lease.give(first);
      await vi.advanceTimersByTimeAsync(0);
      expect(seen).toHaveLength(1);
      expect(t.app.store.jobRuns.cursorPosition('run-1')).toBe(1);

      // Replica B takes turn 2 while A still believes it leads (a long pause): A's next run writes nothing and lets the lease go.
      expect(t.app.store.transaction(() => t.app.store.leases.takeTurn('scheduler', 'replica-b', new Date()))).toBe(2);
      await vi.advanceTimersByTimeAsync(60_000);
      expect(seen).toHaveLength(2);
      expect(t.app.store.jobRuns.cursorPosition('run-2')).toBeUndefined();
      expect(lease.turn()).toBeNull();
      expect(lease.lostWhy).toEqual(['the writing run was fenced out: another replica took a later turn']);
      expect(runRecord('writing')).toMatchObject({ lastError: expect.stringContaining('lease "scheduler" moved on: this holder has turn 1, the store has 2') });

      // Without the lease, nothing runs any more.
      await vi.advanceTimersByTimeAsync(180_000);
      expect(seen).toHaveLength(2);
    } finally {
      await scheduler.stop();
    }
  });
});

describe('runJobsOnce', () => {
  it('runs every job once as of the instant, isolating a job that throws', () => {
    const seen: Date[] = [];
    const at = new Date('2026-11-23T10:00:00Z');
    const reports = runJobsOnce(ctx, [broken, countingJob('after', '* * * * *', seen)], at);
    expect(reports.broken).toMatchObject({ failed: 1, error: 'boom' });
    expect(reports.after).toEqual({ processed: 1, queued: 0, failed: 0 });
    expect(seen).toEqual([at]);
    expect(runRecord('after')).toMatchObject({ runs: 1, lastStartedAt: at });
  });
});
