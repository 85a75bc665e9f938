/**
 * What tests ask of or do to the database directly, beside the engine port and the app's own
 * functions: seed rows, change or remove them as a crash or another process would, read what is
 * stored. On either engine: a test names tables, columns and conditions with the SQLite schema
 * (src/store/schema.ts) and drizzle's operators (`eq(tickets.status, 'open')`, `and`, `inArray`…);
 * on SQLite they run through drizzle's SQLite builder, on PostgreSQL the same statement runs on the
 * twin tables of src/store/pg/schema.ts, the condition rebuilt on their columns (db-pg.ts). A
 * condition may use only columns, tables and bound values, no engine's own SQL functions.
 * The few helpers that need more than the builder (the write lock, the transaction state, the
 * change counter) run each engine's own SQL and say what each does. Tests about SQLite itself use test/doubles/sqlite.ts.
 */
import { eq, sql, type GetColumnData, type InferInsertModel, type InferSelectModel, type SQL } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Config } from '../../src/config.js';
import { isSqliteStore, openStore, type Store } from '../../src/store/database.js';
import type { PgStore } from '../../src/store/pg/store.js';
import type { Storage } from '../../src/store/storage.js';
import { identities, people } from '../../src/store/schema.js';
import { rawSqlite } from './sqlite.js';
import { pgDbCode, pgStoreCode } from './test-engine.js';

/** Rows per INSERT: well under SQLite's limit of bound values per statement. */
const INSERT_CHUNK = 500;

type Engine = { lite: Store; pg?: undefined } | { lite?: undefined; pg: PgStore };

/** Which engine `store` is, with its handles. */
function engineOf(store: Storage): Engine {
  if (isSqliteStore(store)) return { lite: store };
  if ('bridge' in store && 'db' in store) return { pg: store as PgStore };
  throw new Error('test/doubles/db.ts works on the SQLite and the PostgreSQL store; this store is neither');
}

/** Inserts `rows` into `table` as they are (no use case runs), in one transaction. */
export function insertRows<T extends SQLiteTable>(store: Storage, table: T, rows: ReadonlyArray<InferInsertModel<T>>): void {
  const engine = engineOf(store);
  store.transaction(() => {
    if (engine.pg) return pgDbCode().insertPg(engine.pg, table, rows as ReadonlyArray<Record<string, unknown>>, INSERT_CHUNK);
    for (let start = 0; start < rows.length; start += INSERT_CHUNK) {
      engine.lite.db
        .insert(table)
        .values(rows.slice(start, start + INSERT_CHUNK) as never)
        .run();
    }
  });
}

/** Inserts one row as it is and returns it as stored (its generated id, its defaults). */
export function insertRow<T extends SQLiteTable>(store: Storage, table: T, row: InferInsertModel<T>): InferSelectModel<T> {
  const engine = engineOf(store);
  if (engine.pg) return pgDbCode().insertReturningPg(engine.pg, table, row as Record<string, unknown>) as InferSelectModel<T>;
  return engine.lite.db
    .insert(table)
    .values(row as never)
    .returning()
    .get() as InferSelectModel<T>;
}

/** Sets `values` on the rows of `table` that match `where` (every row without it), as a crash or a script would leave them; how many it changed. */
export function updateRows<T extends SQLiteTable>(store: Storage, table: T, values: Partial<InferInsertModel<T>>, where?: SQL): number {
  const engine = engineOf(store);
  if (engine.pg) return pgDbCode().updatePg(engine.pg, table, values as Record<string, unknown>, where);
  return engine.lite.db
    .update(table)
    .set(values as never)
    .where(where)
    .run().changes;
}

/** Deletes the rows of `table` that match `where` (every row without it); how many it deleted. */
export function deleteRows(store: Storage, table: SQLiteTable, where?: SQL): number {
  const engine = engineOf(store);
  if (engine.pg) return pgDbCode().deletePg(engine.pg, table, where);
  return engine.lite.db.delete(table).where(where).run().changes;
}

/** How the rows of selectRows are ordered: a column, or SQL over columns such as desc(column). */
type Order = SQLiteColumn | SQL;

/**
 * The rows of `table` matching `where` (every row without it), read back as the app reads them
 * (drizzle decodes them: Dates, parsed JSON, booleans), in `orderBy` order (the rowid's, as SQLite
 * returns them, when not given: the primary key on PostgreSQL, which has no order of its own).
 */
export function selectRows<T extends SQLiteTable>(store: Storage, table: T, where?: SQL, orderBy: Order | readonly Order[] = [], limit?: number): Array<InferSelectModel<T>> {
  const engine = engineOf(store);
  const order = Array.isArray(orderBy) ? (orderBy as readonly Order[]) : [orderBy as Order];
  if (engine.pg) {
    const byKey = order.length > 0 ? order : primaryKeyOrder(table);
    return pgDbCode().selectPg(engine.pg, table, where, byKey, limit) as Array<InferSelectModel<T>>;
  }
  const query = engine.lite.db.select().from(table).where(where).orderBy(...order).$dynamic();
  return (limit === undefined ? query : query.limit(limit)).all() as Array<InferSelectModel<T>>;
}

/** The first row selectRows would return, or undefined. */
export function selectRow<T extends SQLiteTable>(store: Storage, table: T, where?: SQL, orderBy: Order | readonly Order[] = []): InferSelectModel<T> | undefined {
  return selectRows(store, table, where, orderBy, 1)[0];
}

/** The values of some columns of one table, keyed as the caller names them. */
type Fields = Record<string, SQLiteColumn>;
type FieldValues<F extends Fields> = { [K in keyof F]: GetColumnData<F[K]> };

/** `fields` (columns of `table`) of the rows selectRows would return, read back as the app reads them. */
export function selectFields<F extends Fields>(store: Storage, table: SQLiteTable, fields: F, where?: SQL, orderBy: Order | readonly Order[] = []): Array<FieldValues<F>> {
  const engine = engineOf(store);
  const order = Array.isArray(orderBy) ? (orderBy as readonly Order[]) : [orderBy as Order];
  if (engine.pg) return pgDbCode().selectFieldsPg(engine.pg, table, fields, where, order.length > 0 ? order : primaryKeyOrder(table)) as Array<FieldValues<F>>;
  return engine.lite.db
    .select(fields as Record<string, SQLiteColumn>)
    .from(table)
    .where(where)
    .orderBy(...order)
    .all() as Array<FieldValues<F>>;
}

/** How many rows of `table` match `where` (every row without it). */
export function countRows(store: Storage, table: SQLiteTable, where?: SQL): number {
  const engine = engineOf(store);
  if (engine.pg) return pgDbCode().countPg(engine.pg, table, where);
  return (
    engine.lite.db
      .select({ n: sql<number>`count(*)` })
      .from(table)
      .where(where)
      .get()?.n ?? 0
  );
}

/** The single-column primary key of `table` (SQLite returns a table's rows in rowid order), for a stable order on PostgreSQL. */
function primaryKeyOrder(table: SQLiteTable): Order[] {
  const columns = Object.values(table as unknown as Record<string, unknown>).filter((value): value is SQLiteColumn => typeof value === 'object' && value !== null && 'primary' in value && (value as SQLiteColumn).primary);
  return columns.slice(0, 1);
}

/**
 * The `columns` of the rows of `table` matching `where` as the database stores them, keyed by
 * their SQL names, drizzle's decoding skipped: for tests of what is written, not of what the app
 * reads back. The same neutral form on both engines: an instant is its UTC milliseconds (a
 * number), JSON its compact text (SQLite's as stored; PostgreSQL's jsonb re-serialised, so a JSON
 * null is the text 'null' and SQL NULL is null on both, but jsonb keeps no key order: compare
 * objects of more than one key parsed), a boolean true or false (SQLite stores 1 or 0), NULL null.
 */
export function storedRows(store: Storage, table: SQLiteTable, columns: readonly SQLiteColumn[], where?: SQL, orderBy?: SQLiteColumn): Array<Record<string, unknown>> {
  const engine = engineOf(store);
  if (engine.pg) return pgDbCode().storedPg(engine.pg, table, columns, where, orderBy);
  const fields = Object.fromEntries(columns.map((column) => [column.name, sql`${column}`]));
  const query = engine.lite.db.select(fields).from(table).where(where).$dynamic();
  const rows = (orderBy ? query.orderBy(orderBy) : query).all() as Array<Record<string, unknown>>;
  const booleans = columns.filter((column) => column.columnType === 'SQLiteBoolean').map((column) => column.name);
  if (booleans.length === 0) return rows;
  return rows.map((row) => ({ ...row, ...Object.fromEntries(booleans.map((name) => [name, row[name] === 1 ? true : row[name] === 0 ? false : row[name]])) }));
}

/** The person the first identity with this external id (on any platform) belongs to; throws when there is none. */
export function personIdOf(store: Storage, externalId: string): number {
  const row = selectRow(store, identities, eq(identities.externalId, externalId));
  if (!row) throw new Error(`no identity with the external id ${externalId}`);
  return row.personId;
}

/** Whether the person behind the first identity with this handle is stored as staff (undefined: no such identity). */
export function storedStaffFlag(store: Storage, handle: string): boolean | undefined {
  const identity = selectRow(store, identities, eq(identities.handle, handle));
  return identity && selectRow(store, people, eq(people.id, identity.personId))?.isStaff;
}

/**
 * Whether the store's connection is inside a transaction now. SQLite: the connection's autocommit is
 * off. PostgreSQL: the transaction's start (now()) is not this statement's, which it is exactly for a
 * statement run on its own; inside a transaction a bridge round trip at least lies between them.
 */
export function inTransaction(store: Storage): boolean {
  const engine = engineOf(store);
  if (engine.pg) return pgDbCode().inTransactionPg(engine.pg);
  return rawSqlite(engine.lite).inTransaction;
}

/**
 * What the database's own checks find wrong, none when healthy. SQLite: integrity_check of the file
 * and foreign_key_check (SQLite checks foreign keys per connection, as a pragma turns it on).
 * PostgreSQL checks every foreign key as each statement runs and has no check of its files to ask
 * for: a violation would have failed the statement that made it, so there is nothing left to find.
 */
export function databaseProblems(store: Storage): string[] {
  const engine = engineOf(store);
  if (engine.pg) return [];
  const sqlite = rawSqlite(engine.lite);
  const integrity = (sqlite.pragma('integrity_check') as Array<{ integrity_check: string }>).map((row) => row.integrity_check).filter((line) => line !== 'ok');
  const foreignKeys = (sqlite.pragma('foreign_key_check') as Array<Record<string, unknown>>).map((row) => `foreign key: ${JSON.stringify(row)}`);
  return [...integrity, ...foreignKeys];
}

/**
 * Takes the database's write lock on `store`'s connection, as another writer (a backup, a shell, a
 * script) would, until `release()` (SQLite: BEGIN IMMEDIATE, then ROLLBACK of the empty transaction;
 * PostgreSQL: an EXCLUSIVE lock on every table, which lets reads through and makes writes wait).
 */
export function holdWriteLock(store: Storage): () => void {
  const engine = engineOf(store);
  if (engine.pg) return pgDbCode().holdWriteLockPg(engine.pg);
  const sqlite = rawSqlite(engine.lite);
  sqlite.exec('BEGIN IMMEDIATE');
  let held = true;
  return () => {
    if (!held) return;
    held = false;
    sqlite.exec('ROLLBACK');
  };
}

/**
 * A connection of the test's own to the database `config` names (the SQLite file at DESKOPS_DB, or
 * the PostgreSQL database at DESKOPS_DATABASE_URL), as another process would open it; the caller
 * closes it. `migrate`: bring a new SQLite file to the schema first (a test's PostgreSQL database
 * is a copy of the migrated template already).
 */
export function connectTo(config: Pick<Config, 'dbPath' | 'databaseUrl'>, options: { migrate?: boolean } = {}): Storage {
  return config.databaseUrl ? pgStoreCode().connectPgStore(config.databaseUrl) : openStore(config.dbPath, { migrate: options.migrate ?? false });
}

/** Another writer on a deskops' database: see lockedByAnotherWriter. */
export interface AnotherWriter {
  /** Ends its transaction (the lock goes) and closes its connection; twice is once. */
  release(): void;
}

/**
 * Another writer (a backup, a shell, a script) holding the write lock of the database `config`
 * names, through a connection of its own, until `release()`: holdWriteLock on a second store,
 * opened on the SQLite file (DESKOPS_DB) or the PostgreSQL database (DESKOPS_DATABASE_URL) as
 * another process would open it.
 */
export function lockedByAnotherWriter(config: Pick<Config, 'dbPath' | 'databaseUrl'>): AnotherWriter {
  const other = connectTo(config);
  let unlock: () => void;
  try {
    unlock = holdWriteLock(other);
  } catch (error) {
    other.close();
    throw error;
  }
  let held = true;
  return {
    release() {
      if (!held) return;
      held = false;
      try {
        unlock();
      } finally {
        other.close();
      }
    },
  };
}

/**
 * How many rows have been inserted, updated or deleted, a counter to compare before and after (SQLite:
 * total_changes() of the store's connection; PostgreSQL: the database's table statistics, db-pg.ts).
 */
export function rowsChanged(store: Storage): number {
  const engine = engineOf(store);
  if (engine.pg) return pgDbCode().rowsChangedPg(engine.pg);
  return (rawSqlite(engine.lite).prepare('SELECT total_changes() AS n').get() as { n: number }).n;
}
