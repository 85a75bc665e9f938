/**
 * The OutboxRepository on PostgreSQL: src/store/sqlite/outbox.ts ported query by query, same
 * results in the same order. Where SQLite's answer came in the order of the index it happened to
 * use (no ORDER BY asked), the order is spelled out here: a text index's order is SQLite's BINARY
 * collation (COLLATE "C" here), a rowid's is the order rows were inserted (ctid here, which is
 * that order for rows never updated since).
 */
import { and, asc, count, eq, inArray, isNotNull, lte, min, or, sql, type SQL } from 'drizzle-orm';
import { withUrgentFirst, type OutboxRepository, type OutboxRow } from '../repositories/outbox.js';
import type { PgHandles } from './handles.js';
import { identities, oncallEscalations, outbox, people, slaClocks, ticketThreads, tickets } from './schema.js';
import { all, get, run } from './session.js';
import { KEY_SPACE, presenceLockName } from './lock-keys.js';

export function pgOutbox(handles: PgHandles): OutboxRepository {
  const { db } = handles;

  /** Updates `row` only if nobody touched it since it was read; true when this call won. */
  const updateIfUnchanged = (row: Pick<OutboxRow, 'id' | 'nextAttemptAt'>, set: Partial<OutboxRow>): boolean =>
    run(
      db
        .update(outbox)
        .set(set)
        .where(and(eq(outbox.id, row.id), eq(outbox.state, 'queued'), eq(outbox.nextAttemptAt, row.nextAttemptAt))),
    ).changes === 1;

  /** Updates the row if it is still queued. */
  const updateIfQueued = (id: number, set: Partial<OutboxRow>): void => {
    run(
      db
        .update(outbox)
        .set(set)
        .where(and(eq(outbox.id, id), eq(outbox.state, 'queued'))),
    );
  };

  return {
    insertIfNew(row) {
      // A key queued already still takes a number from the id's sequence, as it does on SQLite
      // (outbox's AUTOINCREMENT counts the refused insert too): ids stay the same on both engines.
      const values = { ...row, validWhile: row.validWhile ?? null, mentions: row.mentions ?? null };
      return run(db.insert(outbox).values(values).onConflictDoNothing({ target: outbox.dedupeKey })).changes > 0;
    },

    dueSummary(now) {
      // count() maps PostgreSQL's bigint to a number; min() decodes as the column (a Date).
      const row = get(
        db
          .select({ n: count(), oldest: min(outbox.nextAttemptAt) })
          .from(outbox)
          .where(and(eq(outbox.state, 'queued'), lte(outbox.nextAttemptAt, now))),
      )!;
      return { count: row.n, oldestDueAt: row.oldest ?? null };
    },

    hasKey(dedupeKey) {
      return get(db.select({ id: outbox.id }).from(outbox).where(eq(outbox.dedupeKey, dedupeKey)).limit(1)) !== undefined;
    },

    dueRows(now, limit) {
      const due = and(
        eq(outbox.state, 'queued'),
        or(
          lte(outbox.nextAttemptAt, now),
          // Claimed by a replica that is gone (its presence lock went with its session): due now, not at the lease's end.
          and(
            isNotNull(outbox.claimedBy),
            sql`hashtext(${presenceLockName('')} || ${outbox.claimedBy})::oid NOT IN (SELECT objid FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 2 AND classid = ${KEY_SPACE}::int4::oid)`,
          ),
        ),
      );
      const dueIn = (where: SQL | undefined, max: number) =>
        all(
          db
            .select()
            .from(outbox)
            .where(where)
            .orderBy(asc(outbox.nextAttemptAt), asc(outbox.id))
            .limit(max)
            // Replicas claim side by side: rows another replica's claim holds right now are left to it, not waited for.
            .for('update', { skipLocked: true }),
        );
      // The urgent rows first (pages and calls), then the rest: a backlog never holds a page.
      const urgent = dueIn(and(due, eq(outbox.urgent, true)), limit);
      return urgent.length >= limit ? urgent : withUrgentFirst(urgent, dueIn(due, limit), limit);
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
      run(db.update(outbox).set({ state: 'failed', attempts, lastError }).where(eq(outbox.id, id)));
    },

    markFailedIfQueued(id, attempts, lastError) {
      updateIfQueued(id, { state: 'failed', attempts, lastError });
    },

    markDropped(id, attempts, lastError) {
      run(db.update(outbox).set({ state: 'dropped', attempts, lastError }).where(eq(outbox.id, id)));
    },

    rescheduleIfQueued(id, nextAttemptAt, attempts, lastError) {
      // The claim ends here: a retry waits out its delay, whoever claimed it.
      updateIfQueued(id, lastError === undefined ? { nextAttemptAt, attempts, claimedBy: null } : { attempts, nextAttemptAt, lastError, claimedBy: null });
    },

    slaClockValidity(clockId) {
      return get(
        db
          .select({ leftAt: slaClocks.leftAt, runningSince: slaClocks.runningSince, snoozedUntil: slaClocks.snoozedUntil, warned: slaClocks.warned, assigneeId: tickets.assigneeId })
          .from(slaClocks)
          .innerJoin(tickets, eq(tickets.id, slaClocks.ticketId))
          .where(eq(slaClocks.id, clockId)),
      );
    },

    ticketReplyDue(ticketId) {
      return get(db.select({ replyDueAt: tickets.replyDueAt }).from(tickets).where(eq(tickets.id, ticketId)));
    },

    ticketStatus(ticketId) {
      return get(db.select({ status: tickets.status, statusChangedAt: tickets.statusChangedAt }).from(tickets).where(eq(tickets.id, ticketId)));
    },

    escalationAcknowledgement(escalationId) {
      return get(
        db
          .select({ step: oncallEscalations.step, acknowledgedAt: oncallEscalations.acknowledgedAt })
          .from(oncallEscalations)
          .where(eq(oncallEscalations.id, escalationId)),
      );
    },

    staffAdminIds() {
      // SQLite scans people by rowid: id order.
      return all(
        db
          .select({ id: people.id })
          .from(people)
          .where(and(eq(people.role, 'admin'), eq(people.isStaff, true)))
          .orderBy(asc(people.id)),
      ).map((admin) => admin.id);
    },

    identityOn(platform, personId) {
      // SQLite reads identities_person (person_id, rowid): the first identity recorded wins.
      return get(
        db
          .select({ userId: identities.externalId, username: identities.handle })
          .from(identities)
          .where(and(eq(identities.platform, platform), eq(identities.personId, personId)))
          .orderBy(sql`ctid`)
          .limit(1),
      );
    },

    identitiesOn(platform, personIds) {
      // SQLite reads identities_handle (platform, handle, rowid): by handle, then as recorded.
      return all(
        db
          .select({ personId: identities.personId, userId: identities.externalId, username: identities.handle })
          .from(identities)
          .where(and(eq(identities.platform, platform), inArray(identities.personId, [...personIds])))
          .orderBy(sql`${identities.handle} collate "C"`, sql`ctid`),
      );
    },

    identityPlatforms(personId) {
      // SQLite reads identities_person (person_id, rowid): as recorded.
      return all(db.select({ platform: identities.platform }).from(identities).where(eq(identities.personId, personId)).orderBy(sql`ctid`)).map(
        (row) => row.platform,
      );
    },

    agentThread(platform, ticketId, channel) {
      // When both the bare and the prefixed channel have a thread, SQLite's primary key answers the
      // lower channel first (the bare one: upper-case ids sort before a platform's lower-case name).
      return get(
        db
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
          .orderBy(sql`${ticketThreads.channel} collate "C"`)
          .limit(1),
      )?.thread;
    },

    insertAgentThread(row) {
      run(db.insert(ticketThreads).values(row).onConflictDoNothing());
    },
  };
}
