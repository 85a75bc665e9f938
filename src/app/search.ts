/**
 * /ticket search: SQLite FTS5 over ticket titles and descriptions, public replies and internal
 * notes (the search_docs index, kept in step by triggers in every write's transaction), ranked by
 * bm25 (among the newest RANK_WINDOW matches when nothing filters) with a snippet of the best
 * match, filtered by requester, status and tag.
 */
import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Status } from '../domain/vocabulary.js';
import { tickets, ticketTags, type TicketRow } from '../store/schema.js';
import type { RequestContext } from './context.js';
import { invalid } from './errors.js';
import { handleOf } from './people.js';
import { requesterCondition } from '../store/sqlite/tickets.js';
import { tagIdsFor, type RequesterFilter } from './ticket-queries.js';
import type { TagRef } from './tags.js';

export interface SearchInput {
  words: string;
  requester?: RequesterFilter;
  /** A status, or 'all' (the default: search is for history too). */
  status?: Status | 'all';
  tag?: TagRef | string;
  /** Tickets to return (default 10). */
  limit?: number;
}

export interface SearchHit {
  ticket: TicketRow;
  assignee: string | null;
  /** Where the best match is: the ticket itself, a public reply or an internal note. */
  kind: 'ticket' | 'public' | 'internal';
  /** The matching words in context, matches in *bold*. */
  snippet: string;
}

export interface SearchResult {
  terms: string[];
  hits: SearchHit[];
  /** More tickets matched than were returned. */
  more: boolean;
}

/** At most this many words go into one query; beyond it nobody is searching, something is pasting. */
export const MAX_SEARCH_TERMS = 12;
/** Matching documents read per search, best first; tickets are picked from these. */
const CANDIDATES = 300;
/**
 * Without filters, bm25 ranks only the newest RANK_WINDOW matching documents: FTS5 must score
 * every match before it can sort, and two common words match a hundred thousand documents on a
 * large desk (180 ms); the newest few thousand are found in rowid order at once (about 20 ms). A
 * help desk searches recent history first; older tickets are one filter or one more word away.
 */
export const RANK_WINDOW = 3_000;

/**
 * The words of a search as FTS5 terms: runs of letters and digits, each quoted, so nothing typed
 * (quotes, *, OR, NEAR, column filters, "1=1") is ever FTS syntax. Empty when there are none.
 */
export function searchTerms(text: string): string[] {
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return [...new Set(words)].slice(0, MAX_SEARCH_TERMS);
}

/**
 * The best CANDIDATES documents for `query`, without snippets:
 * SQLite computes every selected column of every match before sorting, so snippets are made later
 * for the few shown. The ticket row is joined only when a filter needs it.
 */
function rankedMatches(ctx: RequestContext, query: string, where: SQL, joined: boolean, typed: string): { rowid: number; ticketId: number; kind: SearchHit['kind'] }[] {
  try {
    return ctx.store.db.all(
      joined
        ? sql`SELECT search_docs.rowid AS rowid, search_docs.ticket_id AS ticketId, search_docs.kind AS kind
              FROM search_docs JOIN ${tickets} ON ${tickets.id} = search_docs.ticket_id
              WHERE search_docs MATCH ${query}${where} ORDER BY search_docs.rank LIMIT ${CANDIDATES}`
        : sql`SELECT rowid, ticket_id AS ticketId, kind FROM search_docs
              WHERE search_docs MATCH ${query}
                AND rowid >= coalesce((SELECT rowid FROM search_docs WHERE search_docs MATCH ${query} ORDER BY rowid DESC LIMIT 1 OFFSET ${RANK_WINDOW - 1}), 0)
              ORDER BY rank LIMIT ${CANDIDATES}`,
    );
  } catch (error) {
    // Terms are quoted, so this should not happen; if FTS5 still refuses, say so kindly.
    if ((error as { code?: string }).code?.startsWith('SQLITE_ERROR')) {
      throw invalid(`The search "${typed.slice(0, 80)}" could not be run.`, 'Search for plain words, like /ticket search sso login loop.');
    }
    throw error;
  }
}

/** Tickets whose title, description or comments hold every word, best match first. */
export function searchTickets(ctx: RequestContext, input: SearchInput): SearchResult {
  const terms = searchTerms(input.words);
  if (terms.length === 0) {
    throw invalid('Search for words: letters or digits.', 'Example: /ticket search sso login loop requester:jane@example.com');
  }
  const query = terms.map((t) => `"${t}"`).join(' ');
  const filters: SQL[] = [];
  if (input.status !== undefined && input.status !== 'all') filters.push(eq(tickets.status, input.status));
  if (input.requester) filters.push(requesterCondition(input.requester));
  if (input.tag !== undefined) {
    const ids = tagIdsFor(ctx, input.tag);
    filters.push(inArray(tickets.id, ctx.store.db.select({ id: ticketTags.ticketId }).from(ticketTags).where(inArray(ticketTags.tagId, ids))));
  }
  const where = filters.length > 0 ? sql` AND ${and(...filters)}` : sql``;
  const limit = input.limit ?? 10;
  const ranked = rankedMatches(ctx, query, where, filters.length > 0, input.words);
  const best = new Map<number, (typeof ranked)[number]>();
  for (const row of ranked) if (!best.has(row.ticketId)) best.set(row.ticketId, row);
  const ids = [...best.keys()].slice(0, limit);
  const found = ids.length > 0 ? ctx.store.db.select().from(tickets).where(inArray(tickets.id, ids)).all() : [];
  const byId = new Map(found.map((t) => [t.id, t]));
  const rowids = ids.map((id) => best.get(id)!.rowid);
  const snippets = new Map(
    rowids.length === 0
      ? []
      : ctx.store.db
          .all<{ rowid: number; snippet: string }>(
            sql`SELECT rowid, snippet(search_docs, -1, '*', '*', '…', 16) AS snippet FROM search_docs WHERE search_docs MATCH ${query} AND rowid IN (${sql.join(rowids.map((r) => sql`${r}`), sql`, `)})`,
          )
          .map((r) => [r.rowid, r.snippet]),
  );
  const hits = ids.flatMap((id) => {
    const ticket = byId.get(id);
    const row = best.get(id)!;
    return ticket ? [{ ticket, assignee: handleOf(ctx, ticket.assigneeId), kind: row.kind, snippet: snippets.get(row.rowid) ?? '' }] : [];
  });
  return { terms, hits, more: best.size > ids.length || ranked.length === CANDIDATES };
}
