/**
 * The only way in to SQLite itself, for the suites that are about SQLite and would not carry over to
 * another engine: damaging or filling the file, PRAGMAs (WAL checkpoints, integrity_check,
 * foreign_key_check, max_page_count, query_only), query plans, backup files and databases at an old
 * migration. Every other test reaches the database through the engine port, the app's functions or
 * the drizzle helpers of db.ts. test/unit/raw-sqlite.test.ts lists the suites allowed to import this
 * module, each with its reason, and keeps every other test file off the driver.
 */
import { readFileSync, writeFileSync, cpSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { isSqliteStore, type Store } from '../../src/store/database.js';
import type { Storage } from '../../src/store/storage.js';

/** SQLite-specific: `store` as the SQLite store; a test that asks for it on PostgreSQL stays off that run (test/engines.ts). */
export function sqliteStoreOf(store: Storage): Store {
  if (!isSqliteStore(store)) throw new Error('this test asks SQLite itself, and the store is PostgreSQL: list it in test/engines.ts');
  return store;
}

/** SQLite-specific: the store's own better-sqlite3 connection. */
export function rawSqlite(store: Storage): Database.Database {
  return sqliteStoreOf(store).sqlite;
}

/** SQLite-specific: a connection of its own to a SQLite file (a backup, an old install), no pragmas set. */
export function openSqliteFile(path: string, options?: Database.Options): Database.Database {
  return new Database(path, options);
}

/** SQLite-specific: the details of EXPLAIN QUERY PLAN for `query` on the store's connection, joined with spaces. */
export function queryPlan(store: Storage, query: { sql: string; params?: unknown[] }): string {
  const plan = rawSqlite(store).prepare(`EXPLAIN QUERY PLAN ${query.sql}`).all(...(query.params ?? [])) as Array<{ detail: string }>;
  return plan.map((p) => p.detail).join(' ');
}

/**
 * SQLite-specific: a new database file at `path` migrated up to migration `lastIdx` of the
 * `migrations` folder given (a copy in `scratch` keeps only those), as an install of that age left
 * it; returns its connection, for seeding rows in that schema.
 */
export function sqliteAtMigration(path: string, migrations: string, scratch: string, lastIdx: number): Database.Database {
  const copy = join(scratch, 'migrations');
  cpSync(migrations, copy, { recursive: true });
  const journalPath = join(copy, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: Array<{ idx: number }> };
  journal.entries = journal.entries.filter((entry) => entry.idx <= lastIdx);
  writeFileSync(journalPath, JSON.stringify(journal));
  const sqlite = new Database(path);
  migrate(drizzle(sqlite), { migrationsFolder: copy });
  return sqlite;
}
