/**
 * SQLite's side of database trouble: which of better-sqlite3's errors is which kind of trouble,
 * what the operator should do about each, and how long a caller waits for a lock before SQLite
 * gives up with SQLITE_BUSY. store/trouble.ts is what the rest of deskops asks.
 */
import type Database from 'better-sqlite3';
import type { StoreTrouble } from '../storage.js';

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
export function sqliteTrouble(error: unknown): StoreTrouble | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return undefined;
  return TROUBLE_BY_CODE.find(([pattern]) => pattern.test(code))?.[1];
}

/** What the operator's log line says to do about each kind of trouble. */
const OPERATOR_ADVICE: Record<StoreTrouble, string> = {
  busy: 'the database stayed locked by another connection (a long backup, a shell or a script holding a write transaction): find and stop it',
  full: 'the database is full (SQLITE_FULL): free space on the disk that holds DESKOPS_DB',
  readonly: 'the database is read-only (SQLITE_READONLY): make DESKOPS_DB and its folder writable by the deskops user, or remount the disk read-write, then restart',
  io: 'disk I/O error on the database (SQLITE_IOERR or worse): check the disk and the file; restore from a backup if it is damaged',
};

/** The line for the operator's log: what to fix. */
export function sqliteTroubleAdvice(trouble: StoreTrouble): string {
  return OPERATOR_ADVICE[trouble];
}

/**
 * Runs `work` with SQLite's busy timeout on the connection set to `ms`, then puts the connection's
 * own back. better-sqlite3 waits for a lock synchronously, holding the whole thread; callers that
 * can retry later wait briefly here instead of the connection's seconds.
 */
export function withBusyTimeout<T>(sqlite: Database.Database, ms: number, work: () => T): T {
  const previous = Number(sqlite.pragma('busy_timeout', { simple: true }));
  sqlite.pragma(`busy_timeout = ${Math.max(0, Math.round(ms))}`);
  try {
    return work();
  } finally {
    sqlite.pragma(`busy_timeout = ${previous}`);
  }
}
