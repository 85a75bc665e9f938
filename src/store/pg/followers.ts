/** The FollowerRepository on PostgreSQL: src/store/sqlite/followers.ts method by method. */
import { and, asc, eq, gt, inArray, max } from 'drizzle-orm';
import type { FollowerRepository } from '../repositories/followers.js';
import type { PgHandles } from './handles.js';
import { auditEvents, comments, ticketFollowers, tickets } from './schema.js';
import { all, get, run } from './session.js';

export function pgFollower(handles: PgHandles): FollowerRepository {
  const { db } = handles;
  return {
    isFollowing(ticketId, personId) {
      return get(db.select().from(ticketFollowers).where(and(eq(ticketFollowers.ticketId, ticketId), eq(ticketFollowers.personId, personId)))) !== undefined;
    },
    insertFollower(row) {
      run(db.insert(ticketFollowers).values(row));
    },
    removeFollower(ticketId, personId) {
      return run(db.delete(ticketFollowers).where(and(eq(ticketFollowers.ticketId, ticketId), eq(ticketFollowers.personId, personId)))).changes;
    },
    followerIdsOf(ticketId) {
      // Follows made in the same millisecond: SQLite reads them through the primary key (ticket,
      // person) and its sort keeps that order, so the person's id breaks the tie here.
      return all(
        db
          .select({ personId: ticketFollowers.personId })
          .from(ticketFollowers)
          .where(eq(ticketFollowers.ticketId, ticketId))
          .orderBy(asc(ticketFollowers.createdAt), asc(ticketFollowers.personId)),
      ).map((row) => row.personId);
    },
    followersOfTickets(ticketIds) {
      // No order asked for (SQLite's query has none either).
      return all(db.select().from(ticketFollowers).where(inArray(ticketFollowers.ticketId, [...ticketIds])));
    },

    newestEventId() {
      // max() of an integer column: drizzle maps it back to a number; null (no events) is 0.
      return get(db.select({ id: max(auditEvents.id) }).from(auditEvents))?.id ?? 0;
    },
    ticketEventsAfter(position, limit) {
      return all(
        db
          .select()
          .from(auditEvents)
          .where(and(gt(auditEvents.id, position), eq(auditEvents.entity, 'ticket')))
          .orderBy(asc(auditEvents.id))
          .limit(limit),
      );
    },
    commentExcerpt(commentId) {
      return get(db.select({ body: comments.body, author: comments.authorLabel }).from(comments).where(eq(comments.id, commentId)));
    },
    ticketTitles(ticketIds) {
      return new Map(all(db.select({ id: tickets.id, title: tickets.title }).from(tickets).where(inArray(tickets.id, [...ticketIds]))).map((t) => [t.id, t.title]));
    },
  };
}
