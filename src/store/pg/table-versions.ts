/**
 * `tableVersion` on PostgreSQL: every statement that writes a watched table draws it a new version
 * from a sequence, in a row of deskops_table_versions (statement-level triggers, made by
 * migrations/pg/0004_table_versions.sql). The row is read like any other, so a replica sees
 * another's committed change on its next read, and a transaction sees its own snapshot's version.
 *
 * Inside a transaction that wrote the table, the version returned is the one its write drew, not
 * null as on SQLite: `nextval` is never rolled back and never hands out a number twice, so no other
 * transaction, committed or not, ever has that version. What a cache keeps under it was read after
 * the write, in this transaction: if the transaction commits, that is the committed table; if it
 * rolls back (or a savepoint does), the version row goes back with it, the number is never read
 * again, and the cache is simply never consulted under it.
 *
 * The row is read at most once per transaction (its snapshot cannot change inside one: the store's
 * transactions are SERIALIZABLE or REPEATABLE READ) and on every call outside one. Within a
 * transaction, the number read is forgotten when a statement may have moved it: one that writes a
 * watched table (it names it: nothing cascades into one, see test/integration/pg-table-versions.test.ts)
 * and a rollback, whole or to a savepoint.
 */
import type { PgBridge } from './bridge.js';

/** The version rows' table (not in schema.ts: infrastructure, which test/integration/pg-schema.test.ts leaves out). */
export const TABLE_VERSIONS = 'deskops_table_versions';

export interface PgTableWatch {
  /** The connection, seeing each statement before it runs (all of the store's statements go through it). */
  readonly bridge: PgBridge;
  /** The table's version; `inTransaction`: the store is inside one, so a version read earlier in it still holds. */
  version(table: string, inTransaction: boolean): number | null;
  /**
   * Opens a transaction with `opening` (BEGIN …, plain statements without parameters) and reads the
   * versions in the same round trip: most transactions ask for one (the settings cache), and a
   * round trip through the bridge costs more than the read.
   */
  begin(opening: string): void;
}

/** A SELECT writes nothing here (no function the schema defines writes a watched table). */
const READ_ONLY = /^\s*select\b/i;
/** Transaction control: a new snapshot begins, or what this transaction wrote is undone. */
const TRANSACTION_CONTROL = /^\s*(?:begin|start\s+transaction|commit|end|rollback|abort)\b/i;

/** Watches `tables` over `connection`, if the database has the version rows (its migrations ran). */
export function watchPgTables(connection: PgBridge, tables: readonly string[]): PgTableWatch {
  const present = (connection.query('SELECT to_regclass($1) IS NOT NULL AS present', [TABLE_VERSIONS]).rows[0] as { present: boolean }).present;
  const watched = new Set(present ? tables.filter((table) => /^[a-z_]+$/.test(table)) : []);
  const names = [...watched];
  const mentionsWatched = names.length > 0 ? new RegExp(`\\b(?:${names.join('|')})\\b`, 'i') : undefined;
  /** The versions read in the open transaction, until a statement may have moved them. */
  let remembered: Map<string, number> | undefined;

  // A SELECT: through the watched connection like any other statement, and forgetting nothing.
  function readVersions(): Map<string, number> {
    return versionsOf(bridge.query(`SELECT table_name, version FROM ${TABLE_VERSIONS} WHERE table_name = ANY($1::text[])`, [names]).rows);
  }
  // bigint arrives as text; a sequence would need centuries of writes to pass 2^53.
  const versionsOf = (rows: unknown[]) => new Map((rows as Array<{ table_name: string; version: string }>).map((row) => [row.table_name, Number(row.version)]));
  // The names are the schema's own table names (checked above), so they are written into the statement: a simple query takes no parameters.
  const readInline = `SELECT table_name, version FROM ${TABLE_VERSIONS} WHERE table_name IN (${names.map((name) => `'${name}'`).join(', ')})`;

  const bridge: PgBridge = {
    query(text, values, arrayMode) {
      if (remembered && !READ_ONLY.test(text) && (TRANSACTION_CONTROL.test(text) || mentionsWatched?.test(text))) remembered = undefined;
      return connection.query(text, values, arrayMode);
    },
    close() {
      remembered = undefined;
      connection.close();
    },
  };

  return {
    bridge,
    version(table, inTransaction) {
      if (!watched.has(table)) return null;
      const versions = inTransaction ? (remembered ??= readVersions()) : readVersions();
      return versions.get(table) ?? null;
    },
    begin(opening) {
      if (names.length === 0) {
        bridge.query(opening);
        return;
      }
      // The last statement's rows come back (bridge-worker.mjs): the versions, as of this transaction's snapshot.
      const { rows } = bridge.query(`${opening}; ${readInline}`);
      remembered = versionsOf(rows);
    },
  };
}
