/**
 * The settings repository gives the same answers on SQLite and PostgreSQL (src/store/sqlite/settings.ts
 * is the specification; src/store/pg/settings.ts the port): the same steps on each engine.
 */
import { describe, expect, it } from 'vitest';
import { pgSettings } from '../../src/store/pg/settings.js';
import type { SettingsRepository } from '../../src/store/repositories/settings.js';
import type { Storage } from '../../src/store/storage.js';
import { people, tickets } from '../../src/store/schema.js';
import { seedBoth } from '../doubles/seed-engines.js';
import { useStorageEngines } from '../doubles/storage-engines.js';

const engines = useStorageEngines();

const T0 = new Date('2026-03-02T09:00:00.000Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

type TicketInsert = typeof tickets.$inferInsert;
const ticket = (id: number, values: Partial<TicketInsert>): TicketInsert => ({ id, title: `ticket ${id}`, department: 'paid', createdAt: T0, updatedAt: T0, tierEnteredAt: T0, statusChangedAt: T0, ...values });

/** Tickets in every status, some with a timer, in an id order unlike their (status, tier) order. */
const TICKETS: TicketInsert[] = [
  ticket(1, { status: 'waiting', tier: 't1', statusTimerAt: at(5), holdUntil: at(60) }),
  ticket(2, { status: 'pending', tier: 't2', statusTimerAt: at(10), pendingRemindedAt: at(3) }),
  ticket(3, { status: 'pending', tier: 't1', statusTimerAt: at(20) }),
  ticket(4, { status: 'resolved', tier: 'triage', statusTimerAt: at(30), statusChangedAt: at(1) }),
  ticket(5, { status: 'open', tier: 't1', statusTimerAt: at(40) }),
  ticket(6, { status: 'hold', tier: 't1', statusTimerAt: at(50) }),
  ticket(7, { status: 'pending', tier: 't1' }),
  ticket(8, { status: 'closed', tier: 't1', statusTimerAt: at(70) }),
  ticket(9, { status: 'pending', tier: 't1', statusTimerAt: at(80) }),
];

function steps(repo: SettingsRepository): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  out.missing = repo.value('calendar');
  repo.write({ key: 'calendar', value: { zone: 'Europe/Berlin', days: [1, 2, 3], holidays: [] }, updatedAt: T0, updatedBy: 1 });
  repo.write({ key: 'channels', value: ['C1', 'C2'], updatedAt: T0, updatedBy: null });
  repo.write({ key: 'flag', value: true, updatedAt: T0, updatedBy: null });
  out.first = [repo.value('calendar'), repo.value('channels'), repo.value('flag')];
  repo.write({ key: 'calendar', value: { zone: 'UTC', nested: { a: null, b: 'x' } }, updatedAt: at(1), updatedBy: null });
  out.replaced = repo.value('calendar');
  out.timers = repo.ticketsWithStatusTimers();
  repo.setStatusTimerAt(2, null);
  repo.setStatusTimerAt(7, at(90));
  repo.setStatusTimerAt(999, at(90));
  out.moved = repo.ticketsWithStatusTimers();
  return out;
}

/**
 * What Storage.tableVersion promises on either engine (storage.ts), as facts both must state alike:
 * the numbers themselves are each engine's own.
 */
function versionSteps(store: Storage): Record<string, unknown> {
  const version = () => store.tableVersion('team_settings');
  const write = (n: number) => store.settings.write({ key: 'probe', value: { n }, updatedAt: T0, updatedBy: null });
  const out: Record<string, unknown> = {};
  const start = version();
  out.watched = typeof start === 'number';
  out.unwatched = store.tableVersion('tickets');
  out.steadyWhileUnchanged = version() === start && store.read(() => version() === version()) && store.transaction(() => version() === version());
  store.transaction(() => write(1));
  const committed = version();
  out.movedByACommit = typeof committed === 'number' && committed !== start;
  let inside: number | null = null;
  let readInside: unknown;
  try {
    store.transaction(() => {
      write(2);
      inside = version();
      readInside = store.settings.value('probe');
      throw new Error('roll back');
    });
  } catch {
    // Rolled back, as meant.
  }
  out.readInside = readInside;
  // Null, or a version of the write alone: neither the one before it nor one seen after the rollback.
  out.insideIsNullOrItsOwn = inside === null || (inside !== committed && inside !== start);
  const afterRollback = version();
  out.rolledBackVersionNeverAgain = typeof afterRollback === 'number' && afterRollback !== inside;
  out.afterRollback = store.settings.value('probe');
  return out;
}

describe('the settings repository on SQLite and PostgreSQL', () => {
  it('keeps the same table version contract', async () => {
    const { sqliteStore, pgStore } = await engines.open();
    const onSqlite = versionSteps(sqliteStore);
    expect(versionSteps(pgStore)).toEqual(onSqlite);
    expect(onSqlite).toEqual({
      watched: true,
      unwatched: null,
      steadyWhileUnchanged: true,
      movedByACommit: true,
      readInside: { value: { n: 2 } },
      insideIsNullOrItsOwn: true,
      rolledBackVersionNeverAgain: true,
      afterRollback: { value: { n: 1 } },
    });
  });


  it('answers the same to the same steps', async () => {
    const { sqliteStore, pgStore } = await engines.open();
    const person = { id: 1, displayName: 'Lead', createdAt: T0 };
    seedBoth({ sqliteStore, pgStore }, people, [person]);
    seedBoth({ sqliteStore, pgStore }, tickets, TICKETS);

    const onSqlite = steps(sqliteStore.settings);
    const onPg = steps(pgSettings(pgStore));
    expect(onPg).toEqual(onSqlite);

    expect(onSqlite.missing).toBeUndefined();
    expect(onSqlite.first).toEqual([{ value: { zone: 'Europe/Berlin', days: [1, 2, 3], holidays: [] } }, { value: ['C1', 'C2'] }, { value: true }]);
    expect(onSqlite.replaced).toEqual({ value: { zone: 'UTC', nested: { a: null, b: 'x' } } });
    // By status, then tier, then id: SQLite's plan order, which the port spells out.
    expect((onSqlite.timers as Array<{ id: number }>).map((t) => t.id)).toEqual([3, 9, 2, 4, 1]);
    expect((onSqlite.timers as unknown[])[2]).toEqual({ id: 2, status: 'pending', statusChangedAt: T0, pendingRemindedAt: at(3), holdUntil: null, statusTimerAt: at(10) });
    expect((onSqlite.moved as Array<{ id: number }>).map((t) => t.id)).toEqual([3, 7, 9, 4, 1]);
  });
});
