/**
 * The engine in the caller's own thread: for the shell (one person at a terminal; nothing to keep
 * responsive beside it) and for tests. Same contract as the worker engine: arguments and results
 * are copied with structuredClone, and errors go through the same encoding, so whatever works here
 * works across the thread boundary too (a function in an argument fails here as it would there).
 */
import { commandCatalog, type CommandCatalog } from '../commands/registry.js';
import type { Deskops } from '../main.js';
import { correlationFields, withCorrelation } from '../log.js';
import { engineEnv, type EngineEnv, type EngineParts } from './env.js';
import { operations, runOperation, type OperationName } from './operations.js';
import type { Engine, EngineInfo, EnginePort, LaneState } from './port.js';
import { decodeError, encodeError } from './wire.js';

export interface InProcessOptions {
  /** Called by close(): the shell closes its store here; tests that own the store leave it out. */
  onClose?: () => void;
}

/** The engine's self-description: its commands and its jobs. */
export function engineInfo(env: EngineEnv): EngineInfo {
  return { commands: env.registry.catalog(), jobs: env.jobs.map((job) => ({ name: job.name, schedule: job.schedule, ...(job.urgent ? { urgent: true } : {}) })) };
}

/** An engine over `parts` (a Deskops, or a job context with a logger) in this thread. */
export function createInProcessEngine(parts: EngineParts | Deskops, options: InProcessOptions = {}): Engine {
  const env = engineEnv(parts);
  let info: EngineInfo | undefined;
  let catalog: CommandCatalog | undefined;
  const lane: LaneState = { name: 'in-process', state: 'ready', inFlight: 0, served: 0, oldestWaitMs: 0, restarts: 0 };
  const port = {} as Record<OperationName, (...args: unknown[]) => Promise<unknown>>;
  for (const name of Object.keys(operations) as OperationName[]) {
    port[name] = (...args: unknown[]) => {
      if (lane.state === 'stopped') return Promise.reject(new Error('the engine is closed'));
      lane.inFlight++;
      // Run at once, in the caller's stack, as the synchronous core always ran: a test or the shell
      // sees the effect as soon as it has called, before it awaits the answer.
      try {
        const value = withCorrelation({ ...correlationFields() }, () => runOperation(env, name, structuredClone(args)));
        if (value instanceof Promise) return value.then((v) => structuredClone(v), (error: unknown) => Promise.reject(decodeError(encodeError(error)))).finally(done);
        done();
        return Promise.resolve(structuredClone(value));
      } catch (error) {
        done();
        return Promise.reject(decodeError(encodeError(error)));
      }
    };
  }
  function done(): void {
    lane.inFlight--;
    lane.served++;
  }
  const engine: Engine = {
    ...(port as unknown as EnginePort),
    get info() {
      return (info ??= engineInfo(env));
    },
    get catalog() {
      return (catalog ??= commandCatalog(this.info.commands));
    },
    state: () => ({ kind: 'in-process', lanes: [{ ...lane }] }),
    async close() {
      if (lane.state === 'stopped') return;
      lane.state = 'stopped';
      options.onClose?.();
    },
  };
  return engine;
}
