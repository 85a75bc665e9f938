/** The FollowerRepository on SQLite. */
import { and, asc, eq, gt, inArray, max } from 'drizzle-orm';
import type { FollowerRepository } from '../repositories/followers.js';
import { auditEvents, comments, ticketFollowers, tickets } from '../schema.js';
import type { SqliteHandles } from './handles.js';

export function sqliteFollower(handles: SqliteHandles): FollowerRepository {
  const { db } = handles;
  return {
    isFollowing(ticketId, personId) {
      return db.select().from(ticketFollowers).where(and(eq(ticketFollowers.ticketId, ticketId), eq(ticketFollowers.personId, personId))).get() !== undefined;
    },
    insertFollower(row) {
      db.insert(ticketFollowers).values(row).run();
    },
    removeFollower(ticketId, personId) {
      return db.delete(ticketFollowers).where(and(eq(ticketFollowers.ticketId, ticketId), eq(ticketFollowers.personId, personId))).run().changes;
    },
    followerIdsOf(ticketId) {
      return db
        .select({ personId: ticketFollowers.personId })
        .from(ticketFollowers)
        .where(eq(ticketFollowers.ticketId, ticketId))
        .orderBy(asc(ticketFollowers.createdAt))
        .all()
        .map((row) => row.personId);
    },
    followersOfTickets(ticketIds) {
      return db.select().from(ticketFollowers).where(inArray(ticketFollowers.ticketId, [...ticketIds])).all();
    },

    newestEventId() {
      return db.select({ id: max(auditEvents.id) }).from(auditEvents).get()?.id ?? 0;
    },
    ticketEventsAfter(position, limit) {
      return db
        .select()
        .from(auditEvents)
        .where(and(gt(auditEvents.id, position), eq(auditEvents.entity, 'ticket')))
        .orderBy(auditEvents.id)
        .limit(limit)
        .all();
    },
    commentExcerpt(commentId) {
      return db.select({ body: comments.body, author: comments.authorLabel }).from(comments).where(eq(comments.id, commentId)).get();
    },
    ticketTitles(ticketIds) {
      return new Map(db.select({ id: tickets.id, title: tickets.title }).from(tickets).where(inArray(tickets.id, [...ticketIds])).all().map((t) => [t.id, t.title]));
    },
  };
}
