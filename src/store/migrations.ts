/** The schema's migrations: drizzle-kit's journal, which ones a database has, and applying the pending ones. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { MIGRATIONS_FOLDER, type Store } from './database.js';

export interface JournalEntry {
  when: number;
  tag: string;
}

/** drizzle-kit's journal: migration tags by the timestamp the migrator stores as created_at. */
export function readJournal(): JournalEntry[] {
  const journal = JSON.parse(readFileSync(join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as { entries: JournalEntry[] };
  return journal.entries;
}

/**
 * The tags of the migrations the database on `sqlite` has, oldest first ("unknown (created …)" for
 * ones this version does not ship). A connection, not a Store: `deskops doctor` reads through a
 * read-only one of its own.
 */
export function appliedTags(sqlite: Database.Database, journal: readonly JournalEntry[]): string[] {
  const table = sqlite.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '__drizzle_migrations'").get();
  if (!table) return [];
  const rows = sqlite.prepare('SELECT created_at AS createdAt FROM __drizzle_migrations ORDER BY created_at').all() as { createdAt: number | string }[];
  // A migration missing from the journal was applied by a newer deskops.
  return rows.map((row) => journal.find((entry) => entry.when === Number(row.createdAt))?.tag ?? `unknown (created ${row.createdAt})`);
}

/** Applies the pending migrations to `store`: the tags it had before, and has now. */
export function applyMigrations(store: Store, journal: readonly JournalEntry[]): { before: string[]; after: string[] } {
  const before = appliedTags(store.sqlite, journal);
  migrate(store.db, { migrationsFolder: MIGRATIONS_FOLDER });
  return { before, after: appliedTags(store.sqlite, journal) };
}
