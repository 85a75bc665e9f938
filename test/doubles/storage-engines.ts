/**
 * Both storage engines side by side, for the repository contract suites (test/contract/storage-*):
 * a SQLite store on a temporary file and a PostgreSQL store on a fresh database of the test file's
 * server (test/doubles/postgres.ts), both migrated, both closed after each test. A suite runs the
 * same steps through a repository on each engine and expects the same answers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { openStore, type Store } from '../../src/store/database.js';
import { openPgStore, type PgStore } from '../../src/store/pg/store.js';
import { usePostgres } from './postgres.js';

export interface BothStores {
  sqliteStore: Store;
  pgStore: PgStore;
  /** The URL of the PostgreSQL store's database, for what reads it beside the store (deskops doctor's inspection). */
  pgUrl: string;
}

/** Call at the top level of a suite; `await engines.open()` in each test. */
export function useStorageEngines(): { open(): Promise<BothStores> } {
  const postgres = usePostgres();
  const closers: Array<() => void> = [];
  afterEach(() => {
    for (const close of closers.splice(0).reverse()) close();
  });
  return {
    async open() {
      const dir = mkdtempSync(join(tmpdir(), 'deskops-contract-'));
      const sqliteStore = openStore(join(dir, 'contract.db'));
      closers.push(() => {
        sqliteStore.close();
        rmSync(dir, { recursive: true, force: true });
      });
      const pgUrl = await postgres.freshDatabase();
      const pgStore = await openPgStore(pgUrl);
      closers.push(() => pgStore.close());
      return { sqliteStore, pgStore, pgUrl };
    },
  };
}
