/**
 * `deskops copy-db` (src/store/copy.ts) on the seeded bench install (bench/seed.ts) into a fresh
 * database of an embedded PostgreSQL on loopback: the whole copy, verification included, as the
 * command runs it.
 */
import { copySqliteToPostgres } from '../src/store/copy.js';
import { startEmbeddedPostgres, withDatabase } from '../test/doubles/embedded-postgres.js';
import { withAdminClient } from '../test/doubles/pg-admin.js';
import type { SeedInfo } from './seed.js';

export interface CopyFigures {
  rows: number;
  seconds: number;
  committed: boolean;
}

/** PostgreSQL's defaults for what the test server turns off: the copy is measured against a crash-safe server. */
const DURABLE = { fsync: 'on', full_page_writes: 'on', synchronous_commit: 'on' };

export async function benchCopyDb(seed: SeedInfo): Promise<CopyFigures> {
  const server = await startEmbeddedPostgres({ password: 'bench', folderPrefix: 'deskops-bench-copy-', settings: DURABLE });
  try {
    await withAdminClient(server.adminUrl, (admin) => admin.query('CREATE DATABASE copied'));
    const began = performance.now();
    // The copy only reads the file (read-only), so the cached seed itself is the source.
    const report = await copySqliteToPostgres({ from: seed.path, to: withDatabase(server.adminUrl, 'copied') });
    return { rows: report.tables.reduce((sum, table) => sum + table.sourceRows, 0), seconds: (performance.now() - began) / 1000, committed: report.committed };
  } finally {
    await server.stop();
  }
}
