/**
 * Outside src/store, the code knows the database only as the storage port (src/store/storage.ts):
 * repositories and one transaction boundary. No query builder, no schema, no driver, no raw handle,
 * so another engine is a new folder under src/store, not edits everywhere. Only the places that
 * open a store or run an engine's own upkeep name the engine, each listed with its reason.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../doubles/cli.js';

/** What reaching past the port looks like. */
const PAST_THE_PORT: ReadonlyArray<[string, RegExp]> = [
  ['the query builder (drizzle-orm)', /from\s+['"]drizzle-orm(?:\/[\w-]+)*['"]/],
  ['the driver (better-sqlite3)', /['"]better-sqlite3['"]/],
  ['the schema (store/schema)', /from\s+['"](?:\.\.?\/)+(?:store\/)?schema\.js['"]/],
  ['the SQLite implementation (store/sqlite, store/prepared)', /from\s+['"](?:\.\.?\/)+store\/(?:sqlite\/[\w-]+|prepared)\.js['"]/],
  ['the query builder handle (store.db)', /\bstore\s*\.\s*db\b/],
  ['the raw handle (store.sqlite)', /\bstore\s*\.\s*sqlite\b/],
];

/** Importing the modules that open the SQLite store or run its upkeep. */
const OPENING = /from\s+['"](?:\.\.?\/)+store\/(?:database|checkpointer|migrations|doctor|open|copy|pg\/[\w-]+)\.js['"]/;

/** Who may, and why. */
const OPENERS: Record<string, string> = {
  'src/main.ts': 'the composition root: opens the store deskops runs on (store/open.ts picks the engine)',
  'src/engine/worker.ts': "an engine thread loads the configured engine's code, and runs SQLite's WAL checkpoints",
  'src/adapters/service.ts': "`deskops start` with platforms: PostgreSQL's migrations, once, before the engine threads open it",
  'src/adapters/shell/start.ts': "the shell: PostgreSQL's migrations, once, before it opens the store",
  'src/cli/tick.ts': "`deskops tick`: PostgreSQL's migrations, once, before it opens the store",
  'src/cli/backup.ts': "`deskops backup`: SQLite's online backup of the file",
  'src/cli/migrate.ts': '`deskops migrate`: applies the SQLite migrations to the file',
  'src/cli/doctor.ts': '`deskops doctor`: inspects the SQLite file read-only',
  'src/cli/copy-db.ts': '`deskops copy-db`: reads the SQLite file read-only and writes a PostgreSQL database (store/copy.ts opens both)',
};

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
    expect(files.length).toBeGreaterThan(100);
    expect(reaches("import { eq } from 'drizzle-orm';")).toEqual(['the query builder (drizzle-orm)']);
    expect(reaches("import { tickets } from '../store/schema.js';")).toEqual(['the schema (store/schema)']);
    expect(reaches("import { preparedQuery } from '../store/prepared.js';")).toEqual(['the SQLite implementation (store/sqlite, store/prepared)']);
    expect(reaches('ctx.store.db.select().from(x).all()')).toEqual(['the query builder handle (store.db)']);
    expect(reaches('app.store\n  .sqlite.prepare("x")')).toEqual(['the raw handle (store.sqlite)']);
    expect(reaches("import Database from 'better-sqlite3';")).toEqual(['the driver (better-sqlite3)']);
    expect(reaches("ctx.store.tickets.byId(4); ctx.store.transaction(() => 1); const path = 'x.sqlite';")).toEqual([]);
    expect(OPENING.test("import { openStore } from './store/database.js';")).toBe(true);
    expect(OPENING.test("import { checkpointPassively } from '../store/checkpointer.js';")).toBe(true);
    expect(OPENING.test("import { prepareStorage } from '../../store/open.js';")).toBe(true);
    expect(OPENING.test("import { connectPgStore } from '../store/pg/store.js';")).toBe(true);
    expect(OPENING.test("import { copySqliteToPostgres } from '../store/copy.js';")).toBe(true);
    expect(OPENING.test("import type { Storage } from '../store/storage.js';")).toBe(false);
    expect(OPENING.test("import type { Check } from './doctor.js';")).toBe(false);
  });

  it('no file outside src/store reaches past it', () => {
    const past = files.flatMap((file) => reaches(file.source).map((what) => `${file.name}: ${what}`));
    expect(past).toEqual([]);
  });

  it('only the listed openers open the SQLite store or run its upkeep', () => {
    const openers = files.filter((file) => OPENING.test(file.source)).map((file) => file.name);
    expect(openers.sort()).toEqual(Object.keys(OPENERS).sort());
  });
});
