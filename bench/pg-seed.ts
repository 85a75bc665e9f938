/**
 * The benchmarks' PostgreSQL data: the seeded SQLite file (bench/seed.ts) copied row for row into a
 * migrated PostgreSQL database, so deskops on either engine meets the same tickets, people, clocks
 * and outbox. Every table both schemas have is emptied and filled from the file (SQLite's search
 * index is its own table; PostgreSQL's is an index on the tickets and comments, rebuilt here). Values
 * change type as the schemas say: SQLite's millisecond integers become timestamptz, 0/1 booleans,
 * JSON text jsonb, blobs bytea. Secondary indexes are dropped for the load and made again from their own
 * definitions, foreign keys are not checked during it (session_replication_role = replica), and
 * the identity sequences continue after the copied ids, as after a real history.
 */
import Database from 'better-sqlite3';
import pg from 'pg';

/** Rows per INSERT … SELECT FROM json_populate_recordset. */
const BATCH = 5_000;

interface Column {
  name: string;
  type: string;
  identity: boolean;
}

type Convert = (value: unknown) => unknown;

/** SQLite's stored value as PostgreSQL's column type wants it, in JSON. */
function converter(column: Column): Convert {
  switch (column.type) {
    case 'timestamp with time zone':
      return (value) => (typeof value === 'number' ? new Date(value).toISOString() : value);
    case 'boolean':
      return (value) => (value === null ? null : value === 1 || value === true);
    case 'jsonb':
    case 'json':
      return (value) => (typeof value === 'string' ? JSON.parse(value) : value);
    case 'bytea':
      // bytea's text form: \x and the hex digits.
      return (value) => (Buffer.isBuffer(value) ? `\\x${value.toString('hex')}` : value);
    case 'integer':
    case 'bigint':
    case 'text':
    case 'double precision':
    case 'real':
    case 'numeric':
      return (value) => value;
    default:
      throw new Error(`pg-seed: no conversion from SQLite for ${column.name} ${column.type}`);
  }
}

export interface PgCopyFigures {
  rows: number;
  seconds: number;
}

/** Empties the migrated database at `url` and fills it from the SQLite file at `sqlitePath`. */
export async function copySqliteIntoPostgres(sqlitePath: string, url: string, log: (line: string) => void = () => {}): Promise<PgCopyFigures> {
  const started = performance.now();
  const sqlite = new Database(sqlitePath, { readonly: true });
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  let rows = 0;
  try {
    const columns = (
      await client.query<{ table_name: string; column_name: string; data_type: string; is_identity: string }>(
        `SELECT table_name, column_name, data_type, is_identity FROM information_schema.columns
          WHERE table_schema = 'public' AND table_name IN (SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE')
          ORDER BY table_name, ordinal_position`,
      )
    ).rows;
    const pgTables = new Map<string, Column[]>();
    for (const c of columns) pgTables.set(c.table_name, [...(pgTables.get(c.table_name) ?? []), { name: c.column_name, type: c.data_type, identity: c.is_identity === 'YES' }]);
    const sqliteTables = new Set((sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((t) => t.name));
    const tables = [...pgTables.keys()].filter((t) => sqliteTables.has(t));
    const quote = (name: string) => client.escapeIdentifier(name);

    // Indexes that back no constraint: dropped for the load, made again after it from their definitions.
    const indexes = (
      await client.query<{ name: string; definition: string }>(
        `SELECT i.indexname AS name, i.indexdef AS definition FROM pg_indexes i
          WHERE i.schemaname = 'public' AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`,
      )
    ).rows;
    await client.query('BEGIN');
    await client.query('SET LOCAL session_replication_role = replica');
    await client.query(`TRUNCATE ${[...pgTables.keys()].map(quote).join(', ')} RESTART IDENTITY`);
    for (const index of indexes) await client.query(`DROP INDEX ${quote(index.name)}`);
    for (const table of tables) {
      const sqliteColumns = new Set((sqlite.prepare(`SELECT name FROM pragma_table_info(?)`).all(table) as { name: string }[]).map((c) => c.name));
      const shared = pgTables.get(table)!.filter((c) => sqliteColumns.has(c.name));
      const converters = shared.map(converter);
      const list = shared.map((c) => quote(c.name)).join(', ');
      const insert = `INSERT INTO ${quote(table)} (${list}) SELECT ${list} FROM json_populate_recordset(NULL::${quote(table)}, $1)`;
      let batch: Record<string, unknown>[] = [];
      const flush = async () => {
        if (batch.length === 0) return;
        await client.query(insert, [JSON.stringify(batch)]);
        rows += batch.length;
        batch = [];
      };
      const select = sqlite.prepare(`SELECT ${shared.map((c) => `"${c.name}"`).join(', ')} FROM "${table}"`).raw();
      for (const row of select.iterate() as Iterable<unknown[]>) {
        const record: Record<string, unknown> = {};
        shared.forEach((c, i) => (record[c.name] = converters[i]!(row[i])));
        batch.push(record);
        if (batch.length >= BATCH) await flush();
      }
      await flush();
    }
    log(`  copied ${rows.toLocaleString('en-US')} rows of ${tables.length} tables; building ${indexes.length} indexes`);
    for (const index of indexes) await client.query(index.definition);
    for (const [table, tableColumns] of pgTables) {
      for (const column of tableColumns.filter((c) => c.identity)) {
        await client.query(`SELECT setval(pg_get_serial_sequence($1, $2), coalesce((SELECT max(${quote(column.name)}) FROM ${quote(table)}), 0) + 1, false)`, [quote(table), column.name]);
      }
    }
    await client.query('COMMIT');
    // Every table holds what the file holds, or the benches would measure other data.
    for (const table of tables) {
      const want = (sqlite.prepare(`SELECT count(*) AS n FROM "${table}"`).get() as { n: number }).n;
      const have = Number((await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${quote(table)}`)).rows[0]!.n);
      if (have !== want) throw new Error(`pg-seed: ${table} has ${have} rows in PostgreSQL, ${want} in ${sqlitePath}`);
    }
    await client.query('ANALYZE');
    return { rows, seconds: (performance.now() - started) / 1000 };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
    sqlite.close();
  }
}
