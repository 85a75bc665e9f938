/** Mail messages, attachments, blocked senders and bouncing addresses. */
import type { attachments, blockedSenders, bouncingAddresses, mailMessages, tickets } from '../schema.js';

/** A mail deskops sent or took in, by Message-ID. */
export type NewMailMessage = typeof mailMessages.$inferInsert;
/** A file that came with a requester's mail (`data` null when it was over the limit). */
export type NewAttachment = typeof attachments.$inferInsert;
/** A block on an address or a "@domain". */
export type NewBlockedSender = typeof blockedSenders.$inferInsert;
/** Why mail to an address bounces, how often it did, and when last. */
export type BouncingAddress = Pick<typeof bouncingAddresses.$inferSelect, 'reason' | 'bounces' | 'lastAt'>;

export interface MailRepository {
  // ---------------------------------------------------------------- messages and attachments

  /** Records a mail by its Message-ID, unless it is recorded already. */
  insertMessage(row: NewMailMessage): void;
  /** Stores one attachment. */
  insertAttachment(row: NewAttachment): void;
  /** The tickets of the recorded mails among `messageIds` (not empty), as SQLite returns them (no order asked). */
  ticketsOfMessages(messageIds: readonly string[]): number[];
  /** The ticket of the recorded mail `messageId`, if there is one. */
  ticketOfMessage(messageId: string): number | undefined;
  /** The ticket of the latest mail sent to `address`, if any was. */
  latestTicketMailedTo(address: string): number | undefined;
  /** The Message-IDs of the ticket's mail so far, oldest first. */
  threadOf(ticketId: number): string[];
  /** Which of `messageIds` (not empty) are recorded. */
  recordedMessageIds(messageIds: readonly string[]): string[];

  // ---------------------------------------------------------------- what mail reads elsewhere

  /** The ticket's title and department, for the mails about it. */
  ticketForMail(ticketId: number): Pick<typeof tickets.$inferSelect, 'title' | 'department'> | undefined;
  /** The person whose email identity is `address` (as stored: lower case), if there is one. */
  personOfAddress(address: string): number | undefined;
  /** Whether the person is staff; undefined when there is no such person. */
  personIsStaff(personId: number): boolean | undefined;

  // ---------------------------------------------------------------- linking an address to a person

  /** Moves the email identity `address` to the person. */
  moveEmailIdentity(address: string, personId: number): void;
  /** Gives every ticket requested by `fromPersonId` to `toPersonId`; returns how many moved. */
  moveRequestedTickets(fromPersonId: number, toPersonId: number): number;
  /** Adds the email identity `address` (its handle the address) to the person. */
  insertEmailIdentity(address: string, personId: number): void;

  // ---------------------------------------------------------------- blocked senders

  /** Every block pattern, oldest first. */
  blockedPatterns(): string[];
  /** Adds a block; false when the pattern is blocked already. */
  insertBlock(row: NewBlockedSender): boolean;
  /** Lifts a block; false when the pattern was not blocked. */
  deleteBlock(pattern: string): boolean;

  // ---------------------------------------------------------------- bouncing addresses

  /** Whether mail to `address` (lower case) bounces, and why. */
  bouncing(address: string): BouncingAddress | undefined;
  /**
   * Records a bounce of `address` (lower case) at `lastAt`: a new row counts 1; an address that
   * bounced before gets `reason`, `lastAt` and the count `bounces`.
   */
  saveBounce(address: string, reason: string, bounces: number, lastAt: Date): void;
}
