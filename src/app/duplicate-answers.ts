/**
 * The duplicate-answer detector (handbook: "3 duplicate answers on different tickets that weren't
 * references to a support doc: we need one"). Hand-written public replies are indexed as weighted
 * terms (reply_signatures, with an inverted index reply_terms and document counts); each new one
 * is compared with the team's replies of the last 30 days. Three near-duplicates on three
 * different tickets make a cluster, suggested to the leads once; later look-alikes join the
 * cluster quietly, and a dismissed cluster stays quiet.
 */
import { DUPLICATE_THRESHOLD, answerTerms, idf, mainlyDocLink, similarity, type Terms } from '../domain/answer-similarity.js';
import type { ClusterRow, ClusterState, CommentRow } from '../store/repositories/duplicates.js';
import { duplicateAnswersNotice } from '../views/duplicates.js';
import type { AppContext } from './context.js';
import { enqueue } from './outbox.js';

/** How far back a reply looks for its twins. */
export const WINDOW_MS = 30 * 24 * 3_600_000;
/** Tickets a cluster needs before the leads hear of it. */
export const CLUSTER_TICKETS = 3;
/** The rarest terms of a new reply used to find candidates (a twin shares some of them). */
const PROBE_TERMS = 6;
/** Candidates scored in full. */
const CANDIDATES = 30;
export type { CommentRow };

/** Why a reply was left out of the detector, or null when it is one it watches. */
export function skipReason(comment: Pick<CommentRow, 'visibility' | 'authorId' | 'macroId' | 'body'>): string | null {
  if (comment.visibility !== 'public') return 'internal note';
  if (comment.authorId === null) return 'from the requester';
  if (comment.macroId !== null) return 'sent from a macro';
  if (mainlyDocLink(comment.body)) return 'mainly a doc link';
  return null;
}

/** Adds one reply to the index (terms, counts, signature). */
export function indexReply(ctx: AppContext, comment: Pick<CommentRow, 'id' | 'ticketId' | 'createdAt'>, terms: Terms): void {
  ctx.store.duplicates.indexReply({ commentId: comment.id, ticketId: comment.ticketId, createdAt: comment.createdAt }, terms);
}

export interface Twin {
  commentId: number;
  ticketId: number;
  score: number;
}

/** The indexed replies of the last 30 days, on other tickets, at least DUPLICATE_THRESHOLD alike, best first. */
export function findTwins(ctx: AppContext, comment: Pick<CommentRow, 'id' | 'ticketId' | 'createdAt'>, terms: Terms): Twin[] {
  const { duplicates } = ctx.store;
  const termCount = (term: string) => duplicates.repliesWithTermCount(term);
  const total = duplicates.indexedReplyCount();
  if (total === 0 || terms.size === 0) return [];
  const counts = new Map([...terms.keys()].map((t) => [t, termCount(t)]));
  const weight = (term: string) => idf(counts.get(term) ?? termCount(term), total);
  const probes = [...terms.keys()].filter((t) => (counts.get(t) ?? 0) > 0).sort((a, b) => counts.get(a)! - counts.get(b)!).slice(0, PROBE_TERMS);
  const since = new Date(comment.createdAt.getTime() - WINDOW_MS);
  const shared = new Map<number, { ticketId: number; weight: number }>();
  for (const term of probes) {
    for (const row of duplicates.recentRepliesWithTerm(term, since, comment.ticketId)) {
      if (row.commentId === comment.id) continue;
      const entry = shared.get(row.commentId) ?? { ticketId: row.ticketId, weight: 0 };
      entry.weight += weight(term);
      shared.set(row.commentId, entry);
    }
  }
  const best = [...shared.entries()].sort((a, b) => b[1].weight - a[1].weight).slice(0, CANDIDATES);
  const twins: Twin[] = [];
  for (const [commentId] of best) {
    const row = duplicates.signatureOf(commentId);
    if (!row) continue;
    for (const term of row.terms.keys()) if (!counts.has(term)) counts.set(term, termCount(term));
    const score = similarity(terms, row.terms, weight);
    if (score >= DUPLICATE_THRESHOLD) twins.push({ commentId, ticketId: row.ticketId, score });
  }
  return twins.sort((a, b) => b.score - a.score);
}

export interface CheckOutcome {
  skipped: string | null;
  twins: Twin[];
  /** The cluster the reply joined or started, if any. */
  clusterId: number | null;
  /** A new cluster was suggested to the leads. */
  suggested: boolean;
}

/**
 * Indexes a new reply and looks for its twins: joins the cluster of a twin that has one (quietly),
 * or starts a cluster and tells the leads when the reply and its twins span three tickets. Call it
 * inside a transaction.
 */
export function checkReply(ctx: AppContext, comment: CommentRow): CheckOutcome {
  const skipped = skipReason(comment);
  if (skipped) return { skipped, twins: [], clusterId: null, suggested: false };
  const terms = answerTerms(comment.body);
  const twins = findTwins(ctx, comment, terms);
  indexReply(ctx, comment, terms);
  if (twins.length === 0) return { skipped: null, twins, clusterId: null, suggested: false };
  const joined = ctx.store.duplicates.clusterOfAny(twins.map((t) => t.commentId));
  if (joined !== undefined) {
    ctx.store.duplicates.joinCluster({ clusterId: joined, commentId: comment.id, ticketId: comment.ticketId });
    return { skipped: null, twins, clusterId: joined, suggested: false };
  }
  const perTicket = new Map<number, Twin>();
  for (const twin of twins) if (!perTicket.has(twin.ticketId)) perTicket.set(twin.ticketId, twin);
  if (perTicket.size + 1 < CLUSTER_TICKETS) return { skipped: null, twins, clusterId: null, suggested: false };
  const members = [...perTicket.values()].slice(0, CLUSTER_TICKETS - 1);
  const clusterId = ctx.store.duplicates.createCluster(ctx.clock.now(), [{ commentId: comment.id, ticketId: comment.ticketId }, ...members]);
  suggestCluster(ctx, clusterId);
  return { skipped: null, twins, clusterId, suggested: true };
}

export interface ClusterMember {
  commentId: number;
  ticketId: number;
  body: string;
  author: string;
  createdAt: Date;
}

/** A cluster's replies, oldest first. */
export function clusterMembers(ctx: AppContext, clusterId: number): ClusterMember[] {
  return ctx.store.duplicates.clusterMembers(clusterId);
}

/** Queues the one suggestion for a new cluster in the leads' channel. */
function suggestCluster(ctx: AppContext, clusterId: number): void {
  enqueue(ctx, {
    dedupeKey: `dup-answers:${clusterId}`,
    audience: 'staff',
    channel: 'role:leads',
    reply: duplicateAnswersNotice(clusterId, clusterMembers(ctx, clusterId)),
  });
}

/** Replies indexed and clusters by state, for /duplicates list. */
export function clustersByState(ctx: AppContext, state?: ClusterState): ClusterRow[] {
  return ctx.store.duplicates.clustersByState(state);
}
