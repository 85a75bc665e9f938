/** The DuplicateAnswerRepository on SQLite. */
import { and, eq, gt, gte, inArray, min, sql } from 'drizzle-orm';
import { preparedStatement } from '../prepared.js';
import type { DuplicateAnswerRepository, IndexedReply } from '../repositories/duplicates.js';
import { answerClusterMembers, answerClusters, comments } from '../schema.js';
import type { SqliteHandles } from './handles.js';

/** Replies read per probe term, newest first. */
const PER_TERM = 200;
/** The row in reply_term_counts that holds the number of indexed replies. */
const TOTAL = '';

const countOf = preparedStatement('SELECT replies FROM reply_term_counts WHERE term = ?');
const upsertCount = preparedStatement('INSERT INTO reply_term_counts (term, replies) VALUES (?, 1) ON CONFLICT(term) DO UPDATE SET replies = replies + 1');
const insertTerm = preparedStatement('INSERT OR IGNORE INTO reply_terms (term, comment_id) VALUES (?, ?)');
const insertSignature = preparedStatement('INSERT OR IGNORE INTO reply_signatures (comment_id, ticket_id, created_at, terms) VALUES (?, ?, ?, ?)');
const repliesWithTerm = preparedStatement(
  `SELECT s.comment_id AS commentId, s.ticket_id AS ticketId FROM reply_terms t JOIN reply_signatures s ON s.comment_id = t.comment_id
   WHERE t.term = ? AND s.created_at >= ? AND s.ticket_id <> ? ORDER BY t.comment_id DESC LIMIT ${PER_TERM}`,
);
const signatureOf = preparedStatement('SELECT comment_id AS commentId, ticket_id AS ticketId, terms FROM reply_signatures WHERE comment_id = ?');

export function sqliteDuplicateAnswer(handles: SqliteHandles): DuplicateAnswerRepository {
  const { db } = handles;
  const termCount = (term: string): number => ((countOf(handles).raw(true).get(term) as [number] | undefined) ?? [0])[0];
  return {
    repliesWithTermCount(term) {
      return termCount(term);
    },

    indexedReplyCount() {
      return termCount(TOTAL);
    },

    indexReply(reply, terms) {
      const inserted = insertSignature(handles).run(reply.commentId, reply.ticketId, reply.createdAt.getTime(), JSON.stringify(Object.fromEntries(terms)));
      if (inserted.changes === 0) return false;
      upsertCount(handles).run(TOTAL);
      for (const term of terms.keys()) {
        upsertCount(handles).run(term);
        insertTerm(handles).run(term, reply.commentId);
      }
      return true;
    },

    recentRepliesWithTerm(term, since, ticketId) {
      return repliesWithTerm(handles).raw(false).all(term, since.getTime(), ticketId) as IndexedReply[];
    },

    signatureOf(commentId) {
      const row = signatureOf(handles).raw(false).get(commentId) as { commentId: number; ticketId: number; terms: string } | undefined;
      if (!row) return undefined;
      return { commentId: row.commentId, ticketId: row.ticketId, terms: new Map(Object.entries(JSON.parse(row.terms) as Record<string, number>)) };
    },

    clusterOfAny(commentIds) {
      return db
        .select({ clusterId: answerClusterMembers.clusterId })
        .from(answerClusterMembers)
        .where(inArray(answerClusterMembers.commentId, [...commentIds]))
        .get()?.clusterId;
    },

    joinCluster(member) {
      db.insert(answerClusterMembers).values(member).onConflictDoNothing().run();
    },

    createCluster(createdAt, members) {
      const cluster = db.insert(answerClusters).values({ createdAt }).returning({ id: answerClusters.id }).get();
      db.insert(answerClusterMembers)
        .values(members.map((m) => ({ clusterId: cluster.id, commentId: m.commentId, ticketId: m.ticketId })))
        .run();
      return cluster.id;
    },

    clusterMembers(clusterId) {
      return db
        .select({ commentId: comments.id, ticketId: answerClusterMembers.ticketId, body: comments.body, author: comments.authorLabel, createdAt: comments.createdAt })
        .from(answerClusterMembers)
        .innerJoin(comments, eq(comments.id, answerClusterMembers.commentId))
        .where(eq(answerClusterMembers.clusterId, clusterId))
        .orderBy(comments.id)
        .all();
    },

    clustersByState(state) {
      return db
        .select()
        .from(answerClusters)
        .where(state ? eq(answerClusters.state, state) : undefined)
        .orderBy(sql`${answerClusters.id} DESC`)
        .limit(20)
        .all();
    },

    clusterById(id) {
      return db.select().from(answerClusters).where(eq(answerClusters.id, id)).get();
    },

    decideCluster(id, decision) {
      db.update(answerClusters).set(decision).where(eq(answerClusters.id, id)).run();
    },




    firstCommentIdSince(since) {
      return db.select({ id: min(comments.id) }).from(comments).where(gte(comments.createdAt, since)).get()?.id ?? null;
    },

    firstCommentId() {
      return db.select({ id: min(comments.id) }).from(comments).get()?.id ?? null;
    },

    commentsAfter(afterId, limit) {
      return db.select().from(comments).where(and(gt(comments.id, afterId))).orderBy(comments.id).limit(limit).all();
    },
  };
}
