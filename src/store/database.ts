/** Opens the SQLite file with the pragmas deskops relies on and applies pending migrations. */
import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { findUp } from './find-up.js';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from './schema.js';
import type { SqliteHandles } from './sqlite/handles.js';
import { sqliteRepositories } from './sqlite/repositories.js';
import { withBusyTimeout } from './sqlite/trouble.js';
import type { Storage } from './storage.js';
import { WATCHED_TABLES } from './watched-tables.js';
import { checkFence, fenceHolder } from './fence.js';

export type { Db } from './sqlite/handles.js';

/**
 * The open SQLite database: the storage port (its repositories and transaction boundary), and for
 * src/store's own use, drizzle for queries and the raw handle for pragmas and backup.
 *
 * `transaction` must be given synchronous work: an `await` inside would commit early and never roll
 * back (drizzle-orm #1472). `read` runs in one deferred transaction, so SQLite takes its read lock
 * once, not per statement. `tableVersion` watches WATCHED_TABLES: a write on this connection (a
 * temporary trigger), a commit by another connection or process (`PRAGMA data_version`), and the
 * end of a transaction that wrote it (a rollback may have undone the write) all move it.
 */
export interface Store extends Storage, SqliteHandles {
  readonly path: string;
}

/** Whether `storage` is the SQLite store (for its own upkeep: WAL checkpoints, backups). */
export function isSqliteStore(storage: Storage): storage is Store {
  return 'sqlite' in storage && 'path' in storage;
}

interface TableWatch {
  version(table: string): number | null;
  /** Called when `Store.transaction` has begun its outermost (IMMEDIATE) transaction. */
  transactionBegan(): void;
  /** Called after the outermost transaction ended, committed or rolled back. */
  transactionEnded(): void;
}

/**
 * Watches `tables` for changes. Temporary triggers live on this connection only and see its
 * writes, whatever code makes them (drizzle, raw SQL, a test); `PRAGMA data_version` moves when
 * another connection commits, so a second deskops process changing a setting is seen too.
 */
function watchTables(sqlite: Database.Database, tables: readonly string[]): TableWatch {
  const watched = new Map<string, { version: number; dirty: boolean }>();
  const dataVersion = sqlite.prepare('PRAGMA data_version').pluck();
  let lastDataVersion: unknown = dataVersion.get();
  let external = 0;
  // Inside Store.transaction, BEGIN IMMEDIATE holds the write lock: no other connection can
  // commit until it ends, so data_version is read once per transaction.
  let inOwnTransaction = false;
  let checkedInTransaction = false;
  sqlite.function('deskops_table_changed', { deterministic: false, varargs: false }, (table: unknown) => {
    const state = watched.get(String(table));
    if (state) {
      state.version += 1;
      state.dirty = true;
    }
    return null;
  });
  const exists = sqlite.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").pluck();
  for (const table of tables) {
    if (!/^[a-z_]+$/.test(table) || exists.get(table) === undefined) continue;
    for (const event of ['INSERT', 'UPDATE', 'DELETE']) {
      sqlite.exec(
        `CREATE TEMP TRIGGER IF NOT EXISTS deskops_watch_${table}_${event.toLowerCase()} AFTER ${event} ON main.${table} BEGIN SELECT deskops_table_changed('${table}'); END`,
      );
    }
    watched.set(table, { version: 0, dirty: false });
  }
  return {
    version(table) {
      if (!(inOwnTransaction && checkedInTransaction)) {
        const current = dataVersion.get();
        if (current !== lastDataVersion) {
          lastDataVersion = current;
          external += 1;
        }
        checkedInTransaction = inOwnTransaction;
      }
      const state = watched.get(table);
      if (!state) return null;
      if (state.dirty) {
        // Written in the open transaction: what a read sees now may still be rolled back.
        if (sqlite.inTransaction) return null;
        state.dirty = false;
        state.version += 1;
      }
      // Both counters only grow, so the sum moves whenever either does.
      return state.version + external;
    },
    transactionBegan() {
      inOwnTransaction = true;
      checkedInTransaction = false;
    },
    transactionEnded() {
      inOwnTransaction = false;
      checkedInTransaction = false;
      for (const state of watched.values()) {
        if (!state.dirty) continue;
        state.dirty = false;
        state.version += 1;
      }
    },
  };
}

/** The migrations drizzle-kit wrote, found upwards from this module (the sources or a bundle of them). */
export const MIGRATIONS_FOLDER = resolve(findUp(dirname(fileURLToPath(import.meta.url)), 'migrations/meta/_journal.json') ?? resolve(dirname(fileURLToPath(import.meta.url)), '../../migrations/meta/_journal.json'), '../..');

export interface OpenOptions {
  /** Apply pending migrations (the default); `deskops migrate` and start-up both do. */
  migrate?: boolean;
  busyTimeoutMs?: number;
}

/** How many distinct SQL texts keep their compiled statement; deskops issues a few hundred. */
const STATEMENT_CACHE_SIZE = 1_000;

/**
 * Keeps compiled statements by SQL text. drizzle's query builder prepares its statement on every
 * call, and compiling was most of the cost of a use case (profiled: 40% of ticket creation).
 * Statements come back in object mode: drizzle switches one to raw mode itself when it wants rows
 * as arrays, so a statement shared between the two uses must be reset.
 */
function cachePreparedStatements(sqlite: Database.Database): void {
  const compile = sqlite.prepare.bind(sqlite);
  const cache = new Map<string, Database.Statement>();
  sqlite.prepare = ((source: string) => {
    let statement = cache.get(source);
    if (statement) {
      if (statement.reader) statement.raw(false);
      return statement;
    }
    statement = compile(source);
    if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
    cache.set(source, statement);
    return statement;
  }) as typeof sqlite.prepare;
}

/** Opens (creating if needed) the database at `path`; ':memory:' works for tests. */
export function openStore(path: string, options: OpenOptions = {}): Store {
  if (path !== ':memory:') createPrivately(path);
  const sqlite = new Database(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
  sqlite.pragma('synchronous = NORMAL');
  cachePreparedStatements(sqlite);
  const db = drizzle(sqlite, { schema });
  if (options.migrate !== false) migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
  // After the migrations: the watched tables exist by then, and a temporary trigger created
  // inside a transaction that rolls back would vanish with it. A store opened for `deskops
  // migrate` or `backup` applies or copies migrations itself: it watches nothing (and caches
  // nothing), so no trigger stands in the way of a migration rebuilding a table.
  const watch = watchTables(sqlite, options.migrate === false ? [] : WATCHED_TABLES);
  // Built once: db.transaction() prepares its BEGIN/COMMIT/SAVEPOINT statements on every call.
  const inTransaction = sqlite.transaction((work: () => unknown) => work());
  // Set while fenced work runs: its outermost write transactions check the lease's token first.
  const fence = fenceHolder();
  // Prepared on first use: a store opened unmigrated (`deskops migrate`) may not have the table yet.
  const leaseToken = (lease: string) => sqlite.prepare('SELECT token FROM leases WHERE name = ?').pluck().get(lease) as number | undefined;
  return {
    db,
    sqlite,
    path,
    ...sqliteRepositories({ db, sqlite }),
    transaction<T>(work: () => T): T {
      // better-sqlite3 turns a nested call into a savepoint.
      if (sqlite.inTransaction) return inTransaction.immediate(work) as T;
      try {
        return inTransaction.immediate(() => {
          watch.transactionBegan();
          // Under BEGIN IMMEDIATE: no other connection can take a turn until this commits.
          const held = fence.current();
          if (held) checkFence(held, leaseToken(held.lease));
          return work();
        }) as T;
      } finally {
        watch.transactionEnded();
      }
    },
    read<T>(work: () => T): T {
      return sqlite.inTransaction ? work() : (inTransaction.deferred(work) as T);
    },
    tableVersion(table) {
      return watch.version(table);
    },
    withLockWait(ms, work) {
      return withBusyTimeout(sqlite, ms, work);
    },
    fenced: (next, work) => fence.run(next, work),
    close() {
      if (sqlite.open) sqlite.close();
    },
  };
}

/**
 * Creates the file (and its folder) readable by its owner only, unless it exists: tickets, notes
 * and contacts are nobody else's business. SQLite gives the -wal and -shm files the database
 * file's mode.
 */
function createPrivately(path: string): void {
  const absolute = resolve(path);
  mkdirSync(dirname(absolute), { recursive: true, mode: 0o700 });
  if (!existsSync(absolute)) closeSync(openSync(absolute, 'a', 0o600));
}

/** Copies the live database to `target` with SQLite's online backup (safe while the bot runs), readable by its owner only. */
export async function backupStore(store: Store, target: string): Promise<void> {
  createPrivately(target);
  await store.sqlite.backup(target);
}
