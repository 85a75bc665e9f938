/**
 * The engine on worker threads, for `deskops start`: the I/O thread (HTTP and Bolt, Socket Mode,
 * Rocket.Chat, timers, posting to platforms) keeps no database connection and runs none of the
 * synchronous core, so nothing the engine does (a command's transaction, a lock wait, the weekly
 * digest) can hold an acknowledgement.
 *
 * Two lanes, each a thread with its own connection to the SQLite file (WAL: readers never block,
 * one writer at a time): `commands` runs everything a person waits for; `background` runs the jobs,
 * the outbox's database steps, charts and the WAL checkpoints, at a lower CPU priority. A long job
 * therefore never stands in front of a command (see BACKGROUND_OPERATIONS). Requests on a lane run
 * in the order they were sent, one at a time, each whole.
 *
 * A lane whose thread dies is started again (with backoff); the requests it had in flight fail
 * with an error, as a crash of the old single-threaded process would have lost them.
 */
import { Worker } from 'node:worker_threads';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { ensureBundle } from '../../bin/bundle.js';
import { commandCatalog, type CommandCatalog } from '../commands/registry.js';
import { configSecrets, type Config } from '../config.js';
import { correlationFields, type Logger } from '../log.js';
import type { OperationName } from './operations.js';
import { BACKGROUND_OPERATIONS, EVERY_LANE_OPERATIONS, type Engine, type EngineInfo, type EngineState, type LaneState } from './port.js';
import type { WorkerSetup } from './worker.js';
import { findUp } from '../store/find-up.js';
import { decodeError, type EngineMessage, type EngineRequest } from './wire.js';

export interface WorkerEngineOptions {
  /** Where the engine's log lines go (written as they are, to this logger's destination). */
  logger: Logger;
  /** One thread for everything ('single'), or commands and background apart (default 'split'). */
  lanes?: 'split' | 'single';
  /** The engine's script (a bundle of src/engine/worker.ts); built by bin/bundle.js when not given. */
  script?: string | URL;
  /** Passive WAL checkpoint period on the background lane (default 1000 ms). */
  checkpointEveryMs?: number;
  /** First wait before starting a dead lane again (default 100 ms; doubles up to 5 s). */
  restartDelayMs?: number;
  /** Each thread's V8 young generation (MiB; see DEFAULT_YOUNG_GENERATION_MB). */
  youngGenerationMb?: number;
}

/**
 * An engine thread's V8 young generation, in MiB. V8's default lets it grow to 48 MiB per thread
 * under load (three semi-spaces of 16); the engine's allocations are short-lived rows and replies,
 * so a small one costs a few more scavenges and saves tens of MiB per thread (bench/memory.ts).
 */
export const DEFAULT_YOUNG_GENERATION_MB = 8;

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  sentAt: number;
}

interface Lane {
  state: LaneState;
  worker: Worker | undefined;
  /** Requests sent or queued, not answered yet. */
  pending: Map<number, Pending>;
  /** Requests made while the thread is (re)starting, sent once it is ready. */
  queued: EngineRequest[];
  setup: WorkerSetup;
  ready: Promise<Started>;
  /** Start it again when its thread dies (not during start-up: that failure is start-up's). */
  restartable: boolean;
  restartDelayMs: number;
}

interface Started {
  info: EngineInfo;
  operations: string[];
}

const MAX_RESTART_DELAY_MS = 5_000;
/** How long close() waits for a lane to finish its work and close its database before ending it. */
const CLOSE_TIMEOUT_MS = 5_000;

/**
 * The engine script for this checkout: when this module runs from the bundle (bin/deskops.js), the
 * engine.mjs of the same build, above its chunk; from the sources (tests, tsx), a fresh bundle.
 */
async function engineScript(): Promise<string> {
  const bundled = import.meta.url.endsWith('.mjs') ? findUp(dirname(fileURLToPath(import.meta.url)), 'engine.mjs') : undefined;
  return bundled ?? join((await ensureBundle()).dir, 'engine.mjs');
}

/** Writes a finished JSON line to `logger`'s destination as it is (its own scrubbing still applies). */
function lineWriter(logger: Logger): (line: string) => void {
  const stream = (logger as unknown as Record<symbol, { write(line: string): void } | undefined>)[pino.symbols.streamSym];
  return stream ? (line) => stream.write(line) : () => undefined;
}

/**
 * Starts the engine's threads on `config`'s database; resolves once the commands lane has opened
 * it (applying migrations), rejects with the database's error when it cannot (read-only, damaged).
 */
export async function startWorkerEngine(config: Config, options: WorkerEngineOptions): Promise<Engine> {
  const script = options.script ?? (await engineScript());
  const writeLine = lineWriter(options.logger);
  const split = (options.lanes ?? 'split') === 'split';
  const firstDelay = options.restartDelayMs ?? 100;
  const base = { config, logLevel: options.logger.level, secrets: configSecrets(config), ...(options.checkpointEveryMs ? { checkpointEveryMs: options.checkpointEveryMs } : {}) };
  let nextId = 1;
  let closing = false;

  function makeLane(name: string, setup: WorkerSetup): Lane {
    return {
      state: { name, state: 'starting', inFlight: 0, served: 0, oldestWaitMs: 0, restarts: 0 },
      worker: undefined,
      pending: new Map(),
      queued: [],
      setup,
      ready: new Promise(() => undefined),
      restartable: false,
      restartDelayMs: firstDelay,
    };
  }

  function failAll(lane: Lane, error: Error): void {
    for (const pending of lane.pending.values()) pending.reject(error);
    lane.pending.clear();
    lane.queued.length = 0;
  }

  /** Starts `lane`'s thread; `lane.ready` resolves once it opened the database, rejects when it could not. */
  function spawn(lane: Lane): void {
    const worker = new Worker(script, { workerData: lane.setup, name: `deskops-${lane.state.name}`, resourceLimits: { maxYoungGenerationSizeMb: options.youngGenerationMb ?? DEFAULT_YOUNG_GENERATION_MB } });
    lane.worker = worker;
    let failure: Error | undefined;
    lane.ready = new Promise<Started>((resolve, reject) => {
      worker.on('message', (message: EngineMessage) => {
        switch (message.type) {
          case 'answer': {
            const pending = lane.pending.get(message.id);
            if (!pending) return;
            lane.pending.delete(message.id);
            lane.state.served++;
            if (message.ok) pending.resolve(message.value);
            else pending.reject(decodeError(message.error));
            return;
          }
          case 'log':
            writeLine(message.line);
            return;
          case 'heap':
            lane.state.heapMiB = { used: Math.round(message.usedBytes / 2 ** 20), total: Math.round(message.totalBytes / 2 ** 20) };
            return;
          case 'ready':
            lane.state.state = 'ready';
            lane.restartable = true;
            lane.restartDelayMs = firstDelay;
            delete lane.state.lastError;
            for (const request of lane.queued.splice(0)) worker.postMessage(request);
            resolve({ info: message.info, operations: message.operations });
            return;
          case 'failed':
            failure = decodeError(message.error);
            reject(failure);
            return;
        }
      });
      worker.on('error', (error) => {
        failure ??= error;
        options.logger.error({ err: error, lane: lane.state.name }, 'the engine thread failed');
        reject(error);
      });
      worker.on('exit', (code) => {
        if (lane.worker !== worker) return;
        lane.worker = undefined;
        const why = failure ?? new Error(`the engine's ${lane.state.name} thread stopped (exit code ${code}) before it answered`);
        reject(why);
        // What was in flight (or waiting for the thread to start) fails now: a caller must not wait through a restart loop.
        failAll(lane, closing ? new Error('the engine closed before it answered') : why);
        if (closing || !lane.restartable) {
          lane.state.state = closing ? 'stopped' : 'failed';
          return;
        }
        lane.state.state = 'restarting';
        lane.state.lastError = why.message;
        lane.state.restarts++;
        options.logger.error({ lane: lane.state.name, restarts: lane.state.restarts, inMs: lane.restartDelayMs, why: why.message }, 'the engine thread stopped; starting it again');
        const delay = lane.restartDelayMs;
        lane.restartDelayMs = Math.min(MAX_RESTART_DELAY_MS, delay * 2);
        setTimeout(() => {
          if (!closing) spawn(lane);
        }, delay).unref();
      });
    });
    // Whoever needs the outcome awaits it (start-up); a restart's failure is logged by its exit.
    lane.ready.catch(() => undefined);
  }

  const commands = makeLane('commands', { ...base, lane: 'commands', checkpoints: split ? 'off' : 'run' });
  spawn(commands);
  let started: Started;
  try {
    started = await commands.ready;
  } catch (error) {
    closing = true;
    await commands.worker?.terminate();
    throw error;
  }
  // After the commands lane has migrated the database: the background lane opens it as it is.
  let background = commands;
  if (split) {
    background = makeLane('background', { ...base, lane: 'background', checkpoints: 'run', niceness: 10, compactAfter: ['runJob', 'runJobs', 'renderChart'] });
    // Its own start-up failure is not deskops' (the commands lane opened the same file): keep trying.
    background.restartable = true;
    spawn(background);
  }
  const lanes = split ? [commands, background] : [commands];

  function call(lane: Lane, op: string, args: unknown[]): Promise<unknown> {
    if (closing) return Promise.reject(new Error('the engine is closed'));
    const request: EngineRequest = { id: nextId++, op, args, correlation: correlationFields() };
    return new Promise((resolve, reject) => {
      lane.pending.set(request.id, { resolve, reject, sentAt: performance.now() });
      try {
        if (lane.state.state === 'ready' && lane.worker) lane.worker.postMessage(request);
        else if (lane.state.state === 'failed') throw new Error(`the engine's ${lane.state.name} thread is not running: ${lane.state.lastError ?? 'it failed'}`);
        else lane.queued.push(request);
      } catch (error) {
        // The arguments are not plain data (a bug in the caller), or the lane is down: nothing was sent.
        lane.pending.delete(request.id);
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  }

  const port: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
  for (const op of started.operations) {
    if (EVERY_LANE_OPERATIONS.has(op as OperationName)) {
      port[op] = async (...args: unknown[]) => (await Promise.all(lanes.map((lane) => call(lane, op, args))))[0];
      continue;
    }
    const lane = BACKGROUND_OPERATIONS.has(op as OperationName) ? background : commands;
    port[op] = (...args: unknown[]) => call(lane, op, args);
  }
  let catalog: CommandCatalog | undefined;

  function laneState(lane: Lane): LaneState {
    const now = performance.now();
    let oldest = 0;
    for (const pending of lane.pending.values()) oldest = Math.max(oldest, now - pending.sentAt);
    return { ...lane.state, inFlight: lane.pending.size, oldestWaitMs: Math.round(oldest) };
  }

  const engine = {
    ...port,
    info: started.info,
    get catalog() {
      return (catalog ??= commandCatalog(started.info.commands));
    },
    state: (): EngineState => ({ kind: 'worker', lanes: lanes.map(laneState) }),
    async close() {
      if (closing) return;
      closing = true;
      await Promise.all(
        lanes.map(async (lane) => {
          const worker = lane.worker;
          if (!worker) return;
          const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
          // Requests already sent finish first: the thread reads its messages in order.
          worker.postMessage({ type: 'close' });
          const timer = setTimeout(() => void worker.terminate(), CLOSE_TIMEOUT_MS);
          await exited;
          clearTimeout(timer);
          lane.state.state = 'stopped';
        }),
      );
    },
  };
  return engine as unknown as Engine;
}

