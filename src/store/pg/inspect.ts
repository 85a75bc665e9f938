/** What `deskops doctor` reads of a PostgreSQL database: whether it answers, and how many of deskops' migrations it has. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { PG_MIGRATIONS_FOLDER } from './migrate.js';

export interface PostgresInspection {
  /** The server's version string, when it answered. */
  version?: string;
  /** Why it did not answer. */
  error?: string;
  /** Migrations recorded as applied (drizzle's journal table), and how many deskops ships. */
  applied: number;
  shipped: number;
}

/** Connects to `url` (giving up after `timeoutMs`), reads the server version and the applied migrations, and disconnects. Never throws. */
export async function inspectPostgres(url: string, timeoutMs: number): Promise<PostgresInspection> {
  const shipped = (JSON.parse(readFileSync(join(PG_MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] }).entries.length;
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs, statement_timeout: timeoutMs });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const version = String((await client.query<{ server_version: string }>('SHOW server_version')).rows[0]?.server_version ?? '');
    const journal = await client.query<{ n: string }>("SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = 'drizzle' AND table_name = '__drizzle_migrations'");
    const applied = Number(journal.rows[0]?.n) > 0 ? Number((await client.query<{ n: string }>('SELECT count(*) AS n FROM drizzle.__drizzle_migrations')).rows[0]?.n ?? 0) : 0;
    return { version, applied, shipped };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error), applied: 0, shipped };
  } finally {
    await client.end().catch(() => undefined);
  }
}
