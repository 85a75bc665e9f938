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

/** Files about SQLite itself (its file, WAL, PRAGMAs, backup, doctor), or about no engine at all. */
export const SQLITE_ONLY: Readonly<Record<string, string>> = {
  'test/integration/fault-db-storage.test.ts': "fills and freezes the SQLite file (PRAGMA max_page_count, query_only)",
  'test/integration/ops-backup.test.ts': "`deskops backup`: SQLite's online backup of the file (PostgreSQL is backed up with pg_dump)",
  'test/integration/ops-doctor-readonly.test.ts': "how `deskops doctor` opens the SQLite file (better-sqlite3 wrapped by vi.mock)",
  'test/integration/ops-doctor.test.ts': "`deskops doctor` on a damaged SQLite file",
  'test/integration/ops-privacy.test.ts': "the SQLite file's permissions, and a database at migration 0005",
  'test/integration/store-checkpointer.test.ts': "WAL checkpoints: wal_autocheckpoint and the size of the -wal file",
  'test/unit/import-cycles.test.ts': "a guard over the sources: no engine involved",
  'test/unit/raw-sqlite.test.ts': "a guard over the test sources: no engine involved",
  'test/unit/storage-boundary.test.ts': "a guard over the sources: no engine involved",
};

/**
 * Files not yet made to run on PostgreSQL: they read or seed through SQLite's query builder
 * (`store.db` and the SQLite schema) or start processes on a SQLite file. Converting one means
 * moving its reads and seeds to test/doubles/db.ts or the app's own functions, running it on both
 * engines, and taking it off this list.
 */
export const NOT_YET_ON_POSTGRES: readonly string[] = [
  'test/contract/engine-port.test.ts',
  'test/contract/platforms.test.ts',
  'test/integration/audience-property.test.ts',
  'test/integration/calendar-commands.test.ts',
  'test/integration/digest.test.ts',
  'test/integration/duplicate-answers.test.ts',
  'test/integration/email-commands.test.ts',
  'test/integration/email-doctor.test.ts',
  'test/integration/email-hostile.test.ts',
  'test/integration/email-imap.test.ts',
  'test/integration/email-listener-tls.test.ts',
  'test/integration/email-outbound.test.ts',
  'test/integration/email-requesters.test.ts',
  'test/integration/email-start-cli.test.ts',
  'test/integration/email-walk.test.ts',
  'test/integration/fault-db-lock.test.ts',
  'test/integration/fault-sigkill.test.ts',
  'test/integration/fault-slack-outage.test.ts',
  'test/integration/first-steps.test.ts',
  'test/integration/guard.test.ts',
  'test/integration/hostile-long-text.test.ts',
  'test/integration/hostile-mentions.test.ts',
  'test/integration/hostile-roles.test.ts',
  'test/integration/hostile-router.test.ts',
  'test/integration/hostile-settings.test.ts',
  'test/integration/hostile-slack-http.test.ts',
  'test/integration/inert-and-channels.test.ts',
  'test/integration/known-issue-commands.test.ts',
  'test/integration/known-issues.test.ts',
  'test/integration/limits-and-queues.test.ts',
  'test/integration/macros.test.ts',
  'test/integration/ops-correlation.test.ts',
  'test/integration/ops-healthz.test.ts',
  'test/integration/ops-no-secrets.test.ts',
  'test/integration/pager-rules.test.ts',
  'test/integration/pattern-watch.test.ts',
  'test/integration/people-admin.test.ts',
  'test/integration/readme-walk.test.ts',
  'test/integration/reports-charts.test.ts',
  'test/integration/requesters.test.ts',
  'test/integration/rocketchat-intake.test.ts',
  'test/integration/rocketchat-requesters.test.ts',
  'test/integration/rocketchat-sink.test.ts',
  'test/integration/rocketchat-start-cli.test.ts',
  'test/integration/rocketchat.test.ts',
  'test/integration/router.test.ts',
  'test/integration/routing.test.ts',
  'test/integration/search-merge-follow.test.ts',
  'test/integration/settings.test.ts',
  'test/integration/shell.test.ts',
  'test/integration/sla.test.ts',
  'test/integration/slack-http-limits.test.ts',
  'test/integration/slack-http.test.ts',
  'test/integration/slack-interactions.test.ts',
  'test/integration/slack-requesters.test.ts',
  'test/integration/slack-sink.test.ts',
  'test/integration/slack-socket.test.ts',
  'test/integration/slack-start-cli.test.ts',
  'test/integration/staff-rules.test.ts',
  'test/integration/staffing.test.ts',
  'test/integration/store-settings-cache.test.ts',
  'test/integration/tick-cli.test.ts',
  'test/integration/ticket-tagging.test.ts',
  'test/integration/ticket-workflow.test.ts',
  'test/integration/time-zones.test.ts',
  'test/integration/walkthrough.test.ts',
  'test/unit/hostile-schemas.test.ts',
  'test/unit/mail.test.ts',
  'test/unit/platform-sink.test.ts',
  'test/unit/property-runs.test.ts',
  'test/unit/scheduler.test.ts',
  'test/unit/shell-clock.test.ts',
  'test/unit/shell.test.ts',
  'test/unit/slack-interactions.test.ts',
  'test/unit/slack-read-only.test.ts',
];

/** Every file the PostgreSQL run leaves out. */
export function offPostgres(): string[] {
  return [...Object.keys(BOTH_ENGINES_IN_EVERY_RUN), ...Object.keys(SQLITE_ONLY), ...NOT_YET_ON_POSTGRES];
}
