/**
 * GET /healthz's report: the database answers (one indexed query, through the engine, no integrity
 * check), no due outbox row has waited HEALTH_OUTBOX_STALE_MS, every running platform is ready,
 * the engine's threads run and none has a request stuck; plus how responsive the I/O thread is
 * (event-loop delay from perf_hooks.monitorEventLoopDelay: since start and over the last minute).
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { EngineState } from '../engine/port.js';
import type { Engine } from '../engine/port.js';
import type { ServicePlatform } from '../domain/vocabulary.js';
import type { AdapterHealth, PlatformAdapter } from './contract.js';
import { LEADER_LEASE } from '../replicas/names.js';
import type { Lease } from '../replicas/lease.js';

/** A due outbox row waiting longer than this makes GET /healthz answer 503: delivery is stuck. */
export const HEALTH_OUTBOX_STALE_MS = 15 * 60_000;
/** How long the report waits for the engine's answer before saying the database does not answer. */
export const HEALTH_ENGINE_TIMEOUT_MS = 2_000;
/** An engine request waiting longer than this is reported as stuck (a command takes milliseconds). */
export const HEALTH_ENGINE_STUCK_MS = 30_000;
/** The window of the recent event-loop figures. */
export const EVENT_LOOP_WINDOW_MS = 60_000;

/** Event-loop delay of the I/O thread, in milliseconds. */
export interface LoopDelay {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface EventLoopReport {
  /** Since the service started serving (its start-up, which loads code on this thread, not included). */
  sinceStart: LoopDelay;
  /** Over the last full window (EVENT_LOOP_WINDOW_MS), or since start while the first one runs. */
  recent: LoopDelay & { windowSeconds: number };
}

/** What GET /healthz answers: 200 when `ok`, 503 otherwise. */
export interface HealthReport extends Record<string, unknown> {
  ok: boolean;
  database: 'ok' | 'unreachable';
  outbox: { due: number; oldestDueSeconds: number } | null;
  /** Each running platform's state (slack, rocketchat, email): ready, connecting, reconnecting or stopped. */
  platforms: Partial<Record<ServicePlatform, AdapterHealth['state']>>;
  /** The engine's threads: each one's state, requests in flight and the longest wait among them. */
  engine: EngineState;
  eventLoop: EventLoopReport;
  /** The process's resident memory and this (I/O) thread's V8 heap, in MiB; each engine thread's heap is in `engine`. */
  memory: { rssMiB: number; heapUsedMiB: number; heapTotalMiB: number; externalMiB: number };
  /** This replica among those of one database: its id, whether it leads the scheduler, and each lease it takes turns for. */
  replica: ReplicaReport;
  /** Why `ok` is false, in words. */
  problems: string[];
}

/** One lease as this replica sees it. */
export interface LeaseReport {
  held: boolean;
  /** The fencing token of the turn held, when held. */
  turn: number | null;
  /** When this replica took it (ISO 8601), when held. */
  since: string | null;
}

export interface ReplicaReport {
  id: string;
  /** Whether this replica runs the scheduled jobs now (it holds the scheduler's lease). */
  leadsScheduler: boolean;
  leases: Record<string, LeaseReport>;
}

/** What the report reads of this replica: its id and its leases (replicas/lease.ts). */
export interface ReplicaView {
  id: string;
  leases: ReadonlyArray<Pick<Lease, 'name' | 'turn' | 'heldSince'>>;
}

function replicaReport(replica: ReplicaView | undefined): ReplicaReport {
  if (!replica) return { id: 'this process', leadsScheduler: true, leases: {} };
  const leases: Record<string, LeaseReport> = {};
  for (const lease of replica.leases) {
    const turn = lease.turn();
    leases[lease.name] = { held: turn !== null, turn, since: lease.heldSince()?.toISOString() ?? null };
  }
  return { id: replica.id, leadsScheduler: leases[LEADER_LEASE]?.held ?? false, leases };
}

const round = (ms: number) => Math.round(ms * 100) / 100;

/** The sampling timer's period (ms): Node recommends 10 or more in production. */
const RESOLUTION_MS = 10;

/**
 * The histogram holds the time between two firings of a timer set every RESOLUTION_MS (an idle
 * loop reads about 10 ms), so the delay, how late the timer fired, is that minus the resolution.
 */
const lateness = (nanoseconds: number) => round(Math.max(0, nanoseconds / 1e6 - RESOLUTION_MS));

function figures(histogram: IntervalHistogram): LoopDelay {
  // Nanoseconds; an empty histogram has no samples yet.
  if (histogram.count === 0) return { p50Ms: 0, p99Ms: 0, maxMs: 0 };
  return { p50Ms: lateness(histogram.percentile(50)), p99Ms: lateness(histogram.percentile(99)), maxMs: lateness(histogram.max) };
}

/** Measures the I/O thread's event-loop delay; `stop()` ends the measuring. */
export interface LoopMonitor {
  report(): EventLoopReport;
  stop(): void;
}

/** Starts measuring this thread's event-loop delay. */
export function monitorEventLoop(windowMs = EVENT_LOOP_WINDOW_MS): LoopMonitor {
  const sinceStart = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  const current = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  sinceStart.enable();
  current.enable();
  const started = performance.now();
  let last: (LoopDelay & { windowSeconds: number }) | undefined;
  const roll = setInterval(() => {
    last = { ...figures(current), windowSeconds: windowMs / 1000 };
    current.reset();
  }, windowMs);
  roll.unref();
  return {
    report: () => ({ sinceStart: figures(sinceStart), recent: last ?? { ...figures(current), windowSeconds: Math.round((performance.now() - started) / 1000) } }),
    stop() {
      clearInterval(roll);
      sinceStart.disable();
      current.disable();
    },
  };
}

/** What a health report reads from the engine. */
export type HealthEngine = Pick<Engine, 'outboxHealth' | 'state'>;

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/**
 * The health of a running service (never throws). `loop` is the I/O thread's monitor; without one
 * the event-loop figures are zero.
 */
export async function healthReport(engine: HealthEngine, adapters: ReadonlyArray<Pick<PlatformAdapter, 'platform' | 'health'>>, loop?: LoopMonitor, now: Date = new Date(), replica?: ReplicaView): Promise<HealthReport> {
  const problems: string[] = [];
  let database: HealthReport['database'] = 'ok';
  let outbox: HealthReport['outbox'] = null;
  try {
    outbox = await withTimeout(engine.outboxHealth(now), HEALTH_ENGINE_TIMEOUT_MS);
    if (outbox.oldestDueSeconds * 1000 >= HEALTH_OUTBOX_STALE_MS) problems.push(`outbox: the oldest due message has waited ${Math.round(outbox.oldestDueSeconds / 60)} min`);
  } catch (error) {
    database = 'unreachable';
    problems.push(`database: the outbox query failed (${error instanceof Error ? error.message : String(error)})`);
  }
  const state = engine.state();
  for (const lane of state.lanes) {
    // A thread still starting is not a problem (the background one opens after start-up); one that died or failed is.
    if (lane.state !== 'ready' && lane.state !== 'starting') problems.push(`engine: the ${lane.name} thread is ${lane.state}${lane.lastError ? ` (${lane.lastError})` : ''}`);
    else if (lane.oldestWaitMs >= HEALTH_ENGINE_STUCK_MS) problems.push(`engine: a request to the ${lane.name} thread has waited ${Math.round(lane.oldestWaitMs / 1000)} s`);
  }
  const platforms: HealthReport['platforms'] = {};
  for (const adapter of adapters) {
    if (adapter.platform === 'shell') continue;
    const health = adapter.health();
    platforms[adapter.platform] = health.state;
    if (health.state !== 'ready' && health.state !== 'standby') problems.push(`${adapter.platform}: ${health.state}${health.detail ? ` (${health.detail})` : ''}`);
  }
  const zero = { p50Ms: 0, p99Ms: 0, maxMs: 0 };
  const eventLoop = loop?.report() ?? { sinceStart: zero, recent: { ...zero, windowSeconds: 0 } };
  const usage = process.memoryUsage();
  const mib = (bytes: number) => Math.round(bytes / 2 ** 20);
  const memory = { rssMiB: mib(usage.rss), heapUsedMiB: mib(usage.heapUsed), heapTotalMiB: mib(usage.heapTotal), externalMiB: mib(usage.external) };
  return { ok: problems.length === 0, database, outbox, platforms, engine: state, eventLoop, memory, replica: replicaReport(replica), problems };
}
