/** Followers and watchers of a ticket: people who get a DM for each public activity and status change. */
import type { TicketRow } from '../store/repositories/tickets.js';
import { recordAudit } from './audit.js';
import { actorPersonId, type AppContext, type RequestContext } from './context.js';
import { conflict, invalid } from './errors.js';
import { findMentioned, findStaff, handleOf, type PersonRow } from './people.js';
import { requireTicket } from './ticket-records.js';

/** The cursor the follower-updates job keeps over the audit trail. */
export const FOLLOWER_CURSOR = 'follower-updates';

/** Starts the job's cursor at the newest audit event if it has none, so a first follower hears from now on. */
function ensureCursor(ctx: AppContext): void {
  ctx.store.jobRuns.startCursor(FOLLOWER_CURSOR, ctx.store.followers.newestEventId());
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
    if (ctx.store.followers.isFollowing(ticket.id, person.id)) return { ticket, person, changed: false };
    ensureCursor(ctx);
    ctx.store.followers.insertFollower({ ticketId: ticket.id, personId: person.id, addedBy: actorPersonId(ctx.actor), createdAt: ctx.clock.now() });
    recordAudit(ctx, { entity: 'ticket', entityId: ticket.id, action: 'ticket.followed', after: { personId: person.id, handle: person.handle } });
    return { ticket, person, changed: true };
  });
}

/** Stops `mention` ("me" by default) following a ticket. Audited as 'ticket.unfollowed'. */
export function unfollowTicket(ctx: RequestContext, ticketId: number, mention = 'me'): FollowResult {
  return ctx.store.transaction(() => {
    const ticket = requireTicket(ctx, ticketId);
    const person = findMentioned(ctx, mention);
    const removed = ctx.store.followers.removeFollower(ticket.id, person.id);
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
  return ctx.store.followers.followerIdsOf(ticketId).map((personId) => handleOf(ctx, personId) ?? `person ${personId}`);
}
