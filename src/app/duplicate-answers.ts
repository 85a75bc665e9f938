/**
 * The duplicate-answer detector (handbook: "3 duplicate answers on different tickets that weren't
 * references to a support doc: we need one"). Hand-written public replies are indexed as weighted
 * terms (reply_signatures, with an inverted index reply_terms and document counts); each new one
 * is compared with the team's replies of the last 30 days. Three near-duplicates on three
 * different tickets make a cluster, suggested to the leads once; later look-alikes join the
 * cluster quietly, and a dismissed cluster stays quiet.
 */
import { eq, inArray, sql } from 'drizzle-orm';
import { DUPLICATE_THRESHOLD, answerTerms, idf, mainlyDocLink, similarity, type Terms } from '../domain/answer-similarity.js';
import { answerClusterMembers, answerClusters, comments } from '../store/schema.js';
import { preparedStatement } from '../store/prepared.js';
import { duplicateAnswersNotice } from '../views/duplicates.js';
import type { AppContext } from './context.js';
import { enqueue } from './outbox.js';

/** How far back a reply looks for its twins. */
export const WINDOW_MS = 30 * 24 * 3_600_000;
/** Tickets a cluster needs before the leads hear of it. */
export const CLUSTER_TICKETS = 3;
/** The rarest terms of a new reply used to find candidates (a twin shares some of them). */
const PROBE_TERMS = 6;
/** Replies read per probe term, newest first. */
const PER_TERM = 200;
/** Candidates scored in full. */
const CANDIDATES = 30;
/** The row in reply_term_counts that holds the number of indexed replies. */
const TOTAL = '';

export type CommentRow = typeof comments.$inferSelect;

/** Why a reply was left out of the detector, or null when it is one it watches. */
export function skipReason(comment: Pick<CommentRow, 'visibility' | 'authorId' | 'macroId' | 'body'>): string | null {
  if (comment.visibility !== 'public') return 'internal note';
  if (comment.authorId === null) return 'from the requester';
  if (comment.macroId !== null) return 'sent from a macro';
  if (mainlyDocLink(comment.body)) return 'mainly a doc link';
  return null;
}

const countOf = preparedStatement('SELECT replies FROM reply_term_counts WHERE term = ?');
const upsertCount = preparedStatement('INSERT INTO reply_term_counts (term, replies) VALUES (?, 1) ON CONFLICT(term) DO UPDATE SET replies = replies + 1');
const insertTerm = preparedStatement('INSERT OR IGNORE INTO reply_terms (term, comment_id) VALUES (?, ?)');
const insertSignature = preparedStatement('INSERT OR IGNORE INTO reply_signatures (comment_id, ticket_id, created_at, terms) VALUES (?, ?, ?, ?)');
const repliesWithTerm = preparedStatement(
  `SELECT s.comment_id AS commentId, s.ticket_id AS ticketId FROM reply_terms t JOIN reply_signatures s ON s.comment_id = t.comment_id
   WHERE t.term = ? AND s.created_at >= ? AND s.ticket_id <> ? ORDER BY t.comment_id DESC LIMIT ${PER_TERM}`,
);
const signatureOf = preparedStatement('SELECT comment_id AS commentId, ticket_id AS ticketId, terms FROM reply_signatures WHERE comment_id = ?');

function termCount(ctx: AppContext, term: string): number {
  return ((countOf(ctx.store).raw(true).get(term) as [number] | undefined) ?? [0])[0];
}

/** Adds one reply to the index (terms, counts, signature). */
export function indexReply(ctx: AppContext, comment: Pick<CommentRow, 'id' | 'ticketId' | 'createdAt'>, terms: Terms): void {
  const inserted = insertSignature(ctx.store).run(comment.id, comment.ticketId, comment.createdAt.getTime(), JSON.stringify(Object.fromEntries(terms)));
  if (inserted.changes === 0) return;
  upsertCount(ctx.store).run(TOTAL);
  for (const term of terms.keys()) {
    upsertCount(ctx.store).run(term);
    insertTerm(ctx.store).run(term, comment.id);
  }
}

export interface Twin {
  commentId: number;
  ticketId: number;
  score: number;
}

/** The indexed replies of the last 30 days, on other tickets, at least DUPLICATE_THRESHOLD alike, best first. */
export function findTwins(ctx: AppContext, comment: Pick<CommentRow, 'id' | 'ticketId' | 'createdAt'>, terms: Terms): Twin[] {
  const total = termCount(ctx, TOTAL);
  if (total === 0 || terms.size === 0) return [];
  const counts = new Map([...terms.keys()].map((t) => [t, termCount(ctx, t)]));
  const weight = (term: string) => idf(counts.get(term) ?? termCount(ctx, term), total);
  const probes = [...terms.keys()].filter((t) => (counts.get(t) ?? 0) > 0).sort((a, b) => counts.get(a)! - counts.get(b)!).slice(0, PROBE_TERMS);
  const since = comment.createdAt.getTime() - WINDOW_MS;
  const shared = new Map<number, { ticketId: number; weight: number }>();
  for (const term of probes) {
    for (const row of repliesWithTerm(ctx.store).raw(false).all(term, since, comment.ticketId) as { commentId: number; ticketId: number }[]) {
      if (row.commentId === comment.id) continue;
      const entry = shared.get(row.commentId) ?? { ticketId: row.ticketId, weight: 0 };
      entry.weight += weight(term);
      shared.set(row.commentId, entry);
    }
  }
  const best = [...shared.entries()].sort((a, b) => b[1].weight - a[1].weight).slice(0, CANDIDATES);
  const twins: Twin[] = [];
  for (const [commentId] of best) {
    const row = signatureOf(ctx.store).raw(false).get(commentId) as { commentId: number; ticketId: number; terms: string } | undefined;
    if (!row) continue;
    const other = new Map(Object.entries(JSON.parse(row.terms) as Record<string, number>));
    for (const term of other.keys()) if (!counts.has(term)) counts.set(term, termCount(ctx, term));
    const score = similarity(terms, other, weight);
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
  const joined = ctx.store.db
    .select({ clusterId: answerClusterMembers.clusterId })
    .from(answerClusterMembers)
    .where(inArray(answerClusterMembers.commentId, twins.map((t) => t.commentId)))
    .get();
  if (joined) {
    ctx.store.db.insert(answerClusterMembers).values({ clusterId: joined.clusterId, commentId: comment.id, ticketId: comment.ticketId }).onConflictDoNothing().run();
    return { skipped: null, twins, clusterId: joined.clusterId, suggested: false };
  }
  const perTicket = new Map<number, Twin>();
  for (const twin of twins) if (!perTicket.has(twin.ticketId)) perTicket.set(twin.ticketId, twin);
  if (perTicket.size + 1 < CLUSTER_TICKETS) return { skipped: null, twins, clusterId: null, suggested: false };
  const members = [...perTicket.values()].slice(0, CLUSTER_TICKETS - 1);
  const cluster = ctx.store.db.insert(answerClusters).values({ createdAt: ctx.clock.now() }).returning({ id: answerClusters.id }).get();
  ctx.store.db
    .insert(answerClusterMembers)
    .values([{ clusterId: cluster.id, commentId: comment.id, ticketId: comment.ticketId }, ...members.map((m) => ({ clusterId: cluster.id, commentId: m.commentId, ticketId: m.ticketId }))])
    .run();
  suggestCluster(ctx, cluster.id);
  return { skipped: null, twins, clusterId: cluster.id, suggested: true };
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
  return ctx.store.db
    .select({ commentId: comments.id, ticketId: answerClusterMembers.ticketId, body: comments.body, author: comments.authorLabel, createdAt: comments.createdAt })
    .from(answerClusterMembers)
    .innerJoin(comments, eq(comments.id, answerClusterMembers.commentId))
    .where(eq(answerClusterMembers.clusterId, clusterId))
    .orderBy(comments.id)
    .all();
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
export function clustersByState(ctx: AppContext, state?: 'suggested' | 'macro' | 'doc' | 'dismissed') {
  return ctx.store.db
    .select()
    .from(answerClusters)
    .where(state ? eq(answerClusters.state, state) : undefined)
    .orderBy(sql`${answerClusters.id} DESC`)
    .limit(20)
    .all();
}
