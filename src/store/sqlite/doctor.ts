/** The doctor's DatabaseInspection on SQLite: a read-only connection of its own and the SQL of each check. */
import Database from 'better-sqlite3';
import type { DatabaseInspection, JobRunRecord, StaffIdentity } from '../inspection.js';
import { appliedTags } from '../migrations.js';

/** Opens the file read-only, never otherwise: the doctor promises to change nothing. Throws when it cannot. */
export function openForInspection(path: string): DatabaseInspection {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    db.pragma('schema_version');
  } catch (error) {
    db.close();
    throw error;
  }
  return inspection(db);
}

function inspection(db: Database.Database): DatabaseInspection {
  return {
    integrityCheck() {
      const rows = db.pragma('integrity_check') as { integrity_check: string }[];
      return rows.map((row) => row.integrity_check);
    },

    danglingReferenceTables() {
      const rows = db.pragma('foreign_key_check') as { table: string }[];
      return rows.map((row) => row.table);
    },

    appliedMigrations(journal) {
      return appliedTags(db, journal);
    },

    journalMode() {
      return String(db.pragma('journal_mode', { simple: true }));
    },

    outboxBacklog(now) {
      const at = now.getTime();
      const due = db.prepare("SELECT count(*) AS n, min(next_attempt_at) AS oldest FROM outbox WHERE state = 'queued' AND next_attempt_at <= ?").get(at) as { n: number; oldest: number | null };
      const later = db.prepare("SELECT count(*) AS n FROM outbox WHERE state = 'queued' AND next_attempt_at > ?").get(at) as { n: number };
      const failed = db.prepare("SELECT count(*) AS n, max(created_at) AS latest FROM outbox WHERE state = 'failed'").get() as { n: number; latest: number | null };
      return { due: due.n, oldestDueAt: due.oldest, later: later.n, failed: failed.n };
    },

    jobRuns() {
      return db.prepare('SELECT job, last_started_at AS lastStartedAt, last_finished_at AS lastFinishedAt, last_error AS lastError, runs FROM job_runs ORDER BY job').all() as JobRunRecord[];
    },

    staffWithoutGrant() {
      return db
        .prepare(
          `SELECT people.id AS id, identities.platform AS platform, identities.external_id AS externalId, identities.handle AS handle
       FROM people JOIN identities ON identities.person_id = people.id
       WHERE people.is_staff = 1 AND people.staff_grant IS NULL`,
        )
        .all() as StaffIdentity[];
    },

    teamCalendarSetting() {
      const row = db.prepare("SELECT value FROM team_settings WHERE key = 'calendar'").get() as { value: string } | undefined;
      return row?.value;
    },

    close() {
      db.close();
    },
  };
}
