/**
 * Slack's command round trip in HTTP mode with a store of 1M tickets: signed slash commands in,
 * the ack out and the answer on response_url, against the real deskops (`deskops start`, a child
 * process with the scheduler running, on a copy of the seeded database) and, in the same run, a
 * bare Bolt app that only acks (also a child). The load generator and Slack's stand-in stay in
 * this process. A third each of `/ticket new`, `/ticket list` and `/ticket show <random ticket>`,
 * as 20 seeded agents.
 *
 * Loads per app: sequential (latency with nothing else in flight), open loops at fixed rates (100/s
 * for 5 s, then 200/s for 10 s by default; latency counted from each command's planned departure)
 * and a closed loop with 32 in flight (the most it sustains). The resident size of each child is
 * taken after start and after all of that (bench/memory.ts). Then, in this process on the same
 * data, the router's own time per command kind: the store work that shares the loop with the acks.
 */
import Database from 'better-sqlite3';
import pino from 'pino';
import { SettableClock } from '../src/clock.js';
import { loadConfig } from '../src/config.js';
import { createDeskops } from '../src/main.js';
import { startBareBolt, startDeskops, type Child } from './child.js';
import { closedLoop, openLoop, percentile, sequential, startStandIn, type Command, type LoadFigures, type SlackStandIn } from './loadgen.js';
import { memoryAfterBurst, memoryAfterStart, type MemoryFigures } from './memory.js';
import { SEED_AGENTS } from './seed.js';

export interface SlackBenchOptions {
  sequential: number;
  rate: number;
  seconds: number;
  /** A second, lower fixed rate (5 s), to show the app below saturation. */
  lowRate: number;
  concurrency: number;
  closedSeconds: number;
}

export interface AppRoundTrip {
  sequential: LoadFigures;
  lowRate: LoadFigures;
  fixedRate: LoadFigures;
  closedLoop: LoadFigures;
  memory: MemoryFigures;
}

export interface CommandCost {
  kind: string;
  p50Ms: number;
  p99Ms: number;
}

export interface SlackBench {
  deskops: AppRoundTrip;
  bare: AppRoundTrip;
  /** The router's time per command kind on the same data, in this process. */
  perCommand: CommandCost[];
  /** ms from spawn to ready of the deskops child (its scheduler's catch-up included). */
  deskopsReadyMs: number;
  /** Scheduled jobs that started while deskops was under load (they hold its event loop). */
  jobsDuringLoad: { job: string; ms: number }[];
}

const KINDS = ['new', 'list', 'show'] as const;

/** The i-th command of a run: new, list, show in turn, from 20 of the seeded agents. */
function mix(run: string, tickets: number): (i: number) => Command {
  let seed = 12345;
  const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  return (i) => {
    const kind = KINDS[i % 3]!;
    const text = kind === 'new' ? `new "Bench ticket ${run} ${i}" priority:high` : kind === 'list' ? 'list' : `show ${1 + Math.floor(random() * tickets)}`;
    return { command: '/ticket', text, userId: `U0AGENT${String(i % Math.min(20, SEED_AGENTS)).padStart(3, '0')}`, key: `${run}-${i}` };
  };
}

async function drive(child: Child, standIn: SlackStandIn, tickets: number, options: SlackBenchOptions, answers: boolean): Promise<AppRoundTrip> {
  const tag = child.name === 'deskops' ? 'd' : 'b';
  const afterStart = await memoryAfterStart(child);
  // Warm-up: JIT, statement caches, keep-alive connections.
  const warm = await closedLoop(child.url, 4, 1, mix(`${tag}warm`, tickets), standIn, false);
  const seq = await sequential(child.url, options.sequential, mix(`${tag}seq`, tickets), standIn, answers);
  const lowRate = await openLoop(child.url, options.lowRate, 5, mix(`${tag}low`, tickets), standIn, answers);
  const fixedRate = await openLoop(child.url, options.rate, options.seconds, mix(`${tag}rate`, tickets), standIn, answers);
  const closed = await closedLoop(child.url, options.concurrency, options.closedSeconds, mix(`${tag}max`, tickets), standIn, answers);
  const commands = [warm, seq, lowRate, fixedRate, closed].reduce((sum, f) => sum + f.sent, 0);
  const memory = await memoryAfterBurst(child, afterStart, commands);
  return { sequential: seq, lowRate, fixedRate, closedLoop: closed, memory };
}

/** Jobs recorded in job_runs as started at or after `since` (ms since the epoch). */
function jobsSince(dbPath: string, since: number): { job: string; ms: number }[] {
  const db = new Database(dbPath, { readonly: true });
  try {
    return db.prepare('SELECT job, last_duration_ms AS ms FROM job_runs WHERE last_started_at >= ? AND job <> ? ORDER BY job').all(since, 'delivery') as { job: string; ms: number }[];
  } finally {
    db.close();
  }
}

/** The router's own time for each command kind on `dbPath`, in this process (no HTTP, no Bolt). */
function commandCosts(dbPath: string, tickets: number, count: number): CommandCost[] {
  const desk = createDeskops(loadConfig({ DESKOPS_DB: dbPath }), { clock: new SettableClock(undefined, new Date()), logger: pino({ level: 'silent' }) });
  try {
    const make = mix('cost', tickets);
    const times: Record<string, number[]> = { new: [], list: [], show: [] };
    for (let i = 0; i < count * 3; i++) {
      const command = make(i);
      const started = performance.now();
      desk.router.handle({
        platform: 'slack',
        user: { externalId: command.userId, handle: command.userId.toLowerCase() },
        channel: 'C0HELP',
        thread: null,
        text: `ticket ${command.text}`,
        idempotencyKey: `slack:command:${command.key}`,
      });
      times[KINDS[i % 3]!]!.push(performance.now() - started);
    }
    return KINDS.map((kind) => ({ kind, p50Ms: percentile(times[kind]!, 0.5), p99Ms: percentile(times[kind]!, 0.99) }));
  } finally {
    desk.close();
  }
}

/** Both apps on `dbPath` (a working copy of the seeded database with `tickets` tickets). */
export async function benchSlackRoundTrip(dbPath: string, tickets: number, options: SlackBenchOptions): Promise<SlackBench> {
  const standIn = await startStandIn();
  try {
    const bareChild = await startBareBolt(standIn.apiUrl);
    let bare: AppRoundTrip;
    try {
      bare = await drive(bareChild, standIn, tickets, options, false);
    } finally {
      await bareChild.stop();
    }
    const deskopsChild = await startDeskops(dbPath, standIn.apiUrl);
    const loadStarted = Date.now();
    let deskops: AppRoundTrip;
    try {
      deskops = await drive(deskopsChild, standIn, tickets, options, true);
    } finally {
      await deskopsChild.stop();
    }
    const jobsDuringLoad = jobsSince(dbPath, loadStarted);
    const perCommand = commandCosts(dbPath, tickets, 100);
    return { deskops, bare, perCommand, deskopsReadyMs: deskopsChild.readyMs, jobsDuringLoad };
  } finally {
    await standIn.close();
  }
}
