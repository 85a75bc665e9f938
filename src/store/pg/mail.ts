/**
 * The MailRepository on PostgreSQL: src/store/sqlite/mail.ts ported query by query, same results
 * in the same order. Where SQLite's order came from an index or a rowid rather than the ORDER BY
 * (none asked, or ties), it is spelled out: a text key's order is SQLite's BINARY collation
 * (COLLATE "C" here), a rowid's the order rows were inserted (ctid here: mail messages and blocks
 * are never updated, so their ctid keeps that order).
 */
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { MailRepository } from '../repositories/mail.js';
import type { PgHandles } from './handles.js';
import { attachments, blockedSenders, bouncingAddresses, identities, mailMessages, people, tickets } from './schema.js';
import { all, get, run } from './session.js';

export function pgMail(handles: PgHandles): MailRepository {
  const { db } = handles;
  return {
    insertMessage(row) {
      run(db.insert(mailMessages).values(row).onConflictDoNothing());
    },

    insertAttachment(row) {
      run(db.insert(attachments).values(row));
    },

    ticketsOfMessages(messageIds) {
      // SQLite looks the ids up through the primary key, in its order.
      return all(
        db
          .select({ ticketId: mailMessages.ticketId })
          .from(mailMessages)
          .where(inArray(mailMessages.messageId, [...messageIds]))
          .orderBy(sql`${mailMessages.messageId} collate "C"`),
      ).map((row) => row.ticketId);
    },

    ticketOfMessage(messageId) {
      return get(db.select({ ticketId: mailMessages.ticketId }).from(mailMessages).where(eq(mailMessages.messageId, messageId)))?.ticketId;
    },

    latestTicketMailedTo(address) {
      // SQLite sorts the scanned rows, ties kept in rowid order: of mails sent at the same instant the first recorded wins.
      return get(
        db
          .select({ ticketId: mailMessages.ticketId })
          .from(mailMessages)
          .where(and(eq(mailMessages.address, address), eq(mailMessages.direction, 'out')))
          .orderBy(sql`${mailMessages.at} desc`, sql`ctid`)
          .limit(1),
      )?.ticketId;
    },

    threadOf(ticketId) {
      // SQLite reads mail_messages_ticket (ticket_id, at, rowid): ties at the same instant as recorded.
      return all(
        db
          .select({ id: mailMessages.messageId })
          .from(mailMessages)
          .where(eq(mailMessages.ticketId, ticketId))
          .orderBy(asc(mailMessages.at), sql`ctid`),
      ).map((row) => row.id);
    },

    recordedMessageIds(messageIds) {
      // SQLite looks the ids up through the primary key, in its order.
      return all(
        db
          .select({ id: mailMessages.messageId })
          .from(mailMessages)
          .where(inArray(mailMessages.messageId, [...messageIds]))
          .orderBy(sql`${mailMessages.messageId} collate "C"`),
      ).map((row) => row.id);
    },

    ticketForMail(ticketId) {
      return get(db.select({ title: tickets.title, department: tickets.department }).from(tickets).where(eq(tickets.id, ticketId)));
    },

    personOfAddress(address) {
      return get(
        db
          .select({ personId: identities.personId })
          .from(identities)
          .where(and(eq(identities.platform, 'email'), eq(identities.externalId, address))),
      )?.personId;
    },

    personIsStaff(personId) {
      return get(db.select({ isStaff: people.isStaff }).from(people).where(eq(people.id, personId)))?.isStaff;
    },

    moveEmailIdentity(address, personId) {
      run(
        db
          .update(identities)
          .set({ personId })
          .where(and(eq(identities.platform, 'email'), eq(identities.externalId, address))),
      );
    },

    moveRequestedTickets(fromPersonId, toPersonId) {
      return run(db.update(tickets).set({ requesterPersonId: toPersonId }).where(eq(tickets.requesterPersonId, fromPersonId))).changes;
    },

    insertEmailIdentity(address, personId) {
      run(db.insert(identities).values({ platform: 'email', externalId: address, handle: address, personId }));
    },

    blockedPatterns() {
      // SQLite sorts the scanned rows, ties kept in rowid order.
      return all(db.select({ pattern: blockedSenders.pattern }).from(blockedSenders).orderBy(asc(blockedSenders.createdAt), sql`ctid`)).map((row) => row.pattern);
    },

    insertBlock(row) {
      return run(db.insert(blockedSenders).values(row).onConflictDoNothing()).changes === 1;
    },

    deleteBlock(pattern) {
      return run(db.delete(blockedSenders).where(eq(blockedSenders.pattern, pattern))).changes === 1;
    },

    bouncing(address) {
      return get(
        db
          .select({ reason: bouncingAddresses.reason, bounces: bouncingAddresses.bounces, lastAt: bouncingAddresses.lastAt })
          .from(bouncingAddresses)
          .where(eq(bouncingAddresses.address, address)),
      );
    },

    saveBounce(address, reason, bounces, lastAt) {
      run(
        db
          .insert(bouncingAddresses)
          .values({ address, reason, bounces: 1, lastAt })
          .onConflictDoUpdate({ target: bouncingAddresses.address, set: { reason, bounces, lastAt } }),
      );
    },
  };
}
