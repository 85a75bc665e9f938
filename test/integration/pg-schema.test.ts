/**
 * The PostgreSQL schema (src/store/pg/schema.ts, migrations/pg) is the SQLite one's: the two drizzle
 * schemas declare the same tables, columns, keys, indexes and defaults; the database the pg
 * migrations build is what the pg schema declares (read back from PostgreSQL's catalogs); the
 * migrations seed the same rows SQLite's do; and applying them twice changes nothing. Each side
 * is compared with the other, so neither can drift alone. On the embedded PostgreSQL of
 * test/doubles/postgres.ts (or DESKOPS_TEST_PG_URL).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getTableColumns, is, SQL } from 'drizzle-orm';
import { getTableConfig as getPgTableConfig, PgDialect, PgTable, type PgColumn } from 'drizzle-orm/pg-core';
import { getTableConfig as getSqliteTableConfig, SQLiteSyncDialect, SQLiteTable } from 'drizzle-orm/sqlite-core';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS_FOLDER, openStore } from '../../src/store/database.js';
import { readJournal } from '../../src/store/migrations.js';

/** The PostgreSQL migrations drizzle-kit journaled, in order. */
function pgJournalTags(): string[] {
  return (JSON.parse(readFileSync(join(PG_MIGRATIONS_FOLDER, 'meta/_journal.json'), 'utf8')) as { entries: Array<{ tag: string }> }).entries.map((entry) => entry.tag);
}
import { migratePostgres, PG_MIGRATIONS_FOLDER } from '../../src/store/pg/migrate.js';
import * as pgSchema from '../../src/store/pg/schema.js';
import * as sqliteSchema from '../../src/store/schema.js';
import { storedRows } from '../doubles/db.js';
import { usePostgres } from '../doubles/postgres.js';

const postgres = usePostgres();

/**
 * Indexes only the PostgreSQL schema has, each with what stands for it in SQLite. Everything else
 * must match one to one.
 */
const PG_ONLY_INDEXES: Record<string, string> = {
  tickets_search: "full-text search over tickets: SQLite's FTS5 table search_docs, kept by triggers (migrations/0008_search_index.sql)",
  comments_search: "full-text search over comments: SQLite's FTS5 table search_docs, kept by triggers (migrations/0008_search_index.sql)",
};

/**
 * Tables the PostgreSQL migrations make that neither drizzle schema declares: the engine's own
 * machinery, which no repository reads or writes as data.
 */
const PG_INFRASTRUCTURE_TABLES: Record<string, string> = {
  deskops_table_versions: "versions of the watched tables, moved by triggers, for PgStore.tableVersion (SQLite's are temporary triggers of each connection)",
};

/** A table's shape as both engines can state it: by SQL names, order kept where it matters (key and index columns). */
interface TableShape {
  /** SQL name -> nullable. */
  columns: Record<string, { nullable: boolean }>;
  primaryKey: string[];
  /** Index or unique constraint name -> its columns (or expressions), unique flag and partial condition. */
  indexes: Record<string, { columns: string[]; unique: boolean; where: string | null }>;
  /** "columns -> table(columns) on update/delete", sorted. */
  foreignKeys: string[];
}

/** What the two drizzle schemas declare beyond the database's shape: defaults, and which keys the database assigns. */
interface ColumnDeclaration {
  default: unknown;
  assignedWhenOmitted: boolean;
}

const sqliteTables = Object.values(sqliteSchema as Record<string, unknown>).filter((value): value is SQLiteTable => is(value, SQLiteTable));
const pgTables = Object.values(pgSchema as Record<string, unknown>).filter((value): value is PgTable => is(value, PgTable));
const sqliteDialect = new SQLiteSyncDialect();
const pgDialect = new PgDialect();

function byName<T extends { name: string }>(items: readonly T[]): Map<string, T> {
  return new Map(items.map((item) => [item.name, item]));
}

function sqliteShape(table: SQLiteTable): TableShape & { declarations: Record<string, ColumnDeclaration> } {
  const config = getSqliteTableConfig(table);
  const shape: TableShape & { declarations: Record<string, ColumnDeclaration> } = { columns: {}, primaryKey: [], indexes: {}, foreignKeys: [], declarations: {} };
  for (const column of config.columns) {
    shape.columns[column.name] = { nullable: !column.notNull };
    // An INTEGER PRIMARY KEY is SQLite's rowid: assigned when an insert leaves it out, AUTOINCREMENT or not.
    shape.declarations[column.name] = { default: column.default, assignedWhenOmitted: column.primary && column.getSQLType() === 'integer' };
    if (column.primary) shape.primaryKey = [column.name];
    if (column.isUnique) shape.indexes[column.uniqueName!] = { columns: [column.name], unique: true, where: null };
  }
  for (const key of config.primaryKeys) shape.primaryKey = key.columns.map((column) => column.name);
  for (const index of config.indexes) {
    const { name, columns, unique, where } = index.config;
    shape.indexes[name] = { columns: columns.map((column) => (is(column, SQL) ? sqliteDialect.sqlToQuery(column).sql : column.name)), unique, where: where ? sqliteDialect.sqlToQuery(where).sql : null };
  }
  for (const unique of config.uniqueConstraints) shape.indexes[unique.getName()!] = { columns: unique.columns.map((column) => column.name), unique: true, where: null };
  shape.foreignKeys = config.foreignKeys.map((key) => foreignKeyText(key.reference(), key.onUpdate, key.onDelete)).sort();
  return shape;
}

function pgShape(table: PgTable): TableShape & { declarations: Record<string, ColumnDeclaration>; types: Record<string, string> } {
  const config = getPgTableConfig(table);
  const shape: TableShape & { declarations: Record<string, ColumnDeclaration>; types: Record<string, string> } = { columns: {}, primaryKey: [], indexes: {}, foreignKeys: [], declarations: {}, types: {} };
  for (const column of config.columns) {
    shape.columns[column.name] = { nullable: !column.notNull };
    shape.declarations[column.name] = { default: column.default, assignedWhenOmitted: column.generatedIdentity !== undefined };
    shape.types[column.name] = sqlType(column.getSQLType());
    if (column.primary) shape.primaryKey = [column.name];
    if (column.isUnique) shape.indexes[column.uniqueName!] = { columns: [column.name], unique: true, where: null };
  }
  for (const key of config.primaryKeys) shape.primaryKey = key.columns.map((column) => column.name);
  for (const index of config.indexes) {
    const { name, columns, unique, where } = index.config;
    shape.indexes[name!] = {
      columns: columns.map((column) => (is(column, SQL) ? pgDialect.sqlToQuery(column).sql : (column as PgColumn).name)),
      unique,
      where: where ? pgDialect.sqlToQuery(where).sql : null,
    };
  }
  for (const unique of config.uniqueConstraints) shape.indexes[unique.getName()!] = { columns: unique.columns.map((column) => column.name), unique: true, where: null };
  shape.foreignKeys = config.foreignKeys.map((key) => foreignKeyText(key.reference(), key.onUpdate, key.onDelete)).sort();
  return shape;
}

function foreignKeyText(reference: { columns: Array<{ name: string }>; foreignColumns: Array<{ name: string; table: unknown }> }, onUpdate: string | undefined, onDelete: string | undefined): string {
  const foreignTable = reference.foreignColumns[0]!.table as SQLiteTable | PgTable;
  const foreignName = is(foreignTable, PgTable) ? getPgTableConfig(foreignTable).name : getSqliteTableConfig(foreignTable as SQLiteTable).name;
  return `${reference.columns.map((c) => c.name).join(',')} -> ${foreignName}(${reference.foreignColumns.map((c) => c.name).join(',')}) on update ${onUpdate ?? 'no action'} on delete ${onDelete ?? 'no action'}`;
}

/** A type as format_type() spells it ("timestamp (3) with time zone" -> "timestamp(3) with time zone"). */
function sqlType(type: string): string {
  return type.replace(/\s+\(/g, '(').replace(/^"|"$/g, '');
}

/** PostgreSQL's own account of the public schema: what its catalogs say the migrations built. */
async function catalogShapes(client: pg.Client): Promise<Map<string, TableShape & { types: Record<string, string> }>> {
  const shapes = new Map<string, TableShape & { types: Record<string, string> }>();
  const shapeOf = (table: string) => {
    let shape = shapes.get(table);
    if (!shape) shapes.set(table, (shape = { columns: {}, primaryKey: [], indexes: {}, foreignKeys: [], types: {} }));
    return shape;
  };
  const tables = await client.query<{ table: string }>(`SELECT table_name AS table FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`);
  for (const { table } of tables.rows) if (!(table in PG_INFRASTRUCTURE_TABLES)) shapeOf(table);
  const columns = await client.query<{ table: string; column: string; nullable: boolean; type: string }>(
    `SELECT c.relname AS table, a.attname AS column, NOT a.attnotnull AS nullable, format_type(a.atttypid, a.atttypmod) AS type
       FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped`,
  );
  for (const row of columns.rows) {
    if (row.table in PG_INFRASTRUCTURE_TABLES) continue;
    shapeOf(row.table).columns[row.column] = { nullable: row.nullable };
    shapeOf(row.table).types[row.column] = row.type;
  }
  const indexes = await client.query<{ table: string; name: string; unique: boolean; primary: boolean; columns: string[]; predicate: string | null }>(
    `SELECT t.relname AS table, i.relname AS name, x.indisunique AS unique, x.indisprimary AS primary,
            array(SELECT pg_get_indexdef(x.indexrelid, k, true) FROM generate_series(1, x.indnatts) k ORDER BY k)::text[] AS columns,
            pg_get_expr(x.indpred, x.indrelid, true) AS predicate
       FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE n.nspname = 'public'`,
  );
  for (const row of indexes.rows) {
    if (row.table in PG_INFRASTRUCTURE_TABLES) continue;
    // pg_get_indexdef quotes names that are keywords and spells '' as ''::text.
    const columns = row.columns.map((column) => column.replace(/^"(.*)"$/, '$1').replaceAll('::text', ''));
    if (row.primary) shapeOf(row.table).primaryKey = columns;
    else shapeOf(row.table).indexes[row.name] = { columns, unique: row.unique, where: row.predicate };
  }
  const keys = await client.query<{ table: string; columns: string[]; foreign_table: string; foreign_columns: string[]; on_update: string; on_delete: string }>(
    `SELECT t.relname AS table, f.relname AS foreign_table,
            array(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY k(num, i) JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num ORDER BY k.i)::text[] AS columns,
            array(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY k(num, i) JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.num ORDER BY k.i)::text[] AS foreign_columns,
            con.confupdtype AS on_update, con.confdeltype AS on_delete
       FROM pg_constraint con JOIN pg_class t ON t.oid = con.conrelid JOIN pg_class f ON f.oid = con.confrelid JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE con.contype = 'f' AND n.nspname = 'public'`,
  );
  const action: Record<string, string> = { a: 'no action', r: 'restrict', c: 'cascade', n: 'set null', d: 'set default' };
  for (const row of keys.rows) {
    if (row.table in PG_INFRASTRUCTURE_TABLES) continue;
    shapeOf(row.table).foreignKeys.push(`${row.columns.join(',')} -> ${row.foreign_table}(${row.foreign_columns.join(',')}) on update ${action[row.on_update]} on delete ${action[row.on_delete]}`);
  }
  for (const shape of shapes.values()) shape.foreignKeys.sort();
  return shapes;
}

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}

/** Every row of every table of the pg schema, by table (rows sorted, so insertion order does not matter). */
async function pgRows(client: pg.Client): Promise<Record<string, unknown[]>> {
  const rows: Record<string, unknown[]> = {};
  for (const table of pgTables) {
    const columns = getTableColumns(table);
    const name = getPgTableConfig(table).name;
    const result = await client.query<Record<string, unknown>>(`SELECT * FROM ${client.escapeIdentifier(name)}`);
    rows[name] = sortRows(result.rows.map((row) => Object.fromEntries(Object.values(columns).map((column) => [column.name, comparable(row[column.name], column.getSQLType())]))));
  }
  return rows;
}

/**
 * A stored value as both engines can state it, by the pg column's type: SQLite keeps instants as
 * milliseconds, booleans as 0/1 and JSON as text, where node-postgres reads a Date, a boolean, a
 * parsed document, and a bigint as a string.
 */
function comparable(value: unknown, pgType: string): unknown {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (pgType === 'bigint') return Number(value);
  if (pgType === 'jsonb') return typeof value === 'string' ? JSON.parse(value) : value;
  return value;
}

function sortRows(rows: Array<Record<string, unknown>>): Array<Record<string, unknown>> {
  return rows.map((row) => ({ row, key: JSON.stringify(row) })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).map(({ row }) => row);
}

describe('the PostgreSQL schema is the SQLite schema', () => {
  it('declares every table with the same columns, keys, indexes, foreign keys and defaults', () => {
    const sqliteByName = byName(sqliteTables.map((table) => ({ name: getSqliteTableConfig(table).name, table })));
    const pgByName = byName(pgTables.map((table) => ({ name: getPgTableConfig(table).name, table })));
    expect([...pgByName.keys()].sort()).toEqual([...sqliteByName.keys()].sort());
    for (const [name, { table }] of sqliteByName) {
      const declaredForSqlite = sqliteShape(table);
      const { types: _types, ...postgresShape } = pgShape(pgByName.get(name)!.table);
      for (const index of Object.keys(PG_ONLY_INDEXES)) delete postgresShape.indexes[index];
      expect(postgresShape, `table ${name}`).toEqual(declaredForSqlite);
    }
  });

  it('names only indexes that exist as PostgreSQL-only ones', () => {
    const declared = pgTables.flatMap((table) => Object.keys(pgShape(table).indexes));
    for (const index of Object.keys(PG_ONLY_INDEXES)) expect(declared).toContain(index);
  });
});

describe('the PostgreSQL migrations', () => {
  it('sit in a folder of their own, which the SQLite journal knows nothing of', () => {
    expect(PG_MIGRATIONS_FOLDER).toBe(join(MIGRATIONS_FOLDER, 'pg'));
    const sqliteFiles = readdirSync(MIGRATIONS_FOLDER).filter((file) => file.endsWith('.sql'));
    expect(readJournal().map((entry) => `${entry.tag}.sql`)).toEqual(sqliteFiles.sort());
    const pgFiles = readdirSync(PG_MIGRATIONS_FOLDER).filter((file) => file.endsWith('.sql'));
    expect(pgJournalTags().map((tag) => `${tag}.sql`)).toEqual(pgFiles.sort());
    expect(pgFiles.slice(0, 3)).toEqual(['0000_search_functions.sql', '0001_init.sql', '0002_seed_taxonomy.sql']);
    expect(sqliteFiles.some((file) => pgFiles.includes(file))).toBe(false);
  });

  it('build what the pg schema declares, and applying them again changes nothing', async () => {
    const url = await postgres.freshDatabase();
    await migratePostgres(url);
    const client = await connect(url);
    try {
      const built = await catalogShapes(client);
      // What the comparison leaves out as infrastructure is there, and named for what it is.
      const infrastructure = await client.query<{ table: string }>(`SELECT table_name AS table FROM information_schema.tables WHERE table_schema = 'public' AND table_name = ANY($1::text[])`, [Object.keys(PG_INFRASTRUCTURE_TABLES)]);
      expect(infrastructure.rows.map((row) => row.table).sort()).toEqual(Object.keys(PG_INFRASTRUCTURE_TABLES).sort());
      const declared = new Map(pgTables.map((table) => [getPgTableConfig(table).name, pgShape(table)]));
      expect([...built.keys()].sort()).toEqual([...declared.keys()].sort());
      for (const [name, shape] of declared) {
        const { declarations: _declarations, ...expected } = shape;
        const actual = built.get(name)!;
        // PostgreSQL normalises a condition as it stores it: compare that there is one, and what it keeps out below.
        const withoutConditions = (indexes: TableShape['indexes']) => Object.fromEntries(Object.entries(indexes).map(([index, { where, ...rest }]) => [index, { ...rest, partial: where !== null }]));
        expect({ ...actual, indexes: withoutConditions(actual.indexes) }, `table ${name}`).toEqual({ ...expected, indexes: withoutConditions(expected.indexes) });
      }
      const activeCondition = built.get('tickets')!.indexes.tickets_active_id!.where!;
      for (const status of ['open', 'pending', 'waiting', 'hold', 'review']) expect(activeCondition).toContain(`'${status}'`);
      expect(activeCondition).not.toContain("'closed'");

      const before = { shapes: [...built.entries()], rows: await pgRows(client), applied: (await client.query('SELECT hash, created_at FROM drizzle.__drizzle_migrations ORDER BY id')).rows };
      await migratePostgres(url);
      const after = { shapes: [...(await catalogShapes(client)).entries()], rows: await pgRows(client), applied: (await client.query('SELECT hash, created_at FROM drizzle.__drizzle_migrations ORDER BY id')).rows };
      expect(after).toEqual(before);
      expect(before.applied).toHaveLength(pgJournalTags().length);
    } finally {
      await client.end();
    }
  });

  it('seed the same rows as the SQLite migrations', async () => {
    const url = await postgres.freshDatabase();
    await migratePostgres(url);
    const client = await connect(url);
    const folder = mkdtempSync(join(tmpdir(), 'deskops-pg-seed-'));
    const store = openStore(join(folder, 'deskops.db'));
    try {
      const sqliteRows: Record<string, unknown[]> = {};
      const pgTypes = new Map(pgTables.map((table) => [getPgTableConfig(table).name, pgShape(table).types]));
      for (const table of sqliteTables) {
        const name = getSqliteTableConfig(table).name;
        const types = pgTypes.get(name)!;
        const rows = storedRows(store, table, Object.values(getTableColumns(table)));
        sqliteRows[name] = sortRows(rows.map((row) => Object.fromEntries(Object.entries(row).map(([column, value]) => [column, comparable(value, types[column]!)]))));
      }
      const seeded = Object.entries(sqliteRows).filter(([, rows]) => rows.length > 0).map(([name]) => name);
      expect(seeded).toEqual(['tags']);
      expect(sqliteRows.tags!.length).toBeGreaterThan(30);
      expect(await pgRows(client)).toEqual(sqliteRows);
    } finally {
      store.close();
      rmSync(folder, { recursive: true, force: true });
      await client.end();
    }
  });
});
