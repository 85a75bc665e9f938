/** Where a ticket's conversation with its requester lives (chat threads, mail), the messages in it, and messages waiting for an agent. */
import type { Department, Platform, Status } from '../../domain/vocabulary.js';
import type { commentSources, pendingMessages, ticketConversations, ticketThreads } from '../schema.js';

/** Where a ticket's requester is answered, as stored: the place they last wrote from. */
export type ConversationRow = typeof ticketConversations.$inferSelect;
/** A chat thread that carries a ticket (its tier channel's thread, or the requester's conversation). */
export type TicketThreadRow = typeof ticketThreads.$inferSelect;
/** The platform message a recorded comment came from. */
export type CommentSourceRow = typeof commentSources.$inferSelect;
/** A requester's message waiting for an agent to decide which ticket it belongs to. */
export type PendingRow = typeof pendingMessages.$inferSelect;
export type NewPendingRow = typeof pendingMessages.$inferInsert;

/** A requester's place as stored: what `conversationOf` reads first. */
export type StoredPlace = Pick<ConversationRow, 'platform' | 'channel' | 'thread' | 'address'>;

/** The acting requester, as tickets name them: by person, or by a handle or address of theirs (`names`). */
export interface RequesterOwner {
  personId: number;
  /** The requester texts a ticket typed for them may carry ("@handle", "@<Slack id>", an address); may be empty. */
  names: readonly string[];
}

/** One of a requester's tickets, the columns they may see. */
export interface OwnedTicketRow {
  id: number;
  title: string;
  status: Status;
  createdAt: Date;
  updatedAt: Date;
}

export interface ConversationRepository {
  /** Where `ticketId`'s requester wrote from last, if recorded. Read for every card and every public reply (prepared). */
  storedPlace(ticketId: number): StoredPlace | undefined;
  /** The ticket's requester as typed and the person it names; undefined when there is no such ticket (prepared). */
  ticketRequester(ticketId: number): { requester: string | null; personId: number | null } | undefined;
  /** The person's identities on the platforms a requester can be reached on (slack, rocketchat, email, shell) (prepared). */
  reachableIdentities(personId: number): { platform: Platform; externalId: string }[];
  /** Records (or replaces) where `ticketId`'s requester is answered. */
  savePlace(ticketId: number, place: Omit<ConversationRow, 'ticketId'>): void;
  /** Records a chat thread of a ticket; a thread already recorded for that ticket and channel is left as it is. */
  addThread(row: TicketThreadRow): void;
  /** The ticket whose requester's conversation thread `thread` is, on `platform` in `channel`. */
  ticketOfConversationThread(platform: string, channel: string, thread: string): number | undefined;
  /** The tickets carried by any of `threads` in `channel` (any kind of thread), with the thread each is carried by. */
  ticketsOfThreads(platform: Platform, channel: string, threads: readonly string[]): { ticketId: number; thread: string }[];
  /**
   * The requester's most recent ticket still being worked on (an active status) whose conversation
   * is on `platform` at `place`: their mail address, or a chat room.
   */
  newestActiveTicketThere(personId: number, platform: Platform, place: { address: string } | { channel: string }): number | undefined;
  /** Records which platform message a comment came from; a message recorded before keeps its first comment. */
  addCommentSource(row: CommentSourceRow): void;
  /** The comment (and ticket) a platform message became, if it was recorded. */
  commentSource(platform: Platform, messageId: string): CommentSourceRow | undefined;
  /** The display name of a person (an agent signing a public reply), if they exist. */
  displayNameOf(personId: number): string | undefined;
  /** The department of a ticket (the pending message's candidate), if it exists. */
  departmentOf(ticketId: number): Department | undefined;

  /** Whether `ticketId` is one of the owner's tickets. */
  ownsTicket(owner: RequesterOwner, ticketId: number): boolean;
  /** The owner's newest `limit` tickets, newest first. */
  ownedTickets(owner: RequesterOwner, limit: number): OwnedTicketRow[];
  /** One of the owner's tickets; undefined when it does not exist or is someone else's. */
  ownedTicket(owner: RequesterOwner, ticketId: number): OwnedTicketRow | undefined;
  /** The latest `limit` public replies (ours and theirs) on a ticket, oldest first. */
  latestPublicReplies(ticketId: number, limit: number): { author: string; body: string; at: Date }[];

  /** Records a pending message; its id, or undefined when that platform message was recorded before. */
  insertPendingMessage(row: NewPendingRow): number | undefined;
  /** The messages still waiting for a decision, oldest first. */
  waitingPendingMessages(): PendingRow[];
  /** One pending message, in whatever state. */
  pendingMessage(id: number): PendingRow | undefined;
  /** Records the decision on a message still waiting (a decided one is left as it is). */
  decidePendingMessage(id: number, decision: Pick<PendingRow, 'state' | 'ticketId' | 'decidedBy' | 'decidedAt'>): void;
}
