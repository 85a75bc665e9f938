/**
 * The running bot's event-loop delay while its longest jobs run: `deskops start` (HTTP mode, the
 * scheduler on) on a fresh copy of the 1M-ticket database, whose catch-up at start runs every job
 * once: the weekly digest of the busy week (about 100,000 events), the pattern watch, the
 * duplicate-answer check, and a delivery of what they queued. Meanwhile a light load of slash
 * commands keeps the receiver busy, as a workday would. Once every job has finished, GET /healthz
 * gives the I/O thread's delay since it started serving (perf_hooks.monitorEventLoopDelay), and
 * job_runs how long each job took on the engine's background thread.
 */
import Database from 'better-sqlite3';
import { startDeskops } from './child.js';
import { openLoop, startStandIn } from './loadgen.js';
import { SEED_AGENTS } from './seed.js';

export interface EventLoopFigures {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Seconds from serving until every catch-up job and the delivery after them had finished. */
  seconds: number;
  /** Each job's run at start, slowest first (on the engine's background thread). */
  jobs: { job: string; ms: number }[];
  /** The digest of the busy week was gathered and queued during the window. */
  digestQueued: boolean;
  /** Commands sent during the window, and how many were answered. */
  commands: number;
  answered: number;
  ackP99Ms: number;
}

interface HealthBody {
  eventLoop: { sinceStart: { p50Ms: number; p99Ms: number; maxMs: number } };
}

function finishedRuns(dbPath: string, since: number): { job: string; ms: number; finished: number }[] {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT job, last_duration_ms AS ms, last_finished_at AS finished FROM job_runs WHERE last_started_at >= ? AND last_finished_at IS NOT NULL').all(since) as { job: string; ms: number; finished: number }[];
  } finally {
    db.close();
  }
}

function digestQueuedFor(dbPath: string, week: string): boolean {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT 1 FROM outbox WHERE dedupe_key = ?').get(`digest:${week}`) !== undefined;
  } finally {
    db.close();
  }
}

/** Measures on `dbPath`, a fresh copy of the seeded database whose busy week is `week`; `jobs` names every job. */
export async function benchEventLoop(dbPath: string, week: string, jobs: readonly string[], tickets: number, rate = 20): Promise<EventLoopFigures> {
  const standIn = await startStandIn();
  const since = Date.now();
  const child = await startDeskops(dbPath, standIn.apiUrl);
  try {
    const servedAt = performance.now();
    let done = false;
    // A light, steady load through the whole window: the receiver keeps acknowledging while the jobs run.
    let n = 0;
    const make = (i: number) => {
      const kind = i % 3;
      const text = kind === 0 ? `new "Catch-up load ${n}"` : kind === 1 ? 'list' : `show ${1 + ((i * 7919) % tickets)}`;
      return { command: '/ticket', text, userId: `U0AGENT${String(i % Math.min(20, SEED_AGENTS)).padStart(3, '0')}`, key: `loop-${n++}` };
    };
    const load = (async () => {
      const all = [];
      while (!done) all.push(await openLoop(child.url, rate, 2, make, standIn, true));
      return all;
    })();
    const deadline = Date.now() + 180_000;
    let runs: ReturnType<typeof finishedRuns> = [];
    for (;;) {
      runs = finishedRuns(dbPath, since);
      const finished = new Map(runs.map((run) => [run.job, run.finished]));
      const lastJob = Math.max(...jobs.map((job) => finished.get(job) ?? Number.POSITIVE_INFINITY));
      // The delivery run that follows the catch-up, done too.
      if (Number.isFinite(lastJob) && (finished.get('delivery') ?? 0) >= lastJob) break;
      if (Date.now() > deadline) throw new Error(`the catch-up did not finish within 180 s; finished: ${[...finished.keys()].join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const seconds = (performance.now() - servedAt) / 1000;
    const health = (await (await fetch(child.url.replace('/slack/events', '/healthz'))).json()) as HealthBody;
    done = true;
    const loads = await load;
    const sent = loads.reduce((sum, f) => sum + f.sent, 0);
    const answered = loads.reduce((sum, f) => sum + f.sent - f.unanswered - f.failed, 0);
    return {
      ...health.eventLoop.sinceStart,
      seconds,
      jobs: runs.filter((run) => run.job !== 'delivery').map(({ job, ms }) => ({ job, ms })).sort((a, b) => b.ms - a.ms),
      digestQueued: digestQueuedFor(dbPath, week),
      commands: sent,
      answered,
      ackP99Ms: Math.max(...loads.map((f) => f.ackP99Ms)),
    };
  } finally {
    await child.stop();
    await standIn.close();
  }
}
