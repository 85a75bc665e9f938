/**
 * Every 15 minutes: the automatic status transitions (Pending reminder then Resolved, Resolved
 * to Closed, Waiting on Customer and Hold back to Open). Reads only tickets whose timer is due;
 * after downtime each due step happens once, and a Pending ticket still gets its reminder before
 * the countdown to Resolved starts.
 */
import { nextStatusTimer, type TimerAction } from '../domain/status-timers.js';
import { STATUS_LABELS, TIER_LABELS } from '../domain/vocabulary.js';
import { enqueue } from '../app/outbox.js';
import { queueForRequester } from '../app/requester-outbox.js';
import { supportMessage } from '../views/conversation.js';
import { loadTimerPolicy } from '../app/sla-policy.js';
import { syncDerivedState } from '../app/ticket-derived.js';
import { addComment, changeTicket, findTicket } from '../app/ticket-records.js';
import type { RequestContext } from '../app/context.js';
import type { TicketRow } from '../store/repositories/tickets.js';
import { info } from '../views/reply.js';
import { forEachIsolated, systemContext, type Job, type JobContext, type JobReport } from './job.js';

export const STATUS_TIMERS = 'status-timers';

export const REMINDER_TEXT =
  'Just checking in: did our last reply solve this? Reply here if you still need help; otherwise we will resolve this ticket in a few days.';

function act(ctx: RequestContext, ticket: TicketRow, action: TimerAction, now: Date): number {
  const policy = loadTimerPolicy(ctx);
  const key = `timer:${ticket.id}:${action}:${ticket.statusChangedAt.getTime()}`;
  switch (action) {
    case 'remind': {
      addComment(ctx, ticket.id, 'public', REMINDER_TEXT);
      changeTicket(ctx, findTicket(ctx, ticket.id)!, { pendingRemindedAt: now }, 'ticket.reminder');
      // To the requester's conversation (their chat thread, a direct message, or mail).
      return queueForRequester(ctx, ticket.id, key, supportMessage(ticket.id, REMINDER_TEXT)).kind === 'none' ? 0 : 1;
    }
    case 'resolve':
      addComment(ctx, ticket.id, 'internal', `No reply ${policy.pendingResolveDays} days after the reminder: resolved automatically.`);
      changeTicket(ctx, findTicket(ctx, ticket.id)!, { status: 'resolved', statusChangedAt: now }, 'ticket.status');
      return 0;
    case 'close':
      changeTicket(ctx, ticket, { status: 'closed', statusChangedAt: now }, 'ticket.status');
      return 0;
    case 'reopen-waiting':
    case 'reopen-hold': {
      const why =
        action === 'reopen-hold'
          ? `The hold ended: back to Open.`
          : `Waiting on Customer for ${policy.waitingReopenDays} days without a reply: back to Open.`;
      addComment(ctx, ticket.id, 'internal', why);
      changeTicket(ctx, findTicket(ctx, ticket.id)!, { status: 'open', statusChangedAt: now, holdUntil: null }, 'ticket.status');
      return enqueue(ctx, {
        dedupeKey: key,
        audience: 'staff',
        channel: `tier:${ticket.tier}`,
        reply: info(`#${ticket.id} is back to Open (${STATUS_LABELS[ticket.status]} ended) in ${TIER_LABELS[ticket.tier]}`, {
          visibility: 'channel',
          text: ticket.title,
          buttons: [{ label: 'Assign to me', command: `/ticket assign ${ticket.id} me`, style: 'primary' }],
          ticketId: ticket.id,
        }),
        ticketId: ticket.id,
        ...(ticket.assigneeId !== null ? { mentions: [ticket.assigneeId] } : {}),
      })
        ? 1
        : 0;
    }
  }
}

/** Applies every status timer due at `now`. */
export function runStatusTimers(ctx: JobContext, now: Date): JobReport {
  const system = systemContext(ctx, STATUS_TIMERS);
  const policy = loadTimerPolicy(ctx);
  const due = ctx.store.tickets.statusTimersDue(now, 5_000);
  return forEachIsolated(ctx, STATUS_TIMERS, due, (t) => `#${t.id}`, (ticket) => {
    const timer = nextStatusTimer(ticket, policy, ctx.settings.timeZone);
    if (!timer || timer.at > now) {
      // The policy changed or the row was stale: recompute the next instant and move on.
      syncDerivedState(ctx, ticket, ticket);
      return 0;
    }
    return act(system, ticket, timer.action, now);
  });
}

export const statusTimersJob: Job = { name: STATUS_TIMERS, schedule: '*/15 * * * *', run: runStatusTimers };
