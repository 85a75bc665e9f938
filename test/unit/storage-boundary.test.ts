/**
 * Outside src/store, the code knows the database only as the storage port (src/store/storage.ts):
 * repositories and one transaction boundary. No query builder, no schema, no driver, no raw handle,
 * so another engine is a new folder under src/store, not edits everywhere. Files still reaching
 * past the port are listed in PENDING, each to move and leave the list.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../doubles/cli.js';

/** Files that still reach past the port, each until its queries move into a repository. */
const PENDING: ReadonlySet<string> = new Set([
]);

/** What reaching past the port looks like. */
const PAST_THE_PORT: ReadonlyArray<[string, RegExp]> = [
  ['the query builder (drizzle-orm)', /from\s+['"]drizzle-orm(?:\/[\w-]+)*['"]/],
  ['the driver (better-sqlite3)', /['"]better-sqlite3['"]/],
  ['the schema (store/schema)', /from\s+['"](?:\.\.?\/)+(?:store\/)?schema\.js['"]/],
  ["the SQLite implementation (store/sqlite, store/prepared)", /from\s+['"](?:\.\.?\/)+store\/(?:sqlite\/[\w-]+|prepared)\.js['"]/],
  ['the query builder handle (store.db)', /\bstore\s*\.\s*db\b/],
  ['the raw handle (store.sqlite)', /\bstore\s*\.\s*sqlite\b/],
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(path) : entry.name.endsWith('.ts') ? [path] : [];
  });
}

const files = sourceFiles(join(ROOT, 'src'))
  .map((path) => ({ name: relative(ROOT, path).split(sep).join('/'), source: readFileSync(path, 'utf8') }))
  .filter((file) => !file.name.startsWith('src/store/'));
const reaches = (source: string) => PAST_THE_PORT.filter(([, pattern]) => pattern.test(source)).map(([what]) => what);

describe('the storage port is the only way to the database', () => {
  it('finds what it looks for', () => {
    expect(reaches("import { eq } from 'drizzle-orm';")).toEqual(['the query builder (drizzle-orm)']);
    expect(reaches("import { tickets } from '../store/schema.js';")).toEqual(['the schema (store/schema)']);
    expect(reaches("import { preparedQuery } from '../store/prepared.js';")).toEqual(['the SQLite implementation (store/sqlite, store/prepared)']);
    expect(reaches('ctx.store.db.select().from(x).all()')).toEqual(['the query builder handle (store.db)']);
    expect(reaches('app.store\n  .sqlite.prepare("x")')).toEqual(['the raw handle (store.sqlite)']);
    expect(reaches("import Database from 'better-sqlite3';")).toEqual(['the driver (better-sqlite3)']);
    expect(reaches("ctx.store.tickets.byId(4); ctx.store.transaction(() => 1); const path = 'x.sqlite';")).toEqual([]);
  });

  it('no file outside src/store reaches past it', () => {
    const past = files.filter((file) => !PENDING.has(file.name)).flatMap((file) => reaches(file.source).map((what) => `${file.name}: ${what}`));
    expect(past).toEqual([]);
  });

  it('every pending file still reaches past it (a file that moved leaves the list)', () => {
    const moved = [...PENDING].filter((name) => {
      const file = files.find((f) => f.name === name);
      return !file || reaches(file.source).length === 0;
    });
    expect(moved).toEqual([]);
  });
});
