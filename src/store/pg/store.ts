/**
 * The PostgreSQL store's transaction boundary, over one connection of the synchronous bridge:
 * the same contract as the SQLite store's (storage.ts), so a use case's transaction is one
 * synchronous function on either engine.
 *
 * Transactions are SERIALIZABLE: SQLite runs one writer at a time, and the use cases were written
 * against that (read, decide, write); PostgreSQL keeps that promise by failing one of two
 * transactions that would disagree (SQLSTATE 40001), which store/trouble.ts calls 'busy', as it
 * calls SQLITE_BUSY, so callers retry or apologise the same way.
 */
import { openBridge, PostgresError, type PgBridge } from './bridge.js';
import { migratePostgres } from './migrate.js';
import { syncPgDatabase, type PgDb } from './session.js';
import type { Storage } from '../storage.js';
import { pgRepositories } from './repositories.js';
import { watchPgTables } from './table-versions.js';
import { WATCHED_TABLES } from '../watched-tables.js';
import { checkFence, fenceHolder } from '../fence.js';

/** Runs of one transaction PostgreSQL refused as a conflict before the refusal is reported (as a busy database). */
const CONFLICT_ATTEMPTS = 3;

/** A serialization failure or a deadlock: the transaction lost to another and may simply run again. */
function isConflict(error: unknown): boolean {
  return error instanceof PostgresError && (error.code === '40001' || error.code === '40P01');
}

/** An open PostgreSQL store: the storage port (its repositories and transaction boundary), and for src/store's own use the query builder and the connection. */
export interface PgStore extends Storage {
  readonly db: PgDb;
  readonly bridge: PgBridge;
}

export interface PgOpenOptions {
  /** Apply pending migrations first (the default), as `deskops start` does. */
  migrate?: boolean;
}

/** Opens the database at `url` (postgres://…), migrating it first unless told not to. */
export async function openPgStore(url: string, options: PgOpenOptions = {}): Promise<PgStore> {
  if (options.migrate !== false) await migratePostgres(url);
  return connectPgStore(url);
}

/**
 * Connects to the database at `url`, already migrated (migratePostgres, awaited once at start by
 * the process: an engine thread opens its store synchronously, as it opens SQLite's).
 */
export function connectPgStore(url: string): PgStore {
  // Every statement goes through the watch, so it knows when a watched table may have moved.
  const watch = watchPgTables(openBridge(url), WATCHED_TABLES);
  const { bridge } = watch;
  const db = syncPgDatabase(bridge);
  let depth = 0;
  /** The lock wait withLockWait asked for, set with each transaction it opens (SET LOCAL, in the BEGIN's round trip). */
  let lockWaitMs: number | undefined;
  // Set while fenced work runs: its outermost write transactions check the lease's token first.
  const fence = fenceHolder();
  const exec = (text: string) => bridge.query(text);

  function inTransaction<T>(begin: string, work: () => T, writes: boolean): T {
    if (depth > 0) {
      // Nested: a savepoint, so the inner work can fail alone, as better-sqlite3 nests.
      const savepoint = `deskops_${depth}`;
      exec(`SAVEPOINT ${savepoint}`);
      depth += 1;
      try {
        const result = work();
        exec(`RELEASE SAVEPOINT ${savepoint}`);
        return result;
      } catch (error) {
        exec(`ROLLBACK TO SAVEPOINT ${savepoint}`);
        exec(`RELEASE SAVEPOINT ${savepoint}`);
        throw error;
      } finally {
        depth -= 1;
      }
    }
    // A transaction PostgreSQL refused as a conflict with another (40001, 40P01) is run again, from
    // the start: SQLite would have made it wait for the other writer instead. Its work is a function
    // of what it reads, and its writes were rolled back, so running it again is the same request.
    for (let attempt = 1; ; attempt += 1) {
      try {
        return outermost(begin, work, writes);
      } catch (error) {
        if (!isConflict(error) || attempt >= CONFLICT_ATTEMPTS) throw error;
      }
    }
  }

  /** The lease's token as stored, locked FOR SHARE (below). node-postgres reads a bigint as text: a number again. */
  function storedToken(lease: string): number | undefined {
    const row = bridge.query('SELECT token FROM leases WHERE name = $1 FOR SHARE', [lease]).rows[0] as { token: string } | undefined;
    return row === undefined ? undefined : Number(row.token);
  }

  function outermost<T>(begin: string, work: () => T, writes: boolean): T {
    // One round trip opens the transaction, sets its lock wait and reads the table versions.
    watch.begin(lockWaitMs === undefined ? begin : `${begin}; SET LOCAL lock_timeout = ${lockWaitMs}`);
    depth = 1;
    try {
      // FOR SHARE: a new holder's turn (an UPDATE of this row) waits until this transaction ends,
      // and one taken since this snapshot began fails it as a conflict, run again, then fenced out.
      const held = fence.current();
      if (held && writes) checkFence(held, storedToken(held.lease));
      const result = work();
      exec('COMMIT');
      return result;
    } catch (error) {
      try {
        exec('ROLLBACK');
      } catch {
        // The connection is gone: the server rolled the transaction back itself; the first error says why.
      }
      throw error;
    } finally {
      depth = 0;
    }
  }

  return {
    db,
    bridge,
    ...pgRepositories({ db, bridge }),
    transaction(work) {
      return inTransaction('BEGIN ISOLATION LEVEL SERIALIZABLE', work, true);
    },
    read(work) {
      return depth > 0 ? work() : inTransaction('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', work, false);
    },
    // The version row, read once per transaction (table-versions.ts): a write by another replica moves it.
    tableVersion(table) {
      return watch.version(table, depth > 0);
    },
    withLockWait(ms, work) {
      const wait = Math.max(1, Math.round(ms));
      // Inside a transaction: its own wait from here on (SET LOCAL ends with it), the earlier one after.
      if (depth > 0) {
        const previous = String((bridge.query('SHOW lock_timeout').rows[0] as { lock_timeout: string }).lock_timeout);
        exec(`SET LOCAL lock_timeout = ${wait}`);
        try {
          return work();
        } finally {
          try {
            bridge.query('SELECT set_config($1, $2, true)', ['lock_timeout', previous]);
          } catch {
            // The work's failure aborted the transaction: the wait ends with it anyway.
          }
        }
      }
      // Otherwise every transaction the work opens sets it: no statement of its own, no restoring after.
      const previous = lockWaitMs;
      lockWaitMs = wait;
      try {
        return work();
      } finally {
        lockWaitMs = previous;
      }
    },
    fenced: (next, work) => fence.run(next, work),
    close() {
      bridge.close();
    },
  };
}
