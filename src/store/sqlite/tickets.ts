/** The TicketRepository on SQLite. */
import { and, asc, count, desc, eq, inArray, isNull, lte, notInArray, sql, type SQL } from 'drizzle-orm';
import { EARLIER_TICKETS_COUNTED, type TicketCriteria, type TicketRepository } from '../repositories/tickets.js';
import { ACTIVE_STATUS_CONDITION, answerClusterMembers, replySignatures, ticketFollowers, tickets, ticketTags } from '../schema.js';
import { preparedStatement, rowInserter, rowReader } from '../prepared.js';
import type { Db, SqliteHandles } from './handles.js';
import { ticketCriteriaCondition } from '../conditions.js';

const ticketRows = rowReader(tickets);
const ticketById = preparedStatement(`SELECT ${ticketRows.columns} FROM tickets WHERE id = ?`);
const insertTicketRow = rowInserter(tickets);

const knownIssueById = preparedStatement('SELECT id, title, status FROM known_issues WHERE id = ?');
const ticketTitleById = preparedStatement('SELECT id, title FROM tickets WHERE id = ?');
const childrenOf = preparedStatement("SELECT id, title, status, coalesce(parent_kind, 'split') AS kind FROM tickets WHERE parent_id = ? ORDER BY id");
const openEscalationOf = preparedStatement('SELECT id FROM oncall_escalations WHERE ticket_id = ? AND acknowledged_at IS NULL LIMIT 1');
const earlierOfRequester = preparedStatement(`SELECT count(*) FROM (SELECT 1 FROM tickets INDEXED BY tickets_requester WHERE requester = ? AND id < ? LIMIT ${EARLIER_TICKETS_COUNTED})`);

/** The WHERE clause of a ticket list (undefined: every ticket): conditions.ts, over this schema's tickets. */
function criteriaCondition(db: Db, criteria: TicketCriteria): SQL | undefined {
  return ticketCriteriaCondition(tickets, ACTIVE_STATUS_CONDITION, (tagIds) => db.select({ id: ticketTags.ticketId }).from(ticketTags).where(inArray(ticketTags.tagId, [...tagIds])), criteria);
}

export function sqliteTicket(handles: SqliteHandles): TicketRepository {
  const { db } = handles;
  const byId = (id: number) => {
    const row = ticketById(handles).raw(true).get(id) as unknown[] | undefined;
    return row && ticketRows.decode(row);
  };
  return {
    byId,
    highestId() {
      return db.select({ max: sql<number | null>`max(${tickets.id})` }).from(tickets).get()?.max ?? null;
    },
    insertComplete(row) {
      return insertTicketRow(handles, row);
    },
    insert(row) {
      return db.insert(tickets).values(row).returning().get();
    },
    update(id, patch) {
      return db.update(tickets).set(patch).where(eq(tickets.id, id)).returning().get();
    },
    setUpdatedAt(id, at) {
      db.update(tickets).set({ updatedAt: at }).where(eq(tickets.id, id)).run();
    },
    markReplyWarned(id, at) {
      db.update(tickets).set({ replyWarnedAt: at }).where(eq(tickets.id, id)).run();
    },
    countMatching(criteria, atMost) {
      const matching = db.select({ one: sql`1` }).from(tickets).where(criteriaCondition(db, criteria)).limit(atMost).as('matching');
      return db.select({ n: count() }).from(matching).get()?.n ?? 0;
    },
    workQueuePage(criteria, limit, offset) {
      return db
        .select()
        .from(tickets)
        .where(criteriaCondition(db, criteria))
        .orderBy(sql`${tickets.status} <> 'open'`, asc(tickets.tierEnteredAt), asc(tickets.id))
        .limit(limit)
        .offset(offset)
        .all();
    },
    /**
     * Walks the partial index of active tickets in id order (the planner would rather sort every
     * active ticket: milliseconds per list at a million tickets).
     */
    activePage(criteria, limit, offset) {
      const where = criteriaCondition(db, criteria)!;
      const ids = db
        .all<{ id: number }>(sql`SELECT ${tickets.id} AS id FROM ${tickets} INDEXED BY tickets_active_id WHERE ${where} ORDER BY ${tickets.id} DESC LIMIT ${limit} OFFSET ${offset}`)
        .map((row) => row.id);
      // A page is ten or so point reads through one prepared statement (building an IN query cost more).
      return ids.map(byId).filter((ticket) => ticket !== undefined);
    },
    newestPage(criteria, limit, offset) {
      return db.select().from(tickets).where(criteriaCondition(db, criteria)).orderBy(desc(tickets.id)).limit(limit).offset(offset).all();
    },
    // Plain columns only (no instants or JSON): the rows of these four need no decoding.
    titleById(id) {
      return ticketTitleById(handles).raw(false).get(id) as { id: number; title: string } | undefined;
    },
    childrenOf(id) {
      return childrenOf(handles).raw(false).all(id) as ReturnType<TicketRepository['childrenOf']>;
    },
    knownIssueSummary(knownIssueId) {
      return knownIssueById(handles).raw(false).get(knownIssueId) as ReturnType<TicketRepository['knownIssueSummary']>;
    },
    awaitingAcknowledgement(ticketId) {
      return openEscalationOf(handles).raw(false).get(ticketId) !== undefined;
    },
    earlierFromRequester(requester, beforeId) {
      return (earlierOfRequester(handles).raw(true).get(requester, beforeId) as [number])[0] ?? 0;
    },
    statusTimersDue(now, limit) {
      return db.select().from(tickets).where(lte(tickets.statusTimerAt, now)).orderBy(tickets.statusTimerAt).limit(limit).all();
    },
    repliesOverdue(now, limit) {
      return db
        .select()
        .from(tickets)
        .where(and(isNull(tickets.replyWarnedAt), lte(tickets.replyDueAt, now)))
        .limit(limit)
        .all();
    },
    reparentChildren(fromId, intoId) {
      return db
        .update(tickets)
        .set({ parentId: intoId })
        .where(and(eq(tickets.parentId, fromId), sql`${tickets.id} <> ${intoId}`))
        .returning({ id: tickets.id })
        .all()
        .map((r) => r.id);
    },
    moveAnswerRecords(fromId, intoId) {
      db.update(replySignatures).set({ ticketId: intoId }).where(eq(replySignatures.ticketId, fromId)).run();
      db.update(answerClusterMembers).set({ ticketId: intoId }).where(eq(answerClusterMembers.ticketId, fromId)).run();
    },
    moveFollowers(fromId, intoId) {
      const already = db.select({ id: ticketFollowers.personId }).from(ticketFollowers).where(eq(ticketFollowers.ticketId, intoId)).all().map((r) => r.id);
      const moved = db
        .update(ticketFollowers)
        .set({ ticketId: intoId })
        .where(and(eq(ticketFollowers.ticketId, fromId), already.length > 0 ? notInArray(ticketFollowers.personId, already) : undefined))
        .run().changes;
      db.delete(ticketFollowers).where(eq(ticketFollowers.ticketId, fromId)).run();
      return moved;
    },
  };
}
