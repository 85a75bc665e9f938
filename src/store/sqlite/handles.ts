/** What the SQLite repositories work with: drizzle over the schema, and the raw handle for prepared statements. */
import type Database from 'better-sqlite3';
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import type * as schema from '../schema.js';

export type Db = BetterSQLite3Database<typeof schema>;

export interface SqliteHandles {
  readonly db: Db;
  readonly sqlite: Database.Database;
}
