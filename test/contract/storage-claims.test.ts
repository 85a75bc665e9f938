/**
 * The claims repository gives the same answers on SQLite and PostgreSQL (src/store/sqlite/claims.ts
 * is the specification; src/store/pg/claims.ts the port): the same steps on each engine.
 */
import { describe, expect, it } from 'vitest';
import { pgClaim } from '../../src/store/pg/claims.js';
import type { ClaimRepository } from '../../src/store/repositories/claims.js';
import { ticketConversations, tickets } from '../../src/store/schema.js';
import { seedBoth } from '../doubles/seed-engines.js';
import { useStorageEngines } from '../doubles/storage-engines.js';

const engines = useStorageEngines();

const T0 = new Date('2026-03-02T09:00:00.000Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

type TicketInsert = typeof tickets.$inferInsert;
const ticket = (id: number, status: TicketInsert['status'], updated: number): TicketInsert => ({ id, title: `ticket ${id}`, department: 'paid', status, createdAt: T0, updatedAt: at(updated), tierEnteredAt: T0, statusChangedAt: T0 });

const TICKETS: TicketInsert[] = [ticket(1, 'open', 5), ticket(2, 'closed', 50), ticket(3, 'pending', 30), ticket(4, 'resolved', 40), ticket(5, 'waiting', 10), ticket(6, 'hold', 20), ticket(7, 'review', 60), ticket(8, 'open', 70)];

type ConversationInsert = typeof ticketConversations.$inferInsert;
const CONVERSATIONS: ConversationInsert[] = [
  { ticketId: 1, platform: 'slack', channel: 'C1', thread: '1.1', updatedAt: T0 },
  { ticketId: 2, platform: 'slack', channel: 'C1', thread: '2.2', updatedAt: T0 },
  { ticketId: 3, platform: 'slack', channel: 'C2', thread: null, updatedAt: T0 },
  { ticketId: 4, platform: 'slack', channel: 'C2', thread: '4.4', updatedAt: T0 },
  { ticketId: 5, platform: 'rocketchat', channel: 'R1', thread: 't5', updatedAt: T0 },
  { ticketId: 6, platform: 'slack', channel: null, thread: '6.6', updatedAt: T0 },
  { ticketId: 7, platform: 'slack', channel: 'C3', thread: '7.7', updatedAt: T0 },
  { ticketId: 8, platform: 'email', channel: null, thread: '<m8@x>', address: 'a@b.c', updatedAt: T0 },
];

function steps(repo: ClaimRepository): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  out.claims = [repo.isClaimed('ev:1'), repo.claim('ev:1', T0), repo.claim('ev:1', at(1)), repo.isClaimed('ev:1'), repo.claim('EV:1', T0)];
  repo.release('ev:1');
  repo.release('never');
  out.released = [repo.isClaimed('ev:1'), repo.isClaimed('EV:1'), repo.claim('ev:1', at(2)), repo.isClaimed('ev:1')];

  out.noReply = repo.handledReply('k1');
  repo.recordHandled('k1', { text: 'done', blocks: [{ type: 'section' }], n: null }, at(0));
  repo.recordHandled('k2', 'plain text', at(10));
  repo.recordHandled('k3', 7, at(20));
  repo.recordHandled('k4', [1, 'two'], at(30));
  repo.recordHandled('k5', false, at(5));
  out.replies = ['k1', 'k2', 'k3', 'k4', 'k5', 'k6'].map((k) => repo.handledReply(k));
  let refused = false;
  try {
    repo.recordHandled('k1', 'again', at(40));
  } catch {
    refused = true;
  }
  out.refused = [refused, repo.handledReply('k1')];
  // Before at(25): k1 (0), k5 (5), k2 (10), k3 (20); two at a time, the oldest first.
  out.prune = [repo.pruneHandledBefore(at(25), 2), ['k1', 'k2', 'k3', 'k4', 'k5'].map((k) => repo.handledReply(k) !== undefined)];
  out.prune = [...(out.prune as unknown[]), repo.pruneHandledBefore(at(25), 10), repo.pruneHandledBefore(at(25), 10), ['k1', 'k2', 'k3', 'k4', 'k5'].map((k) => repo.handledReply(k) !== undefined)];

  out.cursors = [repo.roomCursors('rocketchat')];
  repo.advanceRoomCursor('rocketchat', 'room-b', at(10));
  repo.advanceRoomCursor('rocketchat', 'Room-a', at(5));
  repo.advanceRoomCursor('rocketchat', 'room-a', at(7));
  repo.advanceRoomCursor('slack', 'room-b', at(1));
  repo.advanceRoomCursor('rocketchat', 'room-b', at(3)); // never back
  repo.advanceRoomCursor('rocketchat', 'Room-a', at(9)); // forward
  out.cursors = [...(out.cursors as unknown[]), repo.roomCursors('rocketchat'), repo.roomCursors('slack'), repo.roomCursors('email')];

  out.threads = [repo.openConversationThreads('slack', 10), repo.openConversationThreads('slack', 2), repo.openConversationThreads('rocketchat', 10), repo.openConversationThreads('email', 10), repo.openConversationThreads('shell', 10)];
  return out;
}

describe('the claims repository on SQLite and PostgreSQL', () => {
  it('answers the same to the same steps', async () => {
    const { sqliteStore, pgStore } = await engines.open();
    seedBoth({ sqliteStore, pgStore }, tickets, TICKETS);
    seedBoth({ sqliteStore, pgStore }, ticketConversations, CONVERSATIONS);

    const onSqlite = steps(sqliteStore.claims);
    const onPg = steps(pgClaim(pgStore));
    expect(onPg).toEqual(onSqlite);

    expect(onSqlite.claims).toEqual([false, true, false, true, true]);
    expect(onSqlite.released).toEqual([false, true, true, true]);
    expect(onSqlite.noReply).toBeUndefined();
    expect(onSqlite.replies).toEqual([{ reply: { text: 'done', blocks: [{ type: 'section' }], n: null } }, { reply: 'plain text' }, { reply: 7 }, { reply: [1, 'two'] }, { reply: false }, undefined]);
    expect(onSqlite.refused).toEqual([true, { reply: { text: 'done', blocks: [{ type: 'section' }], n: null } }]);
    expect(onSqlite.prune).toEqual([2, [false, true, true, true, false], 2, 0, [false, false, false, true, false]]);
    expect(onSqlite.cursors).toEqual([
      [],
      [
        { platform: 'rocketchat', room: 'Room-a', lastSeenAt: at(9) },
        { platform: 'rocketchat', room: 'room-a', lastSeenAt: at(7) },
        { platform: 'rocketchat', room: 'room-b', lastSeenAt: at(10) },
      ],
      [{ platform: 'slack', room: 'room-b', lastSeenAt: at(1) }],
      [],
    ]);
    expect(onSqlite.threads).toEqual([
      [
        { channel: 'C3', thread: '7.7' },
        { channel: 'C2', thread: null },
        { channel: null, thread: '6.6' },
        { channel: 'C1', thread: '1.1' },
      ],
      [
        { channel: 'C3', thread: '7.7' },
        { channel: 'C2', thread: null },
      ],
      [{ channel: 'R1', thread: 't5' }],
      [{ channel: null, thread: '<m8@x>' }],
      [],
    ]);
  });
});
