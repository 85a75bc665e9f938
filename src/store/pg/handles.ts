/** What the PostgreSQL repositories work with: drizzle's pg builder run synchronously (session.ts), and the connection for SQL of their own. */
import type { PgBridge } from './bridge.js';
import type { PgDb } from './session.js';

export interface PgHandles {
  readonly db: PgDb;
  readonly bridge: PgBridge;
}
