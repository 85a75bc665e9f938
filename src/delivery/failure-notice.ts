/**
 * A message that failed for good must reach people, not only the log: the leads are told which
 * channel did not get it and why (the sink's error says what to fix, e.g. "/invite @deskops").
 * When the leads' channel is the one failing, the admins get it by direct message instead. At
 * most one notice per channel per hour, and a failed notice never begets another.
 */
import { enqueue } from '../app/outbox.js';
import type { AppContext } from '../app/context.js';
import { warning } from '../views/reply.js';

export const FAILURE_NOTICE_PREFIX = 'delivery-failed:';
const LEADS = 'role:leads';
const HOUR_MS = 3_600_000;

/** Queues the notice about `channel`'s failed rows; call inside the transaction that marks them failed. */
export function noticeDeliveryFailure(ctx: Pick<AppContext, 'store' | 'clock'>, failed: { channel: string; dedupeKeys: string[]; error: string }): void {
  if (failed.dedupeKeys.every((key) => key.startsWith(FAILURE_NOTICE_PREFIX))) return;
  const now = ctx.clock.now();
  const hour = Math.floor(now.getTime() / HOUR_MS);
  const reply = warning(`A deskops message could not be delivered to ${failed.channel}`, {
    text: failed.error,
    footer: `${failed.dedupeKeys.length} notification${failed.dedupeKeys.length === 1 ? '' : 's'} gave up (${failed.dedupeKeys.slice(0, 3).join(', ')}${failed.dedupeKeys.length > 3 ? ', …' : ''}). Fix the channel, then check with /channel show; deskops doctor lists failed rows.`,
  });
  if (failed.channel !== LEADS) {
    enqueue(ctx, { dedupeKey: `${FAILURE_NOTICE_PREFIX}${failed.channel}:${hour}`, channel: LEADS, audience: 'staff', reply });
    return;
  }
  for (const adminId of ctx.store.outbox.staffAdminIds()) enqueue(ctx, { dedupeKey: `${FAILURE_NOTICE_PREFIX}${failed.channel}:${hour}:${adminId}`, channel: `person:${adminId}`, audience: 'staff', reply });
}
