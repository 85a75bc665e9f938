/**
 * The tables `deskops copy-db` copies: every table of the SQLite schema (schema.ts) paired with its
 * PostgreSQL twin (pg/schema.ts) by SQL name, ordered so a table comes after the tables its foreign
 * keys point at, and read a page at a time in primary-key order through each engine's drizzle
 * columns, so values arrive decoded as the app reads them (instants as Dates, JSON parsed,
 * booleans as booleans, blobs as Buffers).
 */
import { getTableColumns, gt, is, Param, sql, type Column, type SQL } from 'drizzle-orm';
import { getTableConfig as getPgTableConfig, PgTable, type PgColumn } from 'drizzle-orm/pg-core';
import { getTableConfig as getSqliteTableConfig, SQLiteTable, type SQLiteColumn } from 'drizzle-orm/sqlite-core';
import * as pgSchema from './pg/schema.js';
import { all, type PgDb } from './pg/session.js';
import * as sqliteSchema from './schema.js';
import type { Db } from './sqlite/handles.js';

/** A row keyed by SQL column name, values decoded by the columns. */
export type NamedRow = Record<string, unknown>;

/** One table on both engines. */
export interface TablePair {
  /** The SQL name, the same on both. */
  name: string;
  sqliteTable: SQLiteTable;
  pgTable: PgTable;
  /** SQL column names, in the SQLite schema's order. */
  columns: string[];
  /** The primary key's SQL column names, in key order. */
  primaryKey: string[];
  /** The column PostgreSQL numbers (an identity), if any: its sequence must continue after the copied rows. */
  identityColumn: string | undefined;
}

function tablesOf<T>(schema: Record<string, unknown>, kind: new (...args: never[]) => T): T[] {
  return Object.values(schema).filter((value): value is T => is(value, kind as never));
}

function sqlitePrimaryKey(table: SQLiteTable): string[] {
  const config = getSqliteTableConfig(table);
  const composite = config.primaryKeys[0];
  if (composite) return composite.columns.map((column) => column.name);
  return config.columns.filter((column) => column.primary).map((column) => column.name);
}

function pgPrimaryKey(table: PgTable): string[] {
  const config = getPgTableConfig(table);
  const composite = config.primaryKeys[0];
  if (composite) return composite.columns.map((column) => column.name);
  return config.columns.filter((column) => column.primary).map((column) => column.name);
}

/** The tables the foreign keys of `table` point at (itself excluded). */
function referencedTables(table: SQLiteTable): string[] {
  const own = getSqliteTableConfig(table).name;
  return getSqliteTableConfig(table)
    .foreignKeys.map((key) => getSqliteTableConfig(key.reference().foreignTable).name)
    .filter((name) => name !== own);
}

/** `pairs` ordered so each comes after every table it references (PostgreSQL checks a foreign key per statement). */
function inReferenceOrder(pairs: readonly TablePair[]): TablePair[] {
  const byName = new Map(pairs.map((pair) => [pair.name, pair]));
  const ordered: TablePair[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (pair: TablePair, path: string[]) => {
    if (state.get(pair.name) === 'done') return;
    if (state.get(pair.name) === 'visiting') throw new Error(`the schema's foreign keys form a cycle (${[...path, pair.name].join(' -> ')}): no insert order satisfies them`);
    state.set(pair.name, 'visiting');
    for (const name of referencedTables(pair.sqliteTable)) {
      const referenced = byName.get(name);
      if (!referenced) throw new Error(`${pair.name} references ${name}, which is not in the schema`);
      visit(referenced, [...path, pair.name]);
    }
    state.set(pair.name, 'done');
    ordered.push(pair);
  };
  // Alphabetical first, so the order is the same on every run whatever the schema modules' order.
  for (const pair of [...pairs].sort((a, b) => a.name.localeCompare(b.name))) visit(pair, []);
  return ordered;
}

/**
 * Every table of the schema with its PostgreSQL twin, in an order that satisfies the foreign keys.
 * Throws when the two schemas disagree on tables, columns or keys (the schema tests hold them equal;
 * a copy between different shapes must not start).
 */
export function copiedTables(): TablePair[] {
  const pgByName = new Map(tablesOf(pgSchema, PgTable).map((table) => [getPgTableConfig(table).name, table]));
  const sqliteTables = tablesOf(sqliteSchema, SQLiteTable);
  const pairs = sqliteTables.map((sqliteTable): TablePair => {
    const config = getSqliteTableConfig(sqliteTable);
    const pgTable = pgByName.get(config.name);
    if (!pgTable) throw new Error(`the PostgreSQL schema has no table ${config.name}`);
    const pgConfig = getPgTableConfig(pgTable);
    const columns = config.columns.map((column) => column.name);
    const pgColumns = pgConfig.columns.map((column) => column.name);
    if ([...columns].sort().join() !== [...pgColumns].sort().join()) throw new Error(`${config.name} has columns ${columns.join(', ')} in SQLite but ${pgColumns.join(', ')} in PostgreSQL`);
    const primaryKey = sqlitePrimaryKey(sqliteTable);
    if (primaryKey.length === 0 || primaryKey.join() !== pgPrimaryKey(pgTable).join()) throw new Error(`${config.name} has no primary key, or not the same one on both engines`);
    const identity = pgConfig.columns.filter((column) => column.generatedIdentity !== undefined);
    if (identity.length > 1) throw new Error(`${config.name} has more than one identity column`);
    return { name: config.name, sqliteTable, pgTable, columns, primaryKey, identityColumn: identity[0]?.name };
  });
  const unpaired = [...pgByName.keys()].filter((name) => !pairs.some((pair) => pair.name === name));
  if (unpaired.length > 0) throw new Error(`the SQLite schema has no table ${unpaired.join(', ')}`);
  return inReferenceOrder(pairs);
}

/** A table's columns by SQL name, with the property name drizzle gives each in a row. */
function columnsBySqlName<C extends Column>(table: SQLiteTable | PgTable): Map<string, { key: string; column: C }> {
  return new Map(Object.entries(getTableColumns(table)).map(([key, column]) => [column.name, { key, column: column as C }]));
}

/** Rows after `last` (the previous page's last key) in key order: `(k1, k2) > (v1, v2)`, each value bound through its column. */
function afterKey(keyColumns: readonly Column[], last: readonly unknown[] | undefined): SQL | undefined {
  if (!last) return undefined;
  if (keyColumns.length === 1) return gt(keyColumns[0]!, last[0]);
  return sql`(${sql.join([...keyColumns], sql`, `)}) > (${sql.join(
    keyColumns.map((column, i) => sql`${new Param(last[i], column)}`),
    sql`, `,
  )})`;
}

/** Reads a table one page after another, in primary-key order; each page's rows keyed by SQL name. */
export interface PageReader {
  /** The next page (empty when the table is done). */
  next(): NamedRow[];
}

function pageReader<C extends Column>(
  table: SQLiteTable | PgTable,
  primaryKey: readonly string[],
  pageRows: number,
  select: (where: SQL | undefined, orderBy: C[], limit: number) => Array<Record<string, unknown>>,
): PageReader {
  const columns = columnsBySqlName<C>(table);
  const names = [...columns].map(([name, { key }]) => [name, key] as const);
  const keyColumns = primaryKey.map((name) => columns.get(name)!.column);
  let last: unknown[] | undefined;
  let done = false;
  return {
    next() {
      if (done) return [];
      const rows = select(afterKey(keyColumns, last), keyColumns, pageRows);
      if (rows.length < pageRows) done = true;
      const named = rows.map((row) => {
        const out: NamedRow = {};
        for (const [name, key] of names) out[name] = row[key];
        return out;
      });
      if (named.length > 0) last = primaryKey.map((name) => named.at(-1)![name]);
      return named;
    },
  };
}

/** The SQLite table's rows, a page at a time, decoded by the SQLite schema's columns. */
export function sqlitePages(db: Db, pair: TablePair, pageRows: number): PageReader {
  return pageReader<SQLiteColumn>(pair.sqliteTable, pair.primaryKey, pageRows, (where, orderBy, limit) =>
    db
      .select()
      .from(pair.sqliteTable)
      .where(where)
      .orderBy(...orderBy)
      .limit(limit)
      .all(),
  );
}

/** The PostgreSQL table's rows, a page at a time, decoded by the PostgreSQL schema's columns. */
export function pgPages(db: PgDb, pair: TablePair, pageRows: number): PageReader {
  return pageReader<PgColumn>(pair.pgTable, pair.primaryKey, pageRows, (where, orderBy, limit) =>
    all(
      db
        .select()
        .from(pair.pgTable)
        .where(where)
        .orderBy(...orderBy)
        .limit(limit),
    ),
  );
}

/** A table or column name as a PostgreSQL identifier. */
export function quoted(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** An INSERT of a page of rows into the PostgreSQL table: its text and parameters. */
export interface PgInsert {
  text: string;
  values: unknown[];
}

/**
 * Builds the INSERT of a page of rows (keyed by SQL name) into the PostgreSQL table, each value
 * encoded by its column as drizzle's insert encodes it (mapToDriverValue: an instant to ISO text,
 * JSON to its text; null stays NULL). Written here rather than through drizzle's insert builder,
 * which spent most of the copy's time assembling a statement of thousands of parameters; the SQL
 * text is built once per page size.
 */
export function pgInsertOf(pair: TablePair): (rows: readonly NamedRow[]) => PgInsert {
  const columns = getPgTableConfig(pair.pgTable).columns;
  const head = `INSERT INTO ${quoted(pair.name)} (${columns.map((column) => quoted(column.name)).join(', ')}) VALUES `;
  const texts = new Map<number, string>();
  const textFor = (count: number) => {
    let text = texts.get(count);
    if (text === undefined) {
      const tuples = Array.from({ length: count }, (_, row) => `(${columns.map((_column, i) => `$${row * columns.length + i + 1}`).join(', ')})`);
      text = head + tuples.join(', ');
      texts.set(count, text);
    }
    return text;
  };
  return (rows) => {
    const values: unknown[] = [];
    for (const row of rows) {
      for (const column of columns) {
        const value = row[column.name];
        values.push(value === null || value === undefined ? null : column.mapToDriverValue(value));
      }
    }
    return { text: textFor(rows.length), values };
  };
}
