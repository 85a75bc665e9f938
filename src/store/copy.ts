/**
 * `deskops copy-db`: copies a deskops SQLite database into an empty PostgreSQL one, every table of
 * the schema with its ids (ticket numbers are ids), and proves the copy by counting and
 * checksumming each table on both sides (row-checksum.ts) before it commits.
 *
 * The target is migrated first, then everything happens in one PostgreSQL transaction that holds
 * every deskops table locked: the target receives the whole copy or, on any refusal, failure or
 * mismatch, nothing. The source is read read-only, from one snapshot.
 */
import { migratePostgres } from './pg/migrate.js';
import { openBridge, PostgresError, type PgBridge } from './pg/bridge.js';
import { syncPgDatabase, type PgDb } from './pg/session.js';
import { copiedTables, pgInsertOf, pgPages, quoted, sqlitePages, type TablePair } from './copy-tables.js';
import { CopyRefused, openCopySource, type CopySource } from './copy-source.js';
import { TableChecksum } from './row-checksum.js';
import { pgTrouble, pgTroubleAdvice } from './pg/trouble.js';

export { CopyRefused } from './copy-source.js';

/** A copy that failed on the way (PostgreSQL refused a row); nothing was committed. */
export class CopyFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CopyFailed';
  }
}

export interface CopyRequest {
  /** The SQLite file. */
  from: string;
  /** The PostgreSQL database, postgres://… */
  to: string;
  /** Rows per read and per insert (the default keeps an insert well under PostgreSQL's 65,535 parameters). */
  pageRows?: number;
}

export interface TableCopy {
  table: string;
  sourceRows: number;
  targetRows: number;
  sourceChecksum: string;
  targetChecksum: string;
}

export interface CopyReport {
  /** The SQLite file, absolute. */
  source: string;
  /** The target without its user and password: postgres://host:port/database. */
  target: string;
  /** Every table, in the order copied. */
  tables: TableCopy[];
  /** The tables whose counts or checksums differ (then nothing was committed). */
  mismatched: string[];
  committed: boolean;
}

/** The only table the migrations fill: replaced by the source's rows (see seededTablesCleared). */
const SEEDED_TABLES: readonly string[] = ['tags'];

/** How long the copy waits for another process's locks on the target before refusing. */
const LOCK_WAIT = '5s';

/** The parameters of one insert stay under this (PostgreSQL allows 65,535). */
const PARAMETERS_PER_INSERT = 30_000;

/** `url` as it may be printed: scheme, host, port and database; never the user or password. */
export function describeTarget(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return '(not a URL)';
  }
}

function refuseUnlessPostgresUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new CopyRefused('--to is not a URL: give the PostgreSQL database as postgres://user:password@host:5432/deskops');
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new CopyRefused(`--to must be a PostgreSQL URL (postgres://user:password@host:5432/deskops), not ${parsed.protocol}//…`);
  }
  if (parsed.pathname.length <= 1) throw new CopyRefused('--to names no database: add it to the URL, e.g. postgres://user:password@host:5432/deskops');
}

/** What to do when the target cannot be reached or used, by the error's code; undefined for anything else. */
function targetTrouble(error: unknown, target: string): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  const database = decodeURIComponent(new URL(target).pathname.slice(1));
  switch (code) {
    case '3D000':
      return `the database "${database}" does not exist on ${describeTarget(target)}: create it first (createdb ${database}, or CREATE DATABASE), then copy.`;
    case '28P01':
    case '28000':
      return `PostgreSQL at ${describeTarget(target)} refused the login (${message}): check the user and password in --to.`;
    case '42501':
      return `the user in --to may not create deskops' tables in ${describeTarget(target)} (${message}): use the database's owner, or GRANT CREATE.`;
    case '42P07':
      return `${describeTarget(target)} already holds tables of the same names that deskops did not create (${message}): copy into a new, empty database.`;
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'EHOSTUNREACH':
    case 'ETIMEDOUT':
    case 'EAI_AGAIN':
      return `cannot reach PostgreSQL at ${describeTarget(target)} (${code}): is the server running, and are the host and port right?`;
    default:
      return undefined;
  }
}

async function migrateTarget(url: string): Promise<void> {
  try {
    await migratePostgres(url);
  } catch (error) {
    const trouble = targetTrouble(error, url);
    throw trouble ? new CopyRefused(trouble) : error;
  }
}

/** Takes every deskops table of the target for this transaction: no other process writes it until the copy commits or rolls back. */
function lockTargetTables(bridge: PgBridge, pairs: readonly TablePair[], target: string): void {
  bridge.query(`SET LOCAL lock_timeout = '${LOCK_WAIT}'`);
  try {
    bridge.query(`LOCK TABLE ${pairs.map((pair) => quoted(pair.name)).join(', ')} IN EXCLUSIVE MODE`);
  } catch (error) {
    if (error instanceof PostgresError && error.code === '55P03') {
      throw new CopyRefused(`another process is using ${describeTarget(target)} (its tables stayed locked for ${LOCK_WAIT}): stop deskops there, then copy.`);
    }
    throw error;
  }
}

/** Refuses a target that holds anything deskops wrote: the copy adds to nothing, so two installs never mix. */
function refuseUnlessEmpty(bridge: PgBridge, pairs: readonly TablePair[], target: string): void {
  const holding = pairs.filter((pair) => !SEEDED_TABLES.includes(pair.name) && bridge.query(`SELECT 1 FROM ${quoted(pair.name)} LIMIT 1`).rows.length > 0).map((pair) => pair.name);
  if (holding.length === 0) return;
  throw new CopyRefused(
    `${describeTarget(target)} already holds deskops data (rows in ${holding.join(', ')}); the copy only fills an empty database. Copy into a new one (createdb deskops_new), or drop and recreate this one if its data may go.`,
  );
}

/**
 * The migrations seed the default tag taxonomy on PostgreSQL as on SQLite. The source's own
 * taxonomy replaces it rather than being merged into it: leads may have renamed, retired or added
 * tags there, and its ticket_tags rows point at its tag ids, which the seeded rows occupy. Nothing
 * references the seeded rows yet (every other table is empty).
 */
function seededTablesCleared(bridge: PgBridge): void {
  for (const table of SEEDED_TABLES) bridge.query(`DELETE FROM ${quoted(table)}`);
}

function pageRowsFor(pair: TablePair, requested: number | undefined): number {
  return Math.max(1, Math.min(requested ?? 1_000, Math.floor(PARAMETERS_PER_INSERT / pair.columns.length)));
}

/** Copies one table from the source's snapshot: its count and checksum as read from SQLite. */
function copyTable(source: CopySource, bridge: PgBridge, pair: TablePair, pageRows: number | undefined): TableChecksum {
  const checksum = new TableChecksum();
  const pages = sqlitePages(source.db, pair, pageRowsFor(pair, pageRows));
  const insert = pgInsertOf(pair);
  for (let page = pages.next(); page.length > 0; page = pages.next()) {
    for (const row of page) checksum.add(row);
    try {
      const { text, values } = insert(page);
      bridge.query(text, values);
    } catch (error) {
      if (!(error instanceof PostgresError)) throw error;
      const first = pair.primaryKey.map((column) => `${column} ${JSON.stringify(page[0]![column])}`).join(', ');
      throw new CopyFailed(
        `PostgreSQL refused a row of ${pair.name} (in the ${page.length} rows from ${first} on): ${error.message}${error.detail ? ` (${error.detail})` : ''}. Nothing was written to the target.`,
      );
    }
  }
  return checksum;
}

/**
 * Moves each identity's sequence past the copied ids, so the next ticket (person, comment…) gets
 * the next number: past the highest id SQLite ever handed out, deleted rows' included, since
 * AUTOINCREMENT never reuses one and neither may the copy.
 */
function continueSequences(bridge: PgBridge, source: CopySource, pairs: readonly TablePair[]): void {
  for (const pair of pairs) {
    if (!pair.identityColumn) continue;
    const copied = bridge.query(`SELECT coalesce(max(${quoted(pair.identityColumn)}), 0) AS highest FROM ${quoted(pair.name)}`).rows[0] as { highest: number | string };
    const highest = Math.max(Number(copied.highest), source.highestAssigned(pair.name));
    // setval(…, 1, false): an empty table starts at 1, as a fresh sequence would.
    bridge.query('SELECT setval(pg_get_serial_sequence($1, $2), $3, $4)', [quoted(pair.name), pair.identityColumn, Math.max(highest, 1), highest > 0]);
  }
}

/** The target table's count and checksum, read back through the PostgreSQL schema's columns inside the copy's transaction. */
function targetChecksum(db: PgDb, pair: TablePair, pageRows: number | undefined): TableChecksum {
  const checksum = new TableChecksum();
  const pages = pgPages(db, pair, pageRowsFor(pair, pageRows));
  for (let page = pages.next(); page.length > 0; page = pages.next()) for (const row of page) checksum.add(row);
  return checksum;
}

/**
 * Copies the deskops SQLite database `from` into the PostgreSQL database `to` (migrated first,
 * empty of deskops data) and verifies it. Commits only when every table's count and checksum agree;
 * throws CopyRefused (nothing done) or CopyFailed (rolled back) otherwise, and returns the report
 * with `committed: false` on a mismatch.
 */
export async function copySqliteToPostgres(request: CopyRequest): Promise<CopyReport> {
  refuseUnlessPostgresUrl(request.to);
  const pairs = copiedTables();
  const source = openCopySource(request.from);
  try {
    await migrateTarget(request.to);
    let bridge: PgBridge;
    try {
      bridge = openBridge(request.to);
    } catch (error) {
      const trouble = targetTrouble(error, request.to);
      throw trouble ? new CopyRefused(trouble) : error;
    }
    try {
      return copyInTransaction(source, bridge, pairs, request);
    } catch (error) {
      const trouble = error instanceof PostgresError ? pgTrouble(error) : undefined;
      if (trouble) throw new CopyFailed(`PostgreSQL failed during the copy (${error instanceof Error ? error.message : String(error)}): ${pgTroubleAdvice(trouble)}. Nothing was committed; run copy-db again.`);
      throw error;
    } finally {
      bridge.close();
    }
  } finally {
    source.close();
  }
}

function copyInTransaction(source: CopySource, bridge: PgBridge, pairs: readonly TablePair[], request: CopyRequest): CopyReport {
  const db = syncPgDatabase(bridge);
  bridge.query('BEGIN');
  try {
    lockTargetTables(bridge, pairs, request.to);
    refuseUnlessEmpty(bridge, pairs, request.to);
    seededTablesCleared(bridge);
    const sourceSums = source.snapshot(() => {
      const sums = pairs.map((pair) => copyTable(source, bridge, pair, request.pageRows));
      continueSequences(bridge, source, pairs);
      return sums;
    });
    const tables = pairs.map((pair, i): TableCopy => {
      const target = targetChecksum(db, pair, request.pageRows);
      return { table: pair.name, sourceRows: sourceSums[i]!.rows, targetRows: target.rows, sourceChecksum: sourceSums[i]!.hex(), targetChecksum: target.hex() };
    });
    const mismatched = tables.filter((table) => table.sourceRows !== table.targetRows || table.sourceChecksum !== table.targetChecksum).map((table) => table.table);
    bridge.query(mismatched.length === 0 ? 'COMMIT' : 'ROLLBACK');
    return { source: source.path, target: describeTarget(request.to), tables, mismatched, committed: mismatched.length === 0 };
  } catch (error) {
    try {
      bridge.query('ROLLBACK');
    } catch {
      // The connection is gone: the server rolled the transaction back itself; the first error says why.
    }
    throw error;
  }
}
