/** Reading and changing ticket rows, with the audit event every change needs. */
import type { CommentRow } from '../store/repositories/comments.js';
import type { TicketRow } from '../store/repositories/tickets.js';
import { recordAudit } from './audit.js';
import { actorLabel, actorPersonId, type RequestContext } from './context.js';
import { notFound } from './errors.js';
import { syncDerivedState } from './ticket-derived.js';
import type { AppContext } from './context.js';

export type { CommentRow } from '../store/repositories/comments.js';
export type TicketPatch = Partial<Omit<TicketRow, 'id' | 'createdAt' | 'createdBy'>>;

export function findTicket(ctx: AppContext, id: number): TicketRow | undefined {
  return ctx.store.tickets.byId(id);
}

/** The ticket, or a NOT_FOUND that says which numbers exist. */
export function requireTicket(ctx: AppContext, id: number): TicketRow {
  const ticket = findTicket(ctx, id);
  if (ticket) return ticket;
  const highest = ctx.store.tickets.highestId();
  throw notFound(
    `There is no ticket #${id}.`,
    highest === null ? 'No tickets yet: create one with /ticket new <title>.' : `Tickets go from #1 to #${highest}; /ticket list shows the open ones.`,
  );
}

/**
 * Applies `patch` to a ticket and records one audit event with the changed fields before and
 * after. Returns the updated row. Call inside the request's transaction.
 */
export function changeTicket(ctx: RequestContext, ticket: TicketRow, patch: TicketPatch, action: string): TicketRow {
  const before: Record<string, unknown> = {};
  const after: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(patch) as [keyof TicketPatch, unknown][]) {
    const old = ticket[key];
    const same = old instanceof Date && value instanceof Date ? old.getTime() === value.getTime() : old === value;
    if (!same) {
      before[key] = old;
      after[key] = value;
    }
  }
  const updated = ctx.store.tickets.update(ticket.id, { ...patch, updatedAt: ctx.clock.now() });
  recordAudit(ctx, { entity: 'ticket', entityId: ticket.id, action, before, after });
  return syncDerivedState(ctx, ticket, updated);
}

/**
 * Adds a public reply or an internal note to the timeline (with its audit event). A public reply
 * from an agent stamps `lastPublicReplyAt`; a message from the requester (`fromRequester`, shown
 * under their name) stamps `lastRequesterMessageAt`. The requester-reply SLA reads both.
 */
export function addComment(
  ctx: RequestContext,
  ticketId: number,
  visibility: 'public' | 'internal',
  body: string,
  options: { fromRequester?: string } = {},
): CommentRow {
  const now = ctx.clock.now();
  const fromRequester = options.fromRequester !== undefined;
  const comment = ctx.store.comments.insert({
    ticketId,
    visibility,
    body,
    authorId: fromRequester ? null : actorPersonId(ctx.actor),
    authorLabel: fromRequester ? `${options.fromRequester} (requester)` : actorLabel(ctx.actor),
    createdAt: now,
  });
  const stamp = fromRequester
    ? { lastRequesterMessageAt: now, updatedAt: now }
    : visibility === 'public'
      ? { lastPublicReplyAt: now, updatedAt: now }
      : { updatedAt: now };
  const before = findTicket(ctx, ticketId);
  const after = ctx.store.tickets.update(ticketId, stamp);
  if (before && visibility === 'public') syncDerivedState(ctx, before, after);
  recordAudit(ctx, {
    entity: 'ticket',
    entityId: ticketId,
    action: fromRequester ? 'comment.requester' : visibility === 'public' ? 'comment.reply' : 'comment.note',
    after: { commentId: comment.id, length: body.length, ...(fromRequester ? { recordedBy: actorLabel(ctx.actor) } : {}) },
  });
  return comment;
}

/** The timeline, oldest first. */
export function commentsOf(ctx: AppContext, ticketId: number): CommentRow[] {
  return ctx.store.comments.ofTicket(ticketId);
}
