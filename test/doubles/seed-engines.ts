/**
 * Seeding for the repository contract suites (test/contract/storage-*, useStorageEngines()): rows
 * inserted as they are (no use case runs) into a table named with the SQLite schema, on the SQLite
 * store through test/doubles/db.ts, on the PostgreSQL store into the twin table (db-pg.ts). The
 * suites open a PostgreSQL store in every run, while db.ts reaches its PostgreSQL half only on the
 * PostgreSQL run (test-engine.ts), hence the PostgreSQL side here.
 */
import type { InferInsertModel } from 'drizzle-orm';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Store } from '../../src/store/database.js';
import type { PgStore } from '../../src/store/pg/store.js';
import type { tickets } from '../../src/store/schema.js';
import { insertRows } from './db.js';
import { insertPg } from './db-pg.js';
import type { BothStores } from './storage-engines.js';

/** Rows per INSERT on PostgreSQL: under its 65,535 bound values per statement for the widest table. */
const PG_CHUNK = 1000;

/** Inserts `rows` as they are into `table` on one engine's store. */
export type Seed = <T extends SQLiteTable>(table: T, rows: ReadonlyArray<InferInsertModel<T>>) => void;

export function sqliteSeed(store: Store): Seed {
  return (table, rows) => insertRows(store, table, rows);
}

/** Also moves an identity's sequence past the ids the rows give, as SQLite's rowid continues after the largest. */
export function pgSeed(store: PgStore): Seed {
  return (table, rows) => insertPg(store, table, rows as ReadonlyArray<Record<string, unknown>>, PG_CHUNK);
}

/** Inserts the same rows into the same table on both engines (rows without ids get the same ids on fresh databases). */
export function seedBoth<T extends SQLiteTable>(stores: Pick<BothStores, 'sqliteStore' | 'pgStore'>, table: T, rows: ReadonlyArray<InferInsertModel<T>>): void {
  sqliteSeed(stores.sqliteStore)(table, rows);
  pgSeed(stores.pgStore)(table, rows);
}

export type TicketInsert = InferInsertModel<typeof tickets>;

/** Ticket `id` as a suite seeds it: titled "Ticket <id>", paid, open, every time of it `at`; `values` change any of it (and set its tier). */
export function ticketRow(id: number, at: Date, values: Partial<TicketInsert> = {}): TicketInsert {
  return { id, title: `Ticket ${id}`, department: 'paid', status: 'open', createdAt: at, updatedAt: at, tierEnteredAt: at, statusChangedAt: at, ...values };
}
