/**
 * /ticket search: full-text search over ticket titles and descriptions, public replies and
 * internal notes (store/sqlite/search.ts: SQLite FTS5, ranked by bm25), best match first with a
 * snippet of the best match, filtered by requester, status and tag.
 */
import type { Status } from '../domain/vocabulary.js';
import type { SearchDocument, SearchFilter } from '../store/repositories/search.js';
import type { TicketRow } from '../store/repositories/tickets.js';
import type { RequestContext } from './context.js';
import { invalid } from './errors.js';
import { handleOf } from './people.js';
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
 * The words of a search as terms: runs of letters and digits, lower-cased, each once (the search
 * repository quotes each, so nothing typed is ever query syntax). Empty when there are none.
 */
export function searchTerms(text: string): string[] {
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return [...new Set(words)].slice(0, MAX_SEARCH_TERMS);
}

/** The best CANDIDATES documents for `terms`, without snippets; a query the engine refuses is the searcher's to rephrase. */
function rankedMatches(ctx: RequestContext, terms: readonly string[], filter: SearchFilter, typed: string): SearchDocument[] {
  const ranked = ctx.store.search.bestDocuments(terms, filter, CANDIDATES);
  // Terms are quoted, so this should not happen; if the engine still refuses, say so kindly.
  if (ranked === undefined) throw invalid(`The search "${typed.slice(0, 80)}" could not be run.`, 'Search for plain words, like /ticket search sso login loop.');
  return ranked;
}

/** Tickets whose title, description or comments hold every word, best match first. */
export function searchTickets(ctx: RequestContext, input: SearchInput): SearchResult {
  const terms = searchTerms(input.words);
  if (terms.length === 0) {
    throw invalid('Search for words: letters or digits.', 'Example: /ticket search sso login loop requester:jane@example.com');
  }
  const filter: SearchFilter = {};
  if (input.status !== undefined && input.status !== 'all') filter.status = input.status;
  if (input.requester) filter.requester = input.requester;
  if (input.tag !== undefined) filter.tagIds = tagIdsFor(ctx, input.tag);
  const limit = input.limit ?? 10;
  const ranked = rankedMatches(ctx, terms, filter, input.words);
  const best = new Map<number, (typeof ranked)[number]>();
  for (const row of ranked) if (!best.has(row.ticketId)) best.set(row.ticketId, row);
  const ids = [...best.keys()].slice(0, limit);
  const found = ids.length > 0 ? ctx.store.search.ticketsByIds(ids) : [];
  const byId = new Map(found.map((t) => [t.id, t]));
  const docIds = ids.map((id) => best.get(id)!.docId);
  const snippets = docIds.length === 0 ? new Map<number, string>() : ctx.store.search.snippets(terms, docIds);
  const hits = ids.flatMap((id) => {
    const ticket = byId.get(id);
    const row = best.get(id)!;
    return ticket ? [{ ticket, assignee: handleOf(ctx, ticket.assigneeId), kind: row.kind, snippet: snippets.get(row.docId) ?? '' }] : [];
  });
  return { terms, hits, more: best.size > ids.length || ranked.length === CANDIDATES };
}
