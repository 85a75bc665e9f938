/** One-time claims: platform events seen and commands handled (idempotency). */
import type { Platform } from '../../domain/vocabulary.js';

export interface ClaimRepository {
  /** Claims `key` at `at` (seen_events); false when it was claimed before. */
  claim(key: string, at: Date): boolean;
  /** Whether `key` was claimed before, without claiming it. */
  isClaimed(key: string): boolean;
  /** Gives a claim back (deletes it), so a retry can claim it again. */
  release(key: string): void;
  /** The reply kept for a command already handled under this idempotency key, if any. */
  handledReply(key: string): { reply: unknown } | undefined;
  /** Keeps a handled command's reply under its idempotency key, for a retry of it. */
  recordHandled(key: string, reply: unknown, at: Date): void;
  /** Deletes up to `batch` handled commands kept from before `before`; returns how many went. */
  pruneHandledBefore(before: Date, batch: number): number;
  /** The newest message time seen per room on `platform`, as stored rows. */
  roomCursors(platform: Platform): Array<{ room: string; lastSeenAt: Date }>;
  /** Moves a room's newest-message mark to `at`, never back. */
  advanceRoomCursor(platform: Platform, room: string, at: Date): void;
  /**
   * The conversation threads on `platform` of tickets still being worked on, most recently updated
   * ticket first (at most `limit`): where a chat catch-up looks for messages missed.
   */
  openConversationThreads(platform: Platform, limit: number): Array<{ channel: string | null; thread: string | null }>;
}
