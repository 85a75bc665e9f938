/**
 * Several real `deskops start` processes on one database, for the chaos tests: each replica keeps
 * its own port (and so its own paths on the stand-ins) across restarts; a SIGKILLed replica is
 * started again at once, as a supervisor would, once `mayStart` allows (a test holds restarts back
 * while it has the database down). Every incarnation's stderr is kept, and an exit nobody asked for
 * is recorded as a crash.
 *
 * `sendSlack` is the load balancer in front of them: it posts a signed Slack request to the next
 * replica that is up, and when that one fails (refused, cut off, no 200 within Slack's 3 s) posts
 * the same payload to the next with `X-Slack-Retry-Num`, as Slack retries.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDeskopsProcess, type RunningDeskops } from './cli.js';
import { freePort } from './free-port.js';
import { nowSeconds, slackSignature } from './slack-requests.js';

/** One life of a replica, from its spawn to its exit. */
export interface Incarnation {
  replica: number;
  /** 0 for the first start, then one more per restart. */
  number: number;
  process: RunningDeskops;
  spawnedAt: number;
  /** When /healthz first answered with Slack ready; undefined while it starts (or if it never did). */
  readyAt?: number;
  /** When the test SIGKILLed it. */
  killedAt?: number;
  exitedAt?: number;
  exitCode?: number | null;
}

/** An exit the test did not cause. */
export interface Crash {
  replica: number;
  incarnation: number;
  code: number | null;
  at: number;
  stderrTail: string;
}

export interface ReplicaSet {
  readonly count: number;
  /** The replica's Slack endpoint base: http://127.0.0.1:<port>. */
  url(replica: number): string;
  /** Replicas that answered /healthz since their last start and were not killed since. */
  up(): number[];
  /** Every incarnation, in spawn order. */
  incarnations: Incarnation[];
  crashes: Crash[];
  /** Starts every replica and resolves once all are ready. */
  startAll(timeoutMs: number): Promise<void>;
  /** SIGKILLs the replica's current incarnation (if it runs) and starts it again; resolves once it is dead. */
  kill(replica: number): Promise<void>;
  /** GET /healthz of a replica: its status and JSON, or undefined when it does not answer within `timeoutMs`. */
  health(replica: number, timeoutMs?: number): Promise<{ status: number; report: Record<string, unknown> } | undefined>;
  /** Resolves once every replica is up again (after kills), or rejects after `timeoutMs`. */
  allUp(timeoutMs: number): Promise<void>;
  /** Gate for (re)starts: while it returns a pending promise, killed replicas wait before being spawned again. */
  mayStart: () => Promise<void>;
  /** SIGTERM to every replica, then SIGKILL what is left after `graceMs`; no restarts from then on. */
  stopAll(graceMs?: number): Promise<void>;
}

export interface ReplicaOptions {
  count: number;
  /** The environment of a replica (its PORT is added). */
  env: (replica: number, port: number) => Record<string, string>;
  /** Registered cleanups run after the test (cli.ts's startDeskopsProcess kills what is left). */
  cleanups: Array<() => Promise<void> | void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startReplicaSet(options: ReplicaOptions): Promise<ReplicaSet> {
  const cwd = mkdtempSync(join(tmpdir(), 'deskops-replicas-'));
  options.cleanups.push(() => rmSync(cwd, { recursive: true, force: true }));
  const ports = await Promise.all(Array.from({ length: options.count }, () => freePort()));
  const incarnations: Incarnation[] = [];
  const crashes: Crash[] = [];
  const current: Array<Incarnation | undefined> = Array.from({ length: options.count }, () => undefined);
  const lives = Array.from({ length: options.count }, () => 0);
  let stopping = false;

  const health = async (replica: number, timeoutMs = 2000) => {
    try {
      const response = await fetch(`http://127.0.0.1:${ports[replica]}/healthz`, { signal: AbortSignal.timeout(timeoutMs) });
      return { status: response.status, report: (await response.json()) as Record<string, unknown> };
    } catch {
      return undefined;
    }
  };

  /** Ready: /healthz answers and says Slack accepted the token (a 503 for the database still counts: it serves). */
  const watchReady = async (life: Incarnation) => {
    while (current[life.replica] === life && life.exitedAt === undefined && life.killedAt === undefined) {
      const answer = await health(life.replica, 1000);
      const platforms = answer?.report.platforms as Record<string, string> | undefined;
      if (answer && platforms?.slack === 'ready') {
        life.readyAt = Date.now();
        return;
      }
      await sleep(50);
    }
  };

  const spawnReplica = (replica: number): Incarnation => {
    const process = startDeskopsProcess(options.cleanups, { cwd, env: { ...options.env(replica, ports[replica]!), PORT: String(ports[replica]) } });
    const life: Incarnation = { replica, number: lives[replica]!++, process, spawnedAt: Date.now() };
    incarnations.push(life);
    current[replica] = life;
    void process.exited.then((code) => {
      life.exitedAt = Date.now();
      life.exitCode = code;
      if (life.killedAt !== undefined || stopping) return;
      crashes.push({ replica, incarnation: life.number, code, at: life.exitedAt, stderrTail: process.stderr().slice(-3000) });
      // A supervisor starts a crashed process again too; the crash stays recorded.
      void restart(replica);
    });
    void watchReady(life);
    return life;
  };

  const restart = async (replica: number) => {
    await set.mayStart();
    if (stopping) return;
    spawnReplica(replica);
  };

  const set: ReplicaSet = {
    count: options.count,
    url: (replica) => `http://127.0.0.1:${ports[replica]}`,
    up: () => current.flatMap((life, replica) => (life && life.readyAt !== undefined && life.killedAt === undefined && life.exitedAt === undefined ? [replica] : [])),
    incarnations,
    crashes,
    mayStart: () => Promise.resolve(),
    async startAll(timeoutMs) {
      for (let replica = 0; replica < options.count; replica++) spawnReplica(replica);
      await set.allUp(timeoutMs);
    },
    async kill(replica) {
      const life = current[replica];
      if (!life || life.killedAt !== undefined || life.exitedAt !== undefined) return;
      life.killedAt = Date.now();
      life.process.child.kill('SIGKILL');
      await life.process.exited;
      if (!stopping) void restart(replica);
    },
    health,
    async allUp(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (set.up().length < options.count) {
        if (Date.now() > deadline) {
          const states = current.map((life, replica) => `replica ${replica}: ${life ? `life ${life.number}, ${life.readyAt ? 'ready' : 'starting'}${life.exitedAt ? `, exited ${life.exitCode}` : ''}` : 'none'}`);
          const tails = current.map((life) => life?.process.stderr().slice(-1500) ?? '').join('\n---\n');
          throw new Error(`replicas not all up after ${timeoutMs} ms: ${states.join('; ')}\n${tails}`);
        }
        await sleep(50);
      }
    },
    async stopAll(graceMs = 10_000) {
      stopping = true;
      const running = current.filter((life): life is Incarnation => !!life && life.exitedAt === undefined);
      for (const life of running) life.process.child.kill('SIGTERM');
      const timer = setTimeout(() => {
        for (const life of running) if (life.exitedAt === undefined) life.process.child.kill('SIGKILL');
      }, graceMs);
      await Promise.all(running.map((life) => life.process.exited));
      clearTimeout(timer);
    },
  };
  return set;
}

/** How one Slack request went through the load balancer. */
export interface SlackDelivery {
  /** Some replica answered 200: Slack (and the user) saw it accepted. */
  acknowledged: boolean;
  /** The replica that answered 200. */
  replica?: number;
  /** Attempts made (1 + retries). */
  attempts: number;
  /** Why each failed attempt failed. */
  failures: string[];
}

export interface SlackBalancerOptions {
  secret: string;
  /** Attempts in all: Slack retries a request three times. */
  maxAttempts?: number;
  /** Pause before a retry (ms); Slack waits longer, which only makes the test slower. */
  retryPauseMs?: number;
  /** How long to wait for the 200 (Slack's 3 s). */
  ackTimeoutMs?: number;
}

/**
 * POSTs a signed Slack request to one replica's /slack/events, as a retry (`X-Slack-Retry-Num`)
 * when `retryNum` > 0, and resolves with the HTTP status; rejects when the replica is gone or gives
 * no answer within Slack's 3 s.
 */
export async function postSlack(replicas: Pick<ReplicaSet, 'url'>, replica: number, body: string, options: { secret: string; retryNum?: number; ackTimeoutMs?: number | undefined }): Promise<number> {
  const timestamp = nowSeconds();
  const retryNum = options.retryNum ?? 0;
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': slackSignature(options.secret, timestamp, body),
    ...(retryNum > 0 ? { 'x-slack-retry-num': String(retryNum), 'x-slack-retry-reason': 'http_error' } : {}),
  };
  const response = await fetch(`${replicas.url(replica)}/slack/events`, { method: 'POST', headers, body, signal: AbortSignal.timeout(options.ackTimeoutMs ?? 3000) });
  await response.arrayBuffer();
  return response.status;
}

/** The load balancer: round-robin over the replicas that are up, retrying a failed request on the next. */
export function slackBalancer(replicas: ReplicaSet, options: SlackBalancerOptions) {
  let next = 0;
  const maxAttempts = options.maxAttempts ?? 4;
  const pick = (): number | undefined => {
    const up = replicas.up();
    if (up.length === 0) return undefined;
    next = (next + 1) % replicas.count;
    return up.find((replica) => replica >= next) ?? up[0];
  };
  return async function sendSlack(body: string): Promise<SlackDelivery> {
    const failures: string[] = [];
    for (let attempt = 0; attempt < maxAttempts; attempt++) {
      if (attempt > 0) await sleep(options.retryPauseMs ?? 300);
      let replica = pick();
      // Every replica is down (restarting): Slack's retry would come later still; wait for one.
      for (let waited = 0; replica === undefined && waited < 20_000; waited += 100) {
        await sleep(100);
        replica = pick();
      }
      if (replica === undefined) {
        failures.push('no replica up');
        continue;
      }
      try {
        const status = await postSlack(replicas, replica, body, { secret: options.secret, retryNum: attempt, ackTimeoutMs: options.ackTimeoutMs });
        if (status === 200) return { acknowledged: true, replica, attempts: attempt + 1, failures };
        failures.push(`replica ${replica}: HTTP ${status}`);
      } catch (error) {
        failures.push(`replica ${replica}: ${error instanceof Error ? `${error.name} ${error.message}` : String(error)}`);
      }
    }
    return { acknowledged: false, attempts: maxAttempts, failures };
  };
}
