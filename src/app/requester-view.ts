/**
 * What a requester may see of deskops: their own tickets, each with its status and the public
 * replies, never internal notes, assignees, tiers or anyone else's tickets.
 */
import type { Status } from '../domain/vocabulary.js';
import type { RequesterOwner } from '../store/repositories/conversations.js';
import type { RequestContext } from './context.js';
import { notFound } from './errors.js';

/** One of the requester's tickets as they may see it. */
export interface RequesterTicket {
  id: number;
  title: string;
  status: Status;
  createdAt: Date;
  updatedAt: Date;
}

export interface RequesterTicketDetail extends RequesterTicket {
  /** Public replies (ours and theirs), oldest first. */
  replies: Array<{ author: string; body: string; at: Date }>;
}

/** How many of their tickets a requester's list shows, newest first. */
const LIST_LIMIT = 20;
/** Public replies shown on one ticket, the latest ones. */
const REPLY_LIMIT = 20;

/**
 * The acting person as the requester of tickets: by person, or (for a ticket with no person) by a
 * handle or address of theirs (the repository's `ownsTicket` says how the two combine).
 */
function ownedBy(ctx: RequestContext): RequesterOwner {
  const { actor } = ctx;
  if (actor.kind !== 'person') throw notFound('A scheduled job has no tickets of its own.');
  const names = ctx.store.people
    .identitiesOf(actor.personId)
    // Tickets opened for a chat user name them as @handle (or @<Slack id>); mail ones by address.
    .flatMap((identity) => (identity.platform === 'email' ? [identity.externalId] : [`@${identity.handle}`, `@${identity.externalId}`]));
  return { personId: actor.personId, names };
}

/** Whether the acting person is the ticket's requester (by person, or by a handle or address of theirs). */
export function isRequesterOf(ctx: RequestContext, ticketId: number): boolean {
  return ctx.store.conversations.ownsTicket(ownedBy(ctx), ticketId);
}

/** The acting requester's tickets, newest first. */
export function requesterTickets(ctx: RequestContext): RequesterTicket[] {
  return ctx.store.conversations.ownedTickets(ownedBy(ctx), LIST_LIMIT);
}

/**
 * One of the acting requester's tickets with its public replies. Someone else's ticket is "not
 * found", exactly like a number that does not exist: a requester learns nothing about it.
 */
export function requesterTicket(ctx: RequestContext, id: number): RequesterTicketDetail {
  const ticket = ctx.store.conversations.ownedTicket(ownedBy(ctx), id);
  if (!ticket) throw notFound(`You have no request #${id}.`, 'Type /ticket list to see yours.');
  const replies = ctx.store.conversations.latestPublicReplies(id, REPLY_LIMIT);
  return { ...ticket, replies };
}
