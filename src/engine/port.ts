/**
 * The one asynchronous port between the I/O side of deskops (HTTP and Bolt, Socket Mode, the
 * Rocket.Chat connection, the shell's terminal, timers, posting to platforms) and the engine that
 * owns the database and runs the synchronous core (commands in their transactions, requesters'
 * messages, jobs, the outbox's database steps, the lookups adapters and sinks make).
 *
 * Each operation of operations.ts is here as an async function of the same arguments. Arguments
 * and results are plain data (structured clone: Dates and Maps survive, functions and classes do
 * not); errors come back as the classes they were thrown as (wire.ts). Two implementations keep
 * one contract (test/contract/engine-port.test.ts): in-process (the shell, most tests) and a worker
 * thread pool (`deskops start`). This module is types and constants only: importing it loads none
 * of the engine.
 */
import type { CatalogData, CommandCatalog } from '../commands/registry.js';
import type { EngineEnv } from './env.js';
import type { OperationName, Operations } from './operations.js';

/** An operation as the port offers it: the same arguments, the result later. */
type Async<F> = F extends (env: EngineEnv, ...args: infer A) => infer R ? (...args: A) => Promise<Awaited<R>> : never;

/** Every engine operation, asynchronous. */
export type EnginePort = { readonly [K in OperationName]: Async<Operations[K]> };

/** A scheduled job as the scheduler sees it: a name and a cron expression. */
export interface JobSchedule {
  name: string;
  schedule: string;
  /** Run with `runUrgentJob` (the commands thread) and first in a catch-up: see Job.urgent. */
  urgent?: boolean;
}

/** What the engine says about itself once it runs: its commands (for the catalog) and its jobs. */
export interface EngineInfo {
  commands: CatalogData;
  jobs: JobSchedule[];
}

/** One of the engine's threads (or the caller's own, in process). */
export interface LaneState {
  name: string;
  state: 'starting' | 'ready' | 'restarting' | 'failed' | 'stopped';
  /** Requests sent and not answered yet. */
  inFlight: number;
  /** Requests answered since start. */
  served: number;
  /** The longest a request now in flight has waited, in ms (0 when none is). */
  oldestWaitMs: number;
  /** Times the thread died and was started again. */
  restarts: number;
  /** Why it last failed, if it did. */
  lastError?: string;
  /** Its V8 heap as last reported (MiB): in use, and reserved. */
  heapMiB?: { used: number; total: number };
}

/** How the engine is doing, for GET /healthz. */
export interface EngineState {
  kind: 'in-process' | 'worker';
  lanes: LaneState[];
}

/** A running engine: the port, what it runs, how it is doing, and how to stop it. */
export interface Engine extends EnginePort {
  readonly info: EngineInfo;
  /** The commands as the I/O side knows them (names, aliases, which only read). */
  readonly catalog: CommandCatalog;
  state(): EngineState;
  /** Finishes what is in flight and closes the database. Never throws. */
  close(): Promise<void>;
}

/** The part of the port the outbox worker uses. */
export type DeliveryPort = Pick<EnginePort, 'deliveryClaim' | 'deliveryRenew' | 'deliverySent' | 'deliveryFailed' | 'deliveryRelease'>;

/**
 * Operations that run on the engine's background thread, with its own connection: jobs (the weekly
 * digest gathers for up to a second on a million tickets), the outbox's steps and charts. Every
 * other operation runs on the commands thread, which therefore never waits behind a job.
 */
export const BACKGROUND_OPERATIONS: ReadonlySet<OperationName> = new Set<OperationName>([
  'runJob',
  'runJobs',
  'jobStarted',
  'jobFinished',
  'deliveryClaim',
  'deliveryRenew',
  'deliverySent',
  'deliveryFailed',
  'deliveryRelease',
  'renderChart',
]);

/** Operations every lane runs (each has its own clock): pinning the clock moves all of them at once. */
export const EVERY_LANE_OPERATIONS: ReadonlySet<OperationName> = new Set<OperationName>(['pinClock']);
