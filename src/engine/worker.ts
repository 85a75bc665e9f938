/**
 * The engine's thread: opens its own connection to the database, builds the synchronous core on
 * it (createDeskops: store, registry, router, jobs) and runs the operations the I/O thread sends,
 * one at a time, each whole (a command's transaction never spans a message). Its log lines go to
 * the I/O thread, which writes them to the service's log. Started by worker-engine.ts, from the
 * bundle bin/bundle.js builds (engine.mjs), so it needs no TypeScript loader.
 */
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parentPort, workerData } from 'node:worker_threads';
import { SettableClock } from '../clock.js';
import type { Config } from '../config.js';
import { createLogger, withCorrelation } from '../log.js';
import { createDeskopsFor } from '../main.js';
import { engineEnv } from './env.js';
import { engineInfo } from './in-process.js';
import { operations, runOperation } from './operations.js';
import { encodeError, type EngineMessage, type EngineRequest } from './wire.js';
import { checkpointPassively, turnOffAutomaticCheckpoints } from '../store/checkpointer.js';
import { isSqliteStore } from '../store/database.js';
import { loadStorage } from '../store/open.js';

/** What the I/O thread tells a new engine thread. */
export interface WorkerSetup {
  config: Config;
  /** Which lane this thread serves (commands, background), for its log lines. */
  lane: string;
  logLevel: string;
  /** Secret values scrubbed from every log line. */
  secrets: string[];
  /**
   * 'run': this thread runs passive WAL checkpoints every `checkpointEveryMs` on its connection;
   * 'off': its commits never checkpoint (another thread does); 'auto': SQLite's own, in the commit.
   */
  checkpoints: 'run' | 'off' | 'auto';
  checkpointEveryMs?: number;
  /** Added to this thread's nice value (Linux): background work yields the CPU to the I/O thread and commands. */
  niceness?: number;
  /** Operations after which the heap is collected when it grew large (see heapCompactor). */
  compactAfter?: string[];
}

if (!parentPort) throw new Error('src/engine/worker.ts runs as a worker thread (see worker-engine.ts)');
const port = parentPort;
const setup = workerData as WorkerSetup;
const send = (message: EngineMessage) => port.postMessage(message);

/**
 * After an operation that builds a large working set and then sits idle (a job: the weekly digest
 * holds 100k events), V8 keeps the garbage, and its pages, until the next collection, which an
 * idle thread never triggers. This collects right after such an operation when the heap has grown
 * past COMPACT_ABOVE_BYTES, so the memory goes back to the process instead of waiting a week.
 */
function heapCompactor(operations: readonly string[]): (op: string) => void {
  if (operations.length === 0) return () => undefined;
  setFlagsFromString('--expose-gc');
  const collect = runInNewContext('gc') as () => void;
  const after = new Set(operations);
  return (op) => {
    if (after.has(op) && getHeapStatistics().used_heap_size > COMPACT_ABOVE_BYTES) setImmediate(collect);
  };
}

/** A background heap above this after a job is collected at once (the engine's own working set is about 18 MiB). */
const COMPACT_ABOVE_BYTES = 24 * 2 ** 20;

/** Lowers this thread's priority: setpriority() on Linux takes a thread id, found through /proc/thread-self. */
function lowerPriority(niceness: number): void {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, Math.min(19, niceness));
  } catch {
    // Not Linux, or not allowed: the thread keeps the process's priority.
  }
}

function start(): void {
  const logger = createLogger(setup.logLevel, { write: (line: string) => send({ type: 'log', line }) }, { secrets: setup.secrets });
  let deskops;
  try {
    // A clock of its own that follows real time until something pins it (tests, a shell's :clock).
    deskops = createDeskopsFor(setup.config, { logger, clock: new SettableClock() });
  } catch (error) {
    send({ type: 'failed', error: encodeError(error) });
    return;
  }
  const env = engineEnv(deskops);
  // WAL checkpoints are SQLite's own upkeep; PostgreSQL checkpoints by itself.
  const store = isSqliteStore(deskops.app.store) ? deskops.app.store : undefined;
  let checkpoints: NodeJS.Timeout | undefined;
  if (store && setup.checkpoints !== 'auto') turnOffAutomaticCheckpoints(store);
  const checkpoint = () => {
    if (!store) return;
    try {
      checkpointPassively(store);
    } catch (error) {
      logger.warn({ err: error }, 'background WAL checkpoint failed');
    }
  };
  if (store && setup.checkpoints === 'run') checkpoints = setInterval(checkpoint, setup.checkpointEveryMs ?? 1000);
  if (setup.niceness) lowerPriority(setup.niceness);

  const answer = (id: number, run: () => unknown) => {
    let value: unknown;
    try {
      value = run();
    } catch (error) {
      send({ type: 'answer', id, ok: false, error: encodeError(error) });
      return;
    }
    const settle = (settled: unknown) => {
      try {
        send({ type: 'answer', id, ok: true, value: settled });
      } catch (error) {
        // Not plain data (a bug in an operation): say so rather than leave the caller waiting.
        send({ type: 'answer', id, ok: false, error: encodeError(error) });
      }
    };
    if (value instanceof Promise) value.then(settle, (error: unknown) => send({ type: 'answer', id, ok: false, error: encodeError(error) }));
    else settle(value);
  };

  const compact = heapCompactor(setup.compactAfter ?? []);
  port.on('message', (message: EngineRequest | { type: 'close' }) => {
    if (!('op' in message)) {
      if (checkpoints) clearInterval(checkpoints);
      if (setup.checkpoints === 'run') checkpoint();
      deskops.close();
      port.close();
      return;
    }
    withCorrelation({ ...message.correlation }, () => answer(message.id, () => runOperation(env, message.op, message.args)));
    compact(message.op);
  });
  send({ type: 'ready', info: engineInfo(env), operations: Object.keys(operations) });
  // This thread's heap, every few seconds, for GET /healthz (process.memoryUsage() would count the whole process).
  const heap = () => {
    const stats = getHeapStatistics();
    send({ type: 'heap', usedBytes: stats.used_heap_size, totalBytes: stats.total_heap_size });
  };
  heap();
  setInterval(heap, HEAP_REPORT_MS).unref();
}

/** How often a thread reports its heap. */
const HEAP_REPORT_MS = 5_000;

// PostgreSQL's code, when it is the store, loads before the thread opens it (store/open.ts).
loadStorage(setup.config).then(start, (error: unknown) => send({ type: 'failed', error: encodeError(error) }));
