/**
 * Tests reach the database through the engine port, the app's functions or the helpers of
 * test/doubles/db.ts, never through SQLite itself, so the same suites can run on another engine.
 * The suites about SQLite (damage, PRAGMAs, query plans, backup files, old migrations) use
 * test/doubles/sqlite.ts, and only those listed here, each with its reason: what stays
 * SQLite-specific is this list.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../doubles/cli.js';

/** The suites that may import test/doubles/sqlite.ts, and why they need SQLite itself. */
const SQLITE_SPECIFIC: Record<string, string> = {
  'test/integration/store-checkpointer.test.ts': 'WAL checkpoints: wal_autocheckpoint, a filler table, the size of the -wal file',
  'test/integration/fault-db-storage.test.ts': 'fills and freezes the database with PRAGMA max_page_count and query_only (SQLITE_FULL, SQLITE_READONLY)',
  'test/integration/ops-doctor.test.ts': 'damages the file: checkpoints the WAL into it (wal_checkpoint(TRUNCATE)) before scribbling over its pages',
  'test/integration/ops-backup.test.ts': 'opens the backup file read-only: integrity_check, foreign_key_check and its ticket numbers',
  'test/integration/cli-sqlite-file.test.ts': 'opens the file `deskops backup` wrote read-only: integrity_check and its tickets',
  'test/integration/ops-privacy.test.ts': 'builds a database at migration 0005 (before is_staff), which the current schema cannot write',
  'test/integration/copy-db.test.ts': 'builds a database at migration 0005, which copy-db must refuse until it is migrated',
  'test/integration/sqlite-query-plans.test.ts': "EXPLAIN QUERY PLAN: the outbox's key lookup, the active-tickets list and routing's last-routed lookup use their indexes",
};

/** Suites that replace the driver itself (vi.mock), which no helper can do for them. */
const DRIVER_MOCKS: Record<string, string> = {
  'test/integration/ops-doctor-readonly.test.ts': 'wraps better-sqlite3 to record how doctor opens the file, and to refuse read-only opens as SQLite does',
};

/** Touching SQLite without test/doubles/sqlite.ts: the store's raw handle, a connection of one's own, the driver. */
const DIRECT: ReadonlyArray<[string, RegExp]> = [
  ['the raw handle (.sqlite)', /\.\s*sqlite\b(?!['"`])/],
  ['the raw handle ({ sqlite } = …)', /\{[^}]*\bsqlite\b[^}]*\}\s*=/],
  ['a connection of its own (new Database)', /\bnew\s+Database\s*\(/],
  ['the driver (better-sqlite3)', /['"](?:drizzle-orm\/)?better-sqlite3(?:\/[\w-]+)?['"]/],
];

/** Importing the SQLite-specific helpers. */
const SQLITE_HELPERS = /from\s+['"](?:\.\.?\/)+(?:doubles\/)?sqlite\.js['"]/;

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? testFiles(path) : entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** This suite, the storage-boundary one and the test-engines one, whose examples name what they look for. */
const SCANNERS = new Set(['test/unit/raw-sqlite.test.ts', 'test/unit/storage-boundary.test.ts', 'test/unit/test-engines.test.ts']);
const files = testFiles(join(ROOT, 'test'))
  .map((path) => ({ name: relative(ROOT, path).split(sep).join('/'), source: readFileSync(path, 'utf8') }))
  .filter((file) => !SCANNERS.has(file.name));
const inDoubles = (name: string) => name.startsWith('test/doubles/');
const directUses = (source: string) => DIRECT.filter(([, pattern]) => pattern.test(source)).map(([what]) => what);

describe('tests reach the database without SQLite', () => {
  it('finds what it looks for', () => {
    expect(files.length).toBeGreaterThan(50);
    expect(directUses("store.sqlite.prepare('DELETE FROM outbox').run();")).toEqual(['the raw handle (.sqlite)']);
    expect(directUses('desk.app.store.sqlite\n  .exec("BEGIN")')).toEqual(['the raw handle (.sqlite)']);
    expect(directUses('const { sqlite } = desk.app.store;')).toEqual(['the raw handle ({ sqlite } = …)']);
    expect(directUses("import Database from 'better-sqlite3';\nconst copy = new Database(path);")).toEqual(['a connection of its own (new Database)', 'the driver (better-sqlite3)']);
    expect(directUses("import { migrate } from 'drizzle-orm/better-sqlite3/migrator';")).toEqual(['the driver (better-sqlite3)']);
    expect(directUses("const path = join(dir, 'deskops.sqlite');\nstore.db.select().from(outbox).all();")).toEqual([]);
    expect(SQLITE_HELPERS.test("import { rawSqlite } from '../doubles/sqlite.js';")).toBe(true);
    expect(SQLITE_HELPERS.test("import { rawSqlite } from './sqlite.js';")).toBe(true);
  });

  it('no test file outside test/doubles touches SQLite directly (store.sqlite, new Database, the driver)', () => {
    const direct = files
      .filter((file) => !inDoubles(file.name) && !(file.name in DRIVER_MOCKS))
      .flatMap((file) => directUses(file.source).map((what) => `${file.name}: ${what}`));
    expect(direct).toEqual([]);
  });

  it('in test/doubles, only sqlite.ts does: the other helpers go through rawSqlite', () => {
    const direct = files
      .filter((file) => inDoubles(file.name) && file.name !== 'test/doubles/sqlite.ts')
      .flatMap((file) => directUses(file.source).map((what) => `${file.name}: ${what}`));
    expect(direct).toEqual([]);
  });

  it('only the SQLite-specific suites use test/doubles/sqlite.ts, and each listed suite still does', () => {
    const users = files.filter((file) => !inDoubles(file.name) && SQLITE_HELPERS.test(file.source)).map((file) => file.name);
    expect(users.sort()).toEqual(Object.keys(SQLITE_SPECIFIC).sort());
  });

  it('each driver mock listed still mocks the driver', () => {
    for (const name of Object.keys(DRIVER_MOCKS)) {
      const file = files.find((f) => f.name === name);
      expect(file, name).toBeDefined();
      expect(file!.source, name).toMatch(/vi\.mock\(\s*['"]better-sqlite3['"]/);
    }
  });
});
