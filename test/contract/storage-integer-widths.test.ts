/**
 * Values past PostgreSQL's 32-bit integer (2,147,483,647) that SQLite's 64-bit INTEGER takes: each
 * column src/store/pg/schema.ts widens to bigint holds one through the repositories on both
 * engines, and reads back as the same number (not node-postgres's text for a bigint), including
 * where the store or the doctor read the column with SQL of their own (the fence's token check,
 * the lease inspection).
 */
import { asc, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { FencedOut } from '../../src/store/fence.js';
import { inspectPostgres } from '../../src/store/pg/inspect.js';
import * as pgSchema from '../../src/store/pg/schema.js';
import { all, run } from '../../src/store/pg/session.js';
import * as sqliteSchema from '../../src/store/schema.js';
import type { Storage } from '../../src/store/storage.js';
import { updateRows } from '../doubles/db.js';
import { seedBoth } from '../doubles/seed-engines.js';
import { useStorageEngines, type BothStores } from '../doubles/storage-engines.js';

const engines = useStorageEngines();

const AT = new Date('2026-03-02T09:00:00.000Z');
const INT32_MAX = 2 ** 31 - 1;
const THREE_GB = 3 * 1024 ** 3;
const ONE_TB = 1024 ** 4;

/** Runs `steps` on each engine's store; expects the same answers and returns them. */
function onBoth<T>(stores: BothStores, steps: (store: Storage) => T): T {
  const onSqlite = steps(stores.sqliteStore);
  const onPg = steps(stores.pgStore);
  expect(onPg).toEqual(onSqlite);
  return onSqlite;
}

describe('integer columns past 2^31 - 1, on both engines', () => {
  it('an attachment of 3 GB (and one of 1 TB) keeps its size', async () => {
    const stores = await engines.open();
    const ticket = { title: 'Backup image', department: 'paid', tierEnteredAt: AT, statusChangedAt: AT, createdAt: AT, updatedAt: AT } as const;
    seedBoth(stores, sqliteSchema.tickets, [ticket]);
    onBoth(stores, (store) => {
      store.transaction(() => {
        store.mail.insertAttachment({ ticketId: 1, filename: 'disk.img', contentType: 'application/octet-stream', size: THREE_GB, data: null, createdAt: AT });
        store.mail.insertAttachment({ ticketId: 1, filename: 'array.img', contentType: 'application/octet-stream', size: ONE_TB, data: null, createdAt: AT });
      });
    });
    const onSqlite = stores.sqliteStore.db.select({ size: sqliteSchema.attachments.size }).from(sqliteSchema.attachments).orderBy(asc(sqliteSchema.attachments.id)).all();
    const onPg = all(stores.pgStore.db.select({ size: pgSchema.attachments.size }).from(pgSchema.attachments).orderBy(asc(pgSchema.attachments.id)));
    expect(onSqlite).toEqual([{ size: THREE_GB }, { size: ONE_TB }]);
    expect(onPg).toEqual(onSqlite);
  });

  it('a bouncing address counts past 2^31 bounces', async () => {
    const stores = await engines.open();
    const answers = onBoth(stores, (store) =>
      store.transaction(() => {
        store.mail.saveBounce('loop@example.com', 'mailbox full', 1, AT);
        store.mail.saveBounce('loop@example.com', 'mail loop', INT32_MAX + 1, AT);
        return store.mail.bouncing('loop@example.com');
      }),
    );
    expect(answers).toEqual({ reason: 'mail loop', bounces: INT32_MAX + 1, lastAt: AT });
  });

  it("a job's run count goes past 2^31", async () => {
    const stores = await engines.open();
    onBoth(stores, (store) => store.transaction(() => store.jobRuns.recordStart('sweep', AT)));
    // As a job that ran for years would leave it (a run only ever adds one).
    updateRows(stores.sqliteStore, sqliteSchema.jobRuns, { runs: INT32_MAX }, eq(sqliteSchema.jobRuns.job, 'sweep'));
    run(stores.pgStore.db.update(pgSchema.jobRuns).set({ runs: INT32_MAX }).where(eq(pgSchema.jobRuns.job, 'sweep')));
    onBoth(stores, (store) => store.transaction(() => store.jobRuns.recordFinish('sweep', AT, 12, null)));
    const onSqlite = stores.sqliteStore.db.select({ runs: sqliteSchema.jobRuns.runs }).from(sqliteSchema.jobRuns).all();
    const onPg = all(stores.pgStore.db.select({ runs: pgSchema.jobRuns.runs }).from(pgSchema.jobRuns));
    expect(onSqlite).toEqual([{ runs: INT32_MAX + 1 }]);
    expect(onPg).toEqual(onSqlite);
  });

  it("a lease's token goes past 2^31, and fencing and the doctor's inspection read it as a number", async () => {
    const stores = await engines.open();
    onBoth(stores, (store) => store.transaction(() => store.leases.takeTurn('scheduler', 'replica-a', AT)));
    // As years of take-overs would leave it (a turn only ever adds one).
    updateRows(stores.sqliteStore, sqliteSchema.leases, { token: INT32_MAX }, eq(sqliteSchema.leases.name, 'scheduler'));
    run(stores.pgStore.db.update(pgSchema.leases).set({ token: INT32_MAX }).where(eq(pgSchema.leases.name, 'scheduler')));
    const answers = onBoth(stores, (store) => {
      const token = store.transaction(() => store.leases.takeTurn('scheduler', 'replica-b', AT));
      store.fenced({ lease: 'scheduler', token }, () => store.transaction(() => store.jobRuns.startCursor('by-latest-turn', 7)));
      let refused: unknown;
      try {
        store.fenced({ lease: 'scheduler', token: INT32_MAX }, () => store.transaction(() => store.jobRuns.startCursor('by-earlier-turn', 8)));
      } catch (error) {
        refused = error instanceof FencedOut ? { current: error.currentToken } : String(error);
      }
      return { token, current: store.leases.current('scheduler')?.token, refused, cursors: [store.jobRuns.cursorPosition('by-latest-turn'), store.jobRuns.cursorPosition('by-earlier-turn')] };
    });
    expect(answers).toEqual({ token: INT32_MAX + 1, current: INT32_MAX + 1, refused: { current: INT32_MAX + 1 }, cursors: [7, undefined] });
    const inspection = await inspectPostgres(stores.pgUrl, 10_000);
    expect(inspection.error).toBeUndefined();
    expect(inspection.leases?.map((lease) => [lease.name, lease.token])).toEqual([['scheduler', INT32_MAX + 1]]);
  });
});
