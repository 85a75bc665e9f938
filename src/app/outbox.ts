/** Queues outgoing notifications in the caller's transaction; the dedupe key makes them exactly-once. */
import type { Audience } from '../domain/vocabulary.js';
import type { Reply } from '../views/reply.js';
import type { AppContext } from './context.js';

export interface Notification {
  /** Unique per effect, e.g. `escalated:42:1234` (ticket 42, audit event 1234). */
  dedupeKey: string;
  /**
   * A logical channel: `tier:t2`, `team:engagement`, `role:helpdesk`, or a platform channel
   * (`slack:C123`); adapters map logical channels to real ones.
   */
  channel: string;
  /**
   * Who may read it, decided by the use case that queues it: 'staff' never reaches a place a
   * requester reads (the sinks refuse it there); 'requester' is written for the requester.
   */
  audience: Audience;
  reply: Reply;
  /** Not before this instant (defaults to now). */
  notBefore?: Date;
  /** The ticket it is about, so adapters can post it in the ticket's thread. */
  ticketId?: number;
  /**
   * Checked just before sending; when it no longer holds (the ticket was answered, reassigned,
   * paused) the row is dropped instead of sent. See src/delivery/validity.ts for the kinds.
   */
  validWhile?: ValidityCondition;
  /** People the message mentions; the delivery leaves out whoever caused it. */
  mentions?: number[];
  /** Someone must be woken (a page, a call): delivered before every other due notification. */
  urgent?: boolean;
}

/** A condition on current state that must still hold when a queued message is about to go out. */
export type ValidityCondition =
  | { kind: 'sla-clock'; clockId: number; warned: 'pre-yellow' | 'yellow' | 'red'; assigneeId?: number | null }
  | { kind: 'reply-due'; ticketId: number; replyDueAt: number }
  | { kind: 'ladder'; escalationId: number; step: 'paged' | 'called' }
  | { kind: 'status'; ticketId: number; status: string; statusChangedAt: number };

/** Queues a notification; returns false when one with the same dedupe key exists already. */
export function enqueue(ctx: Pick<AppContext, 'store' | 'clock'>, notification: Notification): boolean {
  const { reply, ...row } = notification;
  // The row's audience is the one that counts; the payload carries the same, so a Reply read back is whole.
  return insertOutboxRow(ctx, { ...row, payload: { ...reply, audience: notification.audience }, ticketId: notification.ticketId ?? reply.ticketId });
}

/** One outbox row of any payload (a Reply for chat, a JSON body for webhooks); false when the key exists. */
export function insertOutboxRow(
  ctx: Pick<AppContext, 'store' | 'clock'>,
  row: Omit<Notification, 'reply'> & { payload: unknown },
): boolean {
  const now = ctx.clock.now();
  return ctx.store.outbox.insertIfNew({
    dedupeKey: row.dedupeKey,
    channel: row.channel,
    payload: row.payload,
    nextAttemptAt: row.notBefore ?? now,
    createdAt: now,
    ticketId: row.ticketId ?? null,
    validWhile: row.validWhile,
    mentions: row.mentions,
    audience: row.audience,
    urgent: row.urgent ?? false,
  });
}
