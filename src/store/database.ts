/** Opens the SQLite file with the pragmas deskops relies on and applies pending migrations. */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from './schema.js';

export type Db = BetterSQLite3Database<typeof schema>;

/** The open database: drizzle for queries, the raw handle for transactions, pragmas and backup. */
export interface Store {
  readonly db: Db;
  readonly sqlite: Database.Database;
  readonly path: string;
  /**
   * Runs `work` in one transaction (a savepoint when nested). It must be synchronous: an
   * `await` inside would commit early and never roll back (drizzle-orm #1472).
   */
  transaction<T>(work: () => T): T;
  close(): void;
}

export const MIGRATIONS_FOLDER = resolve(dirname(fileURLToPath(import.meta.url)), '../../migrations');

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
  if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
  const sqlite = new Database(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
  sqlite.pragma('synchronous = NORMAL');
  cachePreparedStatements(sqlite);
  const db = drizzle(sqlite, { schema });
  if (options.migrate !== false) migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
  // Built once: db.transaction() prepares its BEGIN/COMMIT/SAVEPOINT statements on every call.
  const inTransaction = sqlite.transaction((work: () => unknown) => work());
  return {
    db,
    sqlite,
    path,
    transaction<T>(work: () => T): T {
      // better-sqlite3 turns a nested call into a savepoint.
      return inTransaction.immediate(work) as T;
    },
    close() {
      if (sqlite.open) sqlite.close();
    },
  };
}

/** Copies the live database to `target` with SQLite's online backup (safe while the bot runs). */
export async function backupStore(store: Store, target: string): Promise<void> {
  mkdirSync(dirname(resolve(target)), { recursive: true });
  await store.sqlite.backup(target);
}
