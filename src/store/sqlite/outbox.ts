/** The OutboxRepository on SQLite. */
import { and, asc, eq, gte, inArray, lt, lte, type SQL } from 'drizzle-orm';
import { withUrgentFirst, type OutboxRepository, type OutboxRow } from '../repositories/outbox.js';
import { bound, instantValue, jsonValue, preparedQuery, preparedStatement } from '../prepared.js';
import { identities, oncallEscalations, outbox, people, slaClocks, ticketThreads, tickets } from '../schema.js';
import type { SqliteHandles } from './handles.js';

/**
 * `dedupe_key` starts with `prefix`, as an indexable range [prefix, prefix with its last character
 * bumped). SQLite's LIKE is case-insensitive and cannot use the key's unique index (a scan of every
 * row ever queued), so a prefix is a key range instead.
 */
export function keyStartsWith(prefix: string): SQL {
  const last = prefix.charCodeAt(prefix.length - 1);
  const upper = `${prefix.slice(0, -1)}${String.fromCharCode(last + 1)}`;
  return and(gte(outbox.dedupeKey, prefix), lt(outbox.dedupeKey, upper))!;
}

const insertRow = preparedQuery((db) =>
  db
    .insert(outbox)
    .values({
      dedupeKey: bound('dedupeKey'),
      channel: bound('channel'),
      payload: bound('payload'),
      nextAttemptAt: bound('nextAttemptAt'),
      createdAt: bound('createdAt'),
      ticketId: bound('ticketId'),
      validWhile: bound('validWhile'),
      mentions: bound('mentions'),
      audience: bound('audience'),
      urgent: bound('urgent'),
    })
    .onConflictDoNothing({ target: outbox.dedupeKey })
    .prepare(),
);

const dueCount = preparedStatement(`SELECT COUNT(*) AS "n", MIN(NEXT_ATTEMPT_AT) AS "oldest" FROM OUTBOX WHERE STATE = 'queued' AND NEXT_ATTEMPT_AT <= ?`);

export function sqliteOutbox(handles: SqliteHandles): OutboxRepository {
  const { db } = handles;

  /** Updates `row` only if nobody touched it since it was read; true when this call won. */
  const updateIfUnchanged = (row: Pick<OutboxRow, 'id' | 'nextAttemptAt'>, set: Partial<OutboxRow>): boolean => {
    const result = db
      .update(outbox)
      .set(set)
      .where(and(eq(outbox.id, row.id), eq(outbox.state, 'queued'), eq(outbox.nextAttemptAt, row.nextAttemptAt)))
      .run();
    return result.changes === 1;
  };

  /** Updates the row if it is still queued. */
  const updateIfQueued = (id: number, set: Partial<OutboxRow>): void => {
    db.update(outbox).set(set).where(and(eq(outbox.id, id), eq(outbox.state, 'queued'))).run();
  };

  return {
    insertIfNew(row) {
      const result = insertRow(handles).run({
        dedupeKey: row.dedupeKey,
        channel: row.channel,
        payload: jsonValue(row.payload),
        nextAttemptAt: instantValue(row.nextAttemptAt),
        createdAt: instantValue(row.createdAt),
        ticketId: row.ticketId,
        validWhile: jsonValue(row.validWhile),
        mentions: jsonValue(row.mentions),
        audience: row.audience,
        urgent: row.urgent ? 1 : 0,
      });
      return result.changes > 0;
    },

    dueSummary(now) {
      const row = dueCount(handles).raw(false).get(now.getTime()) as { n: number; oldest: number | null };
      return { count: row.n, oldestDueAt: row.oldest === null ? null : new Date(row.oldest) };
    },

    hasKey(dedupeKey) {
      return db.select({ id: outbox.id }).from(outbox).where(eq(outbox.dedupeKey, dedupeKey)).get() !== undefined;
    },

    dueRows(now, limit) {
      // Two index ranges, not one sort: the urgent rows through their partial index, then the rest in due order.
      const due = and(eq(outbox.state, 'queued'), lte(outbox.nextAttemptAt, now));
      const urgent = db.select().from(outbox).where(and(due, eq(outbox.urgent, true))).orderBy(asc(outbox.nextAttemptAt), asc(outbox.id)).limit(limit).all();
      if (urgent.length >= limit) return urgent;
      const rest = db.select().from(outbox).where(due).orderBy(asc(outbox.nextAttemptAt), asc(outbox.id)).limit(limit).all();
      return withUrgentFirst(urgent, rest, limit);
    },

    claimIfUnchanged(row, leaseUntil, attempts, claimedBy = null) {
      return updateIfUnchanged(row, { nextAttemptAt: leaseUntil, attempts, claimedBy });
    },

    dropIfUnchanged(row, lastError) {
      return updateIfUnchanged(row, { state: 'dropped', lastError });
    },

    markSent(id, sentAt, attempts) {
      updateIfQueued(id, { state: 'sent', sentAt, attempts, lastError: null, claimedBy: null });
    },

    markFailed(id, attempts, lastError) {
      db.update(outbox).set({ state: 'failed', attempts, lastError }).where(eq(outbox.id, id)).run();
    },

    markFailedIfQueued(id, attempts, lastError) {
      updateIfQueued(id, { state: 'failed', attempts, lastError });
    },

    markDropped(id, attempts, lastError) {
      db.update(outbox).set({ state: 'dropped', attempts, lastError }).where(eq(outbox.id, id)).run();
    },

    rescheduleIfQueued(id, nextAttemptAt, attempts, lastError) {
      // The claim ends here: a retry waits out its delay, whoever claimed it.
      updateIfQueued(id, lastError === undefined ? { nextAttemptAt, attempts, claimedBy: null } : { attempts, nextAttemptAt, lastError, claimedBy: null });
    },

    slaClockValidity(clockId) {
      return db
        .select({ leftAt: slaClocks.leftAt, runningSince: slaClocks.runningSince, snoozedUntil: slaClocks.snoozedUntil, warned: slaClocks.warned, assigneeId: tickets.assigneeId })
        .from(slaClocks)
        .innerJoin(tickets, eq(tickets.id, slaClocks.ticketId))
        .where(eq(slaClocks.id, clockId))
        .get();
    },

    ticketReplyDue(ticketId) {
      return db.select({ replyDueAt: tickets.replyDueAt }).from(tickets).where(eq(tickets.id, ticketId)).get();
    },

    ticketStatus(ticketId) {
      return db.select({ status: tickets.status, statusChangedAt: tickets.statusChangedAt }).from(tickets).where(eq(tickets.id, ticketId)).get();
    },

    escalationAcknowledgement(escalationId) {
      return db
        .select({ step: oncallEscalations.step, acknowledgedAt: oncallEscalations.acknowledgedAt })
        .from(oncallEscalations)
        .where(eq(oncallEscalations.id, escalationId))
        .get();
    },

    staffAdminIds() {
      return db
        .select({ id: people.id })
        .from(people)
        .where(and(eq(people.role, 'admin'), eq(people.isStaff, true)))
        .all()
        .map((admin) => admin.id);
    },

    identityOn(platform, personId) {
      return db
        .select({ userId: identities.externalId, username: identities.handle })
        .from(identities)
        .where(and(eq(identities.platform, platform), eq(identities.personId, personId)))
        .get();
    },

    identitiesOn(platform, personIds) {
      return db
        .select({ personId: identities.personId, userId: identities.externalId, username: identities.handle })
        .from(identities)
        .where(and(eq(identities.platform, platform), inArray(identities.personId, [...personIds])))
        .all();
    },

    identityPlatforms(personId) {
      return db
        .select({ platform: identities.platform })
        .from(identities)
        .where(eq(identities.personId, personId))
        .all()
        .map((row) => row.platform);
    },

    agentThread(platform, ticketId, channel) {
      return db
        .select({ thread: ticketThreads.thread })
        .from(ticketThreads)
        .where(
          and(
            eq(ticketThreads.platform, platform),
            eq(ticketThreads.ticketId, ticketId),
            inArray(ticketThreads.channel, [channel, `${platform}:${channel}`]),
            eq(ticketThreads.conversation, false),
          ),
        )
        .get()?.thread;
    },

    insertAgentThread(row) {
      db.insert(ticketThreads).values(row).onConflictDoNothing().run();
    },
  };
}
