/**
 * The FollowerRepository holds the same answers on SQLite and PostgreSQL: follows added and removed,
 * followers oldest first, the audit trail's cursor and its ticket events, excerpts and titles.
 */
import { describe, expect, it } from 'vitest';
import type { FollowerRepository } from '../../src/store/repositories/followers.js';
import { pgFollower } from '../../src/store/pg/followers.js';
import type { PgStore } from '../../src/store/pg/store.js';
import * as schema from '../../src/store/schema.js';
import type { Store } from '../../src/store/database.js';
import { pgSeed, seedBoth, sqliteSeed, type Seed } from '../doubles/seed-engines.js';
import { useStorageEngines } from '../doubles/storage-engines.js';

const engines = useStorageEngines();

const AT = new Date('2026-03-02T09:00:00.123Z');
const at = (minutes: number) => new Date(AT.getTime() + minutes * 60_000);

function seedPeopleAndTickets(sqliteStore: Store, pgStore: PgStore): void {
  seedBoth({ sqliteStore, pgStore }, schema.people, ['Ada', 'Bob', 'Cy', 'Di'].map((displayName) => ({ displayName, createdAt: AT })));
  seedBoth(
    { sqliteStore, pgStore },
    schema.tickets,
    ['Export fails', 'Login loop', 'Invoice missing'].map((title, i) => ({ title, department: 'paid' as const, createdAt: at(i), updatedAt: at(i), tierEnteredAt: at(i), statusChangedAt: at(i) })),
  );
  seedBoth({ sqliteStore, pgStore }, schema.comments, [
    { ticketId: 1, visibility: 'public', body: 'We are on it', authorLabel: 'Ada', createdAt: at(5) },
    { ticketId: 2, visibility: 'internal', body: 'Looks like SSO', authorLabel: 'Bob', createdAt: at(6) },
  ]);
}

function seedAudit(seed: Seed): void {
  const event = (entity: string, entityId: string, action: string, minutes: number, before: unknown, after: unknown) => ({ entity, entityId, action, actorId: 1, actorLabel: 'Ada', before, after, at: at(minutes) });
  seed(schema.auditEvents, [
    event('ticket', '1', 'create', 10, null, { status: 'open', title: 'Export fails' }),
    event('person', '2', 'role', 11, { role: 'agent' }, { role: 'lead' }),
    event('ticket', '1', 'status', 12, { status: 'open' }, { status: 'pending' }),
    event('ticket', '2', 'comment', 13, null, { commentId: 2, nested: { list: [1, 2] } }),
    event('setting', 'x', 'set', 14, null, null),
    event('ticket', '3', 'tier', 15, { tier: 'triage' }, { tier: 't1' }),
  ]);
}

/** The same steps on either engine's repository; what each step answered. */
function steps(repo: FollowerRepository, seedTrail: () => void): Record<string, unknown> {
  const seen: Record<string, unknown> = {};
  seen.newestEventNone = repo.newestEventId();
  seen.eventsNone = repo.ticketEventsAfter(0, 10);
  seen.followingBefore = repo.isFollowing(1, 2);
  repo.insertFollower({ ticketId: 1, personId: 3, addedBy: 1, createdAt: at(20) });
  repo.insertFollower({ ticketId: 1, personId: 2, addedBy: null, createdAt: at(21) });
  repo.insertFollower({ ticketId: 1, personId: 4, addedBy: 1, createdAt: at(19) });
  repo.insertFollower({ ticketId: 1, personId: 1, addedBy: 1, createdAt: at(21) }); // same instant as person 2
  repo.insertFollower({ ticketId: 2, personId: 2, addedBy: 2, createdAt: at(22) });
  repo.insertFollower({ ticketId: 3, personId: 1, addedBy: null, createdAt: at(23) });
  seen.following = [repo.isFollowing(1, 2), repo.isFollowing(1, 3), repo.isFollowing(2, 3), repo.isFollowing(9, 2)];
  seen.followersOf1 = repo.followerIdsOf(1);
  seen.followersOfNone = repo.followerIdsOf(9);
  seen.removed = repo.removeFollower(1, 3);
  seen.removedAgain = repo.removeFollower(1, 3);
  seen.followersOf1After = repo.followerIdsOf(1);
  seen.followsOf = repo.followersOfTickets([1, 2, 9]).sort((a, b) => a.ticketId - b.ticketId || a.personId - b.personId);
  seen.followsOfNone = repo.followersOfTickets([]);

  seedTrail();
  seen.newestEvent = repo.newestEventId();
  seen.eventsAll = repo.ticketEventsAfter(0, 10);
  seen.eventsAfter = repo.ticketEventsAfter(1, 2);
  seen.eventsPast = repo.ticketEventsAfter(6, 10);

  seen.excerpt = repo.commentExcerpt(2);
  seen.excerptMissing = repo.commentExcerpt(99);
  seen.titles = [...repo.ticketTitles([3, 1, 99]).entries()].sort((a, b) => a[0] - b[0]);
  seen.titlesNone = [...repo.ticketTitles([]).entries()];
  return seen;
}

describe('the follower repository on SQLite and PostgreSQL', () => {
  it('answers every step alike', async () => {
    const { sqliteStore, pgStore } = await engines.open();
    seedPeopleAndTickets(sqliteStore, pgStore);
    // The audit trail is seeded in the middle of the steps (the cursor is 0 on an empty trail first).
    const onSqlite = steps(sqliteStore.followers, () => seedAudit(sqliteSeed(sqliteStore)));
    const onPg = steps(pgFollower(pgStore), () => seedAudit(pgSeed(pgStore)));
    expect(onPg).toEqual(onSqlite);

    expect(onSqlite.newestEventNone).toBe(0);
    expect(onSqlite.following).toEqual([true, true, false, false]);
    expect(onSqlite.followersOf1).toEqual([4, 3, 1, 2]);
    expect([onSqlite.removed, onSqlite.removedAgain]).toEqual([1, 0]);
    expect(onSqlite.followersOf1After).toEqual([4, 1, 2]);
    expect((onSqlite.followsOf as Array<{ ticketId: number; personId: number }>).map((f) => [f.ticketId, f.personId])).toEqual([
      [1, 1],
      [1, 2],
      [1, 4],
      [2, 2],
    ]);
    expect(onSqlite.newestEvent).toBe(6);
    expect((onSqlite.eventsAll as Array<{ id: number }>).map((e) => e.id)).toEqual([1, 3, 4, 6]);
    expect((onSqlite.eventsAfter as Array<{ id: number }>).map((e) => e.id)).toEqual([3, 4]);
    expect((onPg.eventsAll as Array<{ after: unknown; at: Date }>)[2]).toMatchObject({ after: { commentId: 2, nested: { list: [1, 2] } }, at: at(13) });
    expect(onSqlite.excerpt).toEqual({ body: 'Looks like SSO', author: 'Bob' });
    expect(onSqlite.titles).toEqual([
      [1, 'Export fails'],
      [3, 'Invoice missing'],
    ]);
  });
});
