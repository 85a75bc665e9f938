/** `deskops migrate`: applies pending migrations and reports which ones the database has. */
import { resolve } from 'node:path';
import { openStore } from '../store/database.js';
import { applyMigrations, readJournal } from '../store/migrations.js';

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

/** Opens the database at `dbPath` (creating it if needed) and applies pending migrations. */
export function migrateDatabase(dbPath: string): MigrationReport {
  const journal = readJournal();
  const store = openStore(dbPath, { migrate: false });
  try {
    const { before, after } = applyMigrations(store, journal);
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
