/** Changing a ticket's assignee, status, priority, severity and queue, each with its audit event. */
import type { Conversation } from './conversations.js';
import { queueForRequester, signatureOf } from './requester-outbox.js';
import { publicReplyMessage } from '../views/conversation.js';
import { checkTransition } from '../domain/lifecycle.js';
import { addLocalDays } from '../domain/status-timers.js';
import { TEAM_LABELS, type HandoffTeam, type Priority, type Severity, type Status } from '../domain/vocabulary.js';
import { cleanText } from '../views/format.js';
import { info } from '../views/reply.js';
import type { RequestContext } from './context.js';
import { conflict, invalid } from './errors.js';
import { enqueue } from './outbox.js';
import { findMentioned, type PersonRow } from './people.js';
import { addComment, changeTicket, requireTicket, type TicketRow } from './ticket-records.js';

/** The outcome of a change: the ticket after it, and whether anything changed at all. */
export interface TicketChange {
  ticket: TicketRow;
  changed: boolean;
}

export const MAX_HOLD_DAYS = 365;

function requireNotClosed(ticket: TicketRow, what: string): void {
  if (ticket.status === 'closed') {
    throw conflict(`Ticket #${ticket.id} is closed, so it cannot be ${what}.`, `A new request becomes a new ticket: /ticket split ${ticket.id} <title> keeps the link.`);
  }
}

/** Assigns a ticket to a person (a mention or "me"); tells the new assignee unless they did it themselves. */
export function assignTicket(ctx: RequestContext, ticketId: number, mention: string): TicketChange & { assignee: PersonRow } {
  return ctx.store.transaction(() => {
    const ticket = requireTicket(ctx, ticketId);
    requireNotClosed(ticket, 'assigned');
    const assignee = findMentioned(ctx, mention);
    if (ticket.assigneeId === assignee.id) return { ticket, changed: false, assignee };
    const updated = changeTicket(ctx, ticket, { assigneeId: assignee.id }, 'ticket.assigned');
    const selfAssigned = ctx.actor.kind === 'person' && ctx.actor.personId === assignee.id;
    if (!selfAssigned) {
      enqueue(ctx, {
        dedupeKey: `assigned:${ticket.id}:${assignee.id}:${updated.updatedAt.getTime()}`,
        audience: 'staff',
        channel: `person:${assignee.id}`,
        reply: info(`You were assigned #${ticket.id}: ${ticket.title}`, {
          buttons: [{ label: 'Show ticket', command: `/ticket show ${ticket.id}` }],
          ticketId: ticket.id,
        }),
      });
    }
    return { ticket: updated, changed: true, assignee };
  });
}

export function unassignTicket(ctx: RequestContext, ticketId: number): TicketChange {
  return ctx.store.transaction(() => {
    const ticket = requireTicket(ctx, ticketId);
    if (ticket.assigneeId === null) return { ticket, changed: false };
    return { ticket: changeTicket(ctx, ticket, { assigneeId: null }, 'ticket.unassigned'), changed: true };
  });
}

/**
 * Moves a ticket to another status if DOMAIN.md allows it; a refusal says why. Hold needs a
 * number of days and parks the ticket until then.
 */
export function changeStatus(ctx: RequestContext, ticketId: number, status: Status, holdDays?: number): TicketChange {
  return ctx.store.transaction(() => {
    const ticket = requireTicket(ctx, ticketId);
    if (status === 'hold' && (holdDays === undefined || holdDays < 1 || holdDays > MAX_HOLD_DAYS)) {
      throw invalid(`Hold needs a number of days from 1 to ${MAX_HOLD_DAYS}.`, `Example: /ticket status ${ticketId} hold 3d`);
    }
    if (status !== 'hold' && holdDays !== undefined) {
      throw invalid(`Only hold takes a number of days.`, `Example: /ticket status ${ticketId} ${status}`);
    }
    const check = checkTransition(ticket.status, status);
    if (!check.allowed) throw conflict(check.reason, check.hint?.replace('<id>', String(ticketId)));
    const now = ctx.clock.now();
    const holdUntil = status === 'hold' ? addLocalDays(now, holdDays!, ctx.settings.timeZone) : null;
    const updated = changeTicket(ctx, ticket, { status, statusChangedAt: now, holdUntil }, 'ticket.status');
    return { ticket: updated, changed: true };
  });
}

export function changePriority(ctx: RequestContext, ticketId: number, priority: Priority): TicketChange {
  return ctx.store.transaction(() => {
    const ticket = requireTicket(ctx, ticketId);
    requireNotClosed(ticket, 'changed');
    if (ticket.priority === priority) return { ticket, changed: false };
    return { ticket: changeTicket(ctx, ticket, { priority }, 'ticket.priority'), changed: true };
  });
}

/** Sets the severity, or clears it with `null` (severity is optional, for product issues). */
export function changeSeverity(ctx: RequestContext, ticketId: number, severity: Severity | null): TicketChange {
  return ctx.store.transaction(() => {
    const ticket = requireTicket(ctx, ticketId);
    requireNotClosed(ticket, 'changed');
    if (ticket.severity === severity) return { ticket, changed: false };
    return { ticket: changeTicket(ctx, ticket, { severity }, 'ticket.severity'), changed: true };
  });
}

/**
 * Hands a ticket to another team: an internal note that starts with the team's name in bold, the
 * ticket routed to that team's queue (unassigned), and a notice in the team's channel.
 */
export function handOffTicket(ctx: RequestContext, ticketId: number, team: HandoffTeam, reason: string): TicketChange {
  return ctx.store.transaction(() => {
    const ticket = requireTicket(ctx, ticketId);
    requireNotClosed(ticket, 'handed off');
    const why = cleanText(reason);
    if (!why) throw invalid(`Say why it goes to ${TEAM_LABELS[team]}.`, `Example: /ticket handoff ${ticketId} ${team} asks about an enterprise plan`);
    addComment(ctx, ticket.id, 'internal', `*${TEAM_LABELS[team]}* — ${why}`);
    const updated = changeTicket(ctx, requireTicket(ctx, ticket.id), { team, assigneeId: null }, 'ticket.handoff');
    enqueue(ctx, {
      dedupeKey: `handoff:${ticket.id}:${team}:${updated.updatedAt.getTime()}`,
      audience: 'staff',
      channel: `team:${team}`,
      reply: info(`Handed to ${TEAM_LABELS[team]}: #${ticket.id} ${ticket.title}`, {
        visibility: 'channel',
        text: why,
        buttons: [
          { label: 'Show ticket', command: `/ticket show ${ticket.id}` },
          { label: 'Assign to me', command: `/ticket assign ${ticket.id} me`, style: 'primary' },
        ],
        ticketId: ticket.id,
      }),
    });
    return { ticket: updated, changed: true };
  });
}

export interface CommentResult {
  ticket: TicketRow;
  commentId: number;
  /** A public reply: where it goes to the requester ('none' when deskops cannot reach them). */
  delivery?: Conversation;
}

/**
 * A public reply to the requester, or an internal note for agents. A public reply is queued for
 * the requester's conversation (signed with the agent's name), unless it was written there in the
 * first place (`writtenInConversation`: a staff member answering in the requester's thread).
 */
export function commentOnTicket(ctx: RequestContext, ticketId: number, visibility: 'public' | 'internal', text: string, options: { writtenInConversation?: boolean } = {}): CommentResult {
  return ctx.store.transaction(() => {
    const ticket = requireTicket(ctx, ticketId);
    const body = cleanText(text);
    const verb = visibility === 'public' ? 'reply' : 'note';
    if (!body) throw invalid(`The ${verb} is empty.`, `Example: /ticket ${verb} ${ticketId} We are looking into it.`);
    if (body.length > 30_000) throw invalid(`That ${verb} is ${body.length} characters; the limit is 30000.`, 'Split it into several comments.');
    if (visibility === 'public' && ticket.status === 'closed') {
      throw conflict(`Ticket #${ticket.id} is closed; replies go on a new ticket.`, `/ticket split ${ticket.id} <title> opens one linked to it.`);
    }
    const comment = addComment(ctx, ticket.id, visibility, body);
    if (visibility === 'internal' || options.writtenInConversation) return { ticket: requireTicket(ctx, ticket.id), commentId: comment.id };
    const delivery = queueForRequester(ctx, ticket.id, `reply:${comment.id}`, publicReplyMessage(ticket.id, body, signatureOf(ctx)));
    return { ticket: requireTicket(ctx, ticket.id), commentId: comment.id, delivery };
  });
}
