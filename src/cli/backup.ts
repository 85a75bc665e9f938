/** `deskops backup <file>`: a consistent copy of the live database through SQLite's online backup. */
import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { backupStore, openStore } from '../store/database.js';

/** A backup that was refused before anything was written; the message says why. */
export class BackupRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupRefused';
  }
}

export interface BackupRequest {
  dbPath: string;
  target: string;
  /** Replace an existing file at `target`. */
  force: boolean;
}

export interface BackupResult {
  /** The backup file, absolute. */
  path: string;
  bytes: number;
}

function refuseUnsafe({ dbPath, target, force }: BackupRequest): void {
  if (dbPath === ':memory:') throw new BackupRefused('DESKOPS_DB is :memory:; there is no database file to back up.');
  if (!existsSync(dbPath)) throw new BackupRefused(`There is no database at ${resolve(dbPath)} (DESKOPS_DB) to back up.`);
  if (resolve(target) === resolve(dbPath)) throw new BackupRefused('The backup file cannot be the database itself.');
  if (!existsSync(target)) return;
  if (statSync(target).isDirectory()) throw new BackupRefused(`${resolve(target)} is a directory; name a file inside it.`);
  if (!force) throw new BackupRefused(`${resolve(target)} already exists; use --force to replace it.`);
}

/** Backs up the database to `target`; the file appears complete or not at all. */
export async function backupDatabase(request: BackupRequest): Promise<BackupResult> {
  refuseUnsafe(request);
  const path = resolve(request.target);
  // Written beside the target and renamed into place, so an interrupted backup never looks whole.
  const partial = `${path}.partial-${process.pid}`;
  const store = openStore(request.dbPath, { migrate: false });
  try {
    await backupStore(store, partial);
    // A WAL left by the replaced file would be replayed onto the new one and corrupt it.
    rmSync(`${path}-wal`, { force: true });
    rmSync(`${path}-shm`, { force: true });
    renameSync(partial, path);
    return { path, bytes: statSync(path).size };
  } finally {
    store.close();
    rmSync(partial, { force: true });
  }
}
