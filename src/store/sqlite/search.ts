/**
 * The SearchRepository on SQLite: FTS5 over ticket titles and descriptions, public replies and
 * internal notes (the search_docs index, kept in step by triggers in every write's transaction),
 * ranked by bm25 (among the newest RANK_WINDOW matches when nothing filters).
 */
import { and, inArray, sql } from 'drizzle-orm';
import type { SearchDocument, SearchRepository } from '../repositories/search.js';
import { tickets, ticketTags } from '../schema.js';
import type { SqliteHandles } from './handles.js';
import { searchFilterConditions } from '../conditions.js';

/**
 * Without filters, bm25 ranks only the newest RANK_WINDOW matching documents: FTS5 must score
 * every match before it can sort, and two common words match a hundred thousand documents on a
 * large desk (180 ms); the newest few thousand are found in rowid order at once (about 20 ms). A
 * help desk searches recent history first; older tickets are one filter or one more word away.
 */
export const RANK_WINDOW = 3_000;

/** The FTS5 query for `terms`: each quoted, so nothing typed (quotes, *, OR, NEAR, column filters, "1=1") is ever FTS syntax. */
function matchQuery(terms: readonly string[]): string {
  return terms.map((t) => `"${t}"`).join(' ');
}

export function sqliteSearch(handles: SqliteHandles): SearchRepository {
  const { db } = handles;
  return {
    /**
     * Without snippets: SQLite computes every selected column of every match before sorting, so
     * snippets are made later for the few shown. The ticket row is joined only when a filter needs it.
     */
    bestDocuments(terms, filter, count) {
      const query = matchQuery(terms);
      const filters = searchFilterConditions(tickets, (tagIds) => db.select({ id: ticketTags.ticketId }).from(ticketTags).where(inArray(ticketTags.tagId, [...tagIds])), filter);
      const where = filters.length > 0 ? sql` AND ${and(...filters)}` : sql``;
      try {
        return db
          .all<{ rowid: number; ticketId: number; kind: SearchDocument['kind'] }>(
            filters.length > 0
              ? sql`SELECT search_docs.rowid AS rowid, search_docs.ticket_id AS ticketId, search_docs.kind AS kind
                    FROM search_docs JOIN ${tickets} ON ${tickets.id} = search_docs.ticket_id
                    WHERE search_docs MATCH ${query}${where} ORDER BY search_docs.rank LIMIT ${count}`
              : sql`SELECT rowid, ticket_id AS ticketId, kind FROM search_docs
                    WHERE search_docs MATCH ${query}
                      AND rowid >= coalesce((SELECT rowid FROM search_docs WHERE search_docs MATCH ${query} ORDER BY rowid DESC LIMIT 1 OFFSET ${RANK_WINDOW - 1}), 0)
                    ORDER BY rank LIMIT ${count}`,
          )
          .map((row) => ({ docId: row.rowid, ticketId: row.ticketId, kind: row.kind }));
      } catch (error) {
        // Terms are quoted, so this should not happen; if FTS5 still refuses, the caller says so kindly.
        if ((error as { code?: string }).code?.startsWith('SQLITE_ERROR')) return undefined;
        throw error;
      }
    },
    snippets(terms, docIds) {
      const query = matchQuery(terms);
      // One id is written twice: SQLite (3.53) turns `rowid IN (x)` into `rowid = x`, which FTS5
      // drops beside MATCH, answering every matching document (a snippet each) instead of the one asked.
      const ids = docIds.length === 1 ? [docIds[0]!, docIds[0]!] : docIds;
      return new Map(
        db
          .all<{ rowid: number; snippet: string }>(
            sql`SELECT rowid, snippet(search_docs, -1, '*', '*', '…', 16) AS snippet FROM search_docs WHERE search_docs MATCH ${query} AND rowid IN (${sql.join(ids.map((r) => sql`${r}`), sql`, `)})`,
          )
          .map((r) => [r.rowid, r.snippet]),
      );
    },
    ticketsByIds(ids) {
      return db.select().from(tickets).where(inArray(tickets.id, [...ids])).all();
    },
  };
}
