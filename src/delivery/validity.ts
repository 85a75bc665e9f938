/**
 * Whether a queued message still says something true. A warning queued for a ticket that was
 * answered, paused, snoozed or moved on in the meantime is dropped, not sent: reminders that
 * arrive after the fact are the noise people mute bots for.
 */
import type { AppContext } from '../app/context.js';
import type { ValidityCondition } from '../app/outbox.js';

type Check<K extends ValidityCondition['kind']> = (ctx: AppContext, condition: Extract<ValidityCondition, { kind: K }>, now: Date) => string | undefined;

const slaClockProblem: Check<'sla-clock'> = (ctx, condition, now) => {
  const clock = ctx.store.outbox.slaClockValidity(condition.clockId);
  if (!clock) return `SLA clock ${condition.clockId} no longer exists`;
  if (clock.leftAt) return 'the ticket left that tier';
  if (!clock.runningSince) return 'the SLA clock is paused';
  if (clock.snoozedUntil && clock.snoozedUntil.getTime() > now.getTime()) return `snoozed until ${clock.snoozedUntil.toISOString()}`;
  if (clock.warned !== condition.warned) return `superseded: the clock's last warning is now ${clock.warned ?? 'none'}`;
  // A warning that names an assignee says something false once someone else has the ticket.
  if (condition.assigneeId !== undefined && clock.assigneeId !== condition.assigneeId) return 'the ticket was reassigned';
  return undefined;
};

const replyDueProblem: Check<'reply-due'> = (ctx, condition) => {
  const ticket = ctx.store.outbox.ticketReplyDue(condition.ticketId);
  if (!ticket) return `ticket ${condition.ticketId} no longer exists`;
  if (ticket.replyDueAt?.getTime() !== condition.replyDueAt) return 'the requester was answered (or wrote again) since';
  return undefined;
};

const ladderProblem: Check<'ladder'> = (ctx, condition) => {
  const escalation = ctx.store.outbox.escalationAcknowledgement(condition.escalationId);
  if (!escalation) return `escalation ${condition.escalationId} no longer exists`;
  if (escalation.acknowledgedAt) return 'the escalation was acknowledged';
  // The step is not compared: a late tick queues the page and the call together, and both must go.
  return undefined;
};

const statusProblem: Check<'status'> = (ctx, condition) => {
  const ticket = ctx.store.outbox.ticketStatus(condition.ticketId);
  if (!ticket) return `ticket ${condition.ticketId} no longer exists`;
  if (ticket.status !== condition.status || ticket.statusChangedAt.getTime() !== condition.statusChangedAt) {
    return `the ticket's status changed (now ${ticket.status})`;
  }
  return undefined;
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The shape each known kind needs; a row written by a newer or buggy producer is not judged. */
function wellFormed(condition: Record<string, unknown>): ValidityCondition | undefined {
  const num = (key: string) => typeof condition[key] === 'number';
  const str = (key: string) => typeof condition[key] === 'string';
  switch (condition.kind) {
    case 'sla-clock':
      return num('clockId') && str('warned') ? (condition as ValidityCondition) : undefined;
    case 'reply-due':
      return num('ticketId') && num('replyDueAt') ? (condition as ValidityCondition) : undefined;
    case 'ladder':
      return num('escalationId') && str('step') ? (condition as ValidityCondition) : undefined;
    case 'status':
      return num('ticketId') && str('status') && num('statusChangedAt') ? (condition as ValidityCondition) : undefined;
    default:
      return undefined;
  }
}

/**
 * Why the message guarded by `condition` should no longer be sent as of `now`, or undefined while
 * it still holds. No condition, an unknown kind or a malformed one all count as valid: delivery
 * never drops a message it cannot judge.
 */
export function validityProblem(ctx: AppContext, condition: unknown, now: Date): string | undefined {
  if (!isRecord(condition)) return undefined;
  const known = wellFormed(condition);
  if (!known) return undefined;
  switch (known.kind) {
    case 'sla-clock':
      return slaClockProblem(ctx, known, now);
    case 'reply-due':
      return replyDueProblem(ctx, known, now);
    case 'ladder':
      return ladderProblem(ctx, known, now);
    case 'status':
      return statusProblem(ctx, known, now);
  }
}
