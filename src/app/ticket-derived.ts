/**
 * State derived from a ticket's fields and kept beside them so the jobs read only what is due:
 * the SLA clock of its tier entry, the next status-timer instant, and when the requester is owed
 * a reply. Every write to a ticket goes through here, so the three can never drift.
 */
import { nextStatusTimer } from '../domain/status-timers.js';
import type { TicketRow } from '../store/repositories/tickets.js';
import type { AppContext } from './context.js';
import { replyDeadline, slaSetup, syncSlaClock, type SlaSetup } from './sla.js';
import type { BusinessCalendar } from '../domain/calendar.js';
import { loadTimerPolicy } from './sla-policy.js';

const sameInstant = (a: Date | null, b: Date | null) => (a?.getTime() ?? null) === (b?.getTime() ?? null);

/**
 * When the requester is owed a reply: one business day after their last message, while the
 * ticket is Open and nobody has answered since. An unchanged message keeps its deadline.
 */
function requesterReplyDue(calendar: BusinessCalendar, before: TicketRow | null, after: DerivedInputs): Date | null {
  const wrote = after.lastRequesterMessageAt;
  if (after.status !== 'open' || wrote === null) return null;
  if (after.lastPublicReplyAt !== null && after.lastPublicReplyAt >= wrote) return null;
  if (after.replyDueAt && sameInstant(before?.lastRequesterMessageAt ?? null, wrote)) return after.replyDueAt;
  return replyDeadline(calendar, wrote);
}

/** The ticket fields the derived columns follow from (and the derived columns as they are). */
export type DerivedInputs = Pick<
  TicketRow,
  'status' | 'statusChangedAt' | 'pendingRemindedAt' | 'holdUntil' | 'lastRequesterMessageAt' | 'lastPublicReplyAt' | 'replyDueAt' | 'replyWarnedAt'
>;

export type DerivedFields = Pick<TicketRow, 'statusTimerAt' | 'replyDueAt' | 'replyWarnedAt'>;

/**
 * The derived columns a ticket with these fields should have (`before` is null for a new
 * ticket). Creating a ticket stores them with the row, so the syncDerivedState that follows
 * finds them in step and writes nothing more.
 */
export function derivedFields(ctx: AppContext, setup: SlaSetup, before: TicketRow | null, after: DerivedInputs): DerivedFields {
  const timer = nextStatusTimer(after, loadTimerPolicy(ctx), ctx.settings.timeZone);
  const replyDueAt = requesterReplyDue(setup.calendar, before, after);
  const replyWarnedAt = sameInstant(replyDueAt, after.replyDueAt) ? after.replyWarnedAt : null;
  return { statusTimerAt: timer?.at ?? null, replyDueAt, replyWarnedAt };
}

/**
 * Brings the derived columns and the SLA clock in line with `after`; returns the stored row.
 * `derived` is what derivedFields gave for `after` in this transaction, when the caller already
 * stored it with the row (a new ticket); it is not worked out twice.
 */
export function syncDerivedState(ctx: AppContext, before: TicketRow | null, after: TicketRow, derived?: DerivedFields): TicketRow {
  const now = ctx.clock.now();
  // Settings are read once per change: the calendar serves the SLA clock and the reply deadline.
  const setup = slaSetup(ctx);
  syncSlaClock(ctx, before, after, now, setup);
  const { statusTimerAt, replyDueAt, replyWarnedAt } = derived ?? derivedFields(ctx, setup, before, after);
  if (sameInstant(statusTimerAt, after.statusTimerAt) && sameInstant(replyDueAt, after.replyDueAt) && sameInstant(replyWarnedAt, after.replyWarnedAt)) return after;
  return ctx.store.tickets.update(after.id, { statusTimerAt, replyDueAt, replyWarnedAt });
}
