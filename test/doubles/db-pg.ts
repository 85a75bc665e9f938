/**
 * The PostgreSQL half of test/doubles/db.ts: the same statements, written by tests with the SQLite
 * schema (src/store/schema.ts), run through drizzle's pg builder on the PostgreSQL schema's twin
 * tables (src/store/pg/schema.ts: the same SQL names, the same JS types, a test holds them so).
 * A condition (`eq(tickets.status, 'open')`, `and(…)`, `inArray(…)`) is rebuilt against the twin's
 * columns, its bound values encoded by them (a Date becomes timestamptz, a boolean a boolean).
 * Loaded only on the PostgreSQL run (test-engine.ts).
 */
import { Column, getTableColumns, getTableName, is, Param, SQL, StringChunk, Table, sql, type SQLChunk } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import * as pgSchema from '../../src/store/pg/schema.js';
import { all, run } from '../../src/store/pg/session.js';
import type { PgStore } from '../../src/store/pg/store.js';

const twins = new Map<string, PgTable>(
  (Object.values(pgSchema) as unknown[])
    .filter((value): value is PgTable => is(value, Table))
    .map((table) => [getTableName(table), table]),
);

/** The PostgreSQL table with `table`'s SQL name. */
export function pgTwin(table: SQLiteTable | Table): PgTable {
  const twin = twins.get(getTableName(table));
  if (!twin) throw new Error(`the PostgreSQL schema has no table ${getTableName(table)}`);
  return twin;
}

/** The column of the PostgreSQL twin table with `column`'s SQL name. */
export function pgColumn(column: SQLiteColumn | Column): PgColumn {
  const twin = Object.values(getTableColumns(pgTwin(column.table as Table))).find((candidate) => candidate.name === column.name);
  if (!twin) throw new Error(`the PostgreSQL table ${getTableName(column.table as Table)} has no column ${column.name}`);
  return twin;
}

function chunkOnPg(chunk: SQLChunk): SQLChunk {
  if (Array.isArray(chunk)) return chunk.map(chunkOnPg);
  if (is(chunk, SQL)) return onPg(chunk);
  if (is(chunk, Column)) return pgColumn(chunk);
  if (is(chunk, Table)) return pgTwin(chunk);
  // A value bound for a column (eq, inArray, lt…): encoded as the twin column encodes it.
  if (is(chunk, Param)) return new Param(chunk.value, is(chunk.encoder, Column) ? pgColumn(chunk.encoder) : chunk.encoder);
  if (is(chunk, StringChunk)) return chunk;
  if (chunk === undefined || chunk === null || typeof chunk !== 'object') return chunk;
  throw new Error(`a condition holds something the PostgreSQL run cannot rebuild (${chunk.constructor.name}): write it with the helpers' columns and operators`);
}

/** `condition`, written with the SQLite schema, rebuilt on the PostgreSQL twins of its tables and columns. */
export function onPg(condition: SQL): SQL {
  // The decoder (mapWith) carries over: it reads the value, not the engine.
  const rebuilt = new SQL(condition.queryChunks.map(chunkOnPg)) as SQL & { decoder: unknown };
  rebuilt.decoder = (condition as SQL & { decoder: unknown }).decoder;
  return rebuilt;
}

/** An ORDER BY term (a column, or SQL such as desc(column)) on the PostgreSQL twins. */
export function orderOnPg(term: SQLiteColumn | SQL): PgColumn | SQL {
  return is(term, SQL) ? onPg(term) : pgColumn(term);
}

/**
 * After rows were inserted with their identity values given (a test's fixed ids), moves each
 * identity column's sequence past them, so the app's own next insert does not collide: SQLite's
 * rowid simply continues after the largest.
 */
function resyncIdentities(store: PgStore, table: PgTable, rows: ReadonlyArray<Record<string, unknown>>): void {
  for (const [key, column] of Object.entries(getTableColumns(table))) {
    if (!column.generatedIdentity || !rows.some((row) => row[key] !== undefined && row[key] !== null)) continue;
    const name = getTableName(table);
    store.bridge.query(`SELECT setval(pg_get_serial_sequence($1, $2), (SELECT max("${column.name}") FROM "${name}"))`, [`"${name}"`, column.name]);
  }
}

export function insertPg(store: PgStore, table: SQLiteTable, rows: ReadonlyArray<Record<string, unknown>>, chunk: number): void {
  const twin = pgTwin(table);
  for (let start = 0; start < rows.length; start += chunk) run(store.db.insert(twin).values(rows.slice(start, start + chunk) as never));
  resyncIdentities(store, twin, rows);
}

export function insertReturningPg(store: PgStore, table: SQLiteTable, row: Record<string, unknown>): Record<string, unknown> {
  const twin = pgTwin(table);
  const [stored] = all(store.db.insert(twin).values(row as never).returning());
  resyncIdentities(store, twin, [row]);
  return stored as Record<string, unknown>;
}

export function updatePg(store: PgStore, table: SQLiteTable, values: Record<string, unknown>, where: SQL | undefined): number {
  return run(
    store.db
      .update(pgTwin(table))
      .set(values as never)
      .where(where && onPg(where)),
  ).changes;
}

export function deletePg(store: PgStore, table: SQLiteTable, where: SQL | undefined): number {
  return run(store.db.delete(pgTwin(table)).where(where && onPg(where))).changes;
}

export function selectPg(store: PgStore, table: SQLiteTable, where: SQL | undefined, orderBy: ReadonlyArray<SQLiteColumn | SQL>, limit: number | undefined): Array<Record<string, unknown>> {
  const query = store.db
    .select()
    .from(pgTwin(table))
    .where(where && onPg(where))
    .orderBy(...orderBy.map(orderOnPg))
    .$dynamic();
  return all(limit === undefined ? query : query.limit(limit)) as Array<Record<string, unknown>>;
}

export function selectFieldsPg(store: PgStore, table: SQLiteTable, fields: Record<string, SQLiteColumn>, where: SQL | undefined, orderBy: ReadonlyArray<SQLiteColumn | SQL>): Array<Record<string, unknown>> {
  const onTwin = Object.fromEntries(Object.entries(fields).map(([key, column]) => [key, pgColumn(column)]));
  return all(
    store.db
      .select(onTwin)
      .from(pgTwin(table))
      .where(where && onPg(where))
      .orderBy(...orderBy.map(orderOnPg)),
  ) as Array<Record<string, unknown>>;
}

export function countPg(store: PgStore, table: SQLiteTable, where: SQL | undefined): number {
  const [row] = all(
    store.db
      .select({ n: sql<number>`count(*)::int` })
      .from(pgTwin(table))
      .where(where && onPg(where)),
  );
  return row?.n ?? 0;
}

/** How PostgreSQL is asked for a column "as stored", in the neutral form db.ts's storedRows defines. */
function storedField(column: PgColumn): { field: SQL; decode: (value: unknown) => unknown } {
  switch (column.columnType) {
    case 'PgTimestamp':
      return { field: sql`(extract(epoch from ${column}) * 1000)::float8`, decode: (value) => value };
    case 'PgJsonb':
      // As text, so a stored JSON null ('null') stays apart from SQL NULL; re-serialised compactly, as the app writes it.
      return { field: sql`${column}::text`, decode: (value) => (value === null ? null : JSON.stringify(JSON.parse(value as string))) };
    case 'PgBigInt53':
      return { field: sql`${column}::float8`, decode: (value) => value };
    case 'PgCustomColumn':
      return { field: sql`${column}`, decode: (value) => (value instanceof Uint8Array ? Buffer.from(value.buffer, value.byteOffset, value.byteLength) : value) };
    default:
      return { field: sql`${column}`, decode: (value) => value };
  }
}

export function storedPg(store: PgStore, table: SQLiteTable, columns: readonly SQLiteColumn[], where: SQL | undefined, orderBy: SQLiteColumn | undefined): Array<Record<string, unknown>> {
  const fields = columns.map((column) => ({ name: column.name, ...storedField(pgColumn(column)) }));
  const query = store.db
    .select(Object.fromEntries(fields.map(({ name, field }) => [name, field])))
    .from(pgTwin(table))
    .where(where && onPg(where))
    .$dynamic();
  const rows = all(orderBy ? query.orderBy(pgColumn(orderBy)) : query) as Array<Record<string, unknown>>;
  return rows.map((row) => Object.fromEntries(fields.map(({ name, decode }) => [name, decode(row[name])])));
}

/** Every table of the database's public schema (drizzle's migration log lives in its own schema), by name. */
export function tableNamesPg(store: PgStore): string[] {
  return (store.bridge.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename").rows as Array<{ tablename: string }>).map((row) => row.tablename);
}

/** The rows of `table` as JSON texts (row_to_json: columns by SQL name), in a stable order (their own text's). */
export function tableRowsPg(store: PgStore, table: string): string[] {
  return (store.bridge.query(`SELECT row_to_json(r)::text AS j FROM "${table}" r ORDER BY r::text`).rows as Array<{ j: string }>).map((row) => row.j);
}

/** See db.ts inTransaction. */
export function inTransactionPg(store: PgStore): boolean {
  return (store.bridge.query('SELECT now() <> statement_timestamp() AS inside').rows[0] as { inside: boolean }).inside;
}

/**
 * See db.ts holdWriteLock: PostgreSQL has no database-wide write lock; EXCLUSIVE locks on every table
 * come closest (reads go on, every write waits), taken in a transaction of `store`'s connection.
 */
export function holdWriteLockPg(store: PgStore): () => void {
  store.bridge.query('BEGIN');
  store.bridge.query(`LOCK TABLE ${tableNamesPg(store).map((name) => `"${name}"`).join(', ')} IN EXCLUSIVE MODE`);
  let held = true;
  return () => {
    if (!held) return;
    held = false;
    store.bridge.query('ROLLBACK');
  };
}

/**
 * See db.ts rowsChanged: the rows inserted, updated or deleted in this database, from PostgreSQL's
 * table statistics. A backend reports them when it goes idle, at most once a second unless asked:
 * the first statement asks (pg_stat_force_next_flush) and its end flushes what this connection did
 * before; the second, a transaction of its own, reads them. Only `store`'s connection writes to a
 * test's database, so the counts are its own.
 */
export function rowsChangedPg(store: PgStore): number {
  store.bridge.query('SELECT pg_stat_force_next_flush()');
  const [row] = store.bridge.query('SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0)::float8 AS n FROM pg_stat_user_tables').rows as Array<{ n: number }>;
  return row?.n ?? 0;
}
