/**
 * Which store a process runs on: PostgreSQL when DESKOPS_DATABASE_URL names one, else the SQLite
 * file at DESKOPS_DB. PostgreSQL's code (node-postgres, the bridge, drizzle's pg builder, about
 * 90 ms of loading) is imported only when it is named, so an SQLite deskops never loads it: each
 * thread calls loadStorage once before it opens its store, and the process calls prepareStorage
 * once before any thread does (PostgreSQL's migrations; SQLite's run as the file opens).
 */
import { openStore } from './database.js';
import type * as PgStoreCode from './pg/store.js';
import type { Storage } from './storage.js';
import { soloLeaseLocks, type LeaseLocks } from './lease-locks.js';

export interface StorageConfig {
  dbPath: string;
  databaseUrl: string | undefined;
}

type PgStoreModule = typeof PgStoreCode;

let pgStoreModule: PgStoreModule | undefined;

/** Loads the named engine's code into this thread (nothing for SQLite). */
export async function loadStorage(config: StorageConfig): Promise<void> {
  if (config.databaseUrl) pgStoreModule ??= await import('./pg/store.js');
}

/** Once per process, before any thread opens the store: loads it here and applies PostgreSQL's migrations. */
export async function prepareStorage(config: StorageConfig): Promise<void> {
  await loadStorage(config);
  if (config.databaseUrl) {
    const { migratePostgres } = await import('./pg/migrate.js');
    await migratePostgres(config.databaseUrl);
  }
}

/** Opens the configured store on this thread (after loadStorage or prepareStorage for PostgreSQL). */
export function openStorage(config: StorageConfig): Storage {
  if (!config.databaseUrl) return openStore(config.dbPath);
  if (!pgStoreModule) throw new Error('PostgreSQL is configured but its code is not loaded on this thread: await loadStorage(config) first');
  return pgStoreModule.connectPgStore(config.databaseUrl);
}

/** The locks replicas take turns with (store/lease-locks.ts): PostgreSQL's advisory locks, or SQLite's single process. */
export async function openLeaseLocks(config: StorageConfig, claimer?: string): Promise<LeaseLocks> {
  if (!config.databaseUrl) return soloLeaseLocks();
  const { pgLeaseLocks } = await import('./pg/lease-locks.js');
  return pgLeaseLocks(config.databaseUrl, claimer ? { claimer } : {});
}
