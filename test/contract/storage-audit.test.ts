/**
 * The audit repository gives the same answers on SQLite and PostgreSQL (src/store/sqlite/audit.ts
 * is the specification; src/store/pg/audit.ts the port): the same steps on each engine.
 */
import { describe, expect, it } from 'vitest';
import { pgAudit } from '../../src/store/pg/audit.js';
import type { AuditFilter, AuditRepository, NewAuditEvent } from '../../src/store/repositories/audit.js';
import { oncallEscalations, people, tickets } from '../../src/store/schema.js';
import { seedBoth } from '../doubles/seed-engines.js';
import { useStorageEngines } from '../doubles/storage-engines.js';

const engines = useStorageEngines();

const T0 = new Date('2026-03-02T09:00:00.000Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

const PEOPLE = [1, 2, 3, 4].map((id) => ({ id, displayName: `person ${id}`, createdAt: T0 }));
const TICKETS = [1, 2, 3].map((id) => ({ id, title: `ticket ${id}`, department: 'paid' as const, createdAt: T0, updatedAt: T0, tierEnteredAt: T0, statusChangedAt: T0 }));
const ESCALATIONS = [
  { id: 1, ticketId: 1, escalatedAt: at(4) },
  { id: 2, ticketId: 2, escalatedAt: at(8) },
  { id: 3, ticketId: 1, escalatedAt: at(9) },
];

const event = (entity: string, entityId: string, action: string, actorId: number | null, minutes: number, before: unknown, after: unknown): NewAuditEvent => ({
  entity,
  entityId,
  action,
  actorId,
  actorLabel: actorId === null ? 'deskops' : `person ${actorId}`,
  before,
  after,
  at: at(minutes),
});

const EVENTS: NewAuditEvent[] = [
  event('ticket', '1', 'ticket.created', 1, 0, undefined, { status: 'open', title: 'ticket 1' }),
  event('ticket', '1', 'ticket.routed', null, 1, { assigneeId: null }, { assigneeId: 2 }),
  event('ticket', '2', 'ticket.routed', null, 2, null, { assigneeId: 3 }),
  event('ticket', '1', 'ticket.escalated', 1, 3, { tier: 't1', status: 'open' }, { tier: 't2' }),
  event('oncall', '1', 'oncall.paged', null, 4, null, { step: 'paged' }),
  event('ticket', '3', 'ticket.routed', null, 5, null, { assigneeId: '2' }), // a string: not person 2 (as json_extract on SQLite)
  event('ticket', '1', 'ticket.deescalated', 2, 6, { tier: 't2' }, { tier: 't1' }),
  event('ticket', '1', 'ticket.escalated', 3, 7, { tier: 't1', nested: { tier: 't3' } }, { tier: 't2' }),
  event('oncall', '2', 'oncall.paged', null, 8, null, null),
  event('known_issue', '4', 'ticket.routed', null, 9, null, { assigneeId: 2 }),
  event('ticket', '10', 'ticket.note', 4, 10, 'just text', [1, 2, 3]),
  event('ticket', '2', 'ticket.escalated', 4, 11, { tier: 't3' }, { tier: 't4' }),
  event('ticket', '2', 'ticket.escalated', 2, 12, { tier: null }, { tier: 't4' }),
  event('oncall', '3', 'oncall.acknowledged', 2, 13, { step: 'paged' }, { acknowledgedBy: 2 }),
];

const FILTERS: AuditFilter[] = [
  { ticketId: 1, escalationIds: [] },
  { ticketId: 1, escalationIds: ['1', '3'] },
  { ticketId: 2, escalationIds: ['2'] },
  { ticketId: 99, escalationIds: [] },
  { since: at(3) },
  { since: at(3), actorId: 2 },
  { since: at(100) },
];

function steps(repo: AuditRepository): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  out.empty = [repo.count({ since: T0 }), repo.lastRoutedTo(2), repo.lastTierMove(1), repo.escalatorOutOf(1, 't1')];
  for (const e of EVENTS) repo.append(e);
  out.counts = FILTERS.map((f) => repo.count(f));
  out.pages = FILTERS.map((f) => [repo.page(f, 'oldest', 3, 0), repo.page(f, 'newest', 3, 0), repo.page(f, 'oldest', 2, 2), repo.page(f, 'newest', 50, 1)]);
  out.escalationIds = [repo.escalationIdsOf(1), repo.escalationIdsOf(2), repo.escalationIdsOf(3)];
  out.lastRouted = [1, 2, 3, 4].map((p) => repo.lastRoutedTo(p));
  out.lastTierMove = [1, 2, 3, 10].map((t) => repo.lastTierMove(t));
  out.escalator = [repo.escalatorOutOf(1, 't1'), repo.escalatorOutOf(1, 't2'), repo.escalatorOutOf(1, 't3'), repo.escalatorOutOf(2, 't3'), repo.escalatorOutOf(3, 't1')];
  return out;
}

describe('the audit repository on SQLite and PostgreSQL', () => {
  it('answers the same to the same steps', async () => {
    const { sqliteStore, pgStore } = await engines.open();
    seedBoth({ sqliteStore, pgStore }, people, PEOPLE);
    seedBoth({ sqliteStore, pgStore }, tickets, TICKETS);
    seedBoth({ sqliteStore, pgStore }, oncallEscalations, ESCALATIONS);

    const onSqlite = steps(sqliteStore.audit);
    const onPg = steps(pgAudit(pgStore));
    expect(onPg).toEqual(onSqlite);

    expect(onSqlite.empty).toEqual([0, undefined, undefined, null]);
    expect(onSqlite.counts).toEqual([5, 7, 4, 0, 11, 3, 0]);
    const ids = (rows: unknown) => (rows as Array<{ id: number }>).map((r) => r.id);
    const pages = onSqlite.pages as unknown[][];
    expect(pages[1]!.map(ids)).toEqual([
      [1, 2, 4],
      [14, 8, 7],
      [4, 5],
      [8, 7, 5, 4, 2, 1],
    ]);
    expect(pages[5]!.map(ids)).toEqual([[7, 13, 14], [14, 13, 7], [14], [13, 7]]);
    expect((pages[0]![0] as unknown[])[0]).toEqual({ id: 1, ...EVENTS[0], before: null });
    expect((pages[4]![3] as unknown[])[2]).toEqual({ id: 11, ...EVENTS[10] });
    expect(onSqlite.escalationIds).toEqual([['1', '3'], ['2'], []]);
    expect(onSqlite.lastRouted).toEqual([undefined, at(1), at(2), undefined]);
    expect(onSqlite.lastTierMove).toEqual([
      { action: 'ticket.escalated', actorId: 3, before: { tier: 't1', nested: { tier: 't3' } } },
      { action: 'ticket.escalated', actorId: 2, before: { tier: null } },
      undefined,
      undefined,
    ]);
    expect(onSqlite.escalator).toEqual([3, null, null, 4, null]);
  });
});
