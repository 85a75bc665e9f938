/** Full-text search over tickets and their comments. */
import type { Status } from '../../domain/vocabulary.js';
import type { RequesterFilter, TicketRow } from './tickets.js';

/** What narrows a search besides its words; every filter given must hold. */
export interface SearchFilter {
  status?: Status;
  /** Tickets from this requester: the stored requester text, or (when deskops knows them) their person. */
  requester?: RequesterFilter;
  /** Tickets carrying any of these tags. */
  tagIds?: readonly number[];
}

/** A searched document: a ticket's title and description, a public reply or an internal note. */
export interface SearchDocument {
  /** The document's id, to ask for its snippet. */
  docId: number;
  ticketId: number;
  kind: 'ticket' | 'public' | 'internal';
}

export interface SearchRepository {
  /**
   * The best `count` documents holding every one of `terms` (plain words, letters and digits),
   * best first, on tickets that pass `filter`; undefined when the engine refused the query.
   */
  bestDocuments(terms: readonly string[], filter: SearchFilter, count: number): SearchDocument[] | undefined;
  /** For each of `docIds`, the words matching `terms` in context, matches in *bold*, by document id. */
  snippets(terms: readonly string[], docIds: readonly number[]): Map<number, string>;
  /** The tickets with these ids, in no particular order. */
  ticketsByIds(ids: readonly number[]): TicketRow[];
}
