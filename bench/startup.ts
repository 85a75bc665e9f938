/**
 * Start-up time, spawn to ready (the first 200 on GET /healthz), of `deskops start` in Slack HTTP
 * mode on an existing 1M-ticket database (migrations checked, the scheduler's catch-up run of
 * every job, Bolt initialised), next to a bare `node -e` HTTP server and a bare Bolt app, in the
 * same run. Each starts up to `runs` times (fewer once its starts took 30 s in all); the median is
 * reported. The scheduler records each job's
 * catch-up duration in job_runs: those are read back, since they hold the event loop at start.
 */
import Database from 'better-sqlite3';
import { startBareBolt, startBareNode, startDeskops, type Child } from './child.js';
import { percentile, startStandIn } from './loadgen.js';

export interface StartupFigures {
  app: string;
  readyMs: number;
  minMs: number;
  /** Spawn until the "listening" log line, median. */
  listeningMs: number;
  runs: number;
}

export interface StartupBench {
  apps: StartupFigures[];
  /** Each job's catch-up run at deskops' last start (job_runs.last_duration_ms). */
  catchUpJobs: { job: string; ms: number }[];
}

export async function benchStartup(dbPath: string, tickets: number, runs: number): Promise<StartupBench> {
  const standIn = await startStandIn();
  try {
    const kinds: [string, () => Promise<Child>][] = [
      ['node -e (HTTP server)', startBareNode],
      ['bare Bolt app', () => startBareBolt(standIn.apiUrl)],
      [`deskops start (${tickets.toLocaleString('en-US')} tickets)`, () => startDeskops(dbPath, standIn.apiUrl)],
    ];
    const apps: StartupFigures[] = [];
    for (const [app, start] of kinds) {
      const ready: number[] = [];
      const listening: number[] = [];
      const began = performance.now();
      for (let i = 0; i < runs && (i === 0 || performance.now() - began < 30_000); i++) {
        const child = await start();
        ready.push(child.readyMs);
        listening.push(child.listeningMs);
        await child.stop();
      }
      apps.push({ app, readyMs: percentile(ready, 0.5), minMs: Math.min(...ready), listeningMs: percentile(listening, 0.5), runs: ready.length });
    }
    const db = new Database(dbPath, { readonly: true });
    const catchUpJobs = (db.prepare('SELECT job, last_duration_ms AS ms FROM job_runs WHERE job <> ? ORDER BY last_duration_ms DESC').all('delivery') as { job: string; ms: number }[]);
    db.close();
    return { apps, catchUpJobs };
  } finally {
    await standIn.close();
  }
}
