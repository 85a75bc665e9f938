/**
 * What a requester may see of deskops: their own tickets, each with its status and the public
 * replies, never internal notes, assignees, tiers or anyone else's tickets.
 */
import { and, desc, eq, inArray, isNull, or } from 'drizzle-orm';
import type { Status } from '../domain/vocabulary.js';
import { comments, identities, tickets } from '../store/schema.js';
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

/** The condition "this ticket's requester is the acting person": by person, or (for a ticket with no person) by a handle or address of theirs. */
function ownedBy(ctx: RequestContext) {
  const { actor } = ctx;
  if (actor.kind !== 'person') throw notFound('A scheduled job has no tickets of its own.');
  const names = ctx.store.db
    .select({ handle: identities.handle, externalId: identities.externalId, platform: identities.platform })
    .from(identities)
    .where(eq(identities.personId, actor.personId))
    .all()
    // Tickets opened for a chat user name them as @handle (or @<Slack id>); mail ones by address.
    .flatMap((identity) => (identity.platform === 'email' ? [identity.externalId] : [`@${identity.handle}`, `@${identity.externalId}`]));
  // A ticket that names its requester's person belongs to that person only: a handle is anyone's to
  // take (a Rocket.Chat user can register "connie", or a Slack id as a username). The names count
  // only for tickets typed for someone deskops did not know yet.
  return names.length > 0
    ? or(eq(tickets.requesterPersonId, actor.personId), and(isNull(tickets.requesterPersonId), inArray(tickets.requester, names)))
    : eq(tickets.requesterPersonId, actor.personId);
}

const columns = { id: tickets.id, title: tickets.title, status: tickets.status, createdAt: tickets.createdAt, updatedAt: tickets.updatedAt };

/** Whether the acting person is the ticket's requester (by person, or by a handle or address of theirs). */
export function isRequesterOf(ctx: RequestContext, ticketId: number): boolean {
  return ctx.store.db.select({ id: tickets.id }).from(tickets).where(and(eq(tickets.id, ticketId), ownedBy(ctx))).get() !== undefined;
}

/** The acting requester's tickets, newest first. */
export function requesterTickets(ctx: RequestContext): RequesterTicket[] {
  return ctx.store.db.select(columns).from(tickets).where(ownedBy(ctx)).orderBy(desc(tickets.id)).limit(LIST_LIMIT).all();
}

/**
 * One of the acting requester's tickets with its public replies. Someone else's ticket is "not
 * found", exactly like a number that does not exist: a requester learns nothing about it.
 */
export function requesterTicket(ctx: RequestContext, id: number): RequesterTicketDetail {
  const ticket = ctx.store.db.select(columns).from(tickets).where(and(eq(tickets.id, id), ownedBy(ctx))).get();
  if (!ticket) throw notFound(`You have no request #${id}.`, 'Type /ticket list to see yours.');
  const replies = ctx.store.db
    .select({ author: comments.authorLabel, body: comments.body, at: comments.createdAt })
    .from(comments)
    .where(and(eq(comments.ticketId, id), eq(comments.visibility, 'public')))
    .orderBy(desc(comments.id))
    .limit(REPLY_LIMIT)
    .all()
    .reverse();
  return { ...ticket, replies };
}
