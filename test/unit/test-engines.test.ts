/**
 * test/engines.ts says which test files the PostgreSQL run leaves out, and why: the lists must name
 * files that exist, each once, and a file that runs on PostgreSQL must not reach SQLite's own
 * handles (the query builder `store.db`, test/doubles/sqlite.ts), which would fail there.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../doubles/cli.js';
import { BOTH_ENGINES_IN_EVERY_RUN, NOT_YET_ON_POSTGRES, offPostgres, SQLITE_ONLY } from '../engines.js';

const SQLITE_HANDLES: ReadonlyArray<[string, RegExp]> = [
  ["SQLite's query builder (store.db)", /\bstore\s*\.\s*db\b/],
  ["SQLite's own helpers (test/doubles/sqlite.ts)", /from\s+['"](?:\.\.?\/)+(?:doubles\/)?sqlite\.js['"]/],
];

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? testFiles(path) : entry.name.endsWith('.test.ts') ? [relative(ROOT, path).split(sep).join('/')] : [];
  });
}

/** The guards whose examples name what they look for. */
const SCANNERS = new Set(['test/unit/raw-sqlite.test.ts', 'test/unit/storage-boundary.test.ts', 'test/unit/test-engines.test.ts']);

describe('the test files left out of the PostgreSQL run (test/engines.ts)', () => {
  it('are files that exist, each listed once, each with its reason', () => {
    const listed = offPostgres();
    expect(listed.filter((file) => !existsSync(join(ROOT, file)))).toEqual([]);
    expect(listed.filter((file, index) => listed.indexOf(file) !== index)).toEqual([]);
    expect(Object.entries({ ...BOTH_ENGINES_IN_EVERY_RUN, ...SQLITE_ONLY, ...NOT_YET_ON_POSTGRES }).filter(([, reason]) => reason.trim().length < 10)).toEqual([]);
    expect(Object.keys(NOT_YET_ON_POSTGRES).length).toBeLessThan(testFiles(join(ROOT, 'test')).length);
  });

  it('finds what it looks for', () => {
    const reaches = (source: string) => SQLITE_HANDLES.filter(([, pattern]) => pattern.test(source)).map(([what]) => what);
    expect(reaches('desk.app.store.db.select().from(tickets).all()')).toEqual(["SQLite's query builder (store.db)"]);
    expect(reaches("import { rawSqlite } from '../doubles/sqlite.js';")).toEqual(["SQLite's own helpers (test/doubles/sqlite.ts)"]);
    expect(reaches("selectRows(desk.app.store, tickets); const path = 'deskops.db';")).toEqual([]);
  });

  it('include every file that reaches SQLite itself', () => {
    const off = new Set(offPostgres());
    const reaching = testFiles(join(ROOT, 'test'))
      .filter((file) => !off.has(file) && !SCANNERS.has(file))
      .flatMap((file) => {
        const source = readFileSync(join(ROOT, file), 'utf8');
        return SQLITE_HANDLES.filter(([, pattern]) => pattern.test(source)).map(([what]) => `${file}: ${what}`);
      });
    expect(reaching).toEqual([]);
  });
});
