/**
 * The SQLite file `deskops copy-db` copies from: opened read-only (the copy never changes it), and
 * refused unless it is a deskops database with exactly the migrations this version ships, so its
 * tables have the shape the schema declares.
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { appliedTags, readJournal } from './migrations.js';
import * as schema from './schema.js';
import type { Db } from './sqlite/handles.js';

/** A copy refused before anything was written; the message says why and what to do. */
export class CopyRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CopyRefused';
  }
}

export interface CopySource {
  /** The file, absolute. */
  path: string;
  db: Db;
  /** The highest number each AUTOINCREMENT table ever handed out (sqlite_sequence): deleted rows' numbers included. */
  highestAssigned(table: string): number;
  /** Runs `work` in one read transaction: every table is read from the same snapshot, even while a bot still writes. */
  snapshot<T>(work: () => T): T;
  close(): void;
}

function openReadOnly(path: string): Database.Database {
  try {
    const sqlite = new Database(path, { readonly: true, fileMustExist: true });
    try {
      // Opening reads nothing; the first statement finds out whether this is a database at all.
      sqlite.pragma('schema_version');
      return sqlite;
    } catch (error) {
      sqlite.close();
      throw error;
    }
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'SQLITE_NOTADB') throw new CopyRefused(`${path} is not an SQLite database. Name the deskops database file (DESKOPS_DB, or --from <file>).`);
    throw new CopyRefused(`cannot open ${path} read-only (${code ?? 'error'}: ${(error as Error).message}).`);
  }
}

/** Checks the migrations of the file against the ones this deskops ships. */
function refuseUnlessCurrent(sqlite: Database.Database, path: string): void {
  const hasMigrations = sqlite.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '__drizzle_migrations'").get() !== undefined;
  if (!hasMigrations) throw new CopyRefused(`${path} is an SQLite database, but not a deskops one (it has no migrations table). Name the deskops database file (DESKOPS_DB, or --from <file>).`);
  const journal = readJournal();
  const applied = appliedTags(sqlite, journal);
  const shipped = journal.map((entry) => entry.tag);
  const unknown = applied.filter((tag) => !shipped.includes(tag));
  if (unknown.length > 0) throw new CopyRefused(`${path} was migrated by a newer deskops (${unknown.join(', ')}): copy it with that version.`);
  const missing = shipped.filter((tag) => !applied.includes(tag));
  if (missing.length > 0) {
    throw new CopyRefused(`${path} lacks ${missing.length} migration${missing.length === 1 ? '' : 's'} of this deskops (${missing.join(', ')}): apply them first with DESKOPS_DB=${path} deskops migrate, then copy.`);
  }
}

/** Opens the deskops SQLite database at `path` read-only; throws CopyRefused when it is missing or not one. */
export function openCopySource(file: string): CopySource {
  const path = resolve(file);
  if (file === ':memory:') throw new CopyRefused('the source is :memory:; name the deskops database file (DESKOPS_DB, or --from <file>).');
  if (!existsSync(path)) throw new CopyRefused(`there is no file at ${path}. Name the deskops database file (DESKOPS_DB, or --from <file>).`);
  if (statSync(path).isDirectory()) throw new CopyRefused(`${path} is a directory; name the deskops database file inside it.`);
  const sqlite = openReadOnly(path);
  try {
    refuseUnlessCurrent(sqlite, path);
  } catch (error) {
    sqlite.close();
    throw error;
  }
  const hasSequences = sqlite.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_sequence'").get() !== undefined;
  const sequence = hasSequences ? sqlite.prepare('SELECT seq FROM sqlite_sequence WHERE name = ?').pluck() : undefined;
  return {
    path,
    db: drizzle(sqlite, { schema }),
    highestAssigned: (table) => Number(sequence?.get(table) ?? 0),
    snapshot(work) {
      return sqlite.transaction(work).deferred();
    },
    close() {
      sqlite.close();
    },
  };
}
