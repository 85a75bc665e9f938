/** Reply signatures, terms and answer clusters of the duplicate-answer detector. */
import type { answerClusters } from '../schema.js';

import type { CommentRow } from './comments.js';
export type { CommentRow };
export type ClusterRow = typeof answerClusters.$inferSelect;
export type ClusterState = ClusterRow['state'];

/** An indexed reply: its comment and ticket. */
export interface IndexedReply {
  commentId: number;
  ticketId: number;
}

/** A cluster's member reply, with its comment's text and author. */
export interface ClusterMemberRow {
  commentId: number;
  ticketId: number;
  body: string;
  author: string;
  createdAt: Date;
}

export interface DuplicateAnswerRepository {
  /** How many indexed replies carry `term` (0 for none). */
  repliesWithTermCount(term: string): number;
  /** How many replies are indexed. */
  indexedReplyCount(): number;
  /**
   * Indexes one reply: its signature (its terms and weights), each term's inverted-index row, and
   * the counts (per term and in all). False, and nothing written, when it was indexed already.
   */
  indexReply(reply: { commentId: number; ticketId: number; createdAt: Date }, terms: ReadonlyMap<string, number>): boolean;
  /** Indexed replies carrying `term`, written at or after `since` on other tickets than `ticketId`: the newest 200. */
  recentRepliesWithTerm(term: string, since: Date, ticketId: number): IndexedReply[];
  /** An indexed reply with its terms and weights, if it is indexed. */
  signatureOf(commentId: number): (IndexedReply & { terms: Map<string, number> }) | undefined;
  /** The cluster one of these replies belongs to, if any. */
  clusterOfAny(commentIds: readonly number[]): number | undefined;
  /** Adds a reply to a cluster (nothing when it is in one already). */
  joinCluster(member: { clusterId: number; commentId: number; ticketId: number }): void;
  /** Creates a cluster of these replies (suggested); returns its id. */
  createCluster(createdAt: Date, members: readonly IndexedReply[]): number;
  /** A cluster's replies, oldest first. */
  clusterMembers(clusterId: number): ClusterMemberRow[];
  /** The 20 newest clusters, in one state or all. */
  clustersByState(state?: ClusterState): ClusterRow[];
  /** A cluster by id. */
  clusterById(id: number): ClusterRow | undefined;
  /** Records the leads' decision on a cluster. */
  decideCluster(id: number, decision: { state: ClusterState; decidedBy: number | null; decidedAt: Date }): void;
  /** The first comment id written at or after `since` (null for none). */
  firstCommentIdSince(since: Date): number | null;
  /** The first comment id ever (null for none). */
  firstCommentId(): number | null;
  /** Up to `limit` comments after comment `afterId`, oldest first. */
  commentsAfter(afterId: number, limit: number): CommentRow[];
}
