/**
 * Which engine the suite runs on: SQLite by default, PostgreSQL with DESKOPS_TEST_ENGINE=postgres
 * (`npm run test:pg`). On PostgreSQL every store a test opens through the doubles is a database of
 * its own on the run's one server (test/doubles/pg-run.ts), copied from the migrated template with
 * CREATE DATABASE … TEMPLATE and dropped when the test closes it; a `deskops` process a test starts
 * is given DESKOPS_DATABASE_URL instead of DESKOPS_DB. Which suites run on PostgreSQL, and why the
 * others do not yet, is test/engines.ts.
 *
 * PostgreSQL's code is loaded only on the PostgreSQL run (loadTestEngine, the setup file of every
 * test file), so the SQLite run never loads it, as an SQLite deskops does not.
 */
import { inject } from 'vitest';
import type { PgBridge } from '../../src/store/pg/bridge.js';
import type * as PgStoreCode from '../../src/store/pg/store.js';
import type * as BridgeCode from '../../src/store/pg/bridge.js';
import type * as DbPgCode from './db-pg.js';
import { withDatabase } from './embedded-postgres.js';

export type TestEngine = 'sqlite' | 'postgres';

function engineNamed(value: string | undefined): TestEngine {
  if (value === undefined || value === '' || value === 'sqlite') return 'sqlite';
  if (value === 'postgres') return 'postgres';
  throw new Error(`DESKOPS_TEST_ENGINE=${value}: the suite runs on 'sqlite' (the default) or 'postgres'`);
}

export const TEST_ENGINE: TestEngine = engineNamed(process.env.DESKOPS_TEST_ENGINE);
/** Whether this run's stores are PostgreSQL databases. */
export const onPostgres = TEST_ENGINE === 'postgres';

interface PgCode {
  bridge: typeof BridgeCode;
  store: typeof PgStoreCode;
  db: typeof DbPgCode;
}

let pgCode: PgCode | undefined;

/** Loads PostgreSQL's code into this test file's thread on the PostgreSQL run (the setup file calls it). */
export async function loadTestEngine(): Promise<void> {
  if (!onPostgres || pgCode) return;
  const [bridge, store, open, db] = await Promise.all([
    import('../../src/store/pg/bridge.js'),
    import('../../src/store/pg/store.js'),
    import('../../src/store/open.js'),
    import('./db-pg.js'),
  ]);
  // createDeskopsFor opens the configured store synchronously, as an engine thread does after loadStorage.
  await open.loadStorage({ dbPath: '', databaseUrl: 'postgres://loaded' });
  pgCode = { bridge, store, db };
}

function loaded(): PgCode {
  if (!pgCode) throw new Error('PostgreSQL run without its code loaded: test/doubles/test-engine-setup.ts (vitest setupFiles) calls loadTestEngine()');
  return pgCode;
}

/** PostgreSQL's own code, for the doubles that open stores (the PostgreSQL run only). */
export function pgStoreCode(): typeof PgStoreCode {
  return loaded().store;
}

/** test/doubles/db.ts's PostgreSQL half (the PostgreSQL run only). */
export function pgDbCode(): typeof DbPgCode {
  return loaded().db;
}

let adminBridge: PgBridge | undefined;
let created = 0;

/** A database of a test's own on the run's server. */
export interface TestDatabase {
  url: string;
  /** Drops it (after every connection to it closed; FORCE ends the ones a failed test left open). */
  drop(): void;
}

/** A new database copied from the run's migrated template (PostgreSQL run only), synchronously. */
export function freshTestDatabase(): TestDatabase {
  const server = inject('deskopsPostgres');
  if (!server) throw new Error('DESKOPS_TEST_ENGINE=postgres, but the run has no PostgreSQL server: vitest.config.ts names test/doubles/pg-run.ts as its global setup');
  adminBridge ??= loaded().bridge.openBridge(server.adminUrl);
  const admin = adminBridge;
  // Unique across the workers of a run, and runs sharing a DESKOPS_TEST_PG_URL server.
  const name = `deskops_t_${process.pid}_${Date.now().toString(36)}_${(created += 1)}`;
  // FILE_COPY: measured here, 86 ms a copy of the migrated template against 191 ms for WAL_LOG (the default), and drops 36 ms against 143.
  admin.query(`CREATE DATABASE "${name}" TEMPLATE "${server.template}" STRATEGY FILE_COPY`);
  let dropped = false;
  return {
    url: withDatabase(server.adminUrl, name),
    drop() {
      if (dropped) return;
      dropped = true;
      admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}

/**
 * The environment that points a deskops (a config, a process) at its store: DESKOPS_DB on SQLite;
 * on PostgreSQL also DESKOPS_DATABASE_URL, a fresh database, dropped by a cleanup pushed onto `cleanups`.
 */
export function storageEnv(dbPath: string, cleanups: { push(cleanup: () => void): unknown }): Record<string, string> {
  if (!onPostgres) return { DESKOPS_DB: dbPath };
  const database = freshTestDatabase();
  cleanups.push(() => database.drop());
  return { DESKOPS_DB: dbPath, DESKOPS_DATABASE_URL: database.url };
}
