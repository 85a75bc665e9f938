/**
 * The ConversationRepository on PostgreSQL: src/store/sqlite/conversations.ts method by method.
 * SQLite's prepared statements (storedPlace, ticketRequester, reachableIdentities) are plain
 * builder queries here.
 */
import { and, asc, desc, eq, inArray, isNull, or } from 'drizzle-orm';
import { ACTIVE_STATUSES } from '../../domain/lifecycle.js';
import type { ConversationRepository, RequesterOwner } from '../repositories/conversations.js';
import type { PgHandles } from './handles.js';
import { commentSources, comments, identities, pendingMessages, people, ticketConversations, tickets, ticketThreads } from './schema.js';
import { all, get, run } from './session.js';

const ownedColumns = { id: tickets.id, title: tickets.title, status: tickets.status, createdAt: tickets.createdAt, updatedAt: tickets.updatedAt };

/** The platforms a requester can be reached on (SQLite's statement names the same four). */
const REACHABLE_PLATFORMS = ['slack', 'rocketchat', 'email', 'shell'] as const;

/** The condition "this ticket's requester is the owner": by person, or (for a ticket with no person) by a handle or address of theirs. */
function ownedBy(owner: RequesterOwner) {
  // As on SQLite: a ticket that names its requester's person belongs to that person only; the
  // names count only for tickets typed for someone deskops did not know yet.
  return owner.names.length > 0
    ? or(eq(tickets.requesterPersonId, owner.personId), and(isNull(tickets.requesterPersonId), inArray(tickets.requester, [...owner.names])))
    : eq(tickets.requesterPersonId, owner.personId);
}

export function pgConversation(handles: PgHandles): ConversationRepository {
  const { db } = handles;
  return {
    storedPlace(ticketId) {
      return get(
        db
          .select({ platform: ticketConversations.platform, channel: ticketConversations.channel, thread: ticketConversations.thread, address: ticketConversations.address })
          .from(ticketConversations)
          .where(eq(ticketConversations.ticketId, ticketId)),
      );
    },
    ticketRequester(ticketId) {
      return get(db.select({ requester: tickets.requester, personId: tickets.requesterPersonId }).from(tickets).where(eq(tickets.id, ticketId)));
    },
    reachableIdentities(personId) {
      // SQLite's statement has no ORDER BY (it reads them through identities_person, in insertion
      // order); PostgreSQL's order is the plan's too. Callers treat the result as a set.
      return all(
        db
          .select({ platform: identities.platform, externalId: identities.externalId })
          .from(identities)
          .where(and(eq(identities.personId, personId), inArray(identities.platform, [...REACHABLE_PLATFORMS]))),
      );
    },
    savePlace(ticketId, place) {
      run(
        db
          .insert(ticketConversations)
          .values({ ticketId, ...place })
          .onConflictDoUpdate({ target: ticketConversations.ticketId, set: place }),
      );
    },
    addThread(row) {
      run(db.insert(ticketThreads).values(row).onConflictDoNothing());
    },
    ticketOfConversationThread(platform, channel, thread) {
      return get(
        db
          .select({ ticketId: ticketThreads.ticketId })
          .from(ticketThreads)
          .where(and(eq(ticketThreads.platform, platform as 'slack'), eq(ticketThreads.channel, channel), eq(ticketThreads.thread, thread), eq(ticketThreads.conversation, true)))
          .limit(1),
      )?.ticketId;
    },
    ticketsOfThreads(platform, channel, threads) {
      // No order asked for (SQLite's query has none either).
      return all(
        db
          .select({ ticketId: ticketThreads.ticketId, thread: ticketThreads.thread })
          .from(ticketThreads)
          .where(and(eq(ticketThreads.platform, platform), eq(ticketThreads.channel, channel), or(...threads.map((t) => eq(ticketThreads.thread, t))))),
      );
    },
    newestActiveTicketThere(personId, platform, place) {
      const where = 'address' in place ? eq(ticketConversations.address, place.address) : eq(ticketConversations.channel, place.channel);
      return get(
        db
          .select({ id: tickets.id })
          .from(tickets)
          .innerJoin(ticketConversations, eq(ticketConversations.ticketId, tickets.id))
          .where(and(eq(tickets.requesterPersonId, personId), inArray(tickets.status, [...ACTIVE_STATUSES]), eq(ticketConversations.platform, platform), where))
          .orderBy(desc(tickets.id))
          .limit(1),
      )?.id;
    },
    addCommentSource(row) {
      run(db.insert(commentSources).values(row).onConflictDoNothing());
    },
    commentSource(platform, messageId) {
      return get(
        db
          .select()
          .from(commentSources)
          .where(and(eq(commentSources.platform, platform), eq(commentSources.messageId, messageId))),
      );
    },
    displayNameOf(personId) {
      return get(db.select({ name: people.displayName }).from(people).where(eq(people.id, personId)))?.name;
    },
    departmentOf(ticketId) {
      return get(db.select({ department: tickets.department }).from(tickets).where(eq(tickets.id, ticketId)))?.department;
    },

    ownsTicket(owner, ticketId) {
      return get(db.select({ id: tickets.id }).from(tickets).where(and(eq(tickets.id, ticketId), ownedBy(owner)))) !== undefined;
    },
    ownedTickets(owner, limit) {
      return all(db.select(ownedColumns).from(tickets).where(ownedBy(owner)).orderBy(desc(tickets.id)).limit(limit));
    },
    ownedTicket(owner, ticketId) {
      return get(db.select(ownedColumns).from(tickets).where(and(eq(tickets.id, ticketId), ownedBy(owner))));
    },
    latestPublicReplies(ticketId, limit) {
      return all(
        db
          .select({ author: comments.authorLabel, body: comments.body, at: comments.createdAt })
          .from(comments)
          .where(and(eq(comments.ticketId, ticketId), eq(comments.visibility, 'public')))
          .orderBy(desc(comments.id))
          .limit(limit),
      ).reverse();
    },

    insertPendingMessage(row) {
      return get(db.insert(pendingMessages).values(row).onConflictDoNothing().returning({ id: pendingMessages.id }))?.id;
    },
    waitingPendingMessages() {
      return all(db.select().from(pendingMessages).where(eq(pendingMessages.state, 'pending')).orderBy(asc(pendingMessages.id)));
    },
    pendingMessage(id) {
      return get(db.select().from(pendingMessages).where(eq(pendingMessages.id, id)));
    },
    decidePendingMessage(id, decision) {
      run(
        db
          .update(pendingMessages)
          .set(decision)
          .where(and(eq(pendingMessages.id, id), eq(pendingMessages.state, 'pending'))),
      );
    },
  };
}
