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
 * and a closed loop with 32 in flight (the most it sustains); each load runs on one app and right
 * after on the other, so a busy machine shifts both. The resident size of each child is
 * taken after start and after all of that (bench/memory.ts). Then, in this process on the same
 * data, the router's own time per command kind: the store work that shares the loop with the acks.
 */
import { copyFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import pino from 'pino';
import { SettableClock } from '../src/clock.js';
import { loadConfig } from '../src/config.js';
import { createDeskopsFor } from '../src/main.js';
import { loadStorage } from '../src/store/open.js';
import { startBareBolt, startDeskops, type Child } from './child.js';
import { closedLoop, openLoop, percentile, sequential, startStandIn, type Command, type LoadFigures, type SlackStandIn } from './loadgen.js';
import { startCpuHog } from './hog.js';
import { memoryAfterBurst, memoryAfterStart, type MemoryFigures } from './memory.js';
import { SEED_AGENTS, removeCopy } from './seed.js';

export interface SlackBenchOptions {
  sequential: number;
  rate: number;
  seconds: number;
  /** A second, lower fixed rate (5 s), to show the app below saturation. */
  lowRate: number;
  concurrency: number;
  closedSeconds: number;
  /** Another checkout of deskops (e.g. a change to compare) to run beside this one, on its own copy of the data. */
  compareRoot?: string;
  /** Run the fixed rate and the closed loop again with a CPU hog beside the apps (bench/hog.ts). */
  hog: boolean;
}

/** The loads run again with a busy process per core beside the apps. */
export interface HogRoundTrip {
  processes: number;
  fixedRate: LoadFigures;
  closedLoop: LoadFigures;
}

export interface AppRoundTrip {
  sequential: LoadFigures;
  lowRate: LoadFigures;
  fixedRate: LoadFigures;
  closedLoop: LoadFigures;
  /** The fixed rate and closed loop again, with the CPU hog running (when asked for). */
  hog?: HogRoundTrip;
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
  /** deskops from `compareRoot`, when given. */
  compare?: AppRoundTrip;
  /** The router's time per command kind on the same data, in this process. */
  perCommand: CommandCost[];
  /** ms from spawn to ready of the deskops child (its scheduler's catch-up included). */
  deskopsReadyMs: number;
  /** Scheduled jobs that started while deskops was under load (they hold its event loop). */
  jobsDuringLoad: { job: string; ms: number }[];
}

const KINDS = ['new', 'list', 'show'] as const;

/** The i-th command of a run: new, list, show in turn, from 20 of the seeded agents. */
export function mix(run: string, tickets: number): (i: number) => Command {
  let seed = 12345;
  const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  return (i) => {
    const kind = KINDS[i % 3]!;
    const text = kind === 'new' ? `new "Bench ticket ${run} ${i}" priority:high` : kind === 'list' ? 'list' : `show ${1 + Math.floor(random() * tickets)}`;
    return { command: '/ticket', text, userId: `U0AGENT${String(i % Math.min(20, SEED_AGENTS)).padStart(3, '0')}`, key: `${run}-${i}` };
  };
}

/** One app under test, with what it answers and its resident size after start. */
interface Subject {
  child: Child;
  tag: string;
  answers: boolean;
  afterStartMiB: number;
}

/**
 * Each load runs on one app, then at once on the next, so the two meet the same machine (a busy
 * one shifts both); order: sequential, low rate, fixed rate, closed loop; then, with a CPU hog
 * beside them, the fixed rate and the closed loop again.
 */
async function driveBoth(subjects: Subject[], standIn: SlackStandIn, tickets: number, options: SlackBenchOptions): Promise<AppRoundTrip[]> {
  const fixedRate = (tag: string) => (s: Subject) => openLoop(s.child.url, options.rate, options.seconds, mix(`${s.tag}${tag}`, tickets), standIn, s.answers);
  const closed = (tag: string) => (s: Subject) => closedLoop(s.child.url, options.concurrency, options.closedSeconds, mix(`${s.tag}${tag}`, tickets), standIn, s.answers);
  const loads: ((s: Subject) => Promise<LoadFigures>)[] = [
    // Warm-up: JIT, statement caches, keep-alive connections.
    (s) => closedLoop(s.child.url, 4, 1, mix(`${s.tag}warm`, tickets), standIn, false),
    (s) => sequential(s.child.url, options.sequential, mix(`${s.tag}seq`, tickets), standIn, s.answers),
    (s) => openLoop(s.child.url, options.lowRate, 5, mix(`${s.tag}low`, tickets), standIn, s.answers),
    fixedRate('rate'),
    closed('max'),
  ];
  const results: LoadFigures[][] = subjects.map(() => []);
  const runEach = async (load: (s: Subject) => Promise<LoadFigures>) => {
    for (const [i, subject] of subjects.entries()) results[i]!.push(await load(subject));
  };
  for (const load of loads) await runEach(load);
  let hogProcesses = 0;
  if (options.hog) {
    const hog = await startCpuHog();
    hogProcesses = hog.processes;
    try {
      await runEach(fixedRate('hograte'));
      await runEach(closed('hogmax'));
    } finally {
      await hog.stop();
    }
  }
  return Promise.all(
    subjects.map(async (subject, i) => {
      const [, seq, lowRate, rate, max, hogRate, hogMax] = results[i]! as LoadFigures[];
      const commands = results[i]!.reduce((sum, f) => sum + f.sent, 0);
      return {
        sequential: seq!,
        lowRate: lowRate!,
        fixedRate: rate!,
        closedLoop: max!,
        ...(hogRate && hogMax ? { hog: { processes: hogProcesses, fixedRate: hogRate, closedLoop: hogMax } } : {}),
        memory: await memoryAfterBurst(subject.child, subject.afterStartMiB, commands),
      };
    }),
  );
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

/**
 * The router's own time for each command kind on the store `env` names (DESKOPS_DB, or
 * DESKOPS_DATABASE_URL for PostgreSQL), in this process (no HTTP, no Bolt).
 */
export async function commandCosts(env: Record<string, string>, tickets: number, count: number): Promise<CommandCost[]> {
  const config = loadConfig(env);
  await loadStorage(config);
  const desk = createDeskopsFor(config, { clock: new SettableClock(undefined, new Date()), logger: pino({ level: 'silent' }) });
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
  const children: Child[] = [];
  try {
    // deskops first: its start-up (the scheduler's catch-up) must not overlap the bare app's loads.
    const deskopsChild = await startDeskops(dbPath, standIn.apiUrl);
    children.push(deskopsChild);
    const deskopsStart = await memoryAfterStart(deskopsChild);
    let compare: Subject | undefined;
    if (options.compareRoot) {
      copyFileSync(dbPath, `${dbPath}.compare.db`);
      const child = await startDeskops(`${dbPath}.compare.db`, standIn.apiUrl, {}, [], options.compareRoot, `deskops @ ${options.compareRoot}`);
      children.push(child);
      compare = { child, tag: 'c', answers: true, afterStartMiB: await memoryAfterStart(child) };
    }
    const bareChild = await startBareBolt(standIn.apiUrl);
    children.push(bareChild);
    const bareStart = await memoryAfterStart(bareChild);
    const loadStarted = Date.now();
    const [deskops, bare, compared] = await driveBoth(
      [
        { child: deskopsChild, tag: 'd', answers: true, afterStartMiB: deskopsStart },
        { child: bareChild, tag: 'b', answers: false, afterStartMiB: bareStart },
        ...(compare ? [compare] : []),
      ],
      standIn,
      tickets,
      options,
    );
    await Promise.all(children.map((child) => child.stop()));
    const jobsDuringLoad = jobsSince(dbPath, loadStarted);
    const perCommand = await commandCosts({ DESKOPS_DB: dbPath }, tickets, 100);
    return { deskops: deskops!, bare: bare!, ...(compared ? { compare: compared } : {}), perCommand, deskopsReadyMs: deskopsChild.readyMs, jobsDuringLoad };
  } finally {
    await Promise.all(children.map((child) => child.stop()));
    await standIn.close();
    removeCopy(`${dbPath}.compare.db`);
  }
}
