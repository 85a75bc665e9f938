/** Known issues and their notes. */
import type { TicketRow } from './tickets.js';
import type { knownIssueNotes, knownIssues, tags } from '../schema.js';

export type KnownIssueRow = typeof knownIssues.$inferSelect;
export type NewKnownIssueRow = typeof knownIssues.$inferInsert;
export type KnownIssueNoteRow = typeof knownIssueNotes.$inferSelect;
export type NewKnownIssueNoteRow = typeof knownIssueNotes.$inferInsert;
type TagRow = typeof tags.$inferSelect;

/** A known issue with how many tickets are linked to it. */
export interface KnownIssueWithCount {
  issue: KnownIssueRow;
  linkedCount: number;
}

/** A ticket linked to a known issue, as `show` lists it. */
export type LinkedTicketRow = Pick<TicketRow, 'id' | 'title' | 'status' | 'priority' | 'tier'>;

/** A tag (family and slug) on a ticket linked to a known issue. */
export interface KnownIssueTag {
  issueId: number | null;
  family: TagRow['family'];
  slug: TagRow['slug'];
}

export interface KnownIssueRepository {
  byId(id: number): KnownIssueRow | undefined;
  /** The highest known-issue number, or null when there is none. */
  highestId(): number | null;
  /** The unresolved known issue with this title slug. */
  unresolvedBySlug(slug: string): KnownIssueRow | undefined;
  /** Stores a new known issue; returns it with its id. */
  insertIssue(row: NewKnownIssueRow): KnownIssueRow;
  /** Known issues, newest first, each with its linked-ticket count; resolved ones only with `includeResolved`. */
  listWithLinkedCounts(includeResolved: boolean): KnownIssueWithCount[];
  /** Sets a known issue's last change. */
  touch(id: number, at: Date): void;
  /** Moves a known issue to `status`; returns it as stored. */
  updateStatus(id: number, status: KnownIssueRow['status'], at: Date): KnownIssueRow;
  /** Sets (or with null clears) the partner's reference. */
  setPartnerRef(id: number, partnerRef: string | null, at: Date): void;
  /** Retires (at `retiredAt`) or, with null, restores the tag a known issue's tickets carry. */
  setIssueTagRetired(tagId: number, retiredAt: Date | null): void;

  // Linked tickets.

  /** How many tickets are linked to the known issue. */
  linkedCount(id: number): number;
  /** The tickets linked to the known issue, oldest first. */
  linkedTickets(id: number): LinkedTicketRow[];
  /** The linked tickets not yet Resolved or Closed (ids), oldest first. */
  activeLinkedTicketIds(id: number): number[];
  /** Assignee and tier of each linked ticket not yet Resolved or Closed. */
  activeLinkedTicketOwners(id: number): Pick<TicketRow, 'id' | 'assigneeId' | 'tier'>[];
  /** The tickets with these ids that exist (none for no ids), whole, to be linked. */
  ticketsToLink(ids: readonly number[]): TicketRow[];
  /** The distinct tags of `families` on the tickets linked to each of `issueIds`. */
  tagsOfLinkedTickets(issueIds: readonly number[], families: readonly string[]): KnownIssueTag[];

  // Notes.

  /** Stores a status note; returns its id. */
  insertNote(row: NewKnownIssueNoteRow): number;
  /** The latest `limit` notes on a known issue, newest first. */
  latestNotes(id: number, limit: number): KnownIssueNoteRow[];
}
