/**
 * The outbox repository holds the same promises on both engines: the same steps through
 * `sqliteStore.outbox` and `pgOutbox(pgStore)` give the same answers (queueing and its dedupe,
 * what is due and in which order, the conditional claims and marks, and what delivery reads of
 * tickets, clocks, escalations, people, identities and threads).
 */
import { asc } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { OutboxRepository, NewOutboxRow } from '../../src/store/repositories/outbox.js';
import * as pgSchema from '../../src/store/pg/schema.js';
import { pgOutbox } from '../../src/store/pg/outbox.js';
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

function person(displayName: string, more: Partial<typeof sqliteSchema.people.$inferInsert> = {}): typeof sqliteSchema.people.$inferInsert {
  return { displayName, createdAt: AT, ...more };
}

function queued(dedupeKey: string, nextAttemptAt: Date, more: Partial<NewOutboxRow> = {}): NewOutboxRow {
  return {
    dedupeKey,
    channel: 'C-leads',
    payload: { text: `about ${dedupeKey}`, blocks: [{ type: 'section', n: 1 }] },
    nextAttemptAt,
    createdAt: AT,
    ticketId: null,
    validWhile: undefined,
    mentions: undefined,
    audience: 'staff',
    ...more,
  };
}

/** Runs `steps` on each engine's repository; expects the same answers and returns them. */
async function onBoth<T>(prepare: (stores: BothStores) => void, steps: (outbox: OutboxRepository) => T): Promise<T> {
  const stores = await engines.open();
  prepare(stores);
  const onSqlite = steps(stores.sqliteStore.outbox);
  const onPg = steps(pgOutbox(stores.pgStore));
  expect(onPg).toEqual(onSqlite);
  return onSqlite;
}

describe('the outbox repository on SQLite and PostgreSQL', () => {
  it('queues once per dedupe key, keeps JSON and nulls, and a refused key still uses up an id (as the AUTOINCREMENT of SQLite does)', async () => {
    const answers = await onBoth(
      () => {},
      (outbox) => {
        const first = outbox.insertIfNew(queued('a', at(5), { ticketId: 7, validWhile: { kind: 'ticket-status', status: 'open' }, mentions: [3, 1], audience: 'requester' }));
        const again = outbox.insertIfNew(queued('a', at(1), { channel: 'elsewhere' }));
        const nulls = outbox.insertIfNew(queued('b', at(5), { validWhile: null }));
        const third = outbox.insertIfNew(queued('c', at(5)));
        return { first, again, nulls, third, hasA: outbox.hasKey('a'), hasUpper: outbox.hasKey('A'), hasZ: outbox.hasKey('z'), rows: outbox.dueRows(at(10), 10) };
      },
    );
    expect(answers).toMatchObject({ first: true, again: false, nulls: true, third: true, hasA: true, hasUpper: false, hasZ: false });
    expect(answers.rows.map((row) => [row.id, row.dedupeKey, row.channel])).toEqual([
      [1, 'a', 'C-leads'],
      [3, 'b', 'C-leads'],
      [4, 'c', 'C-leads'],
    ]);
    expect(answers.rows[0]).toMatchObject({
      ticketId: 7,
      validWhile: { kind: 'ticket-status', status: 'open' },
      mentions: [3, 1],
      audience: 'requester',
      state: 'queued',
      attempts: 0,
      lastError: null,
      sentAt: null,
      payload: { text: 'about a', blocks: [{ type: 'section', n: 1 }] },
    });
    expect(answers.rows[1]).toMatchObject({ validWhile: null, mentions: null, ticketId: null });
    expect(answers.rows[0]!.nextAttemptAt).toEqual(at(5));
  });

  it('lists and counts what is due, oldest first then by id, within the limit', async () => {
    const answers = await onBoth(
      () => {},
      (outbox) => {
        const empty = outbox.dueSummary(at(100));
        outbox.insertIfNew(queued('late', at(30)));
        outbox.insertIfNew(queued('tie-1', at(10)));
        outbox.insertIfNew(queued('early', at(-5)));
        outbox.insertIfNew(queued('tie-2', at(10)));
        outbox.insertIfNew(queued('sent', at(-10)));
        outbox.markSent(5, at(0), 1);
        return {
          empty,
          summaryNow: outbox.dueSummary(at(10)),
          summaryBefore: outbox.dueSummary(at(-6)),
          due: outbox.dueRows(at(10), 10).map((row) => row.dedupeKey),
          limited: outbox.dueRows(at(100), 2).map((row) => row.dedupeKey),
          all: outbox.dueRows(at(100), 100).map((row) => row.dedupeKey),
        };
      },
    );
    expect(answers).toEqual({
      empty: { count: 0, oldestDueAt: null },
      summaryNow: { count: 3, oldestDueAt: at(-5) },
      summaryBefore: { count: 0, oldestDueAt: null },
      due: ['early', 'tie-1', 'tie-2'],
      limited: ['early', 'tie-1'],
      all: ['early', 'tie-1', 'tie-2', 'late'],
    });
  });

  it('lists the urgent rows (pages, calls) before every other due row, however old the backlog', async () => {
    const answers = await onBoth(
      () => {},
      (outbox) => {
        for (let n = 0; n < 5; n++) outbox.insertIfNew(queued(`notice-${n}`, at(-60 + n)));
        outbox.insertIfNew(queued('page-2', at(0), { urgent: true }));
        outbox.insertIfNew(queued('page-1', at(-1), { urgent: true }));
        outbox.insertIfNew(queued('page-later', at(30), { urgent: true }));
        outbox.insertIfNew(queued('page-sent', at(-2), { urgent: true }));
        outbox.markSent(9, at(0), 1);
        const rows = outbox.dueRows(at(0), 4);
        return {
          firstFour: rows.map((row) => row.dedupeKey),
          urgentFlags: rows.map((row) => row.urgent),
          onlyOne: outbox.dueRows(at(0), 1).map((row) => row.dedupeKey),
          all: outbox.dueRows(at(0), 100).map((row) => row.dedupeKey),
        };
      },
    );
    expect(answers).toEqual({
      firstFour: ['page-1', 'page-2', 'notice-0', 'notice-1'],
      urgentFlags: [true, true, false, false],
      onlyOne: ['page-1'],
      all: ['page-1', 'page-2', 'notice-0', 'notice-1', 'notice-2', 'notice-3', 'notice-4'],
    });
  });

  it('claims and drops a row only when nobody touched it since it was read', async () => {
    const answers = await onBoth(
      () => {},
      (outbox) => {
        outbox.insertIfNew(queued('x', at(0)));
        outbox.insertIfNew(queued('y', at(0)));
        const [x, y] = outbox.dueRows(at(0), 10);
        const claimed = outbox.claimIfUnchanged(x!, at(2), 1);
        const claimedAgain = outbox.claimIfUnchanged(x!, at(3), 2);
        const stale = outbox.dropIfUnchanged(x!, 'stale');
        const dropped = outbox.dropIfUnchanged(y!, 'no longer valid');
        const droppedAgain = outbox.dropIfUnchanged(y!, 'twice');
        const claimDropped = outbox.claimIfUnchanged(y!, at(5), 1);
        return { claimed, claimedAgain, stale, dropped, droppedAgain, claimDropped, rows: outbox.dueRows(at(100), 10), summary: outbox.dueSummary(at(100)) };
      },
    );
    expect(answers).toMatchObject({ claimed: true, claimedAgain: false, stale: false, dropped: true, droppedAgain: false, claimDropped: false });
    expect(answers.rows.map((row) => [row.dedupeKey, row.attempts, row.nextAttemptAt])).toEqual([['x', 1, at(2)]]);
    expect(answers.summary).toEqual({ count: 1, oldestDueAt: at(2) });
  });

  it('marks rows sent, failed, dropped and rescheduled, each only in the state it asks for', async () => {
    const answers = await onBoth(
      () => {},
      (outbox) => {
        for (const key of ['sent', 'failed', 'failedIfQueued', 'dropped', 'rescheduled', 'rescheduledWithError', 'lateSent']) outbox.insertIfNew(queued(key, at(0)));
        outbox.rescheduleIfQueued(5, at(1), 1, 'timeout');
        outbox.markSent(1, at(1), 2); // clears the last error
        outbox.markFailed(2, 3, 'gone');
        outbox.markFailedIfQueued(3, 4, 'refused');
        outbox.markDropped(4, 1, 'invalid');
        outbox.rescheduleIfQueued(5, at(20), 2); // keeps the last error
        outbox.rescheduleIfQueued(6, at(15), 3, 'rate limited');
        // Not queued any more: these change nothing.
        outbox.markSent(2, at(9), 9);
        outbox.markFailedIfQueued(1, 9, 'late');
        outbox.rescheduleIfQueued(4, at(50), 9, 'late');
        // Whatever the state: these do.
        outbox.markFailed(1, 5, 'after sending');
        outbox.markDropped(3, 6, 'after failing');
        return outbox.dueRows(at(100), 10);
      },
    );
    expect(answers.map((row) => [row.id, row.dedupeKey, row.nextAttemptAt, row.attempts, row.lastError])).toEqual([
      [7, 'lateSent', at(0), 0, null],
      [6, 'rescheduledWithError', at(15), 3, 'rate limited'],
      [5, 'rescheduled', at(20), 2, 'timeout'],
    ]);
  });

  it('ends with the same stored rows after the marks', async () => {
    const stores = await engines.open();
    const steps = (outbox: OutboxRepository): void => {
      for (const key of ['s', 'f', 'd', 'q']) outbox.insertIfNew(queued(key, at(0)));
      outbox.markSent(1, at(1), 2);
      outbox.markFailed(2, 3, 'gone');
      outbox.markDropped(3, 1, 'invalid');
      outbox.markFailed(1, 4, 'after sending');
    };
    steps(stores.sqliteStore.outbox);
    steps(pgOutbox(stores.pgStore));
    const onSqlite = stores.sqliteStore.db.select().from(sqliteSchema.outbox).orderBy(asc(sqliteSchema.outbox.id)).all();
    const onPg = all(stores.pgStore.db.select().from(pgSchema.outbox).orderBy(asc(pgSchema.outbox.id)));
    expect(onPg).toEqual(onSqlite);
    expect(onSqlite.map((row) => [row.state, row.attempts, row.lastError, row.sentAt])).toEqual([
      ['failed', 4, 'after sending', at(1)],
      ['failed', 3, 'gone', null],
      ['dropped', 1, 'invalid', null],
      ['queued', 0, null, null],
    ]);
  });

  it('reads clocks, reply deadlines, statuses and acknowledgements for validity checks', async () => {
    const answers = await onBoth(
      (stores) => {
        seedBoth(stores, sqliteSchema.people, [person('Ada', { role: 'agent', isStaff: true })]);
        seedBoth(stores, sqliteSchema.tickets, [ticket('assigned', { assigneeId: 1, replyDueAt: at(30), status: 'pending', statusChangedAt: at(3) }), ticket('unassigned')]);
        seedBoth(stores, sqliteSchema.slaClocks, [
          { ticketId: 1, tier: 't1', enteredAt: AT, leftAt: at(40), runningSince: null, snoozedUntil: at(20), warned: 'yellow', nextCheckAt: AT },
          { ticketId: 2, tier: 'triage', enteredAt: AT, runningSince: at(1), nextCheckAt: AT },
        ]);
        seedBoth(stores, sqliteSchema.oncallEscalations, [
          { ticketId: 1, escalatedAt: AT, step: 'paged', acknowledgedAt: at(7) },
          { ticketId: 2, escalatedAt: AT },
        ]);
      },
      (outbox) => ({
        clocks: [outbox.slaClockValidity(1), outbox.slaClockValidity(2), outbox.slaClockValidity(99)],
        replyDue: [outbox.ticketReplyDue(1), outbox.ticketReplyDue(2), outbox.ticketReplyDue(99)],
        status: [outbox.ticketStatus(1), outbox.ticketStatus(2), outbox.ticketStatus(99)],
        acks: [outbox.escalationAcknowledgement(1), outbox.escalationAcknowledgement(2), outbox.escalationAcknowledgement(99)],
      }),
    );
    expect(answers).toEqual({
      clocks: [
        { leftAt: at(40), runningSince: null, snoozedUntil: at(20), warned: 'yellow', assigneeId: 1 },
        { leftAt: null, runningSince: at(1), snoozedUntil: null, warned: null, assigneeId: null },
        undefined,
      ],
      replyDue: [{ replyDueAt: at(30) }, { replyDueAt: null }, undefined],
      status: [{ status: 'pending', statusChangedAt: at(3) }, { status: 'open', statusChangedAt: AT }, undefined],
      acks: [{ step: 'paged', acknowledgedAt: at(7) }, { step: 'announced', acknowledgedAt: null }, undefined],
    });
  });

  it('finds staff admins and identities, in the order SQLite answers them', async () => {
    const answers = await onBoth(
      (stores) => {
        seedBoth(stores, sqliteSchema.people, [
          person('Lead admin', { role: 'admin', isStaff: true }),
          person('Former admin', { role: 'admin', isStaff: false }),
          person('Agent', { role: 'agent', isStaff: true }),
          person('Second admin', { role: 'admin', isStaff: true }),
        ]);
        seedBoth(stores, sqliteSchema.identities, [
          { platform: 'slack', externalId: 'U9', handle: 'amy', personId: 3 },
          { platform: 'slack', externalId: 'U1', handle: 'zed', personId: 1 },
          { platform: 'email', externalId: 'lead@example.com', handle: 'lead@example.com', personId: 1 },
          { platform: 'slack', externalId: 'U0', handle: 'Zed-bot', personId: 1 },
          { platform: 'rocketchat', externalId: 'R1', handle: 'lead', personId: 1 },
          { platform: 'slack', externalId: 'U5', handle: 'mo', personId: 4 },
        ]);
      },
      (outbox) => ({
        admins: outbox.staffAdminIds(),
        on: [outbox.identityOn('slack', 1), outbox.identityOn('email', 1), outbox.identityOn('email', 3), outbox.identityOn('slack', 99)],
        many: outbox.identitiesOn('slack', [4, 1, 3, 2]),
        none: outbox.identitiesOn('rocketchat', [3, 4]),
        platforms: [outbox.identityPlatforms(1), outbox.identityPlatforms(2)],
      }),
    );
    expect(answers).toEqual({
      admins: [1, 4],
      on: [{ userId: 'U1', username: 'zed' }, { userId: 'lead@example.com', username: 'lead@example.com' }, undefined, undefined],
      // By handle as SQLite's BINARY collation orders it: upper case first.
      many: [
        { personId: 1, userId: 'U0', username: 'Zed-bot' },
        { personId: 3, userId: 'U9', username: 'amy' },
        { personId: 4, userId: 'U5', username: 'mo' },
        { personId: 1, userId: 'U1', username: 'zed' },
      ],
      none: [],
      platforms: [['slack', 'email', 'slack', 'rocketchat'], []],
    });
  });

  it("finds the agents' thread by bare or prefixed channel, never the requester's conversation, and records it once", async () => {
    const answers = await onBoth(
      (stores) => {
        seedBoth(stores, sqliteSchema.tickets, [ticket('one'), ticket('two'), ticket('three')]);
        seedBoth(stores, sqliteSchema.ticketThreads, [
          { platform: 'slack', ticketId: 1, channel: 'slack:C1', thread: 'prefixed', createdAt: AT },
          { platform: 'slack', ticketId: 2, channel: 'slack:C1', thread: 'prefixed only', createdAt: AT },
          { platform: 'slack', ticketId: 3, channel: 'C1', thread: 'conversation', conversation: true, createdAt: AT },
        ]);
      },
      (outbox) => {
        outbox.insertAgentThread({ platform: 'slack', ticketId: 1, channel: 'C1', thread: 'bare', createdAt: AT });
        outbox.insertAgentThread({ platform: 'slack', ticketId: 1, channel: 'C1', thread: 'bare again', createdAt: at(1) });
        outbox.insertAgentThread({ platform: 'rocketchat', ticketId: 2, channel: 'C1', thread: 'rc', createdAt: AT });
        return {
          both: outbox.agentThread('slack', 1, 'C1'),
          prefixedOnly: outbox.agentThread('slack', 2, 'C1'),
          otherPlatform: outbox.agentThread('rocketchat', 2, 'C1'),
          conversationOnly: outbox.agentThread('slack', 3, 'C1'),
          otherChannel: outbox.agentThread('slack', 1, 'C2'),
        };
      },
    );
    expect(answers).toEqual({ both: 'bare', prefixedOnly: 'prefixed only', otherPlatform: 'rc', conversationOnly: undefined, otherChannel: undefined });
  });
});
