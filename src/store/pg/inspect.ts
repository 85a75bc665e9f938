/** What `deskops doctor` reads of a PostgreSQL database: whether it answers, and how many of deskops' migrations it has. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { PG_MIGRATIONS_FOLDER } from './migrate.js';
import { KEY_SPACE } from './lease-locks.js';

export interface PostgresInspection {
  /** The server's version string, when it answered. */
  version?: string;
  /** Why it did not answer. */
  error?: string;
  /** Migrations recorded as applied (drizzle's journal table), and how many deskops ships. */
  applied: number;
  shipped: number;
  /** Each lease's latest turn, and whether a live session holds its lock now (a replica leads it). */
  leases?: Array<{ name: string; token: number; holder: string; acquiredAt: Date; held: boolean }>;
  /** Outbox rows due now, and how long the oldest has waited (ms; 0 when none). */
  outbox?: { due: number; oldestWaitMs: number };
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
    if (applied === 0) return { version, applied, shipped };
    // The lock of a lease is held while its holder's session lives (lease-locks.ts: two int4 keys, objsubid 2).
    const leases = await client.query<{ name: string; token: string; holder: string; acquired_at: Date; held: boolean }>(
      `SELECT l.name, l.token, l.holder, l.acquired_at,
              EXISTS (SELECT 1 FROM pg_locks p WHERE p.locktype = 'advisory' AND p.granted AND p.objsubid = 2
                        AND p.classid = $1::int4::oid AND p.objid = hashtext(l.name)::oid) AS held
         FROM leases l ORDER BY l.name COLLATE "C"`,
      [KEY_SPACE],
    );
    const outbox = await client.query<{ due: string; oldest_wait_ms: string | null }>(
      "SELECT count(*) AS due, (extract(epoch FROM now() - min(next_attempt_at)) * 1000)::bigint AS oldest_wait_ms FROM outbox WHERE state = 'queued' AND next_attempt_at <= now()",
    );
    return {
      version,
      applied,
      shipped,
      // token is a bigint, which node-postgres reads as text.
      leases: leases.rows.map((row) => ({ name: row.name, token: Number(row.token), holder: row.holder, acquiredAt: new Date(row.acquired_at), held: row.held })),
      outbox: { due: Number(outbox.rows[0]?.due ?? 0), oldestWaitMs: Number(outbox.rows[0]?.oldest_wait_ms ?? 0) },
    };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error), applied: 0, shipped };
  } finally {
    await client.end().catch(() => undefined);
  }
}
