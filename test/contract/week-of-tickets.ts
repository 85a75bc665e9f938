/**
 * A small week of tickets seeded alike on both engines, for the contract suites of the reads over
 * it (storage-reports, storage-digest): people, known issues, tickets in several tiers, statuses and
 * teams, their tier entries, comments, audit events (ticket, known-issue and guard ones), tags,
 * outbox rows, guard entries and on-call escalations. Rows get their ids in the order given (1, 2, …).
 */
import type { GuardKind } from '../../src/domain/vocabulary.js';
import * as pg from '../../src/store/pg/schema.js';
import { get } from '../../src/store/pg/session.js';
import * as lite from '../../src/store/schema.js';
import { pgSeed, seedBoth, sqliteSeed } from '../doubles/seed-engines.js';
import type { BothStores } from '../doubles/storage-engines.js';

/** March `n`, 2026, 09:00:00.123 UTC (+ `hours`). */
export const day = (n: number, hours = 0): Date => new Date(Date.UTC(2026, 2, n, 9 + hours, 0, 0, 123));

const ticket = (n: number, tier: lite.TicketRow['tier'], status: lite.TicketRow['status'], knownIssueId: number | null, created: number, updated: number, team: lite.TicketRow['team'] = null) => ({
  title: `Ticket ${n}`,
  department: (n % 2 ? 'paid' : 'community') as 'paid' | 'community',
  priority: (n % 3 ? 'medium' : 'high') as 'medium' | 'high',
  tier,
  status,
  knownIssueId,
  team,
  createdAt: day(created),
  updatedAt: day(updated),
  tierEnteredAt: day(created),
  statusChangedAt: day(created),
});

export function seedWeek(stores: BothStores): void {
  seedBoth(stores, lite.people, [
    { displayName: 'Ada', isStaff: true, tier: 't1', createdAt: day(1) },
    { displayName: 'Bob', isStaff: true, tier: 't2', createdAt: day(1) },
    { displayName: 'Cy', createdAt: day(1) },
    { displayName: 'Dee', isStaff: true, tier: 't1', createdAt: day(1) },
  ]);
  seedBoth(stores, lite.knownIssues, [
    { title: 'Login loop', slug: 'login-loop', status: 'investigating', partnerRef: 'P-1', createdAt: day(2), updatedAt: day(2) },
    { title: 'Old export bug', slug: 'old-export', status: 'resolved', createdAt: day(1), updatedAt: day(3) },
    { title: 'Nothing linked', slug: 'nothing', status: 'identified', createdAt: day(2), updatedAt: day(2) },
    { title: 'Slow search', slug: 'slow-search', status: 'monitoring', createdAt: day(2), updatedAt: day(2) },
  ]);
  seedBoth(stores, lite.tickets, [
    ticket(1, 't1', 'open', 1, 2, 3),
    ticket(2, 't2', 'resolved', 1, 3, 4, 'product'),
    ticket(3, 'triage', 'pending', 2, 4, 9),
    ticket(4, 't1', 'open', null, 5, 5),
    ticket(5, 't2', 'closed', null, 6, 6, 'engagement'),
    ticket(6, 'triage', 'hold', null, 1, 2),
    ticket(7, 't1', 'resolved', 4, 5, 7),
    ticket(8, 'oncall', 'open', 4, 7, 8),
  ]);
  seedBoth(stores, lite.slaClocks, [
    { ticketId: 1, tier: 't1', enteredAt: day(2), leftAt: day(3), usedMs: 1000, band: 'green' },
    { ticketId: 1, tier: 't2', enteredAt: day(3), runningSince: day(3), band: 'red' },
    { ticketId: 2, tier: 't1', enteredAt: day(3), leftAt: day(4), usedMs: 3_600_000, band: 'yellow' },
    { ticketId: 2, tier: 't2', enteredAt: day(4), band: 'green' },
    { ticketId: 4, tier: 't1', enteredAt: day(5), runningSince: day(5), band: 'green' },
    { ticketId: 5, tier: 't2', enteredAt: day(6), usedMs: 30 * 86_400_000, band: 'yellow' },
    { ticketId: 6, tier: 'triage', enteredAt: day(1), band: 'red' },
    { ticketId: 7, tier: 'triage', enteredAt: day(5), leftAt: day(6), band: 'green' },
    { ticketId: 7, tier: 't1', enteredAt: day(6), band: 'green' },
    { ticketId: 5, tier: 't1', enteredAt: day(6, 1), band: 'yellow' },
  ]);
  seedBoth(stores, lite.comments, [
    { ticketId: 1, visibility: 'public', body: 'Looking', authorId: 1, authorLabel: 'Ada', createdAt: day(2, 1) },
    { ticketId: 1, visibility: 'internal', body: 'Note', authorId: 1, authorLabel: 'Ada', createdAt: day(2, 2) },
    { ticketId: 1, visibility: 'public', body: 'Thanks', authorId: null, authorLabel: 'Cy', createdAt: day(2, 3) },
    { ticketId: 2, visibility: 'public', body: 'Fixed', authorId: 2, authorLabel: 'Bob', createdAt: day(4) },
    { ticketId: 4, visibility: 'public', body: 'On it', authorId: 1, authorLabel: 'Ada', createdAt: day(5, 1) },
  ]);
  const event = (entity: string, entityId: string, action: string, at: Date, before: unknown, after: unknown, actorLabel = 'Ada') => ({ entity, entityId, action, actorLabel, before, after, at });
  seedBoth(stores, lite.auditEvents, [
    event('ticket', '1', 'ticket.created', day(2), null, { status: 'open' }),
    event('ticket', '2', 'ticket.status', day(4, 1), { status: 'open' }, { status: 'resolved' }),
    event('ticket', '2', 'ticket.status', day(5), { status: 'open' }, { status: 'resolved' }),
    event('ticket', '5', 'ticket.status', day(6, 2), { status: 'open', team: null }, { status: 'resolved', team: 'engagement' }),
    event('ticket', '5', 'ticket.status', day(7), { status: 'resolved' }, { status: 'closed' }),
    event('ticket', '1', 'ticket.assigned', day(3), { assigneeId: null }, { assigneeId: 1 }),
    event('known_issue', '1', 'known_issue.created', day(2), null, { title: 'Login loop', status: 'investigating' }),
    event('guard', '2026-W10', 'digest.posted', day(8), null, null, 'Ada'),
    event('guard', '2026-W10', 'digest.posted', day(9), null, null, 'Bob'),
    event('ticket', '3', 'ticket.team', day(5), { team: null }, { team: 'product' }),
    event('known_issue', '4', 'known_issue.status', day(6), { status: 'identified' }, { status: 'monitoring' }),
    event('ticket', '7', 'ticket.status', day(6, 3), { status: 'open' }, { status: 'resolved' }),
    event('ticket', '10', 'ticket.status', day(6, 4), { status: 'open' }, { status: 'resolved' }),
    event('known_issue', '9', 'known_issue.status', day(12), { status: 'identified' }, { status: 'monitoring' }),
  ]);
  // The migrations seed a taxonomy: these tags get other slugs, and each engine's own ids.
  const tagRows = [
    { family: 'process', name: 'Escalated', slug: 'contract-escalated' },
    { family: 'area', name: 'Billing', slug: 'contract-billing' },
    { family: 'type', name: 'Question', slug: 'contract-question' },
    { family: 'process', name: 'Refund later', slug: 'contract-refund-later' },
    { family: 'other', name: 'Misc', slug: 'contract-misc' },
  ];
  const sqliteTagIds = tagRows.map((row) => stores.sqliteStore.db.insert(lite.tags).values(row).returning({ id: lite.tags.id }).get().id);
  const pgTagIds = tagRows.map((row) => get(stores.pgStore.db.insert(pg.tags).values(row).returning({ id: pg.tags.id }))!.id);
  // [ticket, tag number (1-based in tagRows)]
  const tagged = [
    [1, 1],
    [1, 2],
    [1, 3],
    [1, 5],
    [3, 1],
    [4, 2],
    [5, 3],
    [6, 2],
    [2, 4],
    [8, 3],
    [7, 1],
  ] as const;
  sqliteSeed(stores.sqliteStore)(lite.ticketTags, tagged.map(([ticketId, tag]) => ({ ticketId, tagId: sqliteTagIds[tag - 1]! })));
  pgSeed(stores.pgStore)(lite.ticketTags, tagged.map(([ticketId, tag]) => ({ ticketId, tagId: pgTagIds[tag - 1]! })));
  const queued = (dedupeKey: string, at: Date) => ({ dedupeKey, channel: 'ops', payload: { text: dedupeKey }, nextAttemptAt: at, createdAt: at });
  seedBoth(stores, lite.outbox, [queued('pattern:billing:2026-03-05', day(5)), queued('patternz', day(9)), queued('digest:2026-W10', day(8)), queued('Pattern:upper', day(9))]);
  const guard = (weekStart: string, kind: GuardKind, body: string, closedAt: Date | null = null) => ({ weekStart, kind, body, createdAt: day(1), closedAt });
  seedBoth(stores, lite.guardEntries, [
    guard('2026-03-02', 'hotfix', 'Hotfix 1.2.3'),
    guard('2026-02-23', 'loop', 'Open loop from last week'),
    guard('2026-02-23', 'loop', 'Closed loop', day(1)),
    guard('2026-02-23', 'sql', 'Old SQL'),
    guard('2026-03-09', 'loop', 'Next week loop'),
    guard('2026-03-02', 'loop', 'This week, closed', day(3)),
  ]);
  seedBoth(stores, lite.oncallEscalations, [
    { ticketId: 1, escalatedAt: day(3), major: true, step: 'paged', pagedAt: day(3, 1) },
    { ticketId: 4, escalatedAt: day(2) },
    { ticketId: 8, escalatedAt: day(9) },
  ]);
}
