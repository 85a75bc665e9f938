/**
 * Replicas taking turns on one PostgreSQL database, on a real server: the advisory-lock leases
 * (one holder at a time, released with the holder's session, and by the server when a holder
 * freezes past its idle_session_timeout), the lease loop handing over with a new fencing token
 * while the old holder's writes are refused, outbox claims that skip rows another replica is
 * claiming instead of waiting, and the bridge connecting again after PostgreSQL dropped it.
 */
import { spawn } from 'node:child_process';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.js';
import { holdLease, type Lease } from '../../src/replicas/lease.js';
import { isFencedOut } from '../../src/store/fence.js';
import { claimerOf } from '../../src/replicas/names.js';
import { pgLeaseLocks } from '../../src/store/pg/lease-locks.js';
import { openPgStore, type PgStore } from '../../src/store/pg/store.js';
import { storeTrouble } from '../../src/store/trouble.js';
import { ROOT } from '../doubles/cli.js';
import { usePostgres } from '../doubles/postgres.js';

const postgres = usePostgres();
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const logger = createLogger('silent');

/** A script that ends every other session of the database at argv[1] after a short wait (as a server restart would). */
const TERMINATE_SOON = `
const pg = require('pg');
setTimeout(async () => {
  const client = new pg.Client({ connectionString: process.argv[1] });
  await client.connect();
  await client.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()");
  await client.end();
}, 800);
`;

async function database(): Promise<{ url: string; store: PgStore }> {
  const url = await postgres.freshDatabase();
  const store = await openPgStore(url);
  cleanups.push(() => store.close());
  return { url, store };
}

async function adminQuery(url: string, text: string, values: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(text, values);
  } finally {
    await client.end();
  }
}

async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<number> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return Date.now() - started;
}

describe('PostgreSQL lease locks', () => {
  it('let one session hold a lease at a time, and free it when that session ends', async () => {
    const { url } = await database();
    const a = pgLeaseLocks(url);
    const b = pgLeaseLocks(url);
    cleanups.push(() => a.close(), () => b.close());
    expect(a.kind).toBe('shared');
    expect(await a.tryHold('scheduler')).toBe(true);
    expect(await a.tryHold('scheduler')).toBe(true); // held already: still held, not taken twice
    expect(await b.tryHold('scheduler')).toBe(false);
    expect(await b.tryHold('rocketchat')).toBe(true); // another lease, another holder
    await a.release('scheduler');
    expect(await b.tryHold('scheduler')).toBe(true);
    expect(await a.tryHold('scheduler')).toBe(false);
    // The holder's session ends (the process died): the server lets its leases go.
    await b.close();
    expect(await a.tryHold('scheduler')).toBe(true);
    expect(await a.tryHold('rocketchat')).toBe(true);
  });

  it('are taken from a holder that froze past its idle session timeout, and the frozen one finds out', async () => {
    const { url } = await database();
    const frozen = pgLeaseLocks(url, { sessionTimeoutMs: 600 });
    const other = pgLeaseLocks(url);
    cleanups.push(() => frozen.close(), () => other.close());
    expect(await frozen.tryHold('scheduler')).toBe(true);
    expect(await other.tryHold('scheduler')).toBe(false);
    // The frozen holder checks nothing in for longer than its timeout: the server ends its session.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await other.tryHold('scheduler')).toBe(true);
    expect(await frozen.alive()).toBe(false);
    expect(await frozen.tryHold('scheduler')).toBe(false);
  });
});

describe('the lease loop', () => {
  it('hands the lease over when its holder stops, with a new turn that fences out the old holder', async () => {
    const { url, store } = await database();
    const replica = (holder: string): Lease => {
      const locks = pgLeaseLocks(url);
      const lease = holdLease({
        name: 'scheduler',
        locks,
        holder,
        logger,
        checkEveryMs: 50,
        takeTurn: async (name, who) => store.transaction(() => store.leases.takeTurn(name, who, new Date())),
      });
      cleanups.push(async () => {
        await lease.stop();
        await locks.close();
      });
      return lease;
    };
    const a = replica('replica-a');
    await until(() => a.turn() !== null, 5_000, 'replica A to take the lease');
    const b = replica('replica-b');
    const turns: Array<number | null> = [];
    b.onChange((turn) => turns.push(turn));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect([a.turn(), b.turn()]).toEqual([1, null]);
    expect(a.heldSince()).toBeInstanceOf(Date);

    await a.stop();
    const tookMs = await until(() => b.turn() !== null, 5_000, 'replica B to take over');
    expect(tookMs).toBeLessThan(1_000);
    expect(turns).toEqual([2]);
    expect(store.leases.current('scheduler')).toMatchObject({ token: 2, holder: 'replica-b' });

    // A's turn is over: a write it still tries is refused, and nothing of it is stored.
    let refused: unknown;
    try {
      store.fenced({ lease: 'scheduler', token: 1 }, () => store.transaction(() => store.jobRuns.startCursor('late-write', 1)));
    } catch (error) {
      refused = error;
    }
    expect(isFencedOut(refused)).toBe(true);
    expect(store.jobRuns.cursorPosition('late-write')).toBeUndefined();
    store.fenced({ lease: 'scheduler', token: 2 }, () => store.transaction(() => store.jobRuns.startCursor('current-write', 2)));
    expect(store.jobRuns.cursorPosition('current-write')).toBe(2);
  });

  it('lands a turn taken during a fenced transaction after it (the share lock), and refuses that holder afterwards', async () => {
    const { url, store } = await database();
    store.transaction(() => store.leases.takeTurn('scheduler', 'replica-a', new Date()));
    const other = new pg.Client({ connectionString: url });
    await other.connect();
    cleanups.push(() => other.end());
    let takeover: Promise<pg.QueryResult> | undefined;
    store.fenced({ lease: 'scheduler', token: 1 }, () =>
      store.transaction(() => {
        // Inside A's fenced transaction, replica B takes a turn: its UPDATE waits for A's share lock.
        takeover = other.query("UPDATE leases SET token = token + 1, holder = 'replica-b' WHERE name = 'scheduler' RETURNING token");
        store.jobRuns.startCursor('during', 1);
      }),
    );
    // token is a bigint, which node-postgres reads as text.
    expect((await takeover!).rows).toEqual([{ token: '2' }]);
    expect(store.jobRuns.cursorPosition('during')).toBe(1);
    expect(() => store.fenced({ lease: 'scheduler', token: 1 }, () => store.transaction(() => store.jobRuns.startCursor('after', 1)))).toThrow(/moved on/);
    expect(store.jobRuns.cursorPosition('after')).toBeUndefined();
  });
});

describe('outbox claims between replicas', () => {
  it('skip the rows another replica is claiming instead of waiting for them', async () => {
    const { url, store } = await database();
    const due = new Date('2026-03-02T09:00:00Z');
    for (const key of ['a', 'b', 'c', 'd']) {
      store.outbox.insertIfNew({ dedupeKey: key, channel: 'tier:t2', payload: { text: key }, nextAttemptAt: due, createdAt: due, ticketId: null, validWhile: null, mentions: undefined, audience: 'staff' });
    }
    // Another replica's claim holds the two oldest rows in its open transaction.
    const other = new pg.Client({ connectionString: url });
    await other.connect();
    cleanups.push(() => other.end());
    await other.query('BEGIN');
    await other.query("SELECT id FROM outbox WHERE dedupe_key IN ('a', 'b') FOR UPDATE");
    const started = performance.now();
    const seen = store.withLockWait(5_000, () => store.transaction(() => store.outbox.dueRows(new Date('2026-03-02T10:00:00Z'), 10).map((row) => row.dedupeKey)));
    expect(seen).toEqual(['c', 'd']);
    expect(performance.now() - started).toBeLessThan(2_000);
    await other.query('COMMIT');
    expect(store.transaction(() => store.outbox.dueRows(new Date('2026-03-02T10:00:00Z'), 10).map((row) => row.dedupeKey))).toEqual(['a', 'b', 'c', 'd']);
  });
});

describe('outbox rows claimed by a replica that died', () => {
  it("are due at once, while a live replica's claim holds until its lease ends, and a retry's delay is kept whoever claimed it", async () => {
    const { url, store } = await database();
    const queuedAt = new Date('2026-03-02T09:00:00Z');
    const now = new Date('2026-03-02T09:00:05Z');
    const lease = new Date('2026-03-02T09:00:20Z');
    for (const key of ['dead', 'live', 'retry']) {
      store.outbox.insertIfNew({ dedupeKey: key, channel: 'tier:t2', payload: { text: key }, nextAttemptAt: queuedAt, createdAt: queuedAt, ticketId: null, validWhile: null, mentions: undefined, audience: 'staff' });
    }
    const replicaA = pgLeaseLocks(url, { claimer: 'replica-a' });
    const replicaB = pgLeaseLocks(url, { claimer: 'replica-b' });
    cleanups.push(() => replicaA.close(), () => replicaB.close());
    // Each replica's lease session is up (its presence lock with it), as `deskops start` keeps it.
    await replicaA.tryHold('scheduler');
    await replicaB.tryHold('scheduler');
    const rows = Object.fromEntries(store.outbox.dueRows(now, 10).map((row) => [row.dedupeKey, row]));
    expect(store.transaction(() => store.outbox.claimIfUnchanged(rows.dead!, lease, 1, 'replica-a'))).toBe(true);
    expect(store.transaction(() => store.outbox.claimIfUnchanged(rows.live!, lease, 1, 'replica-b'))).toBe(true);
    expect(store.transaction(() => store.outbox.claimIfUnchanged(rows.retry!, lease, 1, 'replica-a'))).toBe(true);
    // replica-a's post of "retry" failed: a retry in a minute, whoever claimed it.
    store.transaction(() => store.outbox.rescheduleIfQueued(rows.retry!.id, new Date('2026-03-02T09:01:05Z'), 1, 'timeout'));
    const due = () => store.transaction(() => store.outbox.dueRows(now, 10).map((row) => `${row.dedupeKey}:${row.claimedBy}`));
    expect(due()).toEqual([]);

    // replica-a dies: its session ends, and the row it was posting is due at once.
    await replicaA.close();
    await until(() => due().length > 0, 5_000, "the dead replica's row to come back");
    expect(due()).toEqual(['dead:replica-a']);
    const [dead] = store.transaction(() => store.outbox.dueRows(now, 10));
    // Another replica claims it with the usual conditional update.
    expect(store.transaction(() => store.outbox.claimIfUnchanged(dead!, new Date('2026-03-02T09:00:25Z'), 2, 'replica-b'))).toBe(true);
    expect(due()).toEqual([]);
  });

  it('are due at once when the replica died and started again under the same DESKOPS_REPLICA_ID', async () => {
    const { url, store } = await database();
    const at = new Date('2026-03-02T09:00:00Z');
    store.outbox.insertIfNew({ dedupeKey: 'page', channel: 'webhook:page', payload: { event: 'deskops.page' }, nextAttemptAt: at, createdAt: at, ticketId: null, validWhile: null, mentions: undefined, audience: 'staff', urgent: true });
    // A supervisor restarts replica "a" at once: each life claims under a name of its own.
    const firstLife = claimerOf('a');
    const secondLife = claimerOf('a');
    expect(secondLife).not.toBe(firstLife);
    expect(firstLife.startsWith('a#')).toBe(true);
    const first = pgLeaseLocks(url, { claimer: firstLife });
    cleanups.push(() => first.close());
    await first.tryHold('scheduler');
    const [row] = store.outbox.dueRows(at, 10);
    expect(store.transaction(() => store.outbox.claimIfUnchanged(row!, new Date('2026-03-02T09:00:15Z'), 1, firstLife))).toBe(true);
    await first.close();
    const second = pgLeaseLocks(url, { claimer: secondLife });
    cleanups.push(() => second.close());
    await second.tryHold('scheduler');
    // The new life is up, yet the page its previous life was posting is due now, not after the 15 s lease.
    await until(() => store.transaction(() => store.outbox.dueRows(at, 10)).length > 0, 5_000, "the previous life's page to come back");
  });
});

describe('the bridge after PostgreSQL dropped its connection', () => {
  it('connects again between transactions, and fails the transaction that was open', async () => {
    const { url, store } = await database();
    store.transaction(() => store.jobRuns.startCursor('before', 1));
    const terminate = () => adminQuery(url, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name <> 'deskops lease locks'");

    // Between transactions: the next one simply runs on a new connection.
    await terminate();
    await new Promise((resolve) => setTimeout(resolve, 100));
    store.transaction(() => store.jobRuns.startCursor('after-drop', 2));
    expect(store.jobRuns.cursorPosition('after-drop')).toBe(2);

    // Inside a transaction: its work is gone with the session; it fails as database trouble, and the next one runs.
    // The session ends under the open transaction (a server restart): another process terminates it
    // while this thread waits inside the transaction.
    const killer = spawn(process.execPath, ['-e', TERMINATE_SOON, url], { cwd: ROOT, stdio: 'ignore' });
    const killed = new Promise((resolve) => killer.once('exit', resolve));
    let failure: unknown;
    try {
      store.transaction(() => {
        store.jobRuns.startCursor('lost', 3);
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2_500);
        store.jobRuns.startCursor('lost-too', 4);
      });
    } catch (error) {
      failure = error;
    }
    expect(await killed).toBe(0);
    expect(storeTrouble(failure)).toBe('io');
    expect(store.jobRuns.cursorPosition('lost')).toBeUndefined();
    expect(store.jobRuns.cursorPosition('lost-too')).toBeUndefined();
    store.transaction(() => store.jobRuns.startCursor('next', 5));
    expect(store.jobRuns.cursorPosition('next')).toBe(5);
  });
});
