/** The DuplicateAnswerRepository on PostgreSQL (port of src/store/sqlite/duplicates.ts). */
import { and, asc, desc, eq, gt, gte, inArray, min, ne, sql } from 'drizzle-orm';
import type { DuplicateAnswerRepository } from '../repositories/duplicates.js';
import type { PgHandles } from './handles.js';
import { answerClusterMembers, answerClusters, comments, replySignatures, replyTermCounts, replyTerms } from './schema.js';
import { all, get, run } from './session.js';

/** Replies read per probe term, newest first. */
const PER_TERM = 200;
/** The row in reply_term_counts that holds the number of indexed replies. */
const TOTAL = '';

export function pgDuplicateAnswer(handles: PgHandles): DuplicateAnswerRepository {
  const { db } = handles;
  const termCount = (term: string): number => get(db.select({ replies: replyTermCounts.replies }).from(replyTermCounts).where(eq(replyTermCounts.term, term)))?.replies ?? 0;
  /** Adds one to the counts of these (distinct) terms, creating the rows at 1. */
  const countUp = (terms: readonly string[]): void => {
    if (terms.length === 0) return;
    run(
      db
        .insert(replyTermCounts)
        .values(terms.map((term) => ({ term, replies: 1 })))
        .onConflictDoUpdate({ target: replyTermCounts.term, set: { replies: sql`${replyTermCounts.replies} + 1` } }),
    );
  };
  return {
    repliesWithTermCount(term) {
      return termCount(term);
    },

    indexedReplyCount() {
      return termCount(TOTAL);
    },

    indexReply(reply, terms) {
      // SQLite: INSERT OR IGNORE on the primary key (comment_id).
      const inserted = run(
        db
          .insert(replySignatures)
          .values({ commentId: reply.commentId, ticketId: reply.ticketId, createdAt: reply.createdAt, terms: Object.fromEntries(terms) })
          .onConflictDoNothing({ target: replySignatures.commentId }),
      );
      if (inserted.changes === 0) return false;
      // SQLite runs one upsert per term; here one statement for the total and one for the terms
      // (a multi-row ON CONFLICT DO UPDATE may not touch a row twice, hence the total apart, in
      // case a term were ever the empty string).
      const keys = [...terms.keys()];
      countUp([TOTAL]);
      countUp(keys.filter((term) => term !== TOTAL));
      if (keys.includes(TOTAL)) countUp([TOTAL]);
      if (keys.length > 0) {
        run(
          db
            .insert(replyTerms)
            .values(keys.map((term) => ({ term, commentId: reply.commentId })))
            .onConflictDoNothing(),
        );
      }
      return true;
    },

    recentRepliesWithTerm(term, since, ticketId) {
      return all(
        db
          .select({ commentId: replySignatures.commentId, ticketId: replySignatures.ticketId })
          .from(replyTerms)
          .innerJoin(replySignatures, eq(replySignatures.commentId, replyTerms.commentId))
          .where(and(eq(replyTerms.term, term), gte(replySignatures.createdAt, since), ne(replySignatures.ticketId, ticketId)))
          .orderBy(desc(replyTerms.commentId))
          .limit(PER_TERM),
      );
    },

    signatureOf(commentId) {
      const row = get(db.select({ commentId: replySignatures.commentId, ticketId: replySignatures.ticketId, terms: replySignatures.terms }).from(replySignatures).where(eq(replySignatures.commentId, commentId)));
      if (!row) return undefined;
      // jsonb keeps no key order: the map's entries may come in another order than on SQLite (same entries).
      return { commentId: row.commentId, ticketId: row.ticketId, terms: new Map(Object.entries(row.terms)) };
    },

    clusterOfAny(commentIds) {
      // SQLite reads the unique comment index in the IN list's sorted order: the lowest comment's cluster.
      return get(
        db
          .select({ clusterId: answerClusterMembers.clusterId })
          .from(answerClusterMembers)
          .where(inArray(answerClusterMembers.commentId, [...commentIds]))
          .orderBy(asc(answerClusterMembers.commentId))
          .limit(1),
      )?.clusterId;
    },

    joinCluster(member) {
      run(db.insert(answerClusterMembers).values(member).onConflictDoNothing());
    },

    createCluster(createdAt, members) {
      const cluster = get(db.insert(answerClusters).values({ createdAt }).returning({ id: answerClusters.id }))!;
      run(db.insert(answerClusterMembers).values(members.map((m) => ({ clusterId: cluster.id, commentId: m.commentId, ticketId: m.ticketId }))));
      return cluster.id;
    },

    clusterMembers(clusterId) {
      return all(
        db
          .select({ commentId: comments.id, ticketId: answerClusterMembers.ticketId, body: comments.body, author: comments.authorLabel, createdAt: comments.createdAt })
          .from(answerClusterMembers)
          .innerJoin(comments, eq(comments.id, answerClusterMembers.commentId))
          .where(eq(answerClusterMembers.clusterId, clusterId))
          .orderBy(asc(comments.id)),
      );
    },

    clustersByState(state) {
      return all(
        db
          .select()
          .from(answerClusters)
          .where(state ? eq(answerClusters.state, state) : undefined)
          .orderBy(desc(answerClusters.id))
          .limit(20),
      );
    },

    clusterById(id) {
      return get(db.select().from(answerClusters).where(eq(answerClusters.id, id)));
    },

    decideCluster(id, decision) {
      run(db.update(answerClusters).set(decision).where(eq(answerClusters.id, id)));
    },

    firstCommentIdSince(since) {
      return get(db.select({ id: min(comments.id) }).from(comments).where(gte(comments.createdAt, since)))?.id ?? null;
    },

    firstCommentId() {
      return get(db.select({ id: min(comments.id) }).from(comments))?.id ?? null;
    },

    commentsAfter(afterId, limit) {
      return all(db.select().from(comments).where(gt(comments.id, afterId)).orderBy(asc(comments.id)).limit(limit));
    },
  };
}
