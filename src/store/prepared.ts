/**
 * Queries built and prepared once per store, for the hot paths (creating a ticket, reading a
 * card). drizzle's builder walks the query tree and renders its SQL on every call, which cost
 * more than SQLite's own work; a prepared query only binds its `sql.placeholder` values.
 */
import type Database from 'better-sqlite3';
import { getTableColumns, getTableName, sql, type InferSelectModel, type SQL, type Table } from 'drizzle-orm';
import type { SqliteHandles } from './sqlite/handles.js';

/**
 * `build` runs once per store, on first use; later calls return the same prepared query.
 *
 * ```ts
 * const ticketById = preparedQuery((db) => db.select().from(tickets).where(eq(tickets.id, sql.placeholder('id'))).prepare());
 * ticketById(ctx.store).get({ id: 42 });
 * ```
 */
export function preparedQuery<Q>(build: (db: SqliteHandles['db']) => Q): (store: Pick<SqliteHandles, 'db'>) => Q {
  const byDb = new WeakMap<SqliteHandles['db'], Q>();
  return (store) => {
    let query = byDb.get(store.db);
    if (query === undefined) {
      query = build(store.db);
      byDb.set(store.db, query);
    }
    return query;
  };
}

/**
 * A placeholder bound exactly as given. In insert values and `set`, drizzle wraps a plain
 * `sql.placeholder` in its column's encoder, which breaks on null (an instant calls
 * `null.getTime()`, a JSON column stores the text "null"); this one skips the encoder, so the
 * caller passes what the column stores: `instantValue` and `jsonValue` below, strings, numbers.
 */
export function bound(name: string): SQL {
  return sql`${sql.placeholder(name)}`;
}

/** An instant as stored (UTC milliseconds), null kept. */
export function instantValue(at: Date | null | undefined): number | null {
  return at ? at.getTime() : null;
}

/** A JSON column's value as stored: null (and undefined) as SQL NULL, as drizzle's builder does. */
export function jsonValue(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}

/**
 * A better-sqlite3 statement prepared once per store, for the reads that run on every command:
 * drizzle's prepared queries still cost about as much again as SQLite's own work per row
 * (placeholder filling and a generic row mapper), a plain statement and `rowReader` do not.
 * Write the SQL in capitals: drizzle writes lower case, so a statement never shares its text (and
 * with it the compiled statement and its raw mode) with one of drizzle's. Set the mode on every
 * call (`raw(true)` with `rowReader`, `raw(false)` for objects) and leave `pluck` alone: the
 * store's statement cache resets only the raw mode when it hands a statement out again.
 */
export function preparedStatement(source: string): (store: Pick<SqliteHandles, 'sqlite'>) => Database.Statement {
  const byDb = new WeakMap<Database.Database, Database.Statement>();
  return (store) => {
    let statement = byDb.get(store.sqlite);
    if (statement === undefined) {
      statement = store.sqlite.prepare(source);
      byDb.set(store.sqlite, statement);
    }
    return statement;
  };
}

/** Reads whole rows of one table from a raw statement, decoded as drizzle's `select()` would. */
export interface RowReader<T> {
  /** The column list for the SELECT (optionally qualified), in the order `decode` expects. */
  readonly columns: string;
  /** One row fetched in raw mode (`statement.raw(true)`), as the typed row. */
  decode(row: readonly unknown[]): T;
}

export function rowReader<T extends Table>(table: T, qualifier?: string): RowReader<InferSelectModel<T>> {
  const entries = Object.entries(getTableColumns(table));
  const prefix = qualifier ? `${qualifier}.` : '';
  return {
    columns: entries.map(([, column]) => `${prefix}"${column.name}"`).join(', '),
    decode(row) {
      const result: Record<string, unknown> = {};
      for (let i = 0; i < entries.length; i++) {
        const [key, column] = entries[i]!;
        const value = row[i];
        result[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
      }
      return result as InferSelectModel<T>;
    },
  };
}

/**
 * Inserts whole rows of one table (every column but the `id` key, which SQLite assigns) through a
 * raw statement, each value encoded by its column as drizzle's builder would. The caller has the
 * complete row, so it needs no RETURNING (which costs about as much as the insert) and no read
 * back: the stored row is `{ id, ...row }`. Returns the new id.
 */
export function rowInserter<T extends Table>(table: T): (store: Pick<SqliteHandles, 'sqlite'>, row: Omit<InferSelectModel<T>, 'id'>) => number {
  const entries = Object.entries(getTableColumns(table)).filter(([key]) => key !== 'id');
  const insert = preparedStatement(
    `INSERT INTO "${getTableName(table)}" (${entries.map(([, column]) => `"${column.name}"`).join(', ')}) VALUES (${entries.map(() => '?').join(', ')})`,
  );
  return (store, row) => {
    const values = entries.map(([key, column]) => {
      const value = (row as Record<string, unknown>)[key];
      return value === null || value === undefined ? null : column.mapToDriverValue(value);
    });
    return Number(insert(store).run(...values).lastInsertRowid);
  };
}
