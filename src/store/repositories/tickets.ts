/** Tickets and their comments: creating, reading, updating, listing. */
import type { tickets } from '../schema.js';
import type { Department, HandoffTeam, Priority, Status, Tier } from '../../domain/vocabulary.js';

/** A ticket as stored. */
export type TicketRow = typeof tickets.$inferSelect;
/** A whole ticket row but its id (which SQLite assigns). */
export type CompleteTicketRow = Omit<TicketRow, 'id'>;
/** A ticket to store, its columns with defaults left out as it pleases. */
export type NewTicketRow = typeof tickets.$inferInsert;
/** Columns of a ticket to change. */
export type TicketUpdate = Partial<Omit<TicketRow, 'id'>>;

/** A requester to filter on: the stored text, and the person it names when deskops knows them. */
export interface RequesterFilter {
  text: string;
  personId: number | null;
}

/** Which tickets a list shows; every field given narrows it. */
export interface TicketCriteria {
  assigneeId?: number;
  /** Only tickets nobody is assigned. */
  unassigned?: boolean;
  tier?: Tier;
  /** Only tickets not handed off to a team. */
  withoutTeam?: boolean;
  /** A status, or 'active' (not Resolved or Closed); all statuses when absent. */
  status?: Status | 'active';
  priority?: Priority;
  team?: HandoffTeam;
  department?: Department;
  knownIssueId?: number;
  /** Tickets from this requester (by the stored text, or the person). */
  requester?: RequesterFilter;
  /** Tickets carrying any of these tags. */
  tagIds?: readonly number[];
}

/** The card counts a requester's earlier tickets up to this many ("100+"): counting all of a monitoring address's thousands would cost every card a millisecond. */
export const EARLIER_TICKETS_COUNTED = 100;

export interface TicketRepository {
  /** The ticket with this number. */
  byId(id: number): TicketRow | undefined;
  /** The highest ticket number given so far (null: no tickets yet). */
  highestId(): number | null;
  /** Stores a whole ticket row (no read back: the stored row is `{ id, ...row }`); returns its id. */
  insertComplete(row: CompleteTicketRow): number;
  /** Stores a ticket, the columns left out taking their defaults; returns the stored row. */
  insert(row: NewTicketRow): TicketRow;
  /** Applies `patch` to a ticket; returns the stored row. */
  update(id: number, patch: TicketUpdate): TicketRow;
  /** Sets a ticket's updatedAt, nothing else. */
  setUpdatedAt(id: number, at: Date): void;
  /** Records that staff were warned the requester is owed a reply. */
  markReplyWarned(id: number, at: Date): void;
  /** How many tickets match `criteria`, counting no further than `atMost`. */
  countMatching(criteria: TicketCriteria, atMost: number): number;
  /** A page of matching tickets, Open first, then the longest waiting in their tier (a person's day of work). */
  workQueuePage(criteria: TicketCriteria, limit: number, offset: number): TicketRow[];
  /** A page of matching tickets, newest first; `criteria` must keep to active tickets (status 'active'). */
  activePage(criteria: TicketCriteria, limit: number, offset: number): TicketRow[];
  /** A page of matching tickets, newest first. */
  newestPage(criteria: TicketCriteria, limit: number, offset: number): TicketRow[];
  /** A ticket's number and title (a card's parent line). */
  titleById(id: number): { id: number; title: string } | undefined;
  /** The tickets split out of a ticket or following it up, by number. */
  childrenOf(id: number): { id: number; title: string; status: Status; kind: 'split' | 'follow-up' }[];
  /** The known issue a ticket links to, as its card shows it. */
  knownIssueSummary(knownIssueId: number): { id: number; title: string; status: string } | undefined;
  /** Whether an on-call escalation of the ticket waits for its acknowledgement. */
  awaitingAcknowledgement(ticketId: number): boolean;
  /** The tickets `requester` opened before ticket `beforeId`, counted up to EARLIER_TICKETS_COUNTED. */
  earlierFromRequester(requester: string, beforeId: number): number;
  /** Tickets whose status timer is due at `now`, the earliest first, at most `limit`. */
  statusTimersDue(now: Date, limit: number): TicketRow[];
  /** Tickets whose requester is owed a reply by `now` and staff not warned yet, at most `limit`. */
  repliesOverdue(now: Date, limit: number): TicketRow[];
  /** Moves the tickets split out of (or following up) `fromId` to `intoId` (a merge); returns their numbers. */
  reparentChildren(fromId: number, intoId: number): number[];
  /** Moves the reply signatures and answer-cluster memberships of `fromId` to `intoId` (a merge): the moved replies are the survivor's. */
  moveAnswerRecords(fromId: number, intoId: number): void;
  /** Moves the followers of `fromId` to `intoId` (a merge), those following both once; returns how many moved. */
  moveFollowers(fromId: number, intoId: number): number;
}
