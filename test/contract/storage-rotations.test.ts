/**
 * The rotations repository gives the same answers on SQLite and PostgreSQL (src/store/sqlite/rotations.ts
 * is the specification; src/store/pg/rotations.ts the port): the same steps on each engine.
 */
import { describe, expect, it } from 'vitest';
import { pgRotation } from '../../src/store/pg/rotations.js';
import type { RotationRepository } from '../../src/store/repositories/rotations.js';
import { people, tickets } from '../../src/store/schema.js';
import type { TransactionBoundary } from '../../src/store/storage.js';
import { seedBoth } from '../doubles/seed-engines.js';
import { useStorageEngines } from '../doubles/storage-engines.js';

const engines = useStorageEngines();

const T0 = new Date('2026-03-02T09:00:00.000Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

const PEOPLE = [1, 2, 3, 4].map((id) => ({ id, displayName: `person ${id}`, createdAt: T0 }));

type TicketInsert = typeof tickets.$inferInsert;
const ticket = (id: number, values: Partial<TicketInsert>): TicketInsert => ({ id, title: `ticket ${id}`, department: 'paid', createdAt: T0, updatedAt: T0, tierEnteredAt: T0, statusChangedAt: T0, ...values });

const TICKETS: TicketInsert[] = [
  ticket(1, { tier: 't1', status: 'open', assigneeId: 3 }),
  ticket(2, { tier: 't1', status: 'pending', assigneeId: 3 }),
  ticket(3, { tier: 't1', status: 'closed', assigneeId: 3 }),
  ticket(4, { tier: 't1', status: 'hold', assigneeId: 1 }),
  ticket(5, { tier: 't2', status: 'open', assigneeId: 1 }),
  ticket(6, { tier: 't1', status: 'review', assigneeId: 2 }),
  ticket(7, { tier: 't1', status: 'resolved', assigneeId: 4 }),
  ticket(8, { tier: 't1', status: 'open', assigneeId: null, tierEnteredAt: at(10) }),
  ticket(9, { tier: 't2', status: 'open', assigneeId: null, tierEnteredAt: at(5) }),
  ticket(10, { tier: 't1', status: 'open', assigneeId: null, tierEnteredAt: at(4) }),
  ticket(11, { tier: 't1', status: 'open', assigneeId: null, team: 'product', tierEnteredAt: at(20) }),
  ticket(12, { tier: 't1', status: 'pending', assigneeId: null, tierEnteredAt: at(20) }),
  ticket(13, { tier: 'triage', status: 'open', assigneeId: null, tierEnteredAt: at(5) }),
];

function steps(repo: RotationRepository, boundary: TransactionBoundary): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  out.none = [repo.byTier('t1'), repo.memberIds('t1')];
  repo.upsert({ tier: 't1', handoffWeekday: 1, handoffTime: '10:00', anchorAt: T0, createdAt: T0 });
  repo.upsert({ tier: 't2', handoffWeekday: 3, handoffTime: '09:30', anchorAt: at(1), createdAt: at(1) });
  out.created = [repo.byTier('t1'), repo.byTier('t2')];
  repo.upsert({ tier: 't1', handoffWeekday: 5, handoffTime: '16:45', anchorAt: at(100), createdAt: at(100) }); // keeps its createdAt
  out.updated = repo.byTier('t1');

  repo.replaceMembers('t1', [3, 1, 4]);
  repo.replaceMembers('t2', [2]);
  out.members = [repo.memberIds('t1'), repo.memberIds('t2')];
  repo.replaceMembers('t1', [4, 2]);
  out.members = [...(out.members as unknown[]), repo.memberIds('t1')];
  let refused = false;
  try {
    // An empty list is refused on both (drizzle's values()); the transaction undoes the delete.
    boundary.transaction(() => repo.replaceMembers('t1', []));
  } catch {
    refused = true;
  }
  out.emptyRefused = [refused, repo.memberIds('t1')];
  repo.remove('t2');
  repo.remove('t5');
  out.removed = [repo.byTier('t2'), repo.memberIds('t2'), repo.memberIds('t1'), repo.byTier('t1') !== undefined];

  out.counts = [repo.activeCountsInTier('t1', [4, 3, 2, 1]), repo.activeCountsInTier('t1', [1]), repo.activeCountsInTier('t2', [1, 3]), repo.activeCountsInTier('t1', [])];
  out.unrouted = [repo.unroutedOpenSince(at(5)), repo.unroutedOpenSince(at(21))].map((rows) => rows.map((t) => t.id));
  out.unroutedRows = repo.unroutedOpenSince(at(10));
  return out;
}

describe('the rotations repository on SQLite and PostgreSQL', () => {
  it('answers the same to the same steps', async () => {
    const { sqliteStore, pgStore } = await engines.open();
    seedBoth({ sqliteStore, pgStore }, people, PEOPLE);
    seedBoth({ sqliteStore, pgStore }, tickets, TICKETS);

    const onSqlite = steps(sqliteStore.rotations, sqliteStore);
    const onPg = steps(pgRotation(pgStore), pgStore);
    expect(onPg).toEqual(onSqlite);

    expect(onSqlite.none).toEqual([undefined, []]);
    expect(onSqlite.updated).toEqual({ tier: 't1', handoffWeekday: 5, handoffTime: '16:45', anchorAt: at(100), createdAt: T0 });
    expect(onSqlite.members).toEqual([[3, 1, 4], [2], [4, 2]]);
    expect(onSqlite.emptyRefused).toEqual([true, [4, 2]]);
    expect(onSqlite.removed).toEqual([undefined, [], [4, 2], true]);
    expect(onSqlite.counts).toEqual([
      [
        { personId: 1, n: 1 },
        { personId: 2, n: 1 },
        { personId: 3, n: 2 },
      ],
      [{ personId: 1, n: 1 }],
      [{ personId: 1, n: 1 }],
      [],
    ]);
    expect(onSqlite.unrouted).toEqual([[8, 9, 13], []]);
    expect((onSqlite.unroutedRows as Array<{ id: number; tierEnteredAt: Date; holdUntil: Date | null }>).map((t) => [t.id, t.tierEnteredAt, t.holdUntil])).toEqual([[8, at(10), null]]);
  });
});
