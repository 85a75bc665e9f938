/**
 * The ClockRepository holds the same promises on SQLite and PostgreSQL: the same steps through
 * `sqliteStore.clocks` and `pgClock(pgStore)` give the same answers.
 */
import { describe, expect, it } from 'vitest';
import { pgClock } from '../../src/store/pg/clocks.js';
import { pgTicket } from '../../src/store/pg/tickets.js';
import type { ClockRepository } from '../../src/store/repositories/clocks.js';
import type { NewTicketRow, TicketRepository } from '../../src/store/repositories/tickets.js';
import { useStorageEngines, type BothStores } from '../doubles/storage-engines.js';

const engines = useStorageEngines();

const T0 = Date.parse('2026-03-02T09:00:00.000Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000 + 5);

function sides({ sqliteStore, pgStore }: BothStores): Array<{ repo: ClockRepository; tickets: TicketRepository }> {
  return [
    { repo: sqliteStore.clocks, tickets: sqliteStore.tickets },
    { repo: pgClock(pgStore), tickets: pgTicket(pgStore) },
  ];
}

function openTicket(tickets: TicketRepository, fields: Partial<NewTicketRow> = {}): number {
  return tickets.insert({ title: 'T', department: 'paid', createdAt: at(0), updatedAt: at(0), tierEnteredAt: at(0), statusChangedAt: at(0), ...fields }).id;
}

describe('the SLA clock repository on SQLite and PostgreSQL', () => {
  it('opens, finds the current clock and updates it alike', async () => {
    const answers = sides(await engines.open()).map(({ repo, tickets }) => {
      const ticketId = openTicket(tickets);
      const none = repo.currentOf(ticketId);
      repo.open({ ticketId, tier: 'triage', enteredAt: at(0), runningSince: at(0), band: 'green', nextCheckAt: at(30) });
      const first = repo.currentOf(ticketId)!;
      const left = repo.update(first.id, { leftAt: at(10), usedMs: 40 * 24 * 3600 * 1000, runningSince: null, warned: 'pre-yellow' });
      repo.open({ ticketId, tier: 't1', enteredAt: at(10), runningSince: null, band: 'yellow', nextCheckAt: null });
      const second = repo.currentOf(ticketId);
      // Two not left (a crash between leaving and entering): the latest is current.
      repo.open({ ticketId, tier: 't2', enteredAt: at(20), runningSince: at(20), band: 'red', nextCheckAt: at(21) });
      const latest = repo.currentOf(ticketId);
      const snoozed = repo.update(latest!.id, { snoozedUntil: at(50), band: 'yellow' });
      return { none, first, left, second, latest, snoozed, otherTicket: repo.currentOf(ticketId + 1) };
    });
    const [onSqlite, onPg] = answers;
    expect(onPg).toEqual(onSqlite);
    const s = onSqlite!;
    expect(s.none).toBeUndefined();
    expect(s.first).toEqual({ id: 1, ticketId: 1, tier: 'triage', enteredAt: at(0), leftAt: null, usedMs: 0, runningSince: at(0), band: 'green', warned: null, nextCheckAt: at(30), snoozedUntil: null });
    expect(s.left).toMatchObject({ leftAt: at(10), usedMs: 3_456_000_000, warned: 'pre-yellow' });
    expect(s.second).toMatchObject({ id: 2, tier: 't1', runningSince: null, nextCheckAt: null, band: 'yellow' });
    expect(s.latest).toMatchObject({ id: 3, tier: 't2' });
    expect(s.snoozed).toMatchObject({ id: 3, snoozedUntil: at(50), band: 'yellow' });
  });

  it('finds the due clocks, oldest check first, alike', async () => {
    const answers = sides(await engines.open()).map(({ repo, tickets }) => {
      const ticketId = openTicket(tickets);
      for (const next of [at(10), null, at(5), at(10), at(30), at(1)]) repo.open({ ticketId, tier: 't1', enteredAt: at(0), runningSince: at(0), band: 'green', nextCheckAt: next });
      return {
        due: repo.due(at(10), 10).map((c) => c.id),
        some: repo.due(at(10), 2).map((c) => c.id),
        none: repo.due(at(0), 10),
        rows: repo.due(at(1), 10),
      };
    });
    const [onSqlite, onPg] = answers;
    expect(onPg).toEqual(onSqlite);
    expect(onSqlite!.due).toEqual([6, 3, 1, 4]);
    expect(onSqlite!.some).toEqual([6, 3]);
    expect(onSqlite!.none).toEqual([]);
    expect(onSqlite!.rows.map((c) => c.nextCheckAt)).toEqual([at(1)]);
  });

  it('lists the running clocks with their tickets alike', async () => {
    const answers = sides(await engines.open()).map(({ repo, tickets }) => {
      const specs: Array<Partial<NewTicketRow>> = [
        { status: 'review', tier: 't1' },
        { status: 'open', tier: 't2' },
        { status: 'pending', tier: 't1' },
        { status: 'open', tier: 't1', team: 'product' },
        { status: 'open', tier: 't1' },
        { status: 'open', tier: 'triage' },
        { status: 'review', tier: 'oncall' },
      ];
      const ids = specs.map((fields) => openTicket(tickets, fields));
      for (const ticketId of ids) repo.open({ ticketId, tier: 't1', enteredAt: at(ticketId), runningSince: at(ticketId), band: 'green', nextCheckAt: at(60) });
      // Ticket 5's first clock was left; its second is current.
      repo.update(repo.currentOf(ids[4]!)!.id, { leftAt: at(9) });
      repo.open({ ticketId: ids[4]!, tier: 't1', enteredAt: at(9), runningSince: null, band: 'yellow', nextCheckAt: null });
      return {
        all: repo.runningWithTickets(),
        t1: repo.runningWithTickets('t1'),
        t5: repo.runningWithTickets('t5'),
      };
    });
    const [onSqlite, onPg] = answers;
    expect(onPg).toEqual(onSqlite);
    const s = onSqlite!;
    expect(s.all.map(({ ticket, clock }) => [ticket.id, clock.id]).sort((a, b) => a[0]! - b[0]!)).toEqual([
      [1, 1],
      [2, 2],
      [5, 8],
      [6, 6],
      [7, 7],
    ]);
    expect(s.t1.map(({ ticket }) => ticket.id).sort()).toEqual([1, 5]);
    expect(s.t1[0]!.ticket).toMatchObject({ status: expect.any(String), team: null });
    expect(s.t5).toEqual([]);
  });
});
