/** Errors as values at the edges: use cases throw these; adapters turn the code into friendly text. */
import { storeLockedWhole as lockedWhole, storeTransient as isTransient, storeTrouble as classifyStoreTrouble, storeTroubleAdvice as adviceFor, type StoreTrouble } from '../store/trouble.js';

export type { StoreTrouble };

export type ErrorCode = 'NOT_FOUND' | 'CONFLICT' | 'FORBIDDEN' | 'INVALID' | 'UNAVAILABLE';

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** What the user could type instead; shown under the message. */
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const notFound = (message: string, hint?: string) => new AppError('NOT_FOUND', message, hint);
export const conflict = (message: string, hint?: string) => new AppError('CONFLICT', message, hint);
export const forbidden = (message: string, hint?: string) => new AppError('FORBIDDEN', message, hint);
export const invalid = (message: string, hint?: string) => new AppError('INVALID', message, hint);
export const unavailable = (message: string, hint?: string) => new AppError('UNAVAILABLE', message, hint);

/** A mistake in how a command was typed: the reply adds the command's usage line. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** The usage line(s) of the command that was mistyped. */
    readonly usage: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * A command met a database locked by another writer and was not run (nothing was written); thrown
 * only to callers that asked for it (`onBusy: 'throw'`), so they can acknowledge first and retry.
 */
export class DatabaseBusyError extends Error {
  constructor(options: { cause: unknown }) {
    super('the database is locked by another writer', options);
    this.name = 'DatabaseBusyError';
  }
}

/**
 * The kind of database trouble `error` is (busy, full, read-only, failing), as the store classifies
 * its driver's errors; undefined for anything else.
 */
export function storeTrouble(error: unknown): StoreTrouble | undefined {
  return classifyStoreTrouble(error);
}

/** What the user reads for each kind of trouble. */
const STORE_TROUBLE_TEXT: Record<StoreTrouble, { user: string; hint: string }> = {
  busy: {
    user: "deskops' database is busy (another program is writing to it), so your command was not run.",
    hint: 'Nothing was changed. Try again in a minute; if it keeps happening, tell your admin.',
  },
  full: {
    user: "deskops' database is out of space, so your command was not run.",
    hint: 'Nothing was changed. Tell your admin: the disk that holds the database is full.',
  },
  readonly: {
    user: 'deskops cannot write to its database (it is read-only), so your command was not run.',
    hint: 'Nothing was changed. Tell your admin: the database file or its folder is not writable.',
  },
  io: {
    user: 'deskops could not read or write its database (a disk or connection error), so your command was not run.',
    hint: 'Nothing was changed. Tell your admin: the disk or the database file has a problem.',
  },
};

/**
 * The friendly error for a database failure: what happened, that nothing was changed, what to do.
 * `ref` is the correlation id of the operator's log line.
 */
export function storeUnavailable(trouble: StoreTrouble, ref?: string): AppError {
  const text = STORE_TROUBLE_TEXT[trouble];
  return new AppError('UNAVAILABLE', text.user, ref ? `${text.hint} (ref ${ref})` : text.hint);
}

/** The line for the operator's log: what to fix, in the words of the engine that raised `error` when given. */
export function storeTroubleAdvice(trouble: StoreTrouble, error?: unknown): string {
  return adviceFor(trouble, error);
}

/** Whether the database trouble in `error` passes by itself (a lock, a lost connection, a server restart): the work may run again shortly. */
export function storeTransient(error: unknown): boolean {
  return isTransient(error);
}

/** Whether `error` is the whole database locked by another writer (SQLite), rather than a few rows or a lost connection (PostgreSQL) that pass within a second or two. */
export function storeLockedWhole(error: unknown): boolean {
  return lockedWhole(error);
}
