/** The ClaimRepository on SQLite. */
import { and, desc, eq, inArray, lt, sql } from 'drizzle-orm';
import { ACTIVE_STATUSES } from '../../domain/lifecycle.js';
import type { ClaimRepository } from '../repositories/claims.js';
import { chatCursors, handledInvocations, seenEvents, ticketConversations, tickets } from '../schema.js';
import type { SqliteHandles } from './handles.js';

export function sqliteClaim(handles: SqliteHandles): ClaimRepository {
  const { db } = handles;
  return {
    claim(key, at) {
      return db.insert(seenEvents).values({ key, at }).onConflictDoNothing().run().changes > 0;
    },
    isClaimed(key) {
      return db.select({ key: seenEvents.key }).from(seenEvents).where(eq(seenEvents.key, key)).get() !== undefined;
    },
    release(key) {
      db.delete(seenEvents).where(eq(seenEvents.key, key)).run();
    },
    handledReply(key) {
      return db.select({ reply: handledInvocations.reply }).from(handledInvocations).where(eq(handledInvocations.key, key)).get();
    },
    recordHandled(key, reply, at) {
      db.insert(handledInvocations).values({ key, reply, at }).run();
    },
    pruneHandledBefore(before, batch) {
      const oldest = db.select({ key: handledInvocations.key }).from(handledInvocations).where(lt(handledInvocations.at, before)).limit(batch);
      return db.delete(handledInvocations).where(inArray(handledInvocations.key, oldest)).run().changes;
    },
    roomCursors(platform) {
      return db.select().from(chatCursors).where(eq(chatCursors.platform, platform)).all();
    },
    advanceRoomCursor(platform, room, at) {
      db.insert(chatCursors)
        .values({ platform, room, lastSeenAt: at })
        .onConflictDoUpdate({ target: [chatCursors.platform, chatCursors.room], set: { lastSeenAt: sql`max(${chatCursors.lastSeenAt}, excluded.last_seen_at)` } })
        .run();
    },
    openConversationThreads(platform, limit) {
      return db
        .select({ channel: ticketConversations.channel, thread: ticketConversations.thread })
        .from(ticketConversations)
        .innerJoin(tickets, eq(tickets.id, ticketConversations.ticketId))
        .where(and(eq(ticketConversations.platform, platform), inArray(tickets.status, [...ACTIVE_STATUSES])))
        .orderBy(desc(tickets.updatedAt))
        .limit(limit)
        .all();
    },
  };
}
