/**
 * The TicketRepository on PostgreSQL: src/store/sqlite/tickets.ts ported query by query. SQLite's
 * prepared statements and `INDEXED BY` hints are plain builder queries here (the planner picks
 * the index). Where SQLite's order came from the index it walks rather than an ORDER BY (the
 * status timers, the overdue replies, the ties of the due instants, the returned children of a
 * reparent), the same order is spelled out so both engines answer alike.
 */
import { and, asc, count, desc, eq, getTableColumns, inArray, isNull, lte, notInArray, sql, type SQL } from 'drizzle-orm';
import { EARLIER_TICKETS_COUNTED, type CompleteTicketRow, type TicketCriteria, type TicketRepository } from '../repositories/tickets.js';
import { ACTIVE_STATUS_CONDITION, answerClusterMembers, knownIssues, oncallEscalations, replySignatures, ticketFollowers, tickets, ticketTags } from './schema.js';
import { all, get, run, type PgDb } from './session.js';
import type { PgHandles } from './handles.js';
import { ticketCriteriaCondition } from '../conditions.js';

/** The columns insertComplete writes: all but the id. */
const TICKET_COLUMNS = Object.keys(getTableColumns(tickets)).filter((key) => key !== 'id') as Array<keyof CompleteTicketRow>;

/** The WHERE clause of a ticket list (undefined: every ticket): conditions.ts, over this schema's tickets. */
function criteriaCondition(db: PgDb, criteria: TicketCriteria): SQL | undefined {
  return ticketCriteriaCondition(tickets, ACTIVE_STATUS_CONDITION, (tagIds) => db.select({ id: ticketTags.ticketId }).from(ticketTags).where(inArray(ticketTags.tagId, [...tagIds])), criteria);
}

export function pgTicket(handles: PgHandles): TicketRepository {
  const { db } = handles;
  return {
    byId(id) {
      return get(db.select().from(tickets).where(eq(tickets.id, id)));
    },
    highestId() {
      return get(db.select({ max: sql<number | null>`max(${tickets.id})`.mapWith(Number) }).from(tickets))?.max ?? null;
    },
    insertComplete(row) {
      // As SQLite's row inserter: every column but the id is written, whatever the object carries (an id of a row spread from
      // another is ignored), and a column left undefined is written NULL (not given its default).
      const values = Object.fromEntries(TICKET_COLUMNS.map((key) => [key, row[key] ?? null])) as CompleteTicketRow;
      return get(db.insert(tickets).values(values).returning({ id: tickets.id }))!.id;
    },
    insert(row) {
      return get(db.insert(tickets).values(row).returning())!;
    },
    update(id, patch) {
      // SQLite's `.returning().get()` answers undefined for a missing ticket despite the type; so does this.
      return get(db.update(tickets).set(patch).where(eq(tickets.id, id)).returning())!;
    },
    setUpdatedAt(id, at) {
      run(db.update(tickets).set({ updatedAt: at }).where(eq(tickets.id, id)));
    },
    markReplyWarned(id, at) {
      run(db.update(tickets).set({ replyWarnedAt: at }).where(eq(tickets.id, id)));
    },
    countMatching(criteria, atMost) {
      const matching = db.select({ one: sql`1`.as('one') }).from(tickets).where(criteriaCondition(db, criteria)).limit(atMost).as('matching');
      return get(db.select({ n: count() }).from(matching))?.n ?? 0;
    },
    workQueuePage(criteria, limit, offset) {
      return all(
        db
          .select()
          .from(tickets)
          .where(criteriaCondition(db, criteria))
          // false sorts before true on both engines: Open first. tier_entered_at is NOT NULL.
          .orderBy(sql`${tickets.status} <> 'open'`, asc(tickets.tierEnteredAt), asc(tickets.id))
          .limit(limit)
          .offset(offset),
      );
    },
    activePage(criteria, limit, offset) {
      // SQLite walks the partial index tickets_active_id by hint; PostgreSQL's planner can use it for this ORDER BY on its own.
      return all(db.select().from(tickets).where(criteriaCondition(db, criteria)).orderBy(desc(tickets.id)).limit(limit).offset(offset));
    },
    newestPage(criteria, limit, offset) {
      return all(db.select().from(tickets).where(criteriaCondition(db, criteria)).orderBy(desc(tickets.id)).limit(limit).offset(offset));
    },
    titleById(id) {
      return get(db.select({ id: tickets.id, title: tickets.title }).from(tickets).where(eq(tickets.id, id)));
    },
    childrenOf(id) {
      return all(
        db
          .select({ id: tickets.id, title: tickets.title, status: tickets.status, kind: sql<'split' | 'follow-up'>`coalesce(${tickets.parentKind}, 'split')` })
          .from(tickets)
          .where(eq(tickets.parentId, id))
          .orderBy(asc(tickets.id)),
      );
    },
    knownIssueSummary(knownIssueId) {
      return get(db.select({ id: knownIssues.id, title: knownIssues.title, status: knownIssues.status }).from(knownIssues).where(eq(knownIssues.id, knownIssueId)));
    },
    awaitingAcknowledgement(ticketId) {
      return (
        get(
          db
            .select({ id: oncallEscalations.id })
            .from(oncallEscalations)
            .where(and(eq(oncallEscalations.ticketId, ticketId), isNull(oncallEscalations.acknowledgedAt)))
            .limit(1),
        ) !== undefined
      );
    },
    earlierFromRequester(requester, beforeId) {
      const earlier = db
        .select({ one: sql`1`.as('one') })
        .from(tickets)
        .where(and(eq(tickets.requester, requester), sql`${tickets.id} < ${beforeId}`))
        .limit(EARLIER_TICKETS_COUNTED)
        .as('earlier');
      return get(db.select({ n: count() }).from(earlier))?.n ?? 0;
    },
    statusTimersDue(now, limit) {
      // SQLite walks tickets_status_timer (status_timer_at, then rowid): ties in id order. NULLs never match lte.
      return all(db.select().from(tickets).where(lte(tickets.statusTimerAt, now)).orderBy(asc(tickets.statusTimerAt), asc(tickets.id)).limit(limit));
    },
    repliesOverdue(now, limit) {
      // No ORDER BY in SQLite, whose answer comes in the order of tickets_reply_due (reply_due_at, then rowid): spelled out here.
      return all(
        db
          .select()
          .from(tickets)
          .where(and(isNull(tickets.replyWarnedAt), lte(tickets.replyDueAt, now)))
          .orderBy(asc(tickets.replyDueAt), asc(tickets.id))
          .limit(limit),
      );
    },
    reparentChildren(fromId, intoId) {
      // RETURNING has no order in PostgreSQL; SQLite's comes in id order (through tickets_parent).
      return all(
        db
          .update(tickets)
          .set({ parentId: intoId })
          .where(and(eq(tickets.parentId, fromId), sql`${tickets.id} <> ${intoId}`))
          .returning({ id: tickets.id }),
      )
        .map((r) => r.id)
        .sort((a, b) => a - b);
    },
    moveAnswerRecords(fromId, intoId) {
      run(db.update(replySignatures).set({ ticketId: intoId }).where(eq(replySignatures.ticketId, fromId)));
      run(db.update(answerClusterMembers).set({ ticketId: intoId }).where(eq(answerClusterMembers.ticketId, fromId)));
    },
    moveFollowers(fromId, intoId) {
      const already = all(db.select({ id: ticketFollowers.personId }).from(ticketFollowers).where(eq(ticketFollowers.ticketId, intoId))).map((r) => r.id);
      const moved = run(
        db
          .update(ticketFollowers)
          .set({ ticketId: intoId })
          .where(and(eq(ticketFollowers.ticketId, fromId), already.length > 0 ? notInArray(ticketFollowers.personId, already) : undefined)),
      ).changes;
      run(db.delete(ticketFollowers).where(eq(ticketFollowers.ticketId, fromId)));
      return moved;
    },
  };
}
