/**
 * The automatic status transitions of docs/workflow.md, as a pure function of the ticket's status
 * fields and `now`. Days are calendar days in the team's zone, so "3 days" after Monday 15:00 is
 * Thursday 15:00 local time even across a DST change.
 */
import { TZDate } from '@date-fns/tz';
import { addDays } from 'date-fns';
import { z } from 'zod';
import type { Status } from './vocabulary.js';

export const timerPolicySchema = z.object({
  /** Pending without a reply: remind the requester after this many days… */
  pendingReminderDays: z.number().int().min(1).max(90),
  /** …and resolve this many days after the reminder. */
  pendingResolveDays: z.number().int().min(1).max(90),
  resolvedCloseDays: z.number().int().min(1).max(365),
  waitingReopenDays: z.number().int().min(1).max(365),
});
export type TimerPolicy = z.infer<typeof timerPolicySchema>;

export const DEFAULT_TIMER_POLICY: TimerPolicy = {
  pendingReminderDays: 3,
  pendingResolveDays: 3,
  resolvedCloseDays: 4,
  waitingReopenDays: 10,
};

export type TimerAction = 'remind' | 'resolve' | 'close' | 'reopen-waiting' | 'reopen-hold';

export interface TimerFields {
  status: Status;
  statusChangedAt: Date;
  pendingRemindedAt: Date | null;
  holdUntil: Date | null;
}

/** `days` calendar days after `from`, keeping the local wall time in `timeZone`. */
export function addLocalDays(from: Date, days: number, timeZone: string): Date {
  return new Date(addDays(new TZDate(from.getTime(), timeZone), days).getTime());
}

/** The next automatic transition for a ticket and when it falls due, or null when none applies. */
export function nextStatusTimer(ticket: TimerFields, policy: TimerPolicy, timeZone: string): { action: TimerAction; at: Date } | null {
  switch (ticket.status) {
    case 'pending': {
      // A reminder counts only if it was sent during this Pending stretch.
      const reminded = ticket.pendingRemindedAt && ticket.pendingRemindedAt >= ticket.statusChangedAt ? ticket.pendingRemindedAt : null;
      return reminded
        ? { action: 'resolve', at: addLocalDays(reminded, policy.pendingResolveDays, timeZone) }
        : { action: 'remind', at: addLocalDays(ticket.statusChangedAt, policy.pendingReminderDays, timeZone) };
    }
    case 'resolved':
      return { action: 'close', at: addLocalDays(ticket.statusChangedAt, policy.resolvedCloseDays, timeZone) };
    case 'waiting':
      return { action: 'reopen-waiting', at: addLocalDays(ticket.statusChangedAt, policy.waitingReopenDays, timeZone) };
    case 'hold':
      return ticket.holdUntil ? { action: 'reopen-hold', at: ticket.holdUntil } : null;
    default:
      return null;
  }
}

/** The status a timer action leads to. */
export function statusAfter(action: TimerAction): Status | null {
  switch (action) {
    case 'remind':
      return null;
    case 'resolve':
      return 'resolved';
    case 'close':
      return 'closed';
    default:
      return 'open';
  }
}
