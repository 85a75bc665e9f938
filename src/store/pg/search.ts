/**
 * The SearchRepository on PostgreSQL: src/store/sqlite/search.ts over PostgreSQL's full-text search.
 * SQLite keeps an FTS5 table (search_docs) whose rows are the documents; PostgreSQL indexes the
 * documents where they live with GIN (schema.ts, searchVector): a ticket's title and description
 * (document id `ticket id * 2`, kind 'ticket'), a comment's body (document id `comment id * 2 + 1`,
 * kind its visibility), the same ids and kinds SQLite's search_docs gives them (migrations/0008).
 *
 * Where PostgreSQL answers differently (the contract suite holds the rest to SQLite's answers):
 * - Ranking: ts_rank stands in for FTS5's bm25, summed over a ticket's title and description each
 *   normalised by its length (bm25 too scores each column against its own length, so a word in a
 *   short title weighs much). They are different formulas (bm25 saturates repeated words and weighs
 *   rare terms up), so close candidates may come in another order: "export export export" in a
 *   note ranks above a ticket titled "Export fails" on SQLite, below it here. The same documents
 *   match; the window rule (RANK_WINDOW) is SQLite's. Ties: the lower document id first.
 * - Words: English stemming (snowball) where FTS5 uses porter, so a few words stem differently; and
 *   PostgreSQL's English configuration drops stop words ("the", "and", "with"): a term that is a stop
 *   word is not required (SQLite requires it), and a search of stop words only matches nothing.
 *   unaccent() also folds letters FTS5's remove_diacritics keeps: "strasse" finds "Straße" here only.
 * - Snippets: ts_headline's window of 15 to 16 words where FTS5's snippet() picks its own 16
 *   tokens (it moves the window to the text's start when the matches fit, ts_headline starts at
 *   the match); a text of 16 words or fewer is whole on both, matches in *bold*; a cut text gets '…'
 *   at a cut end as on SQLite. Of a ticket's title and description, the one with more matches in
 *   bold is shown, the title on a tie (FTS5 scores its windows otherwise, and sometimes shows the
 *   description where this shows the title). A match found only through an accent removed (café
 *   for "cafe") is not put in bold (ts_headline reads the text as written).
 */
import { and, eq, inArray, or, sql, type SQL } from 'drizzle-orm';
import type { SearchDocument, SearchRepository } from '../repositories/search.js';
import type { RequesterFilter } from '../repositories/tickets.js';
import type { BridgeResult } from './bridge.js';
import type { PgHandles } from './handles.js';
import { comments, searchVector, tickets, ticketTags } from './schema.js';
import { all } from './session.js';

/** As on SQLite (sqlite/search.ts): without filters, only the newest RANK_WINDOW matching documents are ranked. */
export const RANK_WINDOW = 3_000;

/** ts_headline's options: FTS5's snippet(…, '*', '*', '…', 16). */
const HEADLINE_OPTIONS = 'StartSel=*, StopSel=*, MaxWords=16, MinWords=15, ShortWord=0, HighlightAll=false, MaxFragments=0';

/**
 * The query for `terms`: every term required (plainto_tsquery ANDs them), its diacritics removed as
 * the indexed text's are. Nothing typed is tsquery syntax: plainto_tsquery reads plain text only.
 */
function matchQuery(terms: readonly string[]): SQL {
  return sql`plainto_tsquery('pg_catalog.english'::regconfig, public.unaccent('public.unaccent'::regdictionary, ${terms.join(' ')}))`;
}

/** The tickets from `requester` (sqlite/tickets.ts's requesterCondition). */
function requesterCondition(requester: RequesterFilter): SQL {
  return requester.personId === null ? eq(tickets.requester, requester.text) : or(eq(tickets.requester, requester.text), eq(tickets.requesterPersonId, requester.personId))!;
}

const ticketVector = searchVector(sql`${tickets.title}`, sql`${tickets.description}`);
const commentVector = searchVector(sql`''`, sql`${comments.body}`);
// The ranking's columns apart: bm25 scores a title and a description each against its own column's
// average length (a word in a short title weighs more); their sum stands in for it.
const titleVector = searchVector(sql`${tickets.title}`, sql`''`);
const descriptionVector = searchVector(sql`''`, sql`${tickets.description}`);

/** FTS5's snippet from ts_headline's: '…' where the text was cut, at either end. */
function withEllipses(headline: string, text: string): string {
  const plain = headline.replaceAll('*', '').trim();
  const whole = text.trim();
  if (plain.length === 0) return headline;
  const start = whole.startsWith(plain) ? '' : '…';
  const end = whole.endsWith(plain) ? '' : '…';
  return `${start}${headline.trim()}${end}`;
}

/** How many matches a headline put in bold. */
function boldCount(headline: string): number {
  return (headline.match(/\*[^*]+\*/g) ?? []).length;
}

export function pgSearch(handles: PgHandles): SearchRepository {
  const { db } = handles;
  /** Rows of a statement of our own (SQL no builder spells); the caller decodes what it selects. */
  // db.execute() gives drizzle's raw query, whose execute() answers synchronously here (session.ts).
  const rowsOf = <T>(query: SQL): T[] => (db.execute(query) as unknown as { execute(): BridgeResult }).execute().rows as T[];
  return {
    bestDocuments(terms, filter, count) {
      const query = matchQuery(terms);
      const filters: SQL[] = [];
      if (filter.status !== undefined) filters.push(eq(tickets.status, filter.status));
      if (filter.requester) filters.push(requesterCondition(filter.requester));
      if (filter.tagIds !== undefined) {
        filters.push(inArray(tickets.id, db.select({ id: ticketTags.ticketId }).from(ticketTags).where(inArray(ticketTags.tagId, [...filter.tagIds]))));
      }
      // The matching documents of both kinds, each with its rank (the GIN indexes find them).
      const matches = sql`SELECT ${tickets.id}::bigint * 2 AS doc_id, ${tickets.id} AS ticket_id, 'ticket' AS kind, ts_rank(${titleVector}, ${query}, 1) + ts_rank(${descriptionVector}, ${query}, 1) AS score
          FROM ${tickets} WHERE ${ticketVector} @@ ${query}
        UNION ALL
        SELECT ${comments.id}::bigint * 2 + 1, ${comments.ticketId}, ${comments.visibility}, ts_rank(${commentVector}, ${query}, 1)
          FROM ${comments} WHERE ${commentVector} @@ ${query}`;
      const statement =
        filters.length > 0
          ? sql`SELECT d.doc_id, d.ticket_id, d.kind FROM (${matches}) d JOIN ${tickets} ON ${tickets.id} = d.ticket_id
              WHERE ${and(...filters)} ORDER BY d.score DESC, d.doc_id LIMIT ${count}`
          : sql`SELECT d.doc_id, d.ticket_id, d.kind FROM (SELECT * FROM (${matches}) m ORDER BY m.doc_id DESC LIMIT ${RANK_WINDOW}) d
              ORDER BY d.score DESC, d.doc_id LIMIT ${count}`;
      // plainto_tsquery reads any text, so PostgreSQL has no query to refuse (SQLite's undefined);
      // anything else it raises is trouble, as on SQLite.
      return rowsOf<{ doc_id: string; ticket_id: number; kind: SearchDocument['kind'] }>(statement).map((row) => ({ docId: Number(row.doc_id), ticketId: Number(row.ticket_id), kind: row.kind }));
    },
    snippets(terms, docIds) {
      const query = matchQuery(terms);
      // SQLite's answer for a single document id is every matching document's snippet: its
      // `rowid IN (?)` of one value is left to FTS5 beside MATCH, which drops it (a bug on SQLite's
      // side, harmless to callers who look their ids up, costly on a search with many matches).
      // Matched here so that both engines answer alike; fix both together.
      const everyMatch = docIds.length === 1;
      const ticketIds = docIds.filter((id) => id % 2 === 0).map((id) => id / 2);
      const commentIds = docIds.filter((id) => id % 2 === 1).map((id) => (id - 1) / 2);
      const ticketWhere = everyMatch ? sql`${ticketVector} @@ ${query}` : and(inArray(tickets.id, ticketIds), sql`${ticketVector} @@ ${query}`);
      const commentWhere = everyMatch ? sql`${commentVector} @@ ${query}` : and(inArray(comments.id, commentIds), sql`${commentVector} @@ ${query}`);
      const headline = (text: SQL) => sql<string>`ts_headline('pg_catalog.english'::regconfig, ${text}, ${query}, ${HEADLINE_OPTIONS})`;
      const snippets = new Map<number, string>();
      if (everyMatch || ticketIds.length > 0) {
        const rows = all(
          db
            .select({ id: tickets.id, title: tickets.title, description: tickets.description, titleHeadline: headline(sql`${tickets.title}`), bodyHeadline: headline(sql`${tickets.description}`) })
            .from(tickets)
            .where(ticketWhere),
        );
        for (const row of rows) {
          // FTS5's snippet(-1) shows the column with the best matches; the title when they tie.
          const body = boldCount(row.bodyHeadline) > boldCount(row.titleHeadline);
          snippets.set(row.id * 2, body ? withEllipses(row.bodyHeadline, row.description) : withEllipses(row.titleHeadline, row.title));
        }
      }
      if (everyMatch || commentIds.length > 0) {
        const rows = all(
          db
            .select({ id: comments.id, body: comments.body, headline: headline(sql`${comments.body}`) })
            .from(comments)
            .where(commentWhere),
        );
        for (const row of rows) snippets.set(row.id * 2 + 1, withEllipses(row.headline, row.body));
      }
      // The map's order: as SQLite's (the documents in id order).
      return new Map([...snippets.entries()].sort((a, b) => a[0] - b[0]));
    },
    ticketsByIds(ids) {
      return all(db.select().from(tickets).where(inArray(tickets.id, [...ids])));
    },
  };
}
