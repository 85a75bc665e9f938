/** The outbox: notifications waiting, claimed, sent or failed. */
import type { Audience, Platform } from '../../domain/vocabulary.js';
import type { oncallEscalations, outbox, slaClocks, tickets } from '../schema.js';

/** One outbox row as stored. */
export type OutboxRow = typeof outbox.$inferSelect;

/** A row to queue; the store assigns its id, state and attempts. */
export interface NewOutboxRow {
  dedupeKey: string;
  channel: string;
  /** Stored as JSON: a Reply for chat, a JSON body for webhooks. */
  payload: unknown;
  nextAttemptAt: Date;
  createdAt: Date;
  ticketId: number | null;
  /** Stored as JSON; undefined and null store SQL NULL. */
  validWhile: unknown;
  mentions: number[] | undefined;
  audience: Audience;
  /** A page or a call: claimed before every other due row (default false). */
  urgent?: boolean;
}

/** What a queued row's `sla-clock` condition is checked against: the clock and its ticket's assignee. */
export type SlaClockValidity = Pick<typeof slaClocks.$inferSelect, 'leftAt' | 'runningSince' | 'snoozedUntil' | 'warned'> & Pick<typeof tickets.$inferSelect, 'assigneeId'>;

/** A person's identity on one platform: their user id and username there. */
export interface PlatformIdentity {
  userId: string;
  username: string;
}

export interface OutboxRepository {
  // ---------------------------------------------------------------- queueing

  /** Queues `row`; false when a row with its dedupe key exists already (nothing is written then). */
  insertIfNew(row: NewOutboxRow): boolean;
  /** Whether a row with this dedupe key was ever queued (whatever became of it). */
  hasKey(dedupeKey: string): boolean;

  /** The rows due by `now`, and when the oldest of them fell due (null: none is due), for GET /healthz. One indexed query; throws when the database does not answer. */
  dueSummary(now: Date): { count: number; oldestDueAt: Date | null };

  // ---------------------------------------------------------------- claiming and recording (delivery)

  /**
   * The queued rows due at `now`, at most `limit`: the urgent ones first (pages and calls, so a
   * backlog of chat notices never holds them), then the others; each group oldest due first, then
   * by id. Inside a
   * transaction on an engine with concurrent writers (PostgreSQL), the rows are locked for this
   * claim, and rows another transaction is claiming are skipped rather than waited for. There, a
   * row claimed by a replica whose database session is gone (it died: its presence lock, see
   * store/pg/lease-locks.ts, is released) is due at once, before its lease runs out.
   */
  dueRows(now: Date, limit: number): OutboxRow[];
  /**
   * Claims `row` (moves its `nextAttemptAt` to `leaseUntil`, sets `attempts`) only if nobody touched
   * it since it was read: still queued, same `nextAttemptAt`. True when this call won the row.
   */
  claimIfUnchanged(row: Pick<OutboxRow, 'id' | 'nextAttemptAt'>, leaseUntil: Date, attempts: number, claimedBy?: string | null): boolean;
  /** Marks `row` dropped with `lastError`, only if nobody touched it since it was read (as `claimIfUnchanged`); true when this call did. */
  dropIfUnchanged(row: Pick<OutboxRow, 'id' | 'nextAttemptAt'>, lastError: string): boolean;
  /** Marks the row sent at `sentAt` (clearing its last error), if it is still queued. */
  markSent(id: number, sentAt: Date, attempts: number): void;
  /** Marks the row failed, whatever its state. */
  markFailed(id: number, attempts: number, lastError: string): void;
  /** Marks the row failed, if it is still queued. */
  markFailedIfQueued(id: number, attempts: number, lastError: string): void;
  /** Marks the row dropped, whatever its state. */
  markDropped(id: number, attempts: number, lastError: string): void;
  /** Makes the row due again at `nextAttemptAt` with `attempts` (and `lastError`, when given), if it is still queued. */
  rescheduleIfQueued(id: number, nextAttemptAt: Date, attempts: number, lastError?: string): void;

  // ---------------------------------------------------------------- what delivery reads elsewhere

  /**
   * What a queued message's validity condition is checked against, read just before it is sent: an
   * SLA clock with its ticket's assignee, a ticket's reply-due instant and status, an escalation's
   * acknowledgement. Undefined when the row is gone.
   */
  slaClockValidity(clockId: number): SlaClockValidity | undefined;
  ticketReplyDue(ticketId: number): Pick<typeof tickets.$inferSelect, 'replyDueAt'> | undefined;
  ticketStatus(ticketId: number): Pick<typeof tickets.$inferSelect, 'status' | 'statusChangedAt'> | undefined;
  escalationAcknowledgement(escalationId: number): Pick<typeof oncallEscalations.$inferSelect, 'step' | 'acknowledgedAt'> | undefined;
  /** The staff admins' person ids: they hear of failed deliveries when the leads' channel is the one failing. */
  staffAdminIds(): number[];
  /** The person's identity on `platform` (their user id and username there), if they have one. */
  identityOn(platform: Platform, personId: number): PlatformIdentity | undefined;
  /** The identities on `platform` of the people among `personIds` (distinct, not empty). */
  identitiesOn(platform: Platform, personIds: readonly number[]): Array<PlatformIdentity & { personId: number }>;
  /** The platforms on which the person has an identity. */
  identityPlatforms(personId: number): Platform[];
  /** The agents' thread for a ticket in `channel` (given bare and platform-prefixed), never the requester's conversation. */
  agentThread(platform: Platform, ticketId: number, channel: string): string | undefined;
  /** Records the agents' thread for a ticket in a channel, unless one is recorded already. */
  insertAgentThread(row: { platform: Platform; ticketId: number; channel: string; thread: string; createdAt: Date }): void;
}

/** `urgent` then the rows of `rest` not among them, at most `limit`: dueRows' order on every engine. */
export function withUrgentFirst(urgent: OutboxRow[], rest: OutboxRow[], limit: number): OutboxRow[] {
  const taken = new Set(urgent.map((row) => row.id));
  return [...urgent, ...rest.filter((row) => !taken.has(row.id))].slice(0, limit);
}
