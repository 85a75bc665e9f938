/** The DigestRepository answers the same on SQLite and PostgreSQL (src/store/sqlite/digest.ts, src/store/pg/digest.ts). */
import { describe, expect, it } from 'vitest';
import type { DigestRepository } from '../../src/store/repositories/digest.js';
import { pgDigest } from '../../src/store/pg/digest.js';
import { slaClocks, tickets } from '../../src/store/schema.js';
import { seedBoth } from '../doubles/seed-engines.js';
import { useStorageEngines } from '../doubles/storage-engines.js';
import { day, seedWeek } from './week-of-tickets.js';

const engines = useStorageEngines();

/** JSON text as its value: PostgreSQL's jsonb does not keep the stored text's key order (see src/store/pg/digest.ts). */
const parsed = (text: string | null): unknown => (text === null ? null : JSON.parse(text));

function steps(repo: DigestRepository): Record<string, unknown> {
  return {
    changes: repo.ticketChangesSince(day(4)).map((row) => ({ ...row, before: parsed(row.before) })),
    changesNone: repo.ticketChangesSince(day(20)),
    tracked: repo.trackedFieldsOf([5, 1, 8, 99]),
    trackedNone: repo.trackedFieldsOf([]),
    opened: repo.openedByTier(day(1), day(10)),
    openedEarly: repo.openedByTier(day(2), day(4)),
    resolved: repo.resolvedByTier(day(1), day(10)),
    resolvedEarly: repo.resolvedByTier(day(4), day(5)),
    active: repo.activeByTier(day(10)),
    activeEarly: repo.activeByTier(day(3)),
    events: repo.statusOrTeamEventsSince([1, 2, 3, 5, 7, 10], day(2)).map((row) => ({ ...row, before: parsed(row.before), after: parsed(row.after) })),
    eventsLater: repo.statusOrTeamEventsSince([2, 5], day(6)).map((row) => ({ ...row, before: parsed(row.before), after: parsed(row.after) })),
    eventsNone: repo.statusOrTeamEventsSince([], day(1)),
    weekEntries: repo.weekEntries(day(2), day(7)),
    escalations: repo.escalationsBefore(day(5)),
    knownIssueEvents: repo.knownIssueEvents(day(1), day(10)),
    knownIssues: repo.knownIssuesByIds([4, 1, 99]),
    knownIssuesNone: repo.knownIssuesByIds([]),
    linked: [repo.linkedTicketCount(1), repo.linkedTicketCount(3), repo.linkedTicketCount(99)],
    tiers: [repo.peopleInTier('t1'), repo.peopleInTier('t2'), repo.peopleInTier('oncall')],
    guard: repo.guardEntriesFor('2026-03-02'),
    guardNext: repo.guardEntriesFor('2026-03-09'),
    queuedAt: [repo.queuedAt('digest:2026-W10'), repo.queuedAt('digest:2026-w10'), repo.queuedAt('nothing')],
    posted: [repo.digestPostedEvent('2026-W10'), repo.digestPostedEvent('2026-W11')],
    activity: [repo.hasActivityBefore(day(2)), repo.hasActivityBefore(day(2, 1)), repo.hasActivityBefore(day(1))],
  };
}

describe('the weekly digest reads on SQLite and PostgreSQL', () => {
  it('reads the same week', async () => {
    const stores = await engines.open();
    seedWeek(stores);
    const onSqlite = steps(stores.sqliteStore.digest);
    const onPg = steps(pgDigest(stores.pgStore));
    expect(onPg).toEqual(onSqlite);

    expect((onSqlite.changes as Array<{ entityId: string }>).map((row) => row.entityId)).toEqual(['2', '2', '5', '5', '3', '7', '10']);
    expect((onSqlite.changes as Array<{ before: unknown }>)[2]!.before).toEqual({ status: 'open', team: null });
    expect(onSqlite.tracked).toEqual([
      { id: 1, status: 'open', tier: 't1', team: null, createdAt: day(2) },
      { id: 5, status: 'closed', tier: 't2', team: 'engagement', createdAt: day(6) },
      { id: 8, status: 'open', tier: 'oncall', team: null, createdAt: day(7) },
    ]);
    // By the tier each ticket was opened in (its first clock's). Each group was once labelled by a
    // subquery tied to no ticket ('t1' for all four): the labels are what this checks.
    expect(onSqlite.opened).toEqual([
      { tier: 'oncall', n: 1 },
      { tier: 't1', n: 3 },
      { tier: 't2', n: 1 },
      { tier: 'triage', n: 3 },
    ]);
    expect(onSqlite.resolved).toEqual([
      { tier: null, n: 1 },
      { tier: 't1', n: 2 },
      { tier: 't2', n: 1 },
    ]);
    expect(onSqlite.active).toEqual([
      { tier: 'oncall', n: 1 },
      { tier: 't1', n: 2 },
      { tier: 'triage', n: 2 },
    ]);
    expect(onSqlite.activeEarly).toEqual([
      { tier: 't1', n: 1 },
      { tier: 'triage', n: 1 },
    ]);
    expect((onSqlite.events as Array<{ entityId: string; at: number }>).map((row) => [row.entityId, row.at])).toEqual([
      ['1', day(2).getTime()],
      ['10', day(6, 4).getTime()],
      ['2', day(4, 1).getTime()],
      ['2', day(5).getTime()],
      ['3', day(5).getTime()],
      ['5', day(6, 2).getTime()],
      ['5', day(7).getTime()],
      ['7', day(6, 3).getTime()],
    ]);
    expect((onSqlite.events as Array<{ before: unknown; after: unknown }>)[0]).toMatchObject({ before: null, after: { status: 'open' } });
    expect(onSqlite.eventsNone).toEqual([]);
    expect((onSqlite.weekEntries as Array<{ ticketId: number }>).length).toBe(9);
    expect(onSqlite.weekEntries).toContainEqual({ ticketId: 5, tier: 't2', enteredAt: day(6), leftAt: null, usedMs: 30 * 86_400_000, runningSince: null, band: 'yellow', priority: 'medium', department: 'paid', status: 'closed', ticketTier: 't2', team: 'engagement' });
    expect((onSqlite.escalations as Array<{ ticket: { id: number } }>).map((row) => row.ticket.id)).toEqual([4, 1]);
    expect((onSqlite.escalations as Array<{ escalation: unknown }>)[1]!.escalation).toMatchObject({ major: true, step: 'paged', pagedAt: day(3, 1), acknowledgedAt: null });
    expect(onSqlite.knownIssueEvents).toEqual([
      { entityId: '1', action: 'known_issue.created', after: { title: 'Login loop', status: 'investigating' } },
      { entityId: '4', action: 'known_issue.status', after: { status: 'monitoring' } },
    ]);
    expect((onSqlite.knownIssues as Array<{ id: number }>).map((row) => row.id)).toEqual([1, 4]);
    expect(onSqlite.linked).toEqual([2, 0, 0]);
    expect(onSqlite.tiers).toEqual([[1, 4], [2], []]);
    expect(onSqlite.guard).toEqual([
      { id: 1, kind: 'hotfix', body: 'Hotfix 1.2.3', closed: false },
      { id: 2, kind: 'loop', body: 'Open loop from last week', closed: false },
      { id: 6, kind: 'loop', body: 'This week, closed', closed: true },
    ]);
    expect(onSqlite.queuedAt).toEqual([day(8), undefined, undefined]);
    expect(onSqlite.posted).toEqual([{ at: day(8), by: 'Ada' }, undefined]);
    expect(onSqlite.activity).toEqual([false, true, false]);
  });

  it('counts a ticket without clocks under its tier now, and one with clocks under its first clock\'s tier', async () => {
    const stores = await engines.open();
    const ticket = (tier: 'triage' | 't1' | 't2', created: number) => ({ title: `T ${tier}`, department: 'paid' as const, tier, createdAt: day(created), updatedAt: day(created), tierEnteredAt: day(created), statusChangedAt: day(created) });
    const rows = [ticket('t2', 2), ticket('triage', 2), ticket('t2', 3), ticket('t1', 3)];
    seedBoth(stores, tickets, rows);
    // Clocks of ticket 4 only: tickets 1 to 3 count under their tier now.
    const clocks = [
      { ticketId: 4, tier: 'triage' as const, enteredAt: day(3) },
      { ticketId: 4, tier: 't1' as const, enteredAt: day(3, 1) },
    ];
    seedBoth(stores, slaClocks, clocks);
    const onSqlite = stores.sqliteStore.digest.openedByTier(day(1), day(10));
    const onPg = pgDigest(stores.pgStore).openedByTier(day(1), day(10));
    expect(onPg).toEqual(onSqlite);
    // Tickets 1 and 3 in t2 (their tier now), 2 in triage (now), 4 in triage (its first clock; t1 now).
    expect(onSqlite).toEqual([
      { tier: 't2', n: 2 },
      { tier: 'triage', n: 2 },
    ]);
  });
});
