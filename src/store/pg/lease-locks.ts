/**
 * PostgreSQL's lease locks: session advisory locks (pg_try_advisory_lock) on a connection of
 * their own, held by the I/O thread. The server releases them when that session ends: the process
 * died (its socket closed), or it stopped answering: the session sets `idle_session_timeout`, so a
 * replica frozen longer than SESSION_TIMEOUT_MS (a stopped VM, a long pause) is cut off by the
 * server and another replica can take over; the live one checks in every few seconds (`alive`).
 */
import pg from 'pg';
import type { LeaseLocks } from '../lease-locks.js';
import { KEY_SPACE, presenceLockName } from './lock-keys.js';

export { KEY_SPACE } from './lock-keys.js';

/** A session idle this long (the holder stopped checking in) is ended by the server, its leases with it. */
export const SESSION_TIMEOUT_MS = 12_000;
/** How long one lock statement may take before the session counts as lost. */
const STATEMENT_TIMEOUT_MS = 5_000;

export interface PgLeaseLockOptions {
  sessionTimeoutMs?: number;
  /**
   * Who this process claims outbox rows as (replicas/names.ts claimerOf): its session also holds a
   * presence lock on it, so the others can tell it is alive (a row it claimed is due at once when it
   * is not: store/pg/outbox.ts).
   */
  claimer?: string;
}

export function pgLeaseLocks(url: string, options: PgLeaseLockOptions = {}): LeaseLocks {
  const sessionTimeoutMs = options.sessionTimeoutMs ?? SESSION_TIMEOUT_MS;
  let client: pg.Client | undefined;
  let connecting: Promise<pg.Client> | undefined;
  const held = new Set<string>();

  /** Drops the session: every lease it held is lost (the server releases them as it ends). */
  function lose(): Promise<void> {
    const old = client;
    client = undefined;
    held.clear();
    if (!old) return Promise.resolve();
    old.removeAllListeners();
    old.on('error', () => undefined);
    return old.end().catch(() => undefined);
  }

  async function session(): Promise<pg.Client> {
    if (client) return client;
    connecting ??= (async () => {
      const fresh = new pg.Client({ connectionString: url, keepAlive: true, query_timeout: STATEMENT_TIMEOUT_MS, application_name: 'deskops lease locks' });
      fresh.on('error', () => {
        if (client === fresh) lose();
      });
      fresh.on('end', () => {
        if (client === fresh) lose();
      });
      try {
        await fresh.connect();
        await fresh.query(`SET idle_session_timeout = ${Math.round(sessionTimeoutMs)}`);
        // Each life claims under a name of its own (claimerOf), so this is always free; were it not, its claims would wait out their lease.
        if (options.claimer) await fresh.query('SELECT pg_try_advisory_lock($1::int4, hashtext($2))', [KEY_SPACE, presenceLockName(options.claimer)]);
      } catch (error) {
        fresh.removeAllListeners();
        fresh.on('error', () => undefined);
        void fresh.end().catch(() => undefined);
        throw error;
      }
      client = fresh;
      return fresh;
    })().finally(() => (connecting = undefined));
    return connecting;
  }

  return {
    kind: 'shared',
    async tryHold(name) {
      if (held.has(name) && client) return true;
      const current = await session();
      try {
        const { rows } = await current.query<{ taken: boolean }>('SELECT pg_try_advisory_lock($1::int4, hashtext($2)) AS taken', [KEY_SPACE, name]);
        if (rows[0]?.taken) held.add(name);
        return rows[0]?.taken === true;
      } catch (error) {
        lose();
        throw error;
      }
    },
    async alive() {
      if (!client) return false;
      try {
        await client.query('SELECT 1');
        return true;
      } catch {
        lose();
        return false;
      }
    },
    async release(name) {
      if (!held.delete(name) || !client) return;
      await client.query('SELECT pg_advisory_unlock($1::int4, hashtext($2))', [KEY_SPACE, name]).catch(() => lose());
    },
    close: () => lose(),
  };
}
