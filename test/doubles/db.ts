/**
 * What tests ask of or do to the database directly, beside the engine port and the app's own
 * functions: seed rows, change or remove them as a crash or another process would, read what is
 * stored. Written with drizzle's query builder on `store.db` and the schema (src/store/schema.ts),
 * so these helpers are the one place a run on another engine would adapt; the few that need more
 * than the builder (the write lock, the transaction state, the change counter) say what they ask of
 * SQLite. Tests about SQLite itself use test/doubles/sqlite.ts instead.
 */
import { eq, sql, type InferInsertModel, type SQL } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Store } from '../../src/store/database.js';
import { identities, people } from '../../src/store/schema.js';
import { rawSqlite } from './sqlite.js';

type DbStore = Pick<Store, 'db' | 'transaction'>;

/** Rows per INSERT: well under SQLite's limit of bound values per statement. */
const INSERT_CHUNK = 500;

/** Inserts `rows` into `table` as they are (no use case runs), in one transaction. */
export function insertRows<T extends SQLiteTable>(store: DbStore, table: T, rows: ReadonlyArray<InferInsertModel<T>>): void {
  store.transaction(() => {
    for (let start = 0; start < rows.length; start += INSERT_CHUNK) {
      store.db
        .insert(table)
        .values(rows.slice(start, start + INSERT_CHUNK) as never)
        .run();
    }
  });
}

/** Sets `values` on the rows of `table` that match `where` (every row without it), as a crash or a script would leave them. */
export function updateRows<T extends SQLiteTable>(store: Pick<Store, 'db'>, table: T, values: Partial<InferInsertModel<T>>, where?: SQL): void {
  store.db
    .update(table)
    .set(values as never)
    .where(where)
    .run();
}

/** Deletes the rows of `table` that match `where` (every row without it). */
export function deleteRows(store: Pick<Store, 'db'>, table: SQLiteTable, where?: SQL): void {
  store.db.delete(table).where(where).run();
}

/**
 * The `columns` of the rows of `table` matching `where` as the database stores them, drizzle's
 * decoding skipped (JSON stays its text, an instant its number, NULL null), keyed by their SQL
 * names: for tests of what is written, not of what the app reads back.
 */
export function storedRows(store: Pick<Store, 'db'>, table: SQLiteTable, columns: readonly SQLiteColumn[], where?: SQL, orderBy?: SQLiteColumn): Array<Record<string, unknown>> {
  const fields = Object.fromEntries(columns.map((column) => [column.name, sql`${column}`]));
  const query = store.db.select(fields).from(table).where(where).$dynamic();
  return (orderBy ? query.orderBy(orderBy) : query).all();
}

/** The person the first identity with this external id (on any platform) belongs to; throws when there is none. */
export function personIdOf(store: Pick<Store, 'db'>, externalId: string): number {
  const row = store.db.select({ id: identities.personId }).from(identities).where(eq(identities.externalId, externalId)).get();
  if (!row) throw new Error(`no identity with the external id ${externalId}`);
  return row.id;
}

/** Whether the person behind the first identity with this handle is stored as staff (undefined: no such identity). */
export function storedStaffFlag(store: Pick<Store, 'db'>, handle: string): boolean | undefined {
  return store.db.select({ isStaff: people.isStaff }).from(people).innerJoin(identities, eq(identities.personId, people.id)).where(eq(identities.handle, handle)).all()[0]?.isStaff;
}

/** Whether the store's connection is inside a transaction now (SQLite: the connection's autocommit is off). */
export function inTransaction(store: Pick<Store, 'sqlite'>): boolean {
  return rawSqlite(store).inTransaction;
}

/**
 * Takes the database's write lock on `store`'s connection, as another writer (a backup, a shell, a
 * script) would, until `release()` (SQLite: BEGIN IMMEDIATE, then ROLLBACK of the empty transaction).
 */
export function holdWriteLock(store: Pick<Store, 'sqlite'>): () => void {
  const sqlite = rawSqlite(store);
  sqlite.exec('BEGIN IMMEDIATE');
  let held = true;
  return () => {
    if (!held) return;
    held = false;
    sqlite.exec('ROLLBACK');
  };
}

/** How many rows the store's connection has inserted, updated or deleted since it opened (SQLite: total_changes()). */
export function rowsChanged(store: Pick<Store, 'sqlite'>): number {
  return (rawSqlite(store).prepare('SELECT total_changes() AS n').get() as { n: number }).n;
}
