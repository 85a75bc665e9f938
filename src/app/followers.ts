/** Followers and watchers of a ticket: people who get a DM for each public activity and status change. */
import { and, asc, eq, max } from 'drizzle-orm';
import { auditEvents, jobCursors, ticketFollowers, type TicketRow } from '../store/schema.js';
import { recordAudit } from './audit.js';
import { actorPersonId, type AppContext, type RequestContext } from './context.js';
import { conflict, invalid } from './errors.js';
import { findMentioned, findStaff, handleOf, type PersonRow } from './people.js';
import { requireTicket } from './ticket-records.js';

/** The cursor the follower-updates job keeps over the audit trail. */
export const FOLLOWER_CURSOR = 'follower-updates';

/** Starts the job's cursor at the newest audit event if it has none, so a first follower hears from now on. */
function ensureCursor(ctx: AppContext): void {
  const newest = ctx.store.db.select({ id: max(auditEvents.id) }).from(auditEvents).get()?.id ?? 0;
  ctx.store.db.insert(jobCursors).values({ name: FOLLOWER_CURSOR, position: newest }).onConflictDoNothing().run();
}

export interface FollowResult {
  ticket: TicketRow;
  person: PersonRow;
  changed: boolean;
}

/**
 * Adds `mention` ("me" to follow yourself, "@bob" to make bob a watcher) as a follower of a
 * ticket. Audited as 'ticket.followed'. Following twice is not an error.
 */
export function followTicket(ctx: RequestContext, ticketId: number, mention = 'me'): FollowResult {
  return ctx.store.transaction(() => {
    const ticket = requireTicket(ctx, ticketId);
    if (ticket.status === 'closed') {
      throw conflict(`#${ticket.id} is closed; there is nothing left to follow.`, ticket.mergedIntoId ? `It continues in #${ticket.mergedIntoId}: /ticket follow ${ticket.mergedIntoId}` : undefined);
    }
    // Followers get a DM of every public activity on the ticket: staff only (a requester follows their own conversation).
    const person = findStaff(ctx, mention);
    const existing = ctx.store.db.select().from(ticketFollowers).where(and(eq(ticketFollowers.ticketId, ticket.id), eq(ticketFollowers.personId, person.id))).get();
    if (existing) return { ticket, person, changed: false };
    ensureCursor(ctx);
    ctx.store.db.insert(ticketFollowers).values({ ticketId: ticket.id, personId: person.id, addedBy: actorPersonId(ctx.actor), createdAt: ctx.clock.now() }).run();
    recordAudit(ctx, { entity: 'ticket', entityId: ticket.id, action: 'ticket.followed', after: { personId: person.id, handle: person.handle } });
    return { ticket, person, changed: true };
  });
}

/** Stops `mention` ("me" by default) following a ticket. Audited as 'ticket.unfollowed'. */
export function unfollowTicket(ctx: RequestContext, ticketId: number, mention = 'me'): FollowResult {
  return ctx.store.transaction(() => {
    const ticket = requireTicket(ctx, ticketId);
    const person = findMentioned(ctx, mention);
    const removed = ctx.store.db.delete(ticketFollowers).where(and(eq(ticketFollowers.ticketId, ticket.id), eq(ticketFollowers.personId, person.id))).run().changes;
    if (removed === 0) {
      if (mention === 'me') return { ticket, person, changed: false };
      throw invalid(`@${person.handle} does not follow #${ticket.id}.`, `/ticket show ${ticket.id} lists its followers.`);
    }
    recordAudit(ctx, { entity: 'ticket', entityId: ticket.id, action: 'ticket.unfollowed', after: { personId: person.id, handle: person.handle } });
    return { ticket, person, changed: true };
  });
}

/** The handles following a ticket, oldest first. */
export function followersOf(ctx: AppContext, ticketId: number): string[] {
  return ctx.store.db
    .select({ personId: ticketFollowers.personId })
    .from(ticketFollowers)
    .where(eq(ticketFollowers.ticketId, ticketId))
    .orderBy(asc(ticketFollowers.createdAt))
    .all()
    .map((row) => handleOf(ctx, row.personId) ?? `person ${row.personId}`);
}
