/**
 * The PostgreSQL store's transaction boundary and its synchronous query builder, on a real server
 * (test/doubles/postgres.ts): queries answer synchronously through the bridge, rows decode as on
 * SQLite (Dates, JSON, booleans, big counts), a transaction commits or rolls back whole and nests
 * as savepoints, a read sees one snapshot, a lock wait ends in 'busy' trouble, and PostgreSQL's
 * errors keep their SQLSTATE.
 */
import { asc, eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { storeTrouble } from '../../src/store/trouble.js';
import { openBridge, PostgresError } from '../../src/store/pg/bridge.js';
import { identities, people, slaClocks, tickets } from '../../src/store/pg/schema.js';
import { all, get, run } from '../../src/store/pg/session.js';
import { openPgStore, type PgStore } from '../../src/store/pg/store.js';
import { usePostgres } from '../doubles/postgres.js';

const postgres = usePostgres();
const closers: Array<() => void> = [];
afterEach(() => {
  for (const close of closers.splice(0).reverse()) close();
});

async function store(): Promise<{ store: PgStore; url: string }> {
  const url = await postgres.freshDatabase();
  const opened = await openPgStore(url);
  closers.push(() => opened.close());
  return { store: opened, url };
}

const AT = new Date('2026-03-02T09:00:00.123Z');

function addPerson(s: PgStore, name: string): number {
  return get(s.db.insert(people).values({ displayName: name, role: 'agent', isStaff: true, createdAt: AT }).returning({ id: people.id }))!.id;
}

/** Another session (of the test's own) locks the person's row in a transaction left open. */
function holdRow(other: ReturnType<typeof openBridge>, personId: number): void {
  other.query('BEGIN');
  other.query('UPDATE people SET display_name = $1 WHERE id = $2', ['Holder', personId]);
}

/** A store, a person named Contended, and another session holding that person's row. */
async function contendedRow() {
  const { store: s, url } = await store();
  const personId = addPerson(s, 'Contended');
  const other = openBridge(url);
  closers.push(() => other.close());
  holdRow(other, personId);
  return { store: s, personId, other };
}

/** The connection's lock wait as PostgreSQL shows it ("5s"). */
const lockTimeout = (s: PgStore): string => (s.bridge.query('SHOW lock_timeout').rows[0] as { lock_timeout: string }).lock_timeout;

describe('the PostgreSQL store', () => {
  it('runs drizzle queries synchronously and decodes rows as the SQLite store does', async () => {
    const { store: s } = await store();
    const personId = addPerson(s, 'Ada');
    expect(run(s.db.insert(identities).values({ platform: 'slack', externalId: 'U1', handle: 'ada', personId })).changes).toBe(1);
    const person = get(s.db.select().from(people).where(eq(people.id, personId)));
    expect(person).toMatchObject({ displayName: 'Ada', role: 'agent', isStaff: true });
    expect(person!.createdAt).toBeInstanceOf(Date);
    expect(person!.createdAt.toISOString()).toBe(AT.toISOString());
    const joined = all(s.db.select({ handle: identities.handle, name: people.displayName }).from(identities).innerJoin(people, eq(people.id, identities.personId)));
    expect(joined).toEqual([{ handle: 'ada', name: 'Ada' }]);

    const ticketId = get(
      s.db
        .insert(tickets)
        .values({ title: 'Export fails', description: 'since Monday', requester: 'ada@example.com', origin: 'email', department: 'paid', priority: 'high', tier: 't1', status: 'open', tierEnteredAt: AT, statusChangedAt: AT, createdAt: AT, updatedAt: AT })
        .returning({ id: tickets.id }),
    )!.id;
    // A business-time clock over 25 days: past a 32-bit integer of milliseconds, still a number.
    const usedMs = 25 * 86_400_000;
    run(s.db.insert(slaClocks).values({ ticketId, tier: 't1', enteredAt: AT, usedMs, runningSince: null, nextCheckAt: AT }));
    expect(get(s.db.select({ usedMs: slaClocks.usedMs }).from(slaClocks).where(eq(slaClocks.ticketId, ticketId)))).toEqual({ usedMs });
    expect(all(s.db.select({ id: tickets.id }).from(tickets).orderBy(asc(tickets.id)))).toEqual([{ id: ticketId }]);
  });

  it('commits a transaction whole, rolls it back whole on an error, and nests as savepoints', async () => {
    const { store: s } = await store();
    s.transaction(() => addPerson(s, 'Kept'));
    expect(() =>
      s.transaction(() => {
        addPerson(s, 'Undone');
        throw new Error('the use case refused');
      }),
    ).toThrow('the use case refused');
    s.transaction(() => {
      addPerson(s, 'Outer');
      expect(() =>
        s.transaction(() => {
          addPerson(s, 'Inner');
          throw new Error('inner refused');
        }),
      ).toThrow('inner refused');
    });
    expect(all(s.db.select({ name: people.displayName }).from(people).orderBy(asc(people.id))).map((r) => r.name)).toEqual(['Kept', 'Outer']);
  });

  it('reads one snapshot: a commit by another connection during a read is not seen until the read ends', async () => {
    const { store: s, url } = await store();
    addPerson(s, 'First');
    const other = openBridge(url);
    closers.push(() => other.close());
    const count = () => Number((s.bridge.query('SELECT count(*) AS n FROM people').rows[0] as { n: string }).n);
    const seen = s.read(() => {
      const before = count();
      other.query("INSERT INTO people (display_name, role, is_staff, created_at) VALUES ('Second', 'agent', true, now())");
      return [before, count()];
    });
    expect(seen).toEqual([1, 1]);
    expect(count()).toBe(2);
  });

  it('waits at most the lock wait for another writer, then fails with busy trouble and changes nothing', async () => {
    const { store: s, personId, other } = await contendedRow();
    const started = performance.now();
    let caught: unknown;
    try {
      s.withLockWait(150, () => s.transaction(() => run(s.db.update(people).set({ displayName: 'Waiter' }).where(eq(people.id, personId)))));
    } catch (error) {
      caught = error;
    }
    const waited = performance.now() - started;
    other.query('ROLLBACK');
    expect(caught).toBeInstanceOf(PostgresError);
    expect((caught as PostgresError).code).toBe('55P03');
    expect(storeTrouble(caught)).toBe('busy');
    expect(waited).toBeGreaterThanOrEqual(140);
    expect(get(s.db.select({ name: people.displayName }).from(people).where(eq(people.id, personId)))).toEqual({ name: 'Contended' });
    // The connection's own lock wait is back: 5 s, as SQLite's busy timeout.
    expect(lockTimeout(s)).toBe('5s');

    // Asked for inside a transaction already open, the wait holds from there, and the transaction's own after.
    holdRow(other, personId);
    const inside = performance.now();
    expect(() =>
      s.transaction(() => {
        try {
          s.withLockWait(150, () => run(s.db.update(people).set({ displayName: 'Waiter' }).where(eq(people.id, personId))));
        } finally {
          other.query('ROLLBACK');
        }
      }),
    ).toThrow(expect.objectContaining({ code: '55P03' }));
    expect(performance.now() - inside).toBeLessThan(4000);
    expect(lockTimeout(s)).toBe('5s');
  });

  it('prepares each parameterized statement once per session, and runs it bound from then on', async () => {
    const { store: s } = await store();
    const ids = [addPerson(s, 'Ada'), addPerson(s, 'Grace'), addPerson(s, 'Edsger')];
    const names = ids.map((id) => get(s.db.select({ name: people.displayName }).from(people).where(eq(people.id, id)))?.name);
    expect(names).toEqual(['Ada', 'Grace', 'Edsger']);
    const prepared = s.bridge.query('SELECT name, statement FROM pg_prepared_statements ORDER BY name').rows as Array<{ name: string; statement: string }>;
    const byPerson = prepared.filter((row) => row.statement.startsWith('select "display_name" from "people"'));
    // One statement for the three reads: parsed and planned once.
    expect(byPerson).toHaveLength(1);
    expect(byPerson[0]!.name).toMatch(/^deskops_\d+$/);
    // Statements without parameters (BEGIN with its settings, this very query) are not prepared.
    expect(prepared.some((row) => /^BEGIN|pg_prepared_statements/.test(row.statement))).toBe(false);
  });

  it('opens a transaction, sets its lock wait and reads the table versions in one round trip', async () => {
    const { store: s } = await store();
    const personId = addPerson(s, 'Counted');
    const sent: string[] = [];
    const query = s.bridge.query.bind(s.bridge);
    s.bridge.query = (text, values, arrayMode) => (sent.push(text), query(text, values, arrayMode));
    const versions = s.withLockWait(300, () =>
      s.transaction(() => {
        const first = s.tableVersion('team_settings');
        run(s.db.update(people).set({ displayName: 'Renamed' }).where(eq(people.id, personId)));
        return [first, s.tableVersion('team_settings')];
      }),
    );
    expect(sent[0]).toMatch(/^BEGIN ISOLATION LEVEL SERIALIZABLE; SET LOCAL lock_timeout = 300; SELECT table_name, version FROM deskops_table_versions WHERE table_name IN \('team_settings'\)$/);
    // The update wrote no watched table: the versions read with the BEGIN still hold.
    expect(sent.slice(1).map((text) => text.split(' ')[0])).toEqual(['update', 'COMMIT']);
    expect(versions[0]).toEqual(expect.any(Number));
    expect(versions[1]).toBe(versions[0]);
    // Outside withLockWait the transaction keeps the connection's own wait.
    sent.length = 0;
    s.transaction(() => s.tableVersion('team_settings'));
    expect(sent[0]).toMatch(/^BEGIN ISOLATION LEVEL SERIALIZABLE; SELECT table_name, version/);
    expect(lockTimeout(s)).toBe('5s');
  });

  it('waits at most 5 s for another writer without a lock wait of its own, never forever', async () => {
    const { store: s, personId, other } = await contendedRow();
    const started = performance.now();
    let caught: unknown;
    try {
      s.transaction(() => run(s.db.update(people).set({ displayName: 'Waiter' }).where(eq(people.id, personId))));
    } catch (error) {
      caught = error;
    }
    const waited = performance.now() - started;
    other.query('ROLLBACK');
    expect(storeTrouble(caught)).toBe('busy');
    expect(waited).toBeGreaterThanOrEqual(4_900);
    expect(waited).toBeLessThan(15_000);
    expect(get(s.db.select({ name: people.displayName }).from(people).where(eq(people.id, personId)))).toEqual({ name: 'Contended' });
  }, 30_000);

  it('runs a transaction again when it lost a serialization conflict to another, and reports busy only after three losses', async () => {
    const { store: s, url } = await store();
    const personId = addPerson(s, 'Counter 0');
    const other = openBridge(url);
    closers.push(() => other.close());
    const name = () => get(s.db.select({ name: people.displayName }).from(people).where(eq(people.id, personId)))!.name;
    const bump = (interfere: boolean) => {
      const current = Number(name().split(' ')[1]);
      // Another connection commits a change to the same row after this transaction read it.
      if (interfere) other.query('UPDATE people SET display_name = $1 WHERE id = $2', [`Counter ${current + 10}`, personId]);
      run(s.db.update(people).set({ displayName: `Counter ${current + 1}` }).where(eq(people.id, personId)));
    };
    let attempts = 0;
    s.transaction(() => {
      attempts += 1;
      bump(attempts === 1);
    });
    // The first run lost (40001) and was rolled back; the second read the other's 10 and added 1.
    expect(attempts).toBe(2);
    expect(name()).toBe('Counter 11');

    let losses = 0;
    let caught: unknown;
    try {
      s.transaction(() => {
        losses += 1;
        bump(true);
      });
    } catch (error) {
      caught = error;
    }
    expect(losses).toBe(3);
    expect((caught as PostgresError).code).toBe('40001');
    expect(storeTrouble(caught)).toBe('busy');
  });

  it("keeps PostgreSQL's SQLSTATE on its errors, and refuses drizzle's own asynchronous transaction", async () => {
    const { store: s } = await store();
    const personId = addPerson(s, 'Unique');
    run(s.db.insert(identities).values({ platform: 'slack', externalId: 'U9', handle: 'u9', personId }));
    let caught: unknown;
    try {
      run(s.db.insert(identities).values({ platform: 'slack', externalId: 'U9', handle: 'again', personId }));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(PostgresError);
    expect((caught as PostgresError).code).toBe('23505');
    expect(storeTrouble(caught)).toBeUndefined();
    expect(() => s.db.transaction(async () => undefined)).toThrow(/store's transaction\(\)/);
  });
});
