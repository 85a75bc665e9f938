/** Errors as values at the edges: use cases throw these; adapters turn the code into friendly text. */

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

/** What went wrong with the database, by SQLite's primary result code. */
export type StoreTrouble = 'busy' | 'full' | 'readonly' | 'io';

const TROUBLE_BY_CODE: ReadonlyArray<[RegExp, StoreTrouble]> = [
  [/^SQLITE_(BUSY|LOCKED)(_|$)/, 'busy'],
  [/^SQLITE_FULL(_|$)/, 'full'],
  [/^SQLITE_READONLY(_|$)/, 'readonly'],
  [/^SQLITE_(IOERR|CANTOPEN|CORRUPT|NOTADB|PROTOCOL)(_|$)/, 'io'],
];

/**
 * The kind of database trouble `error` is (better-sqlite3's SqliteError carries SQLite's extended
 * code, e.g. SQLITE_BUSY_SNAPSHOT or SQLITE_IOERR_WRITE), or undefined for anything else.
 */
export function storeTrouble(error: unknown): StoreTrouble | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return undefined;
  return TROUBLE_BY_CODE.find(([pattern]) => pattern.test(code))?.[1];
}

/** What the user reads, and what the operator's log line says to do, for each kind of trouble. */
const STORE_TROUBLE_TEXT: Record<StoreTrouble, { user: string; hint: string; operator: string }> = {
  busy: {
    user: "deskops' database is busy (another program is writing to it), so your command was not run.",
    hint: 'Nothing was changed. Try again in a minute; if it keeps happening, tell your admin.',
    operator: 'the database stayed locked by another connection (a long backup, a shell or a script holding a write transaction): find and stop it',
  },
  full: {
    user: "deskops' database is out of space, so your command was not run.",
    hint: 'Nothing was changed. Tell your admin: the disk that holds the database is full.',
    operator: 'the database is full (SQLITE_FULL): free space on the disk that holds DESKOPS_DB',
  },
  readonly: {
    user: 'deskops cannot write to its database (it is read-only), so your command was not run.',
    hint: 'Nothing was changed. Tell your admin: the database file or its folder is not writable.',
    operator: 'the database is read-only (SQLITE_READONLY): make DESKOPS_DB and its folder writable by the deskops user, or remount the disk read-write, then restart',
  },
  io: {
    user: 'deskops could not read or write its database (a disk error), so your command was not run.',
    hint: 'Nothing was changed. Tell your admin: the disk or the database file has a problem.',
    operator: 'disk I/O error on the database (SQLITE_IOERR or worse): check the disk and the file; restore from a backup if it is damaged',
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

/** The line for the operator's log: what to fix. */
export function storeTroubleAdvice(trouble: StoreTrouble): string {
  return STORE_TROUBLE_TEXT[trouble].operator;
}

/** The part of a better-sqlite3 connection withBusyTimeout needs. */
interface PragmaConnection {
  pragma(source: string, options?: { simple?: boolean }): unknown;
}

/**
 * Runs `work` with SQLite's busy timeout on `sqlite` set to `ms`, then puts the connection's own
 * back. better-sqlite3 waits for a lock synchronously, holding the whole process (every request,
 * every ack); callers that can retry later wait briefly here instead of the connection's seconds.
 */
export function withBusyTimeout<T>(sqlite: PragmaConnection, ms: number, work: () => T): T {
  const previous = Number(sqlite.pragma('busy_timeout', { simple: true }));
  sqlite.pragma(`busy_timeout = ${Math.max(0, Math.round(ms))}`);
  try {
    return work();
  } finally {
    sqlite.pragma(`busy_timeout = ${previous}`);
  }
}
