/**
 * The known-issue repository answers alike on SQLite and PostgreSQL (src/store/pg/known-issues.ts):
 * the same steps through sqliteStore.knownIssues and pgKnownIssue(pgStore), the same answers, in
 * the same order.
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import * as pg from '../../src/store/pg/schema.js';
import { pgKnownIssue } from '../../src/store/pg/known-issues.js';
import { get } from '../../src/store/pg/session.js';
import type { KnownIssueRepository, KnownIssueTag } from '../../src/store/repositories/known-issues.js';
import * as lite from '../../src/store/schema.js';
import { storedRows } from '../doubles/db.js';
import { pgSeed, sqliteSeed, ticketRow, type Seed, type TicketInsert } from '../doubles/seed-engines.js';
import { useStorageEngines } from '../doubles/storage-engines.js';

const engines = useStorageEngines();

const T0 = Date.parse('2026-03-02T09:00:00.000Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000);

/** One engine's repository, a seeder for the tables it reads, and a tag's retirement as stored. */
interface Side {
  repo: KnownIssueRepository;
  seed: Seed;
  tagRetiredAt(id: number): Date | null | undefined;
}

async function both(): Promise<Side[]> {
  const { sqliteStore, pgStore } = await engines.open();
  return [
    {
      repo: sqliteStore.knownIssues,
      seed: sqliteSeed(sqliteStore),
      tagRetiredAt: (id) => {
        const row = storedRows(sqliteStore, lite.tags, [lite.tags.retiredAt], eq(lite.tags.id, id))[0];
        return row ? (row.retired_at === null ? null : new Date(row.retired_at as number)) : undefined;
      },
    },
    {
      repo: pgKnownIssue(pgStore),
      seed: pgSeed(pgStore),
      tagRetiredAt: (id) => get(pgStore.db.select({ retiredAt: pg.tags.retiredAt }).from(pg.tags).where(eq(pg.tags.id, id)))?.retiredAt,
    },
  ];
}

/** Tag rows by issue, family and slug: for answers whose order is not part of the contract. */
function bySlug(rows: KnownIssueTag[]): KnownIssueTag[] {
  const key = (r: KnownIssueTag) => `${String(r.issueId).padStart(9, '0')} ${r.family} ${r.slug}`;
  return [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

const ticket = (id: number, values: Partial<TicketInsert> = {}) => ticketRow(id, at(0), { tier: 't1', ...values });

describe('the known-issue repository on SQLite and PostgreSQL', () => {
  it('stores, finds, lists and changes known issues alike', async () => {
    const answers = [];
    for (const { repo, seed } of await both()) {
      seed(lite.people, [{ id: 1, displayName: 'Ada', role: 'lead', isStaff: true, createdAt: at(0) }]);
      const highestBefore = repo.highestId();
      const a = repo.insertIssue({ title: 'Login loop', slug: 'login-loop', createdBy: 1, createdAt: at(1), updatedAt: at(1) });
      const b = repo.insertIssue({ title: 'Export fails', slug: 'export-fails', status: 'identified', bugUrl: 'https://bugs/1', createdAt: at(2), updatedAt: at(2) });
      const c = repo.insertIssue({ title: 'Login loop again', slug: 'login-loop', status: 'resolved', createdAt: at(3), updatedAt: at(3) });
      const d = repo.insertIssue({ title: 'Login loop (2)', slug: 'login-loop', createdAt: at(4), updatedAt: at(4) });
      seed(lite.tickets, [ticket(1, { knownIssueId: a.id }), ticket(2, { knownIssueId: a.id, status: 'closed' }), ticket(3, { knownIssueId: c.id }), ticket(4)]);
      const bySlug = repo.unresolvedBySlug('login-loop');
      const listOpen = repo.listWithLinkedCounts(false);
      const listAll = repo.listWithLinkedCounts(true);
      repo.touch(b.id, at(10));
      const touched = repo.byId(b.id);
      const resolved = repo.updateStatus(a.id, 'resolved', at(11));
      repo.setPartnerRef(b.id, 'CASE-42', at(12));
      const withRef = repo.byId(b.id);
      repo.setPartnerRef(b.id, null, at(13));
      answers.push({
        highestBefore,
        issues: [a, b, c, d],
        highest: repo.highestId(),
        bySlug,
        bySlugWrongCase: repo.unresolvedBySlug('Login-Loop'),
        bySlugAfterResolve: repo.unresolvedBySlug('login-loop'),
        listOpen,
        listAll,
        touched,
        resolved,
        withRef,
        cleared: repo.byId(b.id),
        missing: repo.byId(999),
        listAfter: repo.listWithLinkedCounts(false),
      });
    }
    const [onSqlite, onPg] = answers;
    expect(onPg).toEqual(onSqlite);
    const [a, b, c, d] = onSqlite!.issues.map((i) => i.id) as [number, number, number, number];
    expect(onSqlite!.highestBefore).toBeNull();
    expect(onSqlite!.highest).toBe(d);
    expect(onSqlite!.issues[0]).toMatchObject({ status: 'investigating', bugUrl: null, partnerRef: null, createdBy: 1, createdAt: at(1) });
    expect(onSqlite!.bySlug?.id).toBe(a);
    expect(onSqlite!.bySlugWrongCase).toBeUndefined();
    expect(onSqlite!.bySlugAfterResolve?.id).toBe(d);
    expect(onSqlite!.listOpen.map((r) => [r.issue.id, r.linkedCount])).toEqual([
      [d, 0],
      [b, 0],
      [a, 2],
    ]);
    expect(onSqlite!.listAll.map((r) => [r.issue.id, r.linkedCount])).toEqual([
      [d, 0],
      [c, 1],
      [b, 0],
      [a, 2],
    ]);
    expect(onSqlite!.listAll[3]!.issue).toEqual(onSqlite!.issues[0]);
    expect(onSqlite!.touched).toMatchObject({ updatedAt: at(10), status: 'identified' });
    expect(onSqlite!.resolved).toMatchObject({ id: a, status: 'resolved', updatedAt: at(11) });
    expect(onSqlite!.withRef).toMatchObject({ partnerRef: 'CASE-42', updatedAt: at(12) });
    expect(onSqlite!.cleared).toMatchObject({ partnerRef: null, updatedAt: at(13) });
    expect(onSqlite!.missing).toBeUndefined();
    expect(onSqlite!.listAfter.map((r) => r.issue.id)).toEqual([d, b]);
  });

  it('reads linked tickets, their owners and their tags alike', async () => {
    const answers = [];
    for (const { repo, seed, tagRetiredAt } of await both()) {
      seed(lite.people, [1, 2].map((id) => ({ id, displayName: `P${id}`, role: 'agent' as const, isStaff: true, createdAt: at(0) })));
      const one = repo.insertIssue({ title: 'One', slug: 'one', createdAt: at(1), updatedAt: at(1) });
      const two = repo.insertIssue({ title: 'Two', slug: 'two', createdAt: at(2), updatedAt: at(2) });
      seed(lite.tickets, [
        ticket(1, { knownIssueId: two.id, assigneeId: 1, tier: 't2', priority: 'high' }),
        ticket(2, { knownIssueId: one.id, status: 'resolved' }),
        ticket(3, { knownIssueId: one.id, assigneeId: null, status: 'pending', tier: 'oncall' }),
        ticket(4, { knownIssueId: one.id, assigneeId: 2, status: 'hold' }),
        ticket(5, { knownIssueId: one.id, status: 'closed' }),
        ticket(6),
      ]);
      seed(lite.tags, [
        { id: 1001, family: 'ki-product', name: 'Zeta', slug: 'zeta' },
        { id: 1002, family: 'ki-product', name: 'Alpha', slug: 'alpha' },
        { id: 1003, family: 'ki-area', name: 'Billing', slug: 'billing' },
        { id: 1004, family: 'ki-other', name: 'Misc', slug: 'misc' },
        { id: 1005, family: 'ki-area', name: 'Auth', slug: 'auth' },
      ]);
      seed(lite.ticketTags, [
        { ticketId: 1, tagId: 1003 },
        { ticketId: 1, tagId: 1002 },
        { ticketId: 2, tagId: 1001 },
        { ticketId: 2, tagId: 1004 },
        { ticketId: 3, tagId: 1005 },
        { ticketId: 3, tagId: 1001 },
        { ticketId: 4, tagId: 1002 },
        { ticketId: 4, tagId: 1001 },
        { ticketId: 6, tagId: 1003 },
      ]);
      repo.setIssueTagRetired(1002, at(20));
      const retired = tagRetiredAt(1002);
      repo.setIssueTagRetired(1002, null);
      answers.push({
        ids: [one.id, two.id],
        counts: [repo.linkedCount(one.id), repo.linkedCount(two.id), repo.linkedCount(999)],
        linked: repo.linkedTickets(one.id),
        active: repo.activeLinkedTicketIds(one.id),
        owners: repo.activeLinkedTicketOwners(one.id),
        ownersTwo: repo.activeLinkedTicketOwners(two.id),
        toLink: repo.ticketsToLink([6, 999, 2, 1]),
        toLinkNone: repo.ticketsToLink([]),
        // In no order the interface promises (SQLite's follows its plan): compared as sets.
        tags: bySlug(repo.tagsOfLinkedTickets([two.id, one.id], ['ki-product', 'ki-area'])),
        tagsOneFamily: bySlug(repo.tagsOfLinkedTickets([one.id], ['ki-product'])),
        tagsManyIssues: bySlug(repo.tagsOfLinkedTickets([one.id, two.id, 998, 999], ['ki-product'])),
        tagsNoIssues: repo.tagsOfLinkedTickets([], ['ki-product']),
        retired,
        restored: tagRetiredAt(1002),
      });
    }
    const [onSqlite, onPg] = answers;
    expect(onPg).toEqual(onSqlite);
    const [one, two] = onSqlite!.ids as [number, number];
    expect(onSqlite!.counts).toEqual([4, 1, 0]);
    expect(onSqlite!.linked).toEqual([
      { id: 2, title: 'Ticket 2', status: 'resolved', priority: 'medium', tier: 't1' },
      { id: 3, title: 'Ticket 3', status: 'pending', priority: 'medium', tier: 'oncall' },
      { id: 4, title: 'Ticket 4', status: 'hold', priority: 'medium', tier: 't1' },
      { id: 5, title: 'Ticket 5', status: 'closed', priority: 'medium', tier: 't1' },
    ]);
    expect(onSqlite!.active).toEqual([3, 4]);
    expect(onSqlite!.owners).toEqual([
      { id: 3, assigneeId: null, tier: 'oncall' },
      { id: 4, assigneeId: 2, tier: 't1' },
    ]);
    expect(onSqlite!.ownersTwo).toEqual([{ id: 1, assigneeId: 1, tier: 't2' }]);
    expect(onSqlite!.toLink.map((t) => t.id)).toEqual([1, 2, 6]);
    expect(onSqlite!.toLink[0]).toMatchObject({ knownIssueId: two, assigneeId: 1, createdAt: at(0), holdUntil: null });
    expect(onSqlite!.toLinkNone).toEqual([]);
    expect(onSqlite!.tags).toEqual([
      { issueId: one, family: 'ki-area', slug: 'auth' },
      { issueId: one, family: 'ki-product', slug: 'alpha' },
      { issueId: one, family: 'ki-product', slug: 'zeta' },
      { issueId: two, family: 'ki-area', slug: 'billing' },
      { issueId: two, family: 'ki-product', slug: 'alpha' },
    ]);
    expect(onSqlite!.tagsOneFamily).toEqual([
      { issueId: one, family: 'ki-product', slug: 'alpha' },
      { issueId: one, family: 'ki-product', slug: 'zeta' },
    ]);
    expect(onSqlite!.tagsManyIssues).toEqual([
      { issueId: one, family: 'ki-product', slug: 'alpha' },
      { issueId: one, family: 'ki-product', slug: 'zeta' },
      { issueId: two, family: 'ki-product', slug: 'alpha' },
    ]);
    expect(onSqlite!.tagsNoIssues).toEqual([]);
    expect(onSqlite!.retired).toEqual(at(20));
    expect(onSqlite!.restored).toBeNull();
  });

  it('stores notes and reads the latest ones newest first', async () => {
    const answers = [];
    for (const { repo, seed } of await both()) {
      seed(lite.people, [{ id: 1, displayName: 'Ada', role: 'lead', isStaff: true, createdAt: at(0) }]);
      const issue = repo.insertIssue({ title: 'One', slug: 'one', createdAt: at(1), updatedAt: at(1) });
      const other = repo.insertIssue({ title: 'Two', slug: 'two', createdAt: at(1), updatedAt: at(1) });
      const ids = [
        repo.insertNote({ knownIssueId: issue.id, body: 'first', authorId: 1, createdAt: at(5) }),
        repo.insertNote({ knownIssueId: other.id, body: 'elsewhere', createdAt: at(6) }),
        repo.insertNote({ knownIssueId: issue.id, body: 'second', createdAt: at(4) }),
        repo.insertNote({ knownIssueId: issue.id, body: 'third', authorId: null, createdAt: at(7) }),
      ];
      answers.push({ ids, latest: repo.latestNotes(issue.id, 2), all: repo.latestNotes(issue.id, 10), none: repo.latestNotes(999, 5) });
    }
    const [onSqlite, onPg] = answers;
    expect(onPg).toEqual(onSqlite);
    expect(onSqlite!.ids.every((id) => typeof id === 'number')).toBe(true);
    expect(onSqlite!.latest.map((n) => n.body)).toEqual(['third', 'second']);
    expect(onSqlite!.all.map((n) => n.body)).toEqual(['third', 'second', 'first']);
    expect(onSqlite!.all[2]).toMatchObject({ authorId: 1, createdAt: at(5) });
    expect(onSqlite!.none).toEqual([]);
  });
});
