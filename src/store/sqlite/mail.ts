/** The MailRepository on SQLite. */
import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import type { MailRepository } from '../repositories/mail.js';
import { attachments, blockedSenders, bouncingAddresses, identities, mailMessages, people, tickets } from '../schema.js';
import type { SqliteHandles } from './handles.js';

export function sqliteMail(handles: SqliteHandles): MailRepository {
  const { db } = handles;
  return {
    insertMessage(row) {
      db.insert(mailMessages).values(row).onConflictDoNothing().run();
    },

    insertAttachment(row) {
      db.insert(attachments).values(row).run();
    },

    ticketsOfMessages(messageIds) {
      return db
        .select({ ticketId: mailMessages.ticketId })
        .from(mailMessages)
        .where(inArray(mailMessages.messageId, [...messageIds]))
        .all()
        .map((row) => row.ticketId);
    },

    ticketOfMessage(messageId) {
      return db.select({ ticketId: mailMessages.ticketId }).from(mailMessages).where(eq(mailMessages.messageId, messageId)).get()?.ticketId;
    },

    latestTicketMailedTo(address) {
      return db
        .select({ ticketId: mailMessages.ticketId })
        .from(mailMessages)
        .where(and(eq(mailMessages.address, address), eq(mailMessages.direction, 'out')))
        .orderBy(desc(mailMessages.at))
        .get()?.ticketId;
    },

    threadOf(ticketId) {
      return db
        .select({ id: mailMessages.messageId })
        .from(mailMessages)
        .where(eq(mailMessages.ticketId, ticketId))
        .orderBy(asc(mailMessages.at))
        .all()
        .map((row) => row.id);
    },

    recordedMessageIds(messageIds) {
      return db
        .select({ id: mailMessages.messageId })
        .from(mailMessages)
        .where(inArray(mailMessages.messageId, [...messageIds]))
        .all()
        .map((row) => row.id);
    },


    ticketForMail(ticketId) {
      return db.select({ title: tickets.title, department: tickets.department }).from(tickets).where(eq(tickets.id, ticketId)).get();
    },

    personOfAddress(address) {
      return db
        .select({ personId: identities.personId })
        .from(identities)
        .where(and(eq(identities.platform, 'email'), eq(identities.externalId, address)))
        .get()?.personId;
    },

    personIsStaff(personId) {
      return db.select({ isStaff: people.isStaff }).from(people).where(eq(people.id, personId)).get()?.isStaff;
    },

    moveEmailIdentity(address, personId) {
      db.update(identities).set({ personId }).where(and(eq(identities.platform, 'email'), eq(identities.externalId, address))).run();
    },

    moveRequestedTickets(fromPersonId, toPersonId) {
      return db.update(tickets).set({ requesterPersonId: toPersonId }).where(eq(tickets.requesterPersonId, fromPersonId)).run().changes;
    },

    insertEmailIdentity(address, personId) {
      db.insert(identities).values({ platform: 'email', externalId: address, handle: address, personId }).run();
    },

    blockedPatterns() {
      return db.select({ pattern: blockedSenders.pattern }).from(blockedSenders).orderBy(blockedSenders.createdAt).all().map((row) => row.pattern);
    },

    insertBlock(row) {
      return db.insert(blockedSenders).values(row).onConflictDoNothing().run().changes === 1;
    },

    deleteBlock(pattern) {
      return db.delete(blockedSenders).where(eq(blockedSenders.pattern, pattern)).run().changes === 1;
    },

    bouncing(address) {
      return db
        .select({ reason: bouncingAddresses.reason, bounces: bouncingAddresses.bounces, lastAt: bouncingAddresses.lastAt })
        .from(bouncingAddresses)
        .where(eq(bouncingAddresses.address, address))
        .get();
    },

    saveBounce(address, reason, bounces, lastAt) {
      db.insert(bouncingAddresses)
        .values({ address, reason, bounces: 1, lastAt })
        .onConflictDoUpdate({ target: bouncingAddresses.address, set: { reason, bounces, lastAt } })
        .run();
    },
  };
}
