/** Who follows or watches a ticket. */
import type { auditEvents, ticketFollowers } from '../schema.js';

/** A person following a ticket. */
export type FollowerRow = typeof ticketFollowers.$inferSelect;
/** An audit event, as the follower updates read the trail. */
export type AuditEventRow = typeof auditEvents.$inferSelect;

export interface FollowerRepository {
  /** Whether `personId` follows `ticketId`. */
  isFollowing(ticketId: number, personId: number): boolean;
  /** Adds a follower (who is not one yet). */
  insertFollower(row: FollowerRow): void;
  /** Removes `personId` from `ticketId`'s followers; how many rows went (0: they did not follow it). */
  removeFollower(ticketId: number, personId: number): number;
  /** The people following a ticket, oldest follow first. */
  followerIdsOf(ticketId: number): number[];
  /** Every follow of any of `ticketIds`. */
  followersOfTickets(ticketIds: readonly number[]): FollowerRow[];

  /** The id of the newest audit event (0 when there is none): where the follower-updates cursor starts. */
  newestEventId(): number;
  /** The audit events on tickets after `position`, oldest first, at most `limit`. */
  ticketEventsAfter(position: number, limit: number): AuditEventRow[];
  /** A comment's body and author label (for a follower's excerpt), if it exists. */
  commentExcerpt(commentId: number): { body: string; author: string } | undefined;
  /** The titles of these tickets, by id. */
  ticketTitles(ticketIds: readonly number[]): Map<number, string>;
}
