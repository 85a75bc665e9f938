/**
 * The TicketRepository holds the same promises on SQLite and PostgreSQL: each test runs the same
 * steps through `sqliteStore.tickets` and `pgTicket(pgStore)` and expects the same answers (and a
 * few of them by value, so both cannot be wrong alike).
 */
import { describe, expect, it } from 'vitest';
import * as sqliteSchema from '../../src/store/schema.js';
import * as pgSchema from '../../src/store/pg/schema.js';
import { pgTicket } from '../../src/store/pg/tickets.js';
import { all } from '../../src/store/pg/session.js';
import type { NewTicketRow, TicketRepository } from '../../src/store/repositories/tickets.js';
import { pgSeed, sqliteSeed, type Seed } from '../doubles/seed-engines.js';
import { useStorageEngines, type BothStores } from '../doubles/storage-engines.js';

const engines = useStorageEngines();

const T0 = Date.parse('2026-03-02T09:00:00.000Z');
/** The instant `minutes` after T0 (to the millisecond, as both engines keep it). */
const at = (minutes: number) => new Date(T0 + minutes * 60_000 + 7);

/** Both engines' repository, and a seeder for the tables it reads but does not write. */
function sides({ sqliteStore, pgStore }: BothStores): Array<{ repo: TicketRepository; seed: Seed }> {
  return [
    { repo: sqliteStore.tickets, seed: sqliteSeed(sqliteStore) },
    { repo: pgTicket(pgStore), seed: pgSeed(pgStore) },
  ];
}

function ticket(fields: Partial<NewTicketRow> = {}): NewTicketRow {
  return { title: 'A ticket', department: 'paid', createdAt: at(0), updatedAt: at(0), tierEnteredAt: at(0), statusChangedAt: at(0), ...fields };
}

/** Two staff people (ids 1, 2) and a requester (3). */
function seedPeople(seed: Seed): void {
  seed(sqliteSchema.people, [
    { displayName: 'Ada', role: 'agent', isStaff: true, createdAt: at(0) },
    { displayName: 'Bo', role: 'lead', isStaff: true, createdAt: at(0) },
    { displayName: 'Cy', isStaff: false, createdAt: at(0) },
  ]);
}

/** A dozen tickets that the list criteria tell apart. */
function seedList(repo: TicketRepository, seed: Seed): void {
  seedPeople(seed);
  seed(sqliteSchema.knownIssues, [{ title: 'Login loop', slug: 'login-loop', createdAt: at(0), updatedAt: at(0) }]);
  const rows: Array<Partial<NewTicketRow>> = [
    { status: 'open', tier: 't1', tierEnteredAt: at(30), assigneeId: 1, requester: 'cy@example.com', requesterPersonId: 3 },
    { status: 'pending', tier: 't1', tierEnteredAt: at(5), assigneeId: 1, requester: 'CY@example.com' },
    { status: 'open', tier: 't1', tierEnteredAt: at(10), priority: 'high', department: 'community' },
    { status: 'resolved', tier: 't2', tierEnteredAt: at(1), team: 'product', knownIssueId: 1 },
    { status: 'review', tier: 't2', tierEnteredAt: at(10), assigneeId: 2, requester: 'dee@example.com', requesterPersonId: 3 },
    { status: 'closed', tier: 'triage', tierEnteredAt: at(2), requester: 'cy@example.com' },
    { status: 'open', tier: 'triage', tierEnteredAt: at(10), knownIssueId: 1, team: 'engagement' },
    { status: 'hold', tier: 't1', tierEnteredAt: at(0), priority: 'low', department: 'trials', requester: 'cy@example.com' },
    { status: 'waiting', tier: 'oncall', tierEnteredAt: at(3), assigneeId: 2 },
    { status: 'open', tier: 't1', tierEnteredAt: at(30), priority: 'high' },
  ];
  for (const fields of rows) repo.insert(ticket(fields));
  seed(sqliteSchema.tags, [{ family: 'contract', name: 'Red', slug: 'red' }]);
  seed(sqliteSchema.ticketTags, [
    { ticketId: 3, tagId: 1 },
    { ticketId: 4, tagId: 1 },
    { ticketId: 9, tagId: 2 },
  ]);
}

const CRITERIA = [
  {},
  { status: 'active' },
  { status: 'open' },
  { assigneeId: 1 },
  { unassigned: true },
  { tier: 't1' },
  { withoutTeam: true, status: 'active' },
  { priority: 'high' },
  { team: 'product' },
  { department: 'community' },
  { knownIssueId: 1 },
  { requester: { text: 'cy@example.com', personId: null } },
  { requester: { text: 'cy@example.com', personId: 3 } },
  { tagIds: [1] },
  { tagIds: [1, 2] },
  { tagIds: [] },
  { status: 'active', tier: 't1', assigneeId: 1 },
] as const;

describe('the ticket repository on SQLite and PostgreSQL', () => {
  it('inserts, reads, updates and numbers tickets alike', async () => {
    const answers = sides(await engines.open()).map(({ repo }) => {
      const empty = repo.highestId();
      const first = repo.insert(ticket({ title: 'First', requester: 'cy@example.com' }));
      const secondId = repo.insertComplete({
        ...first,
        title: 'Second',
        description: 'Whole row',
        severity: 'minor',
        holdUntil: at(60),
        parentId: first.id,
        parentKind: 'follow-up',
        chatPlatform: 'slack',
        chatChannel: 'C1',
        chatThread: '1.2',
        replyDueAt: at(90),
      });
      const updated = repo.update(first.id, { status: 'pending', priority: 'high', statusTimerAt: at(45), requester: null });
      repo.setUpdatedAt(secondId, at(120));
      repo.markReplyWarned(secondId, at(121));
      return {
        empty,
        first,
        secondId,
        second: repo.byId(secondId),
        updated,
        reread: repo.byId(first.id),
        missing: repo.byId(999),
        highest: repo.highestId(),
        title: repo.titleById(secondId),
        noTitle: repo.titleById(999),
      };
    });
    const [onSqlite, onPg] = answers;
    expect(onPg).toEqual(onSqlite);
    expect(onSqlite!.empty).toBeNull();
    expect(onSqlite!.highest).toBe(2);
    expect(onSqlite!.first).toMatchObject({ id: 1, status: 'open', tier: 'triage', priority: 'medium', origin: 'chat', description: '', holdUntil: null });
    expect(onSqlite!.second).toMatchObject({ id: 2, title: 'Second', parentKind: 'follow-up', updatedAt: at(120), replyWarnedAt: at(121), holdUntil: at(60) });
    expect(onSqlite!.updated).toMatchObject({ status: 'pending', requester: null, statusTimerAt: at(45) });
    expect(onSqlite!.missing).toBeUndefined();
    expect(onSqlite!.title).toEqual({ id: 2, title: 'Second' });
  });

  it('counts and pages the lists by every criterion alike', async () => {
    const answers = sides(await engines.open()).map(({ repo, seed }) => {
      seedList(repo, seed);
      return CRITERIA.map((criteria) => ({
        count: repo.countMatching(criteria, 100),
        capped: repo.countMatching(criteria, 2),
        queue: repo.workQueuePage(criteria, 4, 0).map((t) => t.id),
        queueNext: repo.workQueuePage(criteria, 4, 4).map((t) => t.id),
        newest: repo.newestPage(criteria, 3, 1).map((t) => t.id),
        active: 'status' in criteria && criteria.status === 'active' ? repo.activePage(criteria, 3, 1) : null,
      }));
    });
    const [onSqlite, onPg] = answers;
    expect(onPg).toEqual(onSqlite);
    expect(onSqlite![0]!.count).toBe(10);
    expect(onSqlite![0]!.capped).toBe(2);
    // Open first (longest in tier first, then by number), then the rest by their tier entry.
    expect(onSqlite![0]!.queue).toEqual([3, 7, 1, 10]);
    expect(onSqlite![0]!.queueNext).toEqual([8, 4, 6, 9]);
    expect(onSqlite![1]!.count).toBe(8);
    expect(onSqlite![1]!.active!.map((t) => t.id)).toEqual([9, 8, 7]);
    expect(onSqlite![11]!.count).toBe(3); // the stored text, case and all
    expect(onSqlite![12]!.count).toBe(4); // or the person
    expect(onSqlite![14]!.count).toBe(3);
    expect(onSqlite![15]!.count).toBe(0);
  });

  it('answers a card: parent, children, known issue, escalation, earlier tickets alike', async () => {
    const answers = sides(await engines.open()).map(({ repo, seed }) => {
      seedPeople(seed);
      seed(sqliteSchema.knownIssues, [{ title: 'Login loop', slug: 'login-loop', status: 'identified', createdAt: at(0), updatedAt: at(0) }]);
      const parent = repo.insert(ticket({ requester: 'cy@example.com' }));
      repo.insert(ticket({ parentId: parent.id, title: 'Split', status: 'pending', requester: 'cy@example.com' }));
      repo.insert(ticket({ requester: 'other@example.com' }));
      repo.insert(ticket({ parentId: parent.id, parentKind: 'follow-up', title: 'Again', requester: 'cy@example.com' }));
      for (let i = 0; i < 3; i += 1) repo.insert(ticket({ requester: 'cy@example.com' }));
      seed(sqliteSchema.oncallEscalations, [
        { ticketId: 2, escalatedAt: at(1), acknowledgedAt: at(2) },
        { ticketId: 3, escalatedAt: at(1) },
      ]);
      return {
        children: repo.childrenOf(parent.id),
        none: repo.childrenOf(3),
        issue: repo.knownIssueSummary(1),
        noIssue: repo.knownIssueSummary(2),
        acknowledged: repo.awaitingAcknowledgement(2),
        waiting: repo.awaitingAcknowledgement(3),
        never: repo.awaitingAcknowledgement(1),
        earlier: [repo.earlierFromRequester('cy@example.com', 7), repo.earlierFromRequester('cy@example.com', 1), repo.earlierFromRequester('CY@example.com', 7), repo.earlierFromRequester('nobody', 99)],
      };
    });
    const [onSqlite, onPg] = answers;
    expect(onPg).toEqual(onSqlite);
    expect(onSqlite!.children).toEqual([
      { id: 2, title: 'Split', status: 'pending', kind: 'split' },
      { id: 4, title: 'Again', status: 'open', kind: 'follow-up' },
    ]);
    expect(onSqlite!.issue).toEqual({ id: 1, title: 'Login loop', status: 'identified' });
    expect([onSqlite!.acknowledged, onSqlite!.waiting, onSqlite!.never]).toEqual([false, true, false]);
    expect(onSqlite!.earlier).toEqual([5, 0, 0, 0]);
  });

  it('caps the earlier tickets at EARLIER_TICKETS_COUNTED alike', async () => {
    const answers = sides(await engines.open()).map(({ repo }) => {
      for (let i = 0; i < 103; i += 1) repo.insert(ticket({ requester: 'monitor@example.com' }));
      return repo.earlierFromRequester('monitor@example.com', 200);
    });
    expect(answers).toEqual([100, 100]);
  });

  it('finds due status timers and overdue replies in the same order', async () => {
    const answers = sides(await engines.open()).map(({ repo }) => {
      repo.insert(ticket({ statusTimerAt: at(10) }));
      repo.insert(ticket({ statusTimerAt: at(5), replyDueAt: at(20) }));
      repo.insert(ticket({ statusTimerAt: null, replyDueAt: at(5) }));
      repo.insert(ticket({ statusTimerAt: at(5), replyDueAt: at(5) }));
      repo.insert(ticket({ statusTimerAt: at(50), replyDueAt: at(1), replyWarnedAt: at(2) }));
      repo.insert(ticket({ statusTimerAt: at(1), replyDueAt: at(60) }));
      repo.insert(ticket({ replyDueAt: at(3) }));
      return {
        timers: repo.statusTimersDue(at(10), 10).map((t) => t.id),
        firstTimers: repo.statusTimersDue(at(10), 2).map((t) => t.id),
        exact: repo.statusTimersDue(at(5), 10).map((t) => t.id),
        overdue: repo.repliesOverdue(at(30), 10).map((t) => t.id),
        someOverdue: repo.repliesOverdue(at(30), 2).map((t) => t.id),
        rows: repo.repliesOverdue(at(4), 10),
      };
    });
    const [onSqlite, onPg] = answers;
    expect(onPg).toEqual(onSqlite);
    expect(onSqlite!.timers).toEqual([6, 2, 4, 1]);
    expect(onSqlite!.firstTimers).toEqual([6, 2]);
    expect(onSqlite!.exact).toEqual([6, 2, 4]);
    expect(onSqlite!.overdue).toEqual([7, 3, 4, 2]);
    expect(onSqlite!.rows.map((t) => t.id)).toEqual([7]);
  });

  it('moves children, answer records and followers in a merge alike', async () => {
    const answers = sides(await engines.open()).map(({ repo, seed }) => {
      seedPeople(seed);
      for (let i = 0; i < 3; i += 1) repo.insert(ticket()); // 1: merged away, 2: survivor, 3: other
      repo.insert(ticket({ parentId: 1 })); // 4
      repo.insert(ticket({ parentId: 1, parentKind: 'follow-up' })); // 5
      repo.update(2, { parentId: 1 }); // the survivor was a child of the merged ticket: it stays put
      repo.insert(ticket({ parentId: 3 })); // 6
      seed(sqliteSchema.comments, [1, 1, 2, 3].map((ticketId) => ({ ticketId, visibility: 'public', body: 'Hi', authorLabel: 'Ada', createdAt: at(1) })));
      seed(sqliteSchema.replySignatures, [1, 2, 3, 4].map((commentId) => ({ commentId, ticketId: [1, 1, 2, 3][commentId - 1]!, createdAt: at(1), terms: { hi: 1 } })));
      seed(sqliteSchema.answerClusters, [{ createdAt: at(2) }]);
      seed(sqliteSchema.answerClusterMembers, [
        { clusterId: 1, commentId: 1, ticketId: 1 },
        { clusterId: 1, commentId: 4, ticketId: 3 },
      ]);
      seed(sqliteSchema.ticketFollowers, [
        { ticketId: 1, personId: 1, createdAt: at(1) },
        { ticketId: 1, personId: 2, createdAt: at(1) },
        { ticketId: 1, personId: 3, createdAt: at(1) },
        { ticketId: 2, personId: 2, createdAt: at(1) },
        { ticketId: 3, personId: 1, createdAt: at(1) },
      ]);
      const reparented = repo.reparentChildren(1, 2);
      const none = repo.reparentChildren(1, 2);
      repo.moveAnswerRecords(1, 2);
      const movedFollowers = repo.moveFollowers(1, 2);
      const noFollowers = repo.moveFollowers(4, 5);
      return {
        reparented,
        none,
        children: [1, 2, 3].map((id) => repo.childrenOf(id).map((c) => c.id)),
        parentOfSurvivor: repo.byId(2)?.parentId,
        movedFollowers,
        noFollowers,
      };
    });
    const [onSqlite, onPg] = answers;
    expect(onPg).toEqual(onSqlite);
    expect(onSqlite).toEqual({ reparented: [4, 5], none: [], children: [[2], [4, 5], [6]], parentOfSurvivor: 1, movedFollowers: 2, noFollowers: 0 });
  });

  it('moves the answer records and followers to the same rows', async () => {
    const both = await engines.open();
    const stored = sides(both).map(({ repo, seed }) => {
      seedPeople(seed);
      for (let i = 0; i < 2; i += 1) repo.insert(ticket());
      seed(sqliteSchema.comments, [1, 2].map((ticketId) => ({ ticketId, visibility: 'public', body: 'Hi', authorLabel: 'Ada', createdAt: at(1) })));
      seed(sqliteSchema.replySignatures, [{ commentId: 1, ticketId: 1, createdAt: at(1), terms: { hi: 1 } }]);
      seed(sqliteSchema.answerClusters, [{ createdAt: at(2) }]);
      seed(sqliteSchema.answerClusterMembers, [{ clusterId: 1, commentId: 1, ticketId: 1 }]);
      seed(sqliteSchema.ticketFollowers, [
        { ticketId: 1, personId: 1, createdAt: at(1) },
        { ticketId: 2, personId: 1, createdAt: at(1) },
        { ticketId: 1, personId: 3, createdAt: at(1) },
      ]);
      repo.moveAnswerRecords(1, 2);
      return repo.moveFollowers(1, 2);
    });
    expect(stored).toEqual([1, 1]);
    const { sqliteStore, pgStore } = both;
    const onSqlite = {
      signatures: sqliteStore.db.select({ c: sqliteSchema.replySignatures.commentId, t: sqliteSchema.replySignatures.ticketId }).from(sqliteSchema.replySignatures).all(),
      members: sqliteStore.db.select({ c: sqliteSchema.answerClusterMembers.commentId, t: sqliteSchema.answerClusterMembers.ticketId }).from(sqliteSchema.answerClusterMembers).all(),
      followers: sqliteStore.db
        .select({ t: sqliteSchema.ticketFollowers.ticketId, p: sqliteSchema.ticketFollowers.personId })
        .from(sqliteSchema.ticketFollowers)
        .orderBy(sqliteSchema.ticketFollowers.ticketId, sqliteSchema.ticketFollowers.personId)
        .all(),
    };
    const onPg = {
      signatures: all(pgStore.db.select({ c: pgSchema.replySignatures.commentId, t: pgSchema.replySignatures.ticketId }).from(pgSchema.replySignatures)),
      members: all(pgStore.db.select({ c: pgSchema.answerClusterMembers.commentId, t: pgSchema.answerClusterMembers.ticketId }).from(pgSchema.answerClusterMembers)),
      followers: all(
        pgStore.db
          .select({ t: pgSchema.ticketFollowers.ticketId, p: pgSchema.ticketFollowers.personId })
          .from(pgSchema.ticketFollowers)
          .orderBy(pgSchema.ticketFollowers.ticketId, pgSchema.ticketFollowers.personId),
      ),
    };
    expect(onPg).toEqual(onSqlite);
    expect(onSqlite).toEqual({ signatures: [{ c: 1, t: 2 }], members: [{ c: 1, t: 2 }], followers: [{ t: 2, p: 1 }, { t: 2, p: 3 }] });
  });
});
