/**
 * The mail repository holds the same promises on both engines: the same steps through
 * `sqliteStore.mail` and `pgMail(pgStore)` give the same answers (messages and their tickets and
 * threads, attachments, the people behind addresses, blocked senders, bouncing addresses).
 */
import { asc } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { MailRepository } from '../../src/store/repositories/mail.js';
import { pgMail } from '../../src/store/pg/mail.js';
import * as pgSchema from '../../src/store/pg/schema.js';
import { all } from '../../src/store/pg/session.js';
import * as sqliteSchema from '../../src/store/schema.js';
import { seedBoth } from '../doubles/seed-engines.js';
import { useStorageEngines, type BothStores } from '../doubles/storage-engines.js';

const engines = useStorageEngines();

const AT = new Date('2026-03-02T09:00:00.000Z');
const at = (minutes: number): Date => new Date(AT.getTime() + minutes * 60_000);

function ticket(title: string, more: Partial<typeof sqliteSchema.tickets.$inferInsert> = {}): typeof sqliteSchema.tickets.$inferInsert {
  return { title, department: 'paid', tierEnteredAt: AT, statusChangedAt: AT, createdAt: AT, updatedAt: AT, ...more };
}

/** People 1 (staff), 2 and 3 (requesters); tickets 1 to 3 (1 and 2 requested by person 2, 3 by person 3). */
function seedPeopleAndTickets(stores: BothStores): void {
  seedBoth(stores, sqliteSchema.people, [
    { displayName: 'Agent', role: 'agent', isStaff: true, createdAt: AT },
    { displayName: 'Requester', createdAt: AT },
    { displayName: 'Other requester', createdAt: AT },
  ]);
  seedBoth(stores, sqliteSchema.identities, [
    { platform: 'email', externalId: 'req@example.com', handle: 'req@example.com', personId: 2 },
    { platform: 'slack', externalId: 'req@example.com', handle: 'req', personId: 3 },
  ]);
  seedBoth(stores, sqliteSchema.tickets, [
    ticket('Export fails', { requesterPersonId: 2, department: 'paid' }),
    ticket('Invoice wrong', { requesterPersonId: 2, department: 'community' }),
    ticket('Login loops', { requesterPersonId: 3 }),
  ]);
}

/** Runs `steps` on each engine's repository; expects the same answers and returns them. */
async function onBoth<T>(prepare: (stores: BothStores) => void, steps: (mail: MailRepository) => T): Promise<{ answers: T; stores: BothStores }> {
  const stores = await engines.open();
  prepare(stores);
  const onSqlite = steps(stores.sqliteStore.mail);
  const onPg = steps(pgMail(stores.pgStore));
  expect(onPg).toEqual(onSqlite);
  return { answers: onSqlite, stores };
}

describe('the mail repository on SQLite and PostgreSQL', () => {
  it('records messages once and finds their tickets, threads and latest mail out, ties in the order recorded', async () => {
    const { answers } = await onBoth(seedPeopleAndTickets, (mail) => {
      mail.insertMessage({ messageId: '<m3@x>', ticketId: 1, direction: 'in', address: 'req@example.com', at: at(0) });
      mail.insertMessage({ messageId: '<M1@x>', ticketId: 1, direction: 'out', address: 'req@example.com', at: at(5) });
      mail.insertMessage({ messageId: '<m2@x>', ticketId: 1, direction: 'out', address: 'req@example.com', at: at(5) });
      mail.insertMessage({ messageId: '<a9@x>', ticketId: 1, direction: 'in', address: 'req@example.com', at: at(-3) });
      mail.insertMessage({ messageId: '<b@x>', ticketId: 2, direction: 'out', address: 'req@example.com', at: at(2) });
      mail.insertMessage({ messageId: '<c@x>', ticketId: 3, direction: 'out', address: 'other@example.com', at: at(9) });
      mail.insertMessage({ messageId: '<d@x>', ticketId: 3, direction: 'in', address: 'late@example.com', at: at(99) });
      mail.insertMessage({ messageId: '<f@x>', ticketId: 3, direction: 'out', address: 'tie@example.com', at: at(7) });
      mail.insertMessage({ messageId: '<e@x>', ticketId: 2, direction: 'out', address: 'tie@example.com', at: at(7) });
      // Recorded already: nothing changes.
      mail.insertMessage({ messageId: '<b@x>', ticketId: 3, direction: 'in', address: 'someone@example.com', at: at(50) });
      return {
        tickets: mail.ticketsOfMessages(['<c@x>', '<m2@x>', '<M1@x>', '<b@x>', '<nope@x>', '<b@x>']),
        noTickets: mail.ticketsOfMessages(['<nope@x>']),
        one: [mail.ticketOfMessage('<b@x>'), mail.ticketOfMessage('<B@x>'), mail.ticketOfMessage('<nope@x>')],
        latest: [mail.latestTicketMailedTo('req@example.com'), mail.latestTicketMailedTo('other@example.com'), mail.latestTicketMailedTo('late@example.com'), mail.latestTicketMailedTo('REQ@example.com'), mail.latestTicketMailedTo('tie@example.com')],
        threads: [mail.threadOf(1), mail.threadOf(2), mail.threadOf(3), mail.threadOf(99)],
        recorded: mail.recordedMessageIds(['<m3@x>', '<zz@x>', '<c@x>', '<M1@x>', '<a9@x>']),
      };
    });
    expect(answers).toEqual({
      // In Message-ID order (BINARY: upper case first), each recorded id once.
      tickets: [1, 2, 3, 1],
      noTickets: [],
      one: [2, undefined, undefined],
      latest: [1, 3, undefined, undefined, 3],
      threads: [['<a9@x>', '<m3@x>', '<M1@x>', '<m2@x>'], ['<b@x>', '<e@x>'], ['<f@x>', '<c@x>', '<d@x>'], []],
      recorded: ['<M1@x>', '<a9@x>', '<c@x>', '<m3@x>'],
    });
  });

  it('stores attachments, kept or only listed', async () => {
    const { stores } = await onBoth(seedPeopleAndTickets, (mail) => {
      mail.insertAttachment({ ticketId: 1, filename: 'log.txt', contentType: 'text/plain', size: 5, data: Buffer.from([0, 1, 2, 255, 10]), createdAt: at(1) });
      mail.insertAttachment({ ticketId: 1, filename: 'huge.iso', contentType: 'application/octet-stream', size: 9_000_000, data: null, createdAt: at(2) });
      // As mail-inbound.ts passes them: a Buffer over part of a larger ArrayBuffer.
      mail.insertAttachment({ ticketId: 2, commentId: null, filename: 'part.bin', contentType: 'application/octet-stream', size: 3, data: Buffer.from(new Uint8Array([9, 9, 1, 2, 3, 9]).buffer, 2, 3), createdAt: at(3) });
      return null;
    });
    const onSqlite = stores.sqliteStore.db.select().from(sqliteSchema.attachments).orderBy(asc(sqliteSchema.attachments.id)).all();
    // The bytea column reads back as a Buffer, as SQLite's blob does (pg/schema.ts makes the bridge's Uint8Array one again).
    const onPg = all(stores.pgStore.db.select().from(pgSchema.attachments).orderBy(asc(pgSchema.attachments.id)));
    expect(onPg.every((row) => row.data === null || Buffer.isBuffer(row.data))).toBe(true);
    expect(onPg).toEqual(onSqlite);
    expect(onSqlite.map((row) => [row.id, row.filename, row.size, row.data === null ? null : [...row.data], row.commentId, row.createdAt])).toEqual([
      [1, 'log.txt', 5, [0, 1, 2, 255, 10], null, at(1)],
      [2, 'huge.iso', 9_000_000, null, null, at(2)],
      [3, 'part.bin', 3, [1, 2, 3], null, at(3)],
    ]);
  });

  it('reads tickets and people for mail, and links an address to a person', async () => {
    const { answers } = await onBoth(seedPeopleAndTickets, (mail) => {
      const before = {
        forMail: [mail.ticketForMail(1), mail.ticketForMail(2), mail.ticketForMail(99)],
        person: [mail.personOfAddress('req@example.com'), mail.personOfAddress('REQ@example.com'), mail.personOfAddress('nobody@example.com')],
        staff: [mail.personIsStaff(1), mail.personIsStaff(2), mail.personIsStaff(99)],
      };
      mail.moveEmailIdentity('req@example.com', 3);
      mail.moveEmailIdentity('nobody@example.com', 1);
      const moved = mail.moveRequestedTickets(2, 3);
      const movedNone = mail.moveRequestedTickets(2, 1);
      mail.insertEmailIdentity('new@example.com', 1);
      let duplicate = 'no error';
      try {
        mail.insertEmailIdentity('new@example.com', 2);
      } catch {
        duplicate = 'refused';
      }
      return {
        before,
        moved,
        movedNone,
        duplicate,
        after: [mail.personOfAddress('req@example.com'), mail.personOfAddress('new@example.com'), mail.personOfAddress('nobody@example.com')],
      };
    });
    expect(answers).toEqual({
      before: {
        forMail: [{ title: 'Export fails', department: 'paid' }, { title: 'Invoice wrong', department: 'community' }, undefined],
        person: [2, undefined, undefined],
        staff: [true, false, undefined],
      },
      moved: 2,
      movedNone: 0,
      duplicate: 'refused',
      after: [3, 1, undefined],
    });
  });

  it('moves every requested ticket to the person, and only those', async () => {
    const { stores } = await onBoth(seedPeopleAndTickets, (mail) => mail.moveRequestedTickets(3, 2));
    const onSqlite = stores.sqliteStore.db.select({ id: sqliteSchema.tickets.id, by: sqliteSchema.tickets.requesterPersonId }).from(sqliteSchema.tickets).orderBy(asc(sqliteSchema.tickets.id)).all();
    const onPg = all(stores.pgStore.db.select({ id: pgSchema.tickets.id, by: pgSchema.tickets.requesterPersonId }).from(pgSchema.tickets).orderBy(asc(pgSchema.tickets.id)));
    expect(onPg).toEqual(onSqlite);
    expect(onSqlite).toEqual([
      { id: 1, by: 2 },
      { id: 2, by: 2 },
      { id: 3, by: 2 },
    ]);
  });

  it('blocks and unblocks senders, oldest block first, ties in the order added', async () => {
    const { answers } = await onBoth(seedPeopleAndTickets, (mail) => {
      const added = [
        mail.insertBlock({ pattern: '@spam.example', createdBy: 1, createdAt: at(10) }),
        mail.insertBlock({ pattern: 'z@example.com', createdBy: null, createdAt: at(5) }),
        mail.insertBlock({ pattern: 'a@example.com', createdAt: at(5) }),
        mail.insertBlock({ pattern: '@spam.example', createdBy: 1, createdAt: at(1) }),
        mail.insertBlock({ pattern: 'M@example.com', createdAt: at(5) }),
      ];
      const listed = mail.blockedPatterns();
      const lifted = [mail.deleteBlock('a@example.com'), mail.deleteBlock('a@example.com'), mail.deleteBlock('@SPAM.example')];
      return { added, listed, lifted, after: mail.blockedPatterns() };
    });
    expect(answers).toEqual({
      added: [true, true, true, false, true],
      listed: ['z@example.com', 'a@example.com', 'M@example.com', '@spam.example'],
      lifted: [true, false, false],
      after: ['z@example.com', 'M@example.com', '@spam.example'],
    });
  });

  it('records bounces: a new address counts one, a known one takes the reason, count and instant given', async () => {
    const { answers } = await onBoth(
      () => {},
      (mail) => {
        const none = mail.bouncing('gone@example.com');
        mail.saveBounce('gone@example.com', 'mailbox full', 7, at(1));
        const first = mail.bouncing('gone@example.com');
        mail.saveBounce('gone@example.com', 'no such user', 2, at(4));
        mail.saveBounce('other@example.com', 'blocked', 3, at(2));
        return { none, first, second: mail.bouncing('gone@example.com'), other: mail.bouncing('other@example.com'), upper: mail.bouncing('GONE@example.com') };
      },
    );
    expect(answers).toEqual({
      none: undefined,
      first: { reason: 'mailbox full', bounces: 1, lastAt: at(1) },
      second: { reason: 'no such user', bounces: 2, lastAt: at(4) },
      other: { reason: 'blocked', bounces: 1, lastAt: at(2) },
      upper: undefined,
    });
  });
});
