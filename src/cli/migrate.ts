/** `deskops migrate`: applies pending migrations and reports which ones the database has. */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import type Database from 'better-sqlite3';
import { MIGRATIONS_FOLDER, openStore } from '../store/database.js';

export interface MigrationReport {
  /** The database file, absolute. */
  database: string;
  /** Every migration the database has, oldest first, by its file tag (0001_seed_taxonomy). */
  applied: string[];
  /** The ones this run applied. */
  appliedNow: string[];
  /** Migrations shipped with this version of deskops. */
  known: number;
}

export interface JournalEntry {
  when: number;
  tag: string;
}

/** drizzle-kit's journal: migration tags by the timestamp the migrator stores as created_at. */
export function readJournal(): JournalEntry[] {
  const journal = JSON.parse(readFileSync(join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as { entries: JournalEntry[] };
  return journal.entries;
}

/** The tags of the migrations `sqlite` has, oldest first ("unknown (created …)" for ones this version does not ship). */
export function appliedTags(sqlite: Database.Database, journal: readonly JournalEntry[]): string[] {
  const table = sqlite.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '__drizzle_migrations'").get();
  if (!table) return [];
  const rows = sqlite.prepare('SELECT created_at AS createdAt FROM __drizzle_migrations ORDER BY created_at').all() as { createdAt: number | string }[];
  // A migration missing from the journal was applied by a newer deskops.
  return rows.map((row) => journal.find((entry) => entry.when === Number(row.createdAt))?.tag ?? `unknown (created ${row.createdAt})`);
}

/** Opens the database at `dbPath` (creating it if needed) and applies pending migrations. */
export function migrateDatabase(dbPath: string): MigrationReport {
  const journal = readJournal();
  const store = openStore(dbPath, { migrate: false });
  try {
    const before = appliedTags(store.sqlite, journal);
    migrate(store.db, { migrationsFolder: MIGRATIONS_FOLDER });
    const after = appliedTags(store.sqlite, journal);
    return {
      database: dbPath === ':memory:' ? dbPath : resolve(dbPath),
      applied: after,
      appliedNow: after.filter((tag) => !before.includes(tag)),
      known: journal.length,
    };
  } finally {
    store.close();
  }
}

/** The report as the lines `deskops migrate` prints. */
export function formatMigrationReport(report: MigrationReport): string {
  const latest = report.applied.at(-1) ?? 'none';
  return [
    `Database: ${report.database}`,
    report.appliedNow.length > 0 ? `Applied now: ${report.appliedNow.join(', ')}` : 'No pending migrations.',
    `Schema: ${report.applied.length} migration${report.applied.length === 1 ? '' : 's'} applied, ${report.known} shipped (latest ${latest}).`,
  ].join('\n');
}
