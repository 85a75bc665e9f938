/** The ConversationRepository on SQLite. */
import { and, asc, desc, eq, inArray, isNull, or } from 'drizzle-orm';
import { ACTIVE_STATUSES } from '../../domain/lifecycle.js';
import type { Platform } from '../../domain/vocabulary.js';
import { preparedStatement } from '../prepared.js';
import type { ConversationRepository, RequesterOwner, StoredPlace } from '../repositories/conversations.js';
import { commentSources, comments, pendingMessages, people, ticketConversations, tickets, ticketThreads } from '../schema.js';
import type { SqliteHandles } from './handles.js';

/** Read for every card and every public reply: prepared once per store (see store/prepared.ts). */
const storedConversation = preparedStatement('SELECT PLATFORM AS "platform", CHANNEL AS "channel", THREAD AS "thread", ADDRESS AS "address" FROM TICKET_CONVERSATIONS WHERE TICKET_ID = ?');
const ticketRequester = preparedStatement('SELECT REQUESTER AS "requester", REQUESTER_PERSON_ID AS "personId" FROM TICKETS WHERE ID = ?');
const personIdentities = preparedStatement(`SELECT PLATFORM AS "platform", EXTERNAL_ID AS "externalId" FROM IDENTITIES WHERE PERSON_ID = ? AND PLATFORM IN ('slack', 'rocketchat', 'email', 'shell')`);

const ownedColumns = { id: tickets.id, title: tickets.title, status: tickets.status, createdAt: tickets.createdAt, updatedAt: tickets.updatedAt };

/** The condition "this ticket's requester is the owner": by person, or (for a ticket with no person) by a handle or address of theirs. */
function ownedBy(owner: RequesterOwner) {
  // A ticket that names its requester's person belongs to that person only: a handle is anyone's to
  // take (a Rocket.Chat user can register "connie", or a Slack id as a username). The names count
  // only for tickets typed for someone deskops did not know yet.
  return owner.names.length > 0
    ? or(eq(tickets.requesterPersonId, owner.personId), and(isNull(tickets.requesterPersonId), inArray(tickets.requester, [...owner.names])))
    : eq(tickets.requesterPersonId, owner.personId);
}

export function sqliteConversation(handles: SqliteHandles): ConversationRepository {
  const { db } = handles;
  return {
    storedPlace(ticketId) {
      return storedConversation(handles).raw(false).get(ticketId) as StoredPlace | undefined;
    },
    ticketRequester(ticketId) {
      return ticketRequester(handles).raw(false).get(ticketId) as { requester: string | null; personId: number | null } | undefined;
    },
    reachableIdentities(personId) {
      return personIdentities(handles).raw(false).all(personId) as { platform: Platform; externalId: string }[];
    },
    savePlace(ticketId, place) {
      db.insert(ticketConversations)
        .values({ ticketId, ...place })
        .onConflictDoUpdate({ target: ticketConversations.ticketId, set: place })
        .run();
    },
    addThread(row) {
      db.insert(ticketThreads).values(row).onConflictDoNothing().run();
    },
    ticketOfConversationThread(platform, channel, thread) {
      return db
        .select({ ticketId: ticketThreads.ticketId })
        .from(ticketThreads)
        .where(and(eq(ticketThreads.platform, platform as 'slack'), eq(ticketThreads.channel, channel), eq(ticketThreads.thread, thread), eq(ticketThreads.conversation, true)))
        .get()?.ticketId;
    },
    ticketsOfThreads(platform, channel, threads) {
      return db
        .select({ ticketId: ticketThreads.ticketId, thread: ticketThreads.thread })
        .from(ticketThreads)
        .where(and(eq(ticketThreads.platform, platform), eq(ticketThreads.channel, channel), or(...threads.map((t) => eq(ticketThreads.thread, t)))))
        .all();
    },
    newestActiveTicketThere(personId, platform, place) {
      const where = 'address' in place ? eq(ticketConversations.address, place.address) : eq(ticketConversations.channel, place.channel);
      return db
        .select({ id: tickets.id })
        .from(tickets)
        .innerJoin(ticketConversations, eq(ticketConversations.ticketId, tickets.id))
        .where(and(eq(tickets.requesterPersonId, personId), inArray(tickets.status, [...ACTIVE_STATUSES]), eq(ticketConversations.platform, platform), where))
        .orderBy(desc(tickets.id))
        .get()?.id;
    },
    addCommentSource(row) {
      db.insert(commentSources).values(row).onConflictDoNothing().run();
    },
    commentSource(platform, messageId) {
      return db.select().from(commentSources).where(and(eq(commentSources.platform, platform), eq(commentSources.messageId, messageId))).get();
    },
    displayNameOf(personId) {
      return db.select({ name: people.displayName }).from(people).where(eq(people.id, personId)).get()?.name;
    },
    departmentOf(ticketId) {
      return db.select({ department: tickets.department }).from(tickets).where(eq(tickets.id, ticketId)).get()?.department;
    },

    ownsTicket(owner, ticketId) {
      return db.select({ id: tickets.id }).from(tickets).where(and(eq(tickets.id, ticketId), ownedBy(owner))).get() !== undefined;
    },
    ownedTickets(owner, limit) {
      return db.select(ownedColumns).from(tickets).where(ownedBy(owner)).orderBy(desc(tickets.id)).limit(limit).all();
    },
    ownedTicket(owner, ticketId) {
      return db.select(ownedColumns).from(tickets).where(and(eq(tickets.id, ticketId), ownedBy(owner))).get();
    },
    latestPublicReplies(ticketId, limit) {
      return db
        .select({ author: comments.authorLabel, body: comments.body, at: comments.createdAt })
        .from(comments)
        .where(and(eq(comments.ticketId, ticketId), eq(comments.visibility, 'public')))
        .orderBy(desc(comments.id))
        .limit(limit)
        .all()
        .reverse();
    },

    insertPendingMessage(row) {
      return db.insert(pendingMessages).values(row).onConflictDoNothing().returning({ id: pendingMessages.id }).get()?.id;
    },
    waitingPendingMessages() {
      return db.select().from(pendingMessages).where(eq(pendingMessages.state, 'pending')).orderBy(asc(pendingMessages.id)).all();
    },
    pendingMessage(id) {
      return db.select().from(pendingMessages).where(eq(pendingMessages.id, id)).get();
    },
    decidePendingMessage(id, decision) {
      db.update(pendingMessages)
        .set(decision)
        .where(and(eq(pendingMessages.id, id), eq(pendingMessages.state, 'pending')))
        .run();
    },
  };
}
