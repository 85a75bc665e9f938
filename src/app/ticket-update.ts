/** Changing a ticket's assignee, status, priority, severity and queue, each with its audit event. */
import type { Conversation } from './conversations.js';
import { queueForRequester, signatureOf } from './requester-outbox.js';
import { publicReplyMessage } from '../views/conversation.js';
import { checkTransition } from '../domain/lifecycle.js';
import { addLocalDays } from '../domain/status-timers.js';
import { DEPARTMENTS, TEAM_LABELS, TIER_LABELS, type Department, type HandoffTeam, type Priority, type Severity, type Status } from '../domain/vocabulary.js';
import { cleanText, oneLine } from '../views/format.js';
import { assignedNotice, handedBackNotice, handedOffNotice, teamNotice } from '../views/ticket-notices.js';
import { recordAudit } from './audit.js';
import type { RequestContext } from './context.js';
import { conflict, invalid } from './errors.js';
import { enqueue } from './outbox.js';
import { findStaff, type PersonRow } from './people.js';
import { MAX_BODY_LENGTH, MAX_TITLE_LENGTH, parseRequester } from './ticket-create.js';
import type { TicketRow } from '../store/repositories/tickets.js';
import { addComment, changeTicket, requireTicket } from './ticket-records.js';

/** The outcome of a change: the ticket after it, and whether anything changed at all. */
export interface TicketChange {
  ticket: TicketRow;
  changed: boolean;
}

export const MAX_HOLD_DAYS = 365;

function requireNotClosed(ticket: TicketRow, what: string): void {
  if (ticket.status === 'closed') {
    throw conflict(`Ticket #${ticket.id} is closed, so it cannot be ${what}.`, `Reopen it first with /ticket status ${ticket.id} open, or start a linked ticket with /ticket split ${ticket.id} <title>.`);
  }
}

/** Assigns a ticket to a person (a mention or "me"); tells the new assignee unless they did it themselves. */
export function assignTicket(ctx: RequestContext, ticketId: number, mention: string): TicketChange & { assignee: PersonRow } {
  return ctx.store.transaction(() => {
    const ticket = requireTicket(ctx, ticketId);
    requireNotClosed(ticket, 'assigned');
    // A ticket is assigned to the support team only: a requester would be given staff notices.
    const assignee = findStaff(ctx, mention);
    if (ticket.assigneeId === assignee.id) return { ticket, changed: false, assignee };
    const updated = changeTicket(ctx, ticket, { assigneeId: assignee.id }, 'ticket.assigned');
    const selfAssigned = ctx.actor.kind === 'person' && ctx.actor.personId === assignee.id;
    if (!selfAssigned) {
      enqueue(ctx, {
        dedupeKey: `assigned:${ticket.id}:${assignee.id}:${updated.updatedAt.getTime()}`,
        audience: 'staff',
        channel: `person:${assignee.id}`,
        reply: assignedNotice(ticket),
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
 * Moves a ticket to another status if the workflow allows it (staff may reopen a Closed ticket);
 * a refusal says why. Hold needs a number of days and parks the ticket until then.
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
 * ticket out of its tier's queue (unassigned, its tier clock paused) and in the team's, and a
 * notice in the team's channel. It stays there until `/ticket handoff <id> back`.
 */
export function handOffTicket(ctx: RequestContext, ticketId: number, team: HandoffTeam, reason: string): TicketChange {
  return ctx.store.transaction(() => {
    const ticket = requireTicket(ctx, ticketId);
    requireNotClosed(ticket, 'handed off');
    if (ticket.team === team) throw conflict(`#${ticket.id} is with ${TEAM_LABELS[team]} already.`, `When ${TEAM_LABELS[team]} is done: /ticket handoff ${ticket.id} back.`);
    const why = cleanText(reason);
    if (!why) throw invalid(`Say why it goes to ${TEAM_LABELS[team]}.`, `Example: /ticket handoff ${ticketId} ${team} asks about an enterprise plan`);
    addComment(ctx, ticket.id, 'internal', `*${TEAM_LABELS[team]}* — ${why}`);
    const updated = changeTicket(ctx, requireTicket(ctx, ticket.id), { team, assigneeId: null }, 'ticket.handoff');
    enqueue(ctx, {
      dedupeKey: `handoff:${ticket.id}:${team}:${updated.updatedAt.getTime()}`,
      audience: 'staff',
      channel: `team:${team}`,
      reply: handedOffNotice(ticket, team, why),
    });
    return { ticket: updated, changed: true };
  });
}

/**
 * A handed-off ticket comes back to its tier's queue (unassigned, its clock running again), with an
 * internal note and a notice in the tier's channel. `note` says what the team decided, if anything.
 */
export function handBackTicket(ctx: RequestContext, ticketId: number, note: string): TicketChange & { from: HandoffTeam } {
  return ctx.store.transaction(() => {
    const ticket = requireTicket(ctx, ticketId);
    requireNotClosed(ticket, 'handed back');
    const from = ticket.team;
    if (!from) throw conflict(`#${ticket.id} is not handed off: it is in the ${TIER_LABELS[ticket.tier]} queue.`, `Hand it to a team with /ticket handoff ${ticket.id} engagement|product|marketing <reason>.`);
    const said = cleanText(note);
    addComment(ctx, ticket.id, 'internal', `*Back from ${TEAM_LABELS[from]}*${said ? ` — ${said}` : ''}`);
    const updated = changeTicket(ctx, requireTicket(ctx, ticket.id), { team: null, assigneeId: null }, 'ticket.handoff.back');
    enqueue(ctx, {
      dedupeKey: `handoff-back:${ticket.id}:${updated.updatedAt.getTime()}`,
      audience: 'staff',
      channel: `tier:${ticket.tier}`,
      reply: handedBackNotice(ticket, from, said),
    });
    return { ticket: updated, changed: true, from };
  });
}

/**
 * Tells a team about a ticket without moving it (the handbook's "Notify Product"): a notice in the
 * team's channel and an internal note saying so. The ticket stays in its queue with its clock.
 */
export function notifyTeam(ctx: RequestContext, ticketId: number, team: HandoffTeam, text: string): TicketChange {
  return ctx.store.transaction(() => {
    const ticket = requireTicket(ctx, ticketId);
    const message = cleanText(text);
    if (!message) throw invalid(`What should ${TEAM_LABELS[team]} know?`, `Example: /ticket notify ${ticketId} ${team} Customer asks for SAML group sync`);
    if (message.length > 2000) throw invalid(`That note is ${message.length} characters; a team notice holds at most 2000.`, 'Summarise it; the ticket has the details.');
    const comment = addComment(ctx, ticket.id, 'internal', `*Notified ${TEAM_LABELS[team]}* — ${message}`);
    recordAudit(ctx, { entity: 'ticket', entityId: ticket.id, action: 'ticket.notified', after: { team, commentId: comment.id } });
    enqueue(ctx, {
      dedupeKey: `notify:${ticket.id}:${team}:${comment.id}`,
      audience: 'staff',
      channel: `team:${team}`,
      reply: teamNotice(ticket, team, message),
    });
    return { ticket: requireTicket(ctx, ticket.id), changed: true };
  });
}

/** The fields `/ticket edit` changes. */
export const EDITABLE_FIELDS = ['title', 'description', 'department', 'requester'] as const;
export type EditableField = (typeof EDITABLE_FIELDS)[number];

/** An edit: the field, and its value before and after (equal when nothing changed). */
export interface TicketEdit extends TicketChange {
  field: EditableField;
  before: string | null;
  after: string | null;
}

/**
 * Corrects a field set at creation (audited as 'ticket.edited' with before and after). A new
 * department moves the SLA thresholds (the clock keeps its time); a requester is an email address
 * or an @mention, as at creation.
 */
export function editTicket(ctx: RequestContext, ticketId: number, field: EditableField, value: string): TicketEdit {
  return ctx.store.transaction(() => {
    const ticket = requireTicket(ctx, ticketId);
    requireNotClosed(ticket, 'edited');
    const patch = editPatch(ctx, ticket, field, value);
    const key = Object.keys(patch)[0] as keyof TicketRow;
    const before = ticket[key] as string | null;
    const after = patch[key] as string | null;
    if (before === after) return { ticket, changed: false, field, before, after };
    return { ticket: changeTicket(ctx, ticket, patch, 'ticket.edited'), changed: true, field, before, after };
  });
}

function editPatch(ctx: RequestContext, ticket: TicketRow, field: EditableField, value: string): Partial<TicketRow> {
  switch (field) {
    case 'title': {
      const title = oneLine(value);
      if (!title) throw invalid('The new title is empty.', `Example: /ticket edit ${ticket.id} title Login fails after SSO change`);
      if (title.length > MAX_TITLE_LENGTH) throw invalid(`Titles are at most ${MAX_TITLE_LENGTH} characters (this one has ${title.length}).`, `Put the rest in the description: /ticket edit ${ticket.id} description "..."`);
      return { title };
    }
    case 'description': {
      const description = cleanText(value);
      if (description.length > MAX_BODY_LENGTH) throw invalid(`The description is ${description.length} characters; the limit is ${MAX_BODY_LENGTH}.`, 'Add the rest as comments with /ticket note.');
      return { description };
    }
    case 'department': {
      if (!(DEPARTMENTS as readonly string[]).includes(value)) throw invalid(`"${value}" is not a department: use ${DEPARTMENTS.join(', ')}.`);
      return { department: value as Department };
    }
    case 'requester': {
      const requester = parseRequester(ctx, value);
      return { requester: requester.requester, requesterPersonId: requester.personId };
    }
  }
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
