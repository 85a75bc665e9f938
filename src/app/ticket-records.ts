/** Reading and changing ticket rows, with the audit event every change needs. */
import { eq, sql } from 'drizzle-orm';
import { comments, tickets, type TicketRow } from '../store/schema.js';
import { preparedStatement, rowReader } from '../store/prepared.js';
import { recordAudit } from './audit.js';
import { actorLabel, actorPersonId, type RequestContext } from './context.js';
import { notFound } from './errors.js';
import { syncDerivedState } from './ticket-derived.js';
import type { AppContext } from './context.js';

export type CommentRow = typeof comments.$inferSelect;
export type TicketPatch = Partial<Omit<TicketRow, 'id' | 'createdAt' | 'createdBy'>>;

const ticketRows = rowReader(tickets);
const ticketById = preparedStatement(`SELECT ${ticketRows.columns} FROM tickets WHERE id = ?`);

export function findTicket(ctx: AppContext, id: number): TicketRow | undefined {
  const row = ticketById(ctx.store).raw(true).get(id) as unknown[] | undefined;
  return row && ticketRows.decode(row);
}

/** The ticket, or a NOT_FOUND that says which numbers exist. */
export function requireTicket(ctx: AppContext, id: number): TicketRow {
  const ticket = findTicket(ctx, id);
  if (ticket) return ticket;
  const highest = ctx.store.db.select({ max: sql<number | null>`max(${tickets.id})` }).from(tickets).get()?.max ?? null;
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
  const updated = ctx.store.db
    .update(tickets)
    .set({ ...patch, updatedAt: ctx.clock.now() })
    .where(eq(tickets.id, ticket.id))
    .returning()
    .get();
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
  const comment = ctx.store.db
    .insert(comments)
    .values({
      ticketId,
      visibility,
      body,
      authorId: fromRequester ? null : actorPersonId(ctx.actor),
      authorLabel: fromRequester ? `${options.fromRequester} (requester)` : actorLabel(ctx.actor),
      createdAt: now,
    })
    .returning()
    .get();
  const stamp = fromRequester
    ? { lastRequesterMessageAt: now, updatedAt: now }
    : visibility === 'public'
      ? { lastPublicReplyAt: now, updatedAt: now }
      : { updatedAt: now };
  const before = findTicket(ctx, ticketId);
  const after = ctx.store.db.update(tickets).set(stamp).where(eq(tickets.id, ticketId)).returning().get();
  if (before && visibility === 'public') syncDerivedState(ctx, before, after);
  recordAudit(ctx, {
    entity: 'ticket',
    entityId: ticketId,
    action: fromRequester ? 'comment.requester' : visibility === 'public' ? 'comment.reply' : 'comment.note',
    after: { commentId: comment.id, length: body.length, ...(fromRequester ? { recordedBy: actorLabel(ctx.actor) } : {}) },
  });
  return comment;
}

const commentRows = rowReader(comments);
const commentsOfTicket = preparedStatement(`SELECT ${commentRows.columns} FROM comments WHERE ticket_id = ? ORDER BY id`);

/** The timeline, oldest first. */
export function commentsOf(ctx: AppContext, ticketId: number): CommentRow[] {
  return (commentsOfTicket(ctx.store).raw(true).all(ticketId) as unknown[][]).map(commentRows.decode);
}
