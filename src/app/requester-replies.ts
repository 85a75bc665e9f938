/** Messages from the requester: recorded on the ticket, they reopen it or start a follow-up. */
import type { Status } from '../domain/vocabulary.js';
import { cleanText } from '../views/format.js';
import type { RequestContext } from './context.js';
import { invalid } from './errors.js';
import { isRequesterOf } from './requester-view.js';
import { openFollowUp } from './ticket-create.js';
import type { TicketRow } from '../store/repositories/tickets.js';
import { addComment, changeTicket, requireTicket } from './ticket-records.js';

/** Statuses a requester may close with "it is solved": anything still being worked on. */
const SOLVABLE_BY_REQUESTER: ReadonlySet<Status> = new Set(['open', 'pending', 'waiting', 'hold', 'review']);

/**
 * The requester says their ticket is solved (a :white_check_mark: on their own ticket's message):
 * it moves to Resolved, with a timeline entry saying so. Only the ticket's own requester may; for
 * anyone else, or a ticket already resolved or closed, nothing happens (undefined).
 */
export function markSolvedByRequester(ctx: RequestContext, ticketId: number): TicketRow | undefined {
  return ctx.store.transaction(() => {
    const ticket = requireTicket(ctx, ticketId);
    if (!isRequesterOf(ctx, ticket.id) || !SOLVABLE_BY_REQUESTER.has(ticket.status)) return undefined;
    addComment(ctx, ticket.id, 'internal', 'The requester marked it solved.');
    return changeTicket(ctx, requireTicket(ctx, ticket.id), { status: 'resolved', statusChangedAt: ctx.clock.now(), holdUntil: null }, 'ticket.status');
  });
}

/** Statuses a requester's message moves back to Open: the ball is in our court again. */
const REOPENED_BY_REQUESTER: ReadonlySet<Status> = new Set(['pending', 'waiting', 'hold', 'resolved']);

export type RequesterReplyResult =
  | { kind: 'recorded'; ticket: TicketRow; reopenedFrom: Status | null; commentId: number }
  | { kind: 'follow-up'; closed: TicketRow; ticket: TicketRow };

/**
 * Records a message from the requester (typed by an agent with /ticket reply-as-requester, or
 * delivered by a chat adapter). Pending, Waiting, Hold and Resolved go back to Open; a Closed
 * ticket stays closed and the message opens a new ticket linked to it.
 */
export function recordRequesterReply(ctx: RequestContext, ticketId: number, text: string): RequesterReplyResult {
  return ctx.store.transaction(() => {
    const ticket = requireTicket(ctx, ticketId);
    const body = cleanText(text);
    if (!body) throw invalid('The message is empty.', `Example: /ticket reply-as-requester ${ticketId} It still fails after clearing the cache.`);
    const requester = ticket.requester ?? 'the requester';
    if (ticket.status === 'closed') return { kind: 'follow-up', closed: ticket, ticket: openFollowUp(ctx, ticket, body) };
    const comment = addComment(ctx, ticket.id, 'public', body, { fromRequester: requester });
    const current = requireTicket(ctx, ticket.id);
    if (!REOPENED_BY_REQUESTER.has(current.status)) return { kind: 'recorded', ticket: current, reopenedFrom: null, commentId: comment.id };
    const now = ctx.clock.now();
    const reopened = changeTicket(ctx, current, { status: 'open', statusChangedAt: now, holdUntil: null }, 'ticket.status');
    return { kind: 'recorded', ticket: reopened, reopenedFrom: current.status, commentId: comment.id };
  });
}
