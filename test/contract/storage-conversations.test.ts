/**
 * The ConversationRepository holds the same answers on SQLite and PostgreSQL: where a requester is
 * answered (an upsert), threads and comment sources (first one kept), a requester's tickets (by
 * person, or by name for tickets without a person), public replies and pending messages.
 */
import type { InferInsertModel } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { ConversationRepository } from '../../src/store/repositories/conversations.js';
import { pgConversation } from '../../src/store/pg/conversations.js';
import type { PgStore } from '../../src/store/pg/store.js';
import * as schema from '../../src/store/schema.js';
import type { Store } from '../../src/store/database.js';
import { seedBoth } from '../doubles/seed-engines.js';
import { useStorageEngines } from '../doubles/storage-engines.js';

const engines = useStorageEngines();

const AT = new Date('2026-03-02T09:00:00.123Z');
const at = (minutes: number) => new Date(AT.getTime() + minutes * 60_000);

function ticket(title: string, requester: string | null, requesterPersonId: number | null, status: InferInsertModel<typeof schema.tickets>['status'], minutes: number) {
  return { title, description: '', requester, requesterPersonId, department: 'paid' as const, status, createdAt: at(minutes), updatedAt: at(minutes + 1), tierEnteredAt: at(minutes), statusChangedAt: at(minutes) };
}

function seed(sqliteStore: Store, pgStore: PgStore): void {
  seedBoth({ sqliteStore, pgStore }, schema.people, [
    { displayName: 'Ada', createdAt: AT },
    { displayName: 'Bob', createdAt: AT },
  ]);
  seedBoth({ sqliteStore, pgStore }, schema.identities, [
    { platform: 'slack', externalId: 'U1', handle: 'ada', personId: 1 },
    { platform: 'email', externalId: 'ada@example.com', handle: 'ada@example.com', personId: 1 },
    { platform: 'system', externalId: 'sys-ada', handle: 'ada', personId: 1 },
    { platform: 'rocketchat', externalId: 'rc-bob', handle: 'bob', personId: 2 },
  ]);
  seedBoth({ sqliteStore, pgStore }, schema.tickets, [
    ticket('Ada by person', '@ada', 1, 'open', 0), // 1
    ticket('Typed for ada', 'ada@example.com', null, 'pending', 1), // 2
    ticket('Bob took the handle', '@ada', 2, 'open', 2), // 3
    ticket('Ada closed', '@ada', 1, 'closed', 3), // 4
    ticket('Ada newest', '@ada', 1, 'waiting', 4), // 5
    ticket('Nobody', null, null, 'open', 5), // 6
  ]);
  seedBoth({ sqliteStore, pgStore }, schema.comments, [
    { ticketId: 1, visibility: 'public', body: 'first reply', authorLabel: 'Ada', createdAt: at(10) },
    { ticketId: 1, visibility: 'internal', body: 'a note', authorLabel: 'Bob', createdAt: at(11) },
    { ticketId: 1, visibility: 'public', body: 'second reply', authorLabel: 'Bob', createdAt: at(12) },
    { ticketId: 1, visibility: 'public', body: 'third reply', authorLabel: 'Ada', createdAt: at(13) },
    { ticketId: 2, visibility: 'public', body: 'elsewhere', authorLabel: 'Ada', createdAt: at(14) },
  ]);
}

const byTicketThenThread = (a: { ticketId: number; thread: string }, b: { ticketId: number; thread: string }) => a.ticketId - b.ticketId || a.thread.localeCompare(b.thread);

/** The same steps on either engine's repository; what each step answered. */
function steps(repo: ConversationRepository): Record<string, unknown> {
  const seen: Record<string, unknown> = {};
  seen.placeBefore = repo.storedPlace(1);
  repo.savePlace(1, { platform: 'slack', channel: 'C1', thread: 't1', address: null, updatedAt: at(20) });
  repo.savePlace(1, { platform: 'email', channel: null, thread: null, address: 'ada@example.com', updatedAt: at(21) }); // replaces
  repo.savePlace(2, { platform: 'slack', channel: 'C1', thread: 't2', address: null, updatedAt: at(22) });
  repo.savePlace(4, { platform: 'email', channel: null, thread: null, address: 'ada@example.com', updatedAt: at(23) });
  repo.savePlace(5, { platform: 'email', channel: null, thread: null, address: 'ada@example.com', updatedAt: at(24) });
  repo.savePlace(3, { platform: 'rocketchat', channel: 'GENERAL', thread: null, address: null, updatedAt: at(25) });
  seen.place1 = repo.storedPlace(1);
  seen.place2 = repo.storedPlace(2);
  seen.placeMissing = repo.storedPlace(99);

  seen.requester1 = repo.ticketRequester(1);
  seen.requester6 = repo.ticketRequester(6);
  seen.requesterMissing = repo.ticketRequester(99);
  seen.reachableAda = repo.reachableIdentities(1).sort((a, b) => a.externalId.localeCompare(b.externalId));
  seen.reachableNobody = repo.reachableIdentities(42);

  repo.addThread({ platform: 'slack', ticketId: 1, channel: 'C1', thread: 't1', conversation: true, createdAt: at(30) });
  repo.addThread({ platform: 'slack', ticketId: 1, channel: 'C1', thread: 'other', conversation: false, createdAt: at(31) }); // same ticket and channel: left as it is
  repo.addThread({ platform: 'slack', ticketId: 2, channel: 'C1', thread: 't2', conversation: false, createdAt: at(32) });
  repo.addThread({ platform: 'slack', ticketId: 3, channel: 'TIER', thread: 't1', conversation: false, createdAt: at(33) });
  seen.conversationThread = repo.ticketOfConversationThread('slack', 'C1', 't1');
  seen.notConversationThread = repo.ticketOfConversationThread('slack', 'C1', 't2');
  seen.replacedThread = repo.ticketOfConversationThread('slack', 'C1', 'other');
  seen.threads = repo.ticketsOfThreads('slack', 'C1', ['t1', 't2', 'nope']).sort(byTicketThenThread);
  seen.threadsOtherChannel = repo.ticketsOfThreads('slack', 'TIER', ['t1', 't2']).sort(byTicketThenThread);
  seen.threadsNone = repo.ticketsOfThreads('rocketchat', 'C1', ['t1']);

  seen.newestByAddress = repo.newestActiveTicketThere(1, 'email', { address: 'ada@example.com' });
  seen.newestByChannelNoPerson = repo.newestActiveTicketThere(1, 'slack', { channel: 'C1' });
  seen.newestOtherPlatform = repo.newestActiveTicketThere(1, 'slack', { address: 'ada@example.com' });
  seen.newestBob = repo.newestActiveTicketThere(2, 'rocketchat', { channel: 'GENERAL' });

  repo.addCommentSource({ platform: 'slack', messageId: 'm1', commentId: 1, ticketId: 1 });
  repo.addCommentSource({ platform: 'slack', messageId: 'm1', commentId: 3, ticketId: 1 }); // keeps the first
  repo.addCommentSource({ platform: 'email', messageId: 'm1', commentId: 5, ticketId: 2 });
  seen.sourceSlack = repo.commentSource('slack', 'm1');
  seen.sourceEmail = repo.commentSource('email', 'm1');
  seen.sourceMissing = repo.commentSource('rocketchat', 'm1');

  seen.nameAda = repo.displayNameOf(1);
  seen.nameMissing = repo.displayNameOf(99);
  seen.department = repo.departmentOf(2);
  seen.departmentMissing = repo.departmentOf(99);

  const ada = { personId: 1, names: ['@ada', 'ada@example.com'] };
  const adaNoNames = { personId: 1, names: [] };
  seen.owns = [1, 2, 3, 4, 5, 6, 99].map((id) => [repo.ownsTicket(ada, id), repo.ownsTicket(adaNoNames, id)]);
  seen.ownedTickets = repo.ownedTickets(ada, 10);
  seen.ownedTicketsLimited = repo.ownedTickets(ada, 2);
  seen.ownedTicketsNoNames = repo.ownedTickets(adaNoNames, 10);
  seen.ownedTicket = repo.ownedTicket(ada, 2);
  seen.ownedTicketOthers = repo.ownedTicket(ada, 3);
  seen.replies = repo.latestPublicReplies(1, 2);
  seen.repliesAll = repo.latestPublicReplies(1, 10);
  seen.repliesNone = repo.latestPublicReplies(6, 10);

  const pending = (messageId: string, minutes: number) => ({ platform: 'slack' as const, channel: 'D1', messageId, root: null, authorId: 1, author: '@ada', body: `message ${messageId}`, candidateId: 1, createdAt: at(minutes) });
  seen.pendingFirst = repo.insertPendingMessage(pending('p1', 40));
  seen.pendingAgain = repo.insertPendingMessage(pending('p1', 41));
  seen.pendingSecond = repo.insertPendingMessage({ ...pending('p2', 42), channel: null, root: 'r2', candidateId: null });
  seen.pendingThird = repo.insertPendingMessage(pending('p3', 43));
  seen.waitingBefore = repo.waitingPendingMessages();
  repo.decidePendingMessage(3, { state: 'added', ticketId: 1, decidedBy: 2, decidedAt: at(50) });
  repo.decidePendingMessage(3, { state: 'opened', ticketId: 6, decidedBy: 1, decidedAt: at(51) }); // decided already: left
  seen.waitingAfter = repo.waitingPendingMessages();
  seen.decided = repo.pendingMessage(3);
  seen.undecided = repo.pendingMessage(4);
  seen.pendingMissing = repo.pendingMessage(99);
  return seen;
}

describe('the conversation repository on SQLite and PostgreSQL', () => {
  it('answers every step alike', async () => {
    const { sqliteStore, pgStore } = await engines.open();
    seed(sqliteStore, pgStore);
    const onSqlite = steps(sqliteStore.conversations);
    const onPg = steps(pgConversation(pgStore));
    expect(onPg).toEqual(onSqlite);

    expect(onSqlite.place1).toEqual({ platform: 'email', channel: null, thread: null, address: 'ada@example.com' });
    expect(onSqlite.placeBefore).toBeUndefined();
    expect(onSqlite.requester6).toEqual({ requester: null, personId: null });
    expect(onSqlite.reachableAda).toEqual([
      { platform: 'email', externalId: 'ada@example.com' },
      { platform: 'slack', externalId: 'U1' },
    ]);
    expect(onSqlite.conversationThread).toBe(1);
    expect(onSqlite.notConversationThread).toBeUndefined();
    expect(onSqlite.replacedThread).toBeUndefined();
    expect(onSqlite.threads).toEqual([
      { ticketId: 1, thread: 't1' },
      { ticketId: 2, thread: 't2' },
    ]);
    expect(onSqlite.newestByAddress).toBe(5);
    expect(onSqlite.newestByChannelNoPerson).toBeUndefined();
    expect(onSqlite.newestBob).toBe(3);
    expect(onSqlite.sourceSlack).toEqual({ platform: 'slack', messageId: 'm1', commentId: 1, ticketId: 1 });
    expect(onSqlite.owns).toEqual([
      [true, true],
      [true, false],
      [false, false],
      [true, true],
      [true, true],
      [false, false],
      [false, false],
    ]);
    expect((onSqlite.ownedTickets as Array<{ id: number }>).map((t) => t.id)).toEqual([5, 4, 2, 1]);
    expect((onSqlite.ownedTicketsLimited as Array<{ id: number }>).map((t) => t.id)).toEqual([5, 4]);
    expect((onPg.ownedTicket as { createdAt: Date }).createdAt).toEqual(at(1));
    expect(onSqlite.replies).toEqual([
      { author: 'Bob', body: 'second reply', at: at(12) },
      { author: 'Ada', body: 'third reply', at: at(13) },
    ]);
    expect([onSqlite.pendingFirst, onSqlite.pendingAgain, onSqlite.pendingSecond, onSqlite.pendingThird]).toEqual([1, undefined, 3, 4]); // both engines spend an id on the refused insert
    expect((onSqlite.waitingAfter as Array<{ id: number }>).map((p) => p.id)).toEqual([1, 4]);
    expect(onPg.decided).toMatchObject({ state: 'added', ticketId: 1, decidedBy: 2, decidedAt: at(50), root: 'r2', channel: null });
  });
});
