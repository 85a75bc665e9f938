/** The ReportRepository answers the same on SQLite and PostgreSQL (src/store/sqlite/reports.ts, src/store/pg/reports.ts). */
import { describe, expect, it } from 'vitest';
import type { ReportRepository } from '../../src/store/repositories/reports.js';
import { pgReport } from '../../src/store/pg/reports.js';
import { useStorageEngines } from '../doubles/storage-engines.js';
import { day, seedWeek } from './week-of-tickets.js';

const engines = useStorageEngines();

/** Rows of a read "in no order", in one order for comparing. */
function sorted<T>(rows: T[]): T[] {
  return [...rows].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : JSON.stringify(a) > JSON.stringify(b) ? 1 : 0));
}

function steps(repo: ReportRepository): Record<string, unknown> {
  return {
    clockEntries: sorted(repo.clockEntries(day(2), day(6))),
    clockEntriesT1: sorted(repo.clockEntries(day(1), day(10), 't1')),
    clockEntriesNone: repo.clockEntries(day(20), day(21)),
    replyTimes: sorted(repo.publicStaffReplyTimes([1, 2, 3, 4])),
    replyTimesNone: repo.publicStaffReplyTimes([]),
    opened: sorted(repo.ticketsOpened(day(2), day(6))),
    openedT1: sorted(repo.ticketsOpened(day(1), day(10), 't1')),
    firstResolved: sorted(repo.firstResolvedAt([1, 2, 3, 5, 7])),
    firstResolvedNone: repo.firstResolvedAt([]),
    weekBands: sorted(repo.entriesByWeekAndBand([day(1), day(3), day(5), day(7)])),
    weekBandsT2: sorted(repo.entriesByWeekAndBand([day(1), day(4), day(8)], 't2')),
    knownIssueCounts: sorted(repo.unresolvedKnownIssueCounts()),
    processTags: repo.processTagsOfTicketsUpdated(day(3), day(9)).map((row) => ({ ...row })),
    processTagsAll: sorted(repo.processTagsOfTicketsUpdated(day(1), day(20))),
    unlinkedTags: sorted(repo.areaAndTypeTagsOfUnlinkedTicketsSince(day(2))),
    unlinkedTagsLater: sorted(repo.areaAndTypeTagsOfUnlinkedTicketsSince(day(6))),
    queued: [
      repo.queuedWithKeyPrefixSince('pattern:', day(1)),
      repo.queuedWithKeyPrefixSince('pattern:', day(6)),
      repo.queuedWithKeyPrefixSince('pattern', day(6)),
      repo.queuedWithKeyPrefixSince('Pattern:', day(9)),
      repo.queuedWithKeyPrefixSince('PATTERN:', day(1)),
      repo.queuedWithKeyPrefixSince('digest:2026-W1', day(8)),
      repo.queuedWithKeyPrefixSince('digest:2026-W11', day(1)),
    ],
    linked: sorted(repo.linkedTicketsOfUnresolvedKnownIssues()),
  };
}

describe('reports on SQLite and PostgreSQL', () => {
  it('reads the same figures of the same week', async () => {
    const stores = await engines.open();
    seedWeek(stores);
    const onSqlite = steps(stores.sqliteStore.reports);
    const onPg = steps(pgReport(stores.pgStore));
    expect(onPg).toEqual(onSqlite);

    expect((onSqlite.clockEntries as Array<{ clock: { ticketId: number; tier: string } }>).length).toBe(6);
    expect(onSqlite.clockEntriesT1).toContainEqual(expect.objectContaining({ priority: 'medium', department: 'community', clock: expect.objectContaining({ ticketId: 2, usedMs: 3_600_000, band: 'yellow', leftAt: day(4) }) }));
    expect(onSqlite.clockEntriesNone).toEqual([]);
    expect(onSqlite.replyTimes).toEqual(sorted([
      { ticketId: 1, at: day(2, 1) },
      { ticketId: 2, at: day(4) },
      { ticketId: 4, at: day(5, 1) },
    ]));
    expect(onSqlite.openedT1).toEqual([
      { id: 1, tier: 't1', createdAt: day(2) },
      { id: 4, tier: 't1', createdAt: day(5) },
      { id: 7, tier: 't1', createdAt: day(5) },
    ]);
    expect(onSqlite.firstResolved).toEqual([
      { id: '2', at: day(4, 1).getTime() },
      { id: '5', at: day(6, 2).getTime() },
      { id: '7', at: day(6, 3).getTime() },
    ]);
    expect(onSqlite.weekBandsT2).toEqual(sorted([
      { tier: 't2', band: 'red', week: 0, n: 1 },
      { tier: 't2', band: 'green', week: 1, n: 1 },
      { tier: 't2', band: 'yellow', week: 1, n: 1 },
    ]));
    expect(onSqlite.weekBands).toContainEqual({ tier: 't1', band: 'green', week: 2, n: 2 });
    expect(onSqlite.knownIssueCounts).toEqual(sorted([
      { id: 1, title: 'Login loop', status: 'investigating', partnerRef: 'P-1', total: 2, active: 1 },
      { id: 3, title: 'Nothing linked', status: 'identified', partnerRef: null, total: 0, active: 0 },
      { id: 4, title: 'Slow search', status: 'monitoring', partnerRef: null, total: 2, active: 1 },
    ]));
    expect((onSqlite.processTags as Array<{ ticketId: number }>).map((row) => row.ticketId)).toEqual([1, 2, 7]);
    expect(onSqlite.unlinkedTags).toEqual(sorted([{ ticketId: 4, family: 'area', name: 'Billing', slug: 'contract-billing' }]));
    expect(onSqlite.unlinkedTagsLater).toEqual([]);
    expect(onSqlite.queued).toEqual([true, false, true, true, false, true, false]);
    expect(onSqlite.linked).toEqual(sorted([
      { id: 1, title: 'Login loop', linked: 2 },
      { id: 4, title: 'Slow search', linked: 2 },
    ]));
  });
});
