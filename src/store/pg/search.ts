/**
 * The SearchRepository on PostgreSQL: src/store/sqlite/search.ts over PostgreSQL's full-text search.
 * SQLite keeps an FTS5 table (search_docs) whose rows are the documents; PostgreSQL indexes the
 * documents where they live with GIN (schema.ts, searchVector): a ticket's title and description
 * (document id `ticket id * 2`, kind 'ticket'), a comment's body (document id `comment id * 2 + 1`,
 * kind its visibility), the same ids and kinds SQLite's search_docs gives them (migrations/0008).
 *
 * Where PostgreSQL answers differently (the contract suite holds the rest to SQLite's answers):
 * - Ranking: ts_rank stands in for FTS5's bm25, summed over a document's title and body each
 *   normalised by its length (bm25 too scores each column against its own length, so a word in a
 *   short title weighs much). They are different formulas (bm25 saturates repeated words and weighs
 *   rare terms up), so close candidates may come in another order: "export export export" in a
 *   note ranks above a ticket titled "Export fails" on SQLite, below it here. The same documents
 *   match; the window rule (RANK_WINDOW) is SQLite's. Ties: the lower document id first.
 * - Words: English stemming (snowball) where FTS5 uses porter, so a few words stem differently; and
 *   PostgreSQL's English configuration drops stop words ("the", "and", "with"): a term that is a stop
 *   word is not required (SQLite requires it), and a search of stop words only matches nothing.
 *   unaccent() also folds letters FTS5's remove_diacritics keeps: "strasse" finds "Straße" here only.
 *   PostgreSQL's parser keeps an e-mail address, a URL or a file path as one word where FTS5 splits
 *   it into letters and digits, so "example" finds "ada@example.com" on SQLite only.
 * - Snippets: FTS5's snippet() is redone here (snippetOf) over the matches ts_headline marks in the
 *   unaccented text, so windows, bold, '…' and the column shown follow FTS5's rules; which words
 *   count as one (for a window's score) is judged by the word as written, where FTS5 knows the query
 *   term each matched, so a window holding "export" and "exported" may score a little differently;
 *   and where unaccent() or PostgreSQL's parser splits a text into other words than FTS5 (an
 *   address, a URL, "½"), the bold may fall on the neighbouring word.
 */
import { and, inArray, sql, type SQL } from 'drizzle-orm';
import type { SearchDocument, SearchRepository } from '../repositories/search.js';
import type { BridgeResult } from './bridge.js';
import type { PgHandles } from './handles.js';
import { comments, searchVector, tickets, ticketTags } from './schema.js';
import { all } from './session.js';
import { searchFilterConditions } from '../conditions.js';

/** As on SQLite (sqlite/search.ts): without filters, only the newest RANK_WINDOW matching documents are ranked. */
export const RANK_WINDOW = 3_000;

/** FTS5's snippet(…, '*', '*', '…', 16): tokens per snippet. */
const SNIPPET_TOKENS = 16;
/** ts_headline marks every match with these (characters no word holds), for the window to be chosen here. */
const MARK_START = '\u27E6';
const MARK_STOP = '\u27E7';
const HEADLINE_OPTIONS = `StartSel=${MARK_START}, StopSel=${MARK_STOP}, HighlightAll=true`;

/**
 * The query for `terms`: every term required (plainto_tsquery ANDs them), its diacritics removed as
 * the indexed text's are. Nothing typed is tsquery syntax: plainto_tsquery reads plain text only.
 */
function matchQuery(terms: readonly string[]): SQL {
  return sql`plainto_tsquery('pg_catalog.english'::regconfig, public.unaccent('public.unaccent'::regdictionary, ${terms.join(' ')}))`;
}

const ticketVector = searchVector(sql`${tickets.title}`, sql`${tickets.description}`);
const commentVector = searchVector(sql`''`, sql`${comments.body}`);

/** A token as FTS5's unicode61 tokenizer reads one: a run of letters and digits. */
const TOKEN = /[\p{L}\p{N}]+/gu;

/** Which tokens of a text ts_headline marked as matches (its text's tokens, in order). */
function markedTokens(marked: string): boolean[] {
  const flags: boolean[] = [];
  let inside = false;
  for (const part of marked.split(new RegExp(`([${MARK_START}${MARK_STOP}])`, 'u'))) {
    if (part === MARK_START) inside = true;
    else if (part === MARK_STOP) inside = false;
    else for (const _ of part.matchAll(TOKEN)) flags.push(inside);
  }
  return flags;
}

/**
 * FTS5's snippet of `text` given which of its tokens match (fts5_aux.c's snippet(), redone): each
 * match starts a window of SNIPPET_TOKENS tokens scored 1000 a distinct matching word (here: the
 * word as written) and 1 a repeat, its matches then centred (kept inside the text); in a text longer
 * than a window, a window starting at the sentence before the match (after a '.') scores 100 more,
 * 120 at the text's start. The best window is shown, matches in *bold*, '…' where the text is cut.
 * `flags` come from ts_headline over the unaccented text, whose tokens are the text's. The score
 * picks a ticket's column as FTS5 does (the title on a tie). A text with no match scores -1.
 */
function snippetOf(text: string, flags: readonly boolean[]): { snippet: string; score: number } {
  const tokens = [...text.matchAll(TOKEN)].map((m) => ({ start: m.index, end: m.index + m[0].length, word: m[0].toLowerCase() }));
  const count = tokens.length;
  const hit = (i: number) => flags[i] === true;
  const windowScore = (from: number) => {
    const seen = new Set<string>();
    let score = 0;
    let first = -1;
    let last = -1;
    for (let j = from; j < Math.min(count, from + SNIPPET_TOKENS); j++) {
      if (!hit(j)) continue;
      score += seen.has(tokens[j]!.word) ? 1 : 1000;
      seen.add(tokens[j]!.word);
      if (first < 0) first = j;
      last = j;
    }
    return { score, first, last };
  };
  // Sentence starts: the text's first token, and a token after whitespace that follows a '.'.
  const sentences = [0];
  for (let i = 1; i < count; i++) {
    let k = tokens[i]!.start - 1;
    while (k >= 0 && ' \t\n\r'.includes(text[k]!)) k--;
    if (k !== tokens[i]!.start - 1 && (k < 0 || text[k] === '.')) sentences.push(i);
  }
  let best = { score: -1, from: 0 };
  for (let i = 0; i < count; i++) {
    if (!hit(i)) continue;
    const { score, first, last } = windowScore(i);
    let from = first - Math.floor((SNIPPET_TOKENS - (last - first + 1)) / 2);
    if (from + SNIPPET_TOKENS > count) from = count - SNIPPET_TOKENS;
    if (from < 0) from = 0;
    if (score > best.score) best = { score, from };
    if (count > SNIPPET_TOKENS) {
      const sentence = sentences.filter((start) => start <= i).at(-1)!;
      if (sentence < i) {
        const atSentence = windowScore(sentence).score + (sentence === 0 ? 120 : 100);
        if (atSentence > best.score) best = { score: atSentence, from: sentence };
      }
    }
  }
  const from = best.from;
  const to = Math.min(count, from + SNIPPET_TOKENS);
  let snippet = from > 0 ? '…' : '';
  let at = from > 0 ? tokens[from]!.start : 0;
  for (let i = from; i < to; i++) {
    const token = tokens[i]!;
    snippet += text.slice(at, token.start) + (hit(i) ? `*${text.slice(token.start, token.end)}*` : text.slice(token.start, token.end));
    at = token.end;
  }
  snippet += to < count ? '…' : text.slice(at);
  return { snippet, score: best.score };
}

export function pgSearch(handles: PgHandles): SearchRepository {
  const { db } = handles;
  /** Rows of a statement of our own (SQL no builder spells); the caller decodes what it selects. */
  // db.execute() gives drizzle's raw query, whose execute() answers synchronously here (session.ts).
  const rowsOf = <T>(query: SQL): T[] => (db.execute(query) as unknown as { execute(): BridgeResult }).execute().rows as T[];
  return {
    bestDocuments(terms, filter, count) {
      const query = matchQuery(terms);
      const filters = searchFilterConditions(tickets, (tagIds) => db.select({ id: ticketTags.ticketId }).from(ticketTags).where(inArray(ticketTags.tagId, [...tagIds])), filter);
      // The matching documents of both kinds, each with its rank (the GIN indexes find them).
      // The matching documents of both kinds (the GIN indexes find them), with their texts: each is
      // ranked only once it may be shown (after the window when nothing filters), a comment as a
      // document with an empty title.
      const matches = sql`SELECT ${tickets.id}::bigint * 2 AS doc_id, ${tickets.id} AS ticket_id, 'ticket' AS kind, ${tickets.title} AS title, ${tickets.description} AS body
          FROM ${tickets} WHERE ${ticketVector} @@ ${query}
        UNION ALL
        SELECT ${comments.id}::bigint * 2 + 1, ${comments.ticketId}, ${comments.visibility}, '', ${comments.body}
          FROM ${comments} WHERE ${commentVector} @@ ${query}`;
      const score = sql`ts_rank(${searchVector(sql`d.title`, sql`''`)}, ${query}, 1) + ts_rank(${searchVector(sql`''`, sql`d.body`)}, ${query}, 1)`;
      const statement =
        filters.length > 0
          ? sql`SELECT d.doc_id, d.ticket_id, d.kind FROM (${matches}) d JOIN ${tickets} ON ${tickets.id} = d.ticket_id
              WHERE ${and(...filters)} ORDER BY ${score} DESC, d.doc_id LIMIT ${count}`
          : sql`SELECT d.doc_id, d.ticket_id, d.kind FROM (SELECT * FROM (${matches}) m ORDER BY m.doc_id DESC LIMIT ${RANK_WINDOW}) d
              ORDER BY ${score} DESC, d.doc_id LIMIT ${count}`;
      // plainto_tsquery reads any text, so PostgreSQL has no query to refuse (SQLite's undefined);
      // anything else it raises is trouble, as on SQLite.
      return rowsOf<{ doc_id: string; ticket_id: number; kind: SearchDocument['kind'] }>(statement).map((row) => ({ docId: Number(row.doc_id), ticketId: Number(row.ticket_id), kind: row.kind }));
    },
    snippets(terms, docIds) {
      const query = matchQuery(terms);
      const ticketIds = docIds.filter((id) => id % 2 === 0).map((id) => id / 2);
      const commentIds = docIds.filter((id) => id % 2 === 1).map((id) => (id - 1) / 2);
      const ticketWhere = and(inArray(tickets.id, ticketIds), sql`${ticketVector} @@ ${query}`);
      const commentWhere = and(inArray(comments.id, commentIds), sql`${commentVector} @@ ${query}`);
      // Every match marked, in the unaccented text (so "café" counts for "cafe" as it does for FTS5).
      const headline = (text: SQL) => sql<string>`ts_headline('pg_catalog.english'::regconfig, public.unaccent('public.unaccent'::regdictionary, ${text}), ${query}, ${HEADLINE_OPTIONS})`;
      const snippets = new Map<number, string>();
      if (ticketIds.length > 0) {
        const rows = all(
          db
            .select({ id: tickets.id, title: tickets.title, description: tickets.description, titleHeadline: headline(sql`${tickets.title}`), bodyHeadline: headline(sql`${tickets.description}`) })
            .from(tickets)
            .where(ticketWhere),
        );
        for (const row of rows) {
          // FTS5's snippet(-1) shows the column with the best matches; the title when they tie.
          const title = snippetOf(row.title, markedTokens(row.titleHeadline));
          const body = snippetOf(row.description, markedTokens(row.bodyHeadline));
          snippets.set(row.id * 2, body.score > title.score ? body.snippet : title.snippet);
        }
      }
      if (commentIds.length > 0) {
        const rows = all(
          db
            .select({ id: comments.id, body: comments.body, headline: headline(sql`${comments.body}`) })
            .from(comments)
            .where(commentWhere),
        );
        for (const row of rows) snippets.set(row.id * 2 + 1, snippetOf(row.body, markedTokens(row.headline)).snippet);
      }
      // The map's order: as SQLite's (the documents in id order).
      return new Map([...snippets.entries()].sort((a, b) => a[0] - b[0]));
    },
    ticketsByIds(ids) {
      return all(db.select().from(tickets).where(inArray(tickets.id, [...ids])));
    },
  };
}
