/** The ClaimRepository on PostgreSQL, ported from src/store/sqlite/claims.ts. */
import { and, asc, desc, eq, inArray, lt, sql } from 'drizzle-orm';
import { ACTIVE_STATUSES } from '../../domain/lifecycle.js';
import type { ClaimRepository } from '../repositories/claims.js';
import { chatCursors, handledInvocations, seenEvents, ticketConversations, tickets } from './schema.js';
import { all, get, run } from './session.js';
import type { PgHandles } from './handles.js';

export function pgClaim(handles: PgHandles): ClaimRepository {
  const { db } = handles;
  return {
    claim(key, at) {
      return run(db.insert(seenEvents).values({ key, at }).onConflictDoNothing()).changes > 0;
    },
    isClaimed(key) {
      return get(db.select({ key: seenEvents.key }).from(seenEvents).where(eq(seenEvents.key, key))) !== undefined;
    },
    release(key) {
      run(db.delete(seenEvents).where(eq(seenEvents.key, key)));
    },
    handledReply(key) {
      return get(db.select({ reply: handledInvocations.reply }).from(handledInvocations).where(eq(handledInvocations.key, key)));
    },
    recordHandled(key, reply, at) {
      // As on SQLite, a key kept before is refused (a unique violation: 23505 here).
      run(db.insert(handledInvocations).values({ key, reply, at }));
    },
    pruneHandledBefore(before, batch) {
      // SQLite's subquery walks handled_invocations_at: the oldest first, as spelt out here.
      const oldest = db
        .select({ key: handledInvocations.key })
        .from(handledInvocations)
        .where(lt(handledInvocations.at, before))
        .orderBy(asc(handledInvocations.at), sql`${handledInvocations.key} collate "C"`)
        .limit(batch);
      return run(db.delete(handledInvocations).where(inArray(handledInvocations.key, oldest))).changes;
    },
    roomCursors(platform) {
      // SQLite walks the primary key (platform, room): by room, binary order.
      return all(db.select().from(chatCursors).where(eq(chatCursors.platform, platform)).orderBy(sql`${chatCursors.room} collate "C"`));
    },
    advanceRoomCursor(platform, room, at) {
      // SQLite's scalar max(a, b) is greatest() here.
      run(
        db
          .insert(chatCursors)
          .values({ platform, room, lastSeenAt: at })
          .onConflictDoUpdate({ target: [chatCursors.platform, chatCursors.room], set: { lastSeenAt: sql`greatest(${chatCursors.lastSeenAt}, excluded.last_seen_at)` } }),
      );
    },
    openConversationThreads(platform, limit) {
      // Ties on updated_at: SQLite's order among them follows its plan; here the newer ticket id first.
      return all(
        db
          .select({ channel: ticketConversations.channel, thread: ticketConversations.thread })
          .from(ticketConversations)
          .innerJoin(tickets, eq(tickets.id, ticketConversations.ticketId))
          .where(and(eq(ticketConversations.platform, platform), inArray(tickets.status, [...ACTIVE_STATUSES])))
          .orderBy(desc(tickets.updatedAt), desc(tickets.id))
          .limit(limit),
      );
    },
  };
}
