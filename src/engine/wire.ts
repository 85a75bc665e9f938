/**
 * What crosses the thread boundary between the I/O thread and the engine: requests, answers, log
 * lines and errors, all plain data (structured clone keeps Dates, Maps and typed arrays, but not
 * classes). Errors travel as their fields and come back as the same classes, so `instanceof
 * AppError`, `DatabaseBusyError`, `DeliveryError` and `storeTrouble(error)` work on the caller's
 * side exactly as they did when the engine ran in the caller's thread.
 */
import { AppError, DatabaseBusyError, UsageError, type ErrorCode } from '../app/errors.js';
import { DeliveryError } from '../delivery/sink.js';
import type { CorrelationFields } from '../log.js';
import type { EngineInfo } from './port.js';

/** An error as data. */
export interface WireError {
  kind: 'app' | 'usage' | 'busy' | 'delivery' | 'error';
  name: string;
  message: string;
  /** The engine-side stack, kept for the log line of whoever handles it. */
  stack?: string;
  /** AppError's code, or SQLite's (SQLITE_BUSY, SQLITE_FULL…) for store trouble. */
  code?: string;
  hint?: string;
  usage?: string;
  retryAfterMs?: number;
  permanent?: boolean;
  drop?: boolean;
  deferred?: boolean;
  cause?: WireError;
}

/** How deep a chain of causes is carried; deeper ones are cut (a cycle would never end). */
const MAX_CAUSES = 4;

/** `error` as data, whatever was thrown. */
export function encodeError(error: unknown, depth = 0): WireError {
  if (!(error instanceof Error)) return { kind: 'error', name: 'Error', message: String(error) };
  const base = { name: error.name, message: error.message, ...(error.stack ? { stack: error.stack } : {}) };
  const cause = depth < MAX_CAUSES && error.cause !== undefined ? { cause: encodeError(error.cause, depth + 1) } : {};
  if (error instanceof AppError) return { kind: 'app', ...base, code: error.code, ...(error.hint !== undefined ? { hint: error.hint } : {}), ...cause };
  if (error instanceof UsageError) return { kind: 'usage', ...base, usage: error.usage, ...cause };
  if (error instanceof DatabaseBusyError) return { kind: 'busy', ...base, ...cause };
  if (error instanceof DeliveryError) {
    return {
      kind: 'delivery',
      ...base,
      ...(error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {}),
      permanent: error.permanent,
      drop: error.drop,
      deferred: error.deferred,
      ...cause,
    };
  }
  const code = (error as { code?: unknown }).code;
  return { kind: 'error', ...base, ...(typeof code === 'string' ? { code } : {}), ...cause };
}

/** The error `wire` describes, as an instance of the class it was thrown as. */
export function decodeError(wire: WireError): Error {
  const cause = wire.cause ? decodeError(wire.cause) : undefined;
  let error: Error;
  switch (wire.kind) {
    case 'app':
      error = new AppError(wire.code as ErrorCode, wire.message, wire.hint);
      break;
    case 'usage':
      error = new UsageError(wire.message, wire.usage ?? '');
      break;
    case 'busy':
      error = new DatabaseBusyError({ cause });
      break;
    case 'delivery':
      error = new DeliveryError(wire.message, {
        ...(wire.retryAfterMs !== undefined ? { retryAfterMs: wire.retryAfterMs } : {}),
        permanent: wire.permanent === true,
        drop: wire.drop === true,
        deferred: wire.deferred === true,
        ...(cause ? { cause } : {}),
      });
      break;
    default:
      error = new Error(wire.message, cause ? { cause } : undefined);
      error.name = wire.name;
      if (wire.code !== undefined) Object.assign(error, { code: wire.code });
  }
  if (cause && error.cause === undefined) Object.assign(error, { cause });
  if (wire.stack) error.stack = wire.stack;
  return error;
}

/** One call to an engine operation. */
export interface EngineRequest {
  id: number;
  op: string;
  args: unknown[];
  /** The caller's correlation fields (requestId, job, runId): the engine's log lines carry them too. */
  correlation: CorrelationFields;
}

/** The answer to one request. */
export type EngineAnswer = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: WireError };

/** Everything a worker engine sends to the I/O thread. */
export type EngineMessage =
  | ({ type: 'answer' } & EngineAnswer)
  /** A finished JSON log line, written to the service's log as it is. */
  | { type: 'log'; line: string }
  /** The engine opened its database and can take requests: what it runs, and its operations' names. */
  | { type: 'ready'; info: EngineInfo; operations: string[] }
  /** The thread's V8 heap now: used, and reserved (what it holds of the process's memory). */
  | { type: 'heap'; usedBytes: number; totalBytes: number }
  /** The engine could not start (the database cannot be opened, a migration failed). */
  | { type: 'failed'; error: WireError };
