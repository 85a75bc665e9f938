/**
 * Which test files run on PostgreSQL (`npm run test:pg`, DESKOPS_TEST_ENGINE=postgres): every file
 * but those listed here, each with its reason. vitest.config.ts leaves them out of the PostgreSQL
 * run, and its global setup prints how many; test/unit/test-engines.test.ts keeps the lists true
 * (every file exists, none is listed twice, no file that runs on PostgreSQL reaches SQLite's query
 * builder `store.db`). The default run (`npm test`, SQLite) runs every file.
 */

const CONTRACT = 'a storage contract suite: the same steps on a SQLite and a PostgreSQL store';

/** Files that already run on both engines in every run (they open both side by side): once is enough. */
export const BOTH_ENGINES_IN_EVERY_RUN: Readonly<Record<string, string>> = {
  'test/contract/engines-walk.test.ts': 'the command reference walked on both engines side by side',
  'test/integration/pg-schema.test.ts': 'compares the PostgreSQL schema with the SQLite one',
  'test/integration/pg-store.test.ts': 'the PostgreSQL store itself, against the server it starts',
  'test/integration/postgres-start.test.ts': '`deskops start` on PostgreSQL beside SQLite',
  'test/integration/copy-db.test.ts': 'copies an SQLite file into a PostgreSQL database it starts, and compares both',
  'test/integration/pg-replicas.test.ts': 'replicas taking turns on the PostgreSQL server it starts',
  'test/integration/rocketchat-replicas.test.ts': 'two services on the PostgreSQL server it starts, reading its rows through the PostgreSQL builder',
  'test/integration/slack-socket-replicas.test.ts': 'two services on the PostgreSQL server it starts, reading its rows through the PostgreSQL builder',
  'test/contract/storage-audit.test.ts': CONTRACT,
  'test/contract/storage-boundary.test.ts': CONTRACT,
  'test/contract/storage-claims.test.ts': CONTRACT,
  'test/contract/storage-clocks.test.ts': CONTRACT,
  'test/contract/storage-comments.test.ts': CONTRACT,
  'test/contract/storage-conversations.test.ts': CONTRACT,
  'test/contract/storage-digest.test.ts': CONTRACT,
  'test/contract/storage-duplicates.test.ts': CONTRACT,
  'test/contract/storage-followers.test.ts': CONTRACT,
  'test/contract/storage-job-runs.test.ts': CONTRACT,
  'test/contract/storage-known-issues.test.ts': CONTRACT,
  'test/contract/storage-macros.test.ts': CONTRACT,
  'test/contract/storage-mail.test.ts': CONTRACT,
  'test/contract/storage-oncall.test.ts': CONTRACT,
  'test/contract/storage-outbox.test.ts': CONTRACT,
  'test/contract/storage-people.test.ts': CONTRACT,
  'test/contract/storage-reports.test.ts': CONTRACT,
  'test/contract/storage-rotations.test.ts': CONTRACT,
  'test/contract/storage-search.test.ts': CONTRACT,
  'test/contract/storage-settings.test.ts': CONTRACT,
  'test/contract/storage-tags.test.ts': CONTRACT,
  'test/contract/storage-tickets.test.ts': CONTRACT,
};

/** Files about SQLite itself: its file, WAL, PRAGMAs, query plans, backup, doctor, migrate. */
export const SQLITE_ONLY: Readonly<Record<string, string>> = {
  'test/integration/fault-db-storage.test.ts': "fills and freezes the SQLite file (PRAGMA max_page_count, query_only)",
  'test/integration/ops-backup.test.ts': "`deskops backup`: SQLite's online backup of the file (PostgreSQL is backed up with pg_dump)",
  'test/integration/ops-doctor-readonly.test.ts': "how `deskops doctor` opens the SQLite file (better-sqlite3 wrapped by vi.mock)",
  'test/integration/ops-doctor.test.ts': "`deskops doctor` on a damaged SQLite file",
  'test/integration/cli-sqlite-file.test.ts': '`deskops migrate` and `deskops backup` work on the SQLite file',
  'test/integration/sqlite-query-plans.test.ts': "SQLite's query plans (EXPLAIN QUERY PLAN)",
  'test/integration/ops-privacy.test.ts': "the SQLite file's permissions, and a database at migration 0005",
  'test/integration/store-checkpointer.test.ts': "WAL checkpoints: wal_autocheckpoint and the size of the -wal file",
};

/**
 * Files not yet made to run on PostgreSQL, with what stands in the way where it is known. Converting
 * one means reading and seeding through test/doubles/db.ts or the app's own functions, naming the
 * database with test/doubles/test-engine.ts storageEnv, running it on both engines (`DESKOPS_TEST_PG_TRY=1
 * npm run test:pg -- <file>`), and taking it off this list.
 */
export const NOT_YET_ON_POSTGRES: Readonly<Record<string, string>> = {};

/** Every file the PostgreSQL run leaves out. */
export function offPostgres(): string[] {
  return [...Object.keys(BOTH_ENGINES_IN_EVERY_RUN), ...Object.keys(SQLITE_ONLY), ...Object.keys(NOT_YET_ON_POSTGRES)];
}
