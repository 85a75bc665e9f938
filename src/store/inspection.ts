/**
 * What `deskops doctor` finds in a database file, as data: the shape of the read-only inspection
 * the doctor runs through (src/store/doctor.ts opens one). Nothing here names the engine.
 */
import type { Platform } from '../domain/vocabulary.js';
import type { JournalEntry } from './migrations.js';

/** A scheduled job's last run, as `job_runs` keeps it (instants in UTC milliseconds). */
export interface JobRunRecord {
  job: string;
  lastStartedAt: number | null;
  lastFinishedAt: number | null;
  lastError: string | null;
  runs: number;
}

/** The outbox backlog at an instant. */
export interface OutboxBacklog {
  /** Queued rows due by then. */
  due: number;
  /** When the oldest of them fell due (UTC milliseconds); null when none is due. */
  oldestDueAt: number | null;
  /** Queued rows due later (scheduled, or waiting to retry). */
  later: number;
  /** Rows given up on. */
  failed: number;
}

/** A person marked staff through one of their identities. */
export interface StaffIdentity {
  id: number;
  platform: Platform;
  externalId: string;
  handle: string;
}

export interface DatabaseInspection {
  /** The lines of SQLite's integrity check: a single "ok" when the file is sound. */
  integrityCheck(): string[];
  /** The table of each row that points at a row that does not exist (one entry per row). */
  danglingReferenceTables(): string[];
  /** The tags of the migrations applied, oldest first ("unknown (created …)" for ones `journal` does not list). */
  appliedMigrations(journal: readonly JournalEntry[]): string[];
  /** The journal mode (SQLite's word for it: "wal", "delete" …). */
  journalMode(): string;
  /** The outbox backlog at `now`. */
  outboxBacklog(now: Date): OutboxBacklog;
  /** Every scheduled job's last run, by job name. */
  jobRuns(): JobRunRecord[];
  /** Each identity of the people marked staff with no staff grant (/people add) of their own. */
  staffWithoutGrant(): StaffIdentity[];
  /** The stored team calendar setting (its JSON text), if there is one. */
  teamCalendarSetting(): string | undefined;
  close(): void;
}
