/** Queues outgoing notifications in the caller's transaction; the dedupe key makes them exactly-once. */
import { outbox } from '../store/schema.js';
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
  reply: Reply;
  /** Not before this instant (defaults to now). */
  notBefore?: Date;
}

/** Queues a notification; returns false when one with the same dedupe key exists already. */
export function enqueue(ctx: Pick<AppContext, 'store' | 'clock'>, notification: Notification): boolean {
  const now = ctx.clock.now();
  const result = ctx.store.db
    .insert(outbox)
    .values({
      dedupeKey: notification.dedupeKey,
      channel: notification.channel,
      payload: notification.reply,
      nextAttemptAt: notification.notBefore ?? now,
      createdAt: now,
    })
    .onConflictDoNothing({ target: outbox.dedupeKey })
    .run();
  return result.changes > 0;
}
