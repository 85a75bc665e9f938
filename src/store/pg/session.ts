/**
 * drizzle's PostgreSQL query builder, run synchronously over the bridge (bridge.ts). drizzle runs
 * a query by asking its session for a prepared query and calling `execute()`; this session's
 * prepared query answers at once instead of with a promise, so a repository writes
 * `all(db.select().from(tickets).where(...))` and gets the rows, decoded by the columns as
 * drizzle's own node-postgres driver decodes them. Nothing asynchronous is reachable from here:
 * drizzle's own `transaction()` is refused (the store's transaction boundary runs BEGIN/COMMIT).
 */
import * as drizzleOrm from 'drizzle-orm';
import { entityKind, fillPlaceholders, type Query } from 'drizzle-orm';
import { PgDatabase, PgDialect, PgPreparedQuery, PgSession, type PgQueryResultHKT, type PreparedQueryConfig, type SelectedFieldsOrdered } from 'drizzle-orm/pg-core';
import type * as schema from './schema.js';
import type { BridgeResult, PgBridge } from './bridge.js';

/** What a statement without a selection (an insert, update or delete without RETURNING) answers. */
export interface SyncPgQueryResultHKT extends PgQueryResultHKT {
  type: BridgeResult;
}

export type PgDb = PgDatabase<SyncPgQueryResultHKT, typeof schema>;

/** drizzle's row decoder (exported by drizzle-orm, marked internal in its types). */
const mapResultRow = (drizzleOrm as unknown as { mapResultRow: (fields: SelectedFieldsOrdered, row: unknown[], joinsNotNullableMap: Record<string, boolean> | undefined) => unknown }).mapResultRow;

class SyncPgPreparedQuery<T extends PreparedQueryConfig> extends PgPreparedQuery<T> {
  static override readonly [entityKind]: string = 'DeskopsSyncPgPreparedQuery';
  /** Set by drizzle on queries with joins: which joined tables may be null. */
  joinsNotNullableMap: Record<string, boolean> | undefined;

  constructor(
    private readonly bridge: PgBridge,
    query: Query,
    private readonly fields: SelectedFieldsOrdered | undefined,
    private readonly customResultMapper: ((rows: unknown[][]) => T['execute']) | undefined,
  ) {
    super(query, undefined, undefined, undefined);
  }

  // Synchronous on purpose: the result is the value, not a promise of it (see the module's comment).
  override execute(placeholderValues: Record<string, unknown> = {}): Promise<T['execute']> {
    const { sql, params } = this.getQuery();
    const values = fillPlaceholders(params, placeholderValues);
    if (!this.fields && !this.customResultMapper) return this.bridge.query(sql, values) as never;
    const { rows } = this.bridge.query(sql, values, true);
    const arrays = rows as unknown[][];
    return (this.customResultMapper ? this.customResultMapper(arrays) : arrays.map((row) => mapResultRow(this.fields!, row, this.joinsNotNullableMap))) as never;
  }
}

class SyncPgSession extends PgSession<SyncPgQueryResultHKT, typeof schema, Record<string, never>> {
  static override readonly [entityKind]: string = 'DeskopsSyncPgSession';

  constructor(
    private readonly bridge: PgBridge,
    dialect: PgDialect,
  ) {
    super(dialect);
  }

  override prepareQuery<T extends PreparedQueryConfig = PreparedQueryConfig>(
    query: Query,
    fields: SelectedFieldsOrdered | undefined,
    _name: string | undefined,
    _isResponseInArrayMode: boolean,
    customResultMapper?: (rows: unknown[][]) => T['execute'],
  ): PgPreparedQuery<T> {
    return new SyncPgPreparedQuery<T>(this.bridge, query, fields, customResultMapper);
  }

  override transaction<T>(): Promise<T> {
    throw new Error("drizzle's transaction() is not used here: run the work in the store's transaction()");
  }
}

/** A drizzle database over `bridge` whose queries run synchronously (read them with all/get/run). */
export function syncPgDatabase(bridge: PgBridge): PgDb {
  const dialect = new PgDialect();
  return new PgDatabase(dialect, new SyncPgSession(bridge, dialect), undefined) as PgDb;
}

/** Something drizzle runs: a select, or an insert/update/delete (with or without RETURNING). */
interface Runnable<R> {
  execute(): Promise<R>;
}

function now<R>(result: Promise<R>): R {
  // Every query of a PgDb answers synchronously; a promise here means something async slipped in.
  if (typeof (result as { then?: unknown } | null)?.then === 'function') throw new Error('a PostgreSQL query answered asynchronously');
  return result as unknown as R;
}

/** The rows of a select, or of a statement with RETURNING. */
export function all<T>(query: Runnable<T[]>): T[] {
  return now(query.execute());
}

/** The first row of a select or of a statement with RETURNING (add `.limit(1)` to a select that may match many). */
export function get<T>(query: Runnable<T[]>): T | undefined {
  return now(query.execute())[0];
}

/** Runs an insert, update or delete without RETURNING: how many rows it touched. */
export function run(query: Runnable<BridgeResult>): { changes: number } {
  return { changes: now(query.execute()).rowCount };
}
