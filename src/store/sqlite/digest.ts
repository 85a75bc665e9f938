/** The DigestRepository on SQLite. */
import { and, asc, count, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import { ACTIVE_STATUSES } from '../../domain/lifecycle.js';
import type { Tier } from '../../domain/vocabulary.js';
import { preparedStatement } from '../prepared.js';
import type { DigestRepository, StoredTicketChange, StoredTicketEvent, WeekEntry } from '../repositories/digest.js';
import { auditEvents, guardEntries, knownIssues, oncallEscalations, outbox, people, slaClocks, tickets } from '../schema.js';
import type { SqliteHandles } from './handles.js';

/** See `ticketChangesSince` on the repository: the time index reads only the events since. */
const ticketChangesSince = preparedStatement(
  `SELECT ENTITY_ID AS "entityId", BEFORE AS "before" FROM AUDIT_EVENTS INDEXED BY AUDIT_AT WHERE AT >= ? AND ENTITY = 'ticket' AND BEFORE IS NOT NULL ORDER BY ID`,
);

// Only events whose JSON names a status or a team: a comment, a tag or an assignment cannot start
// or stop a clock, and on the busy week they are a third of the rows to read and parse.
const ticketsEventsSince = (count: number) =>
  `SELECT ENTITY_ID AS "entityId", AT AS "at", BEFORE AS "before", AFTER AS "after" FROM AUDIT_EVENTS WHERE ENTITY = 'ticket' AND ENTITY_ID IN (${Array(count).fill('?').join(', ')}) AND AT >= ?
     AND (instr(BEFORE, '"status"') OR instr(BEFORE, '"team"') OR instr(AFTER, '"status"') OR instr(AFTER, '"team"')) ORDER BY ENTITY_ID, ID`;

/** The week's tier entries, with only the ticket columns the bands need (whole rows cost three times as much to read). */
const weekEntries = preparedStatement(
  `SELECT SLA_CLOCKS.TICKET_ID AS "ticketId", SLA_CLOCKS.TIER AS "tier", SLA_CLOCKS.ENTERED_AT AS "enteredAt", SLA_CLOCKS.LEFT_AT AS "leftAt", SLA_CLOCKS.USED_MS AS "usedMs",
     SLA_CLOCKS.RUNNING_SINCE AS "runningSince", SLA_CLOCKS.BAND AS "band", TICKETS.PRIORITY AS "priority", TICKETS.DEPARTMENT AS "department", TICKETS.STATUS AS "status",
     TICKETS.TIER AS "ticketTier", TICKETS.TEAM AS "team"
   FROM SLA_CLOCKS JOIN TICKETS ON TICKETS.ID = SLA_CLOCKS.TICKET_ID WHERE SLA_CLOCKS.ENTERED_AT >= ? AND SLA_CLOCKS.ENTERED_AT < ?`,
);

/** A week entry as read: its instants in milliseconds. */
type StoredWeekEntry = Omit<WeekEntry, 'enteredAt' | 'leftAt' | 'runningSince'> & { enteredAt: number; leftAt: number | null; runningSince: number | null };

export function sqliteDigest(handles: SqliteHandles): DigestRepository {
  const { db } = handles;
  return {
    ticketChangesSince(since) {
      return ticketChangesSince(handles).raw(false).all(since.getTime()) as StoredTicketChange[];
    },

    trackedFieldsOf(ticketIds) {
      return db.select({ id: tickets.id, status: tickets.status, tier: tickets.tier, team: tickets.team, createdAt: tickets.createdAt }).from(tickets).where(inArray(tickets.id, [...ticketIds])).all();
    },

    openedByTier(from, to) {
      // Spelled with table names: drizzle writes a one-table select's columns bare in the SELECT list,
      // where "id" inside the subquery would be the clock's own (every group then got one label).
      const openedTier = sql<Tier>`coalesce((SELECT "sla_clocks"."tier" FROM "sla_clocks" WHERE "sla_clocks"."ticket_id" = "tickets"."id" ORDER BY "sla_clocks"."id" LIMIT 1), "tickets"."tier")`;
      return db.select({ tier: openedTier, n: sql<number>`count(*)` }).from(tickets).where(and(gte(tickets.createdAt, from), lt(tickets.createdAt, to))).groupBy(openedTier).all();
    },

    resolvedByTier(from, to) {
      // The tier a ticket was in when it was resolved: the tier entry open at that instant.
      const ticketId = sql`cast(${auditEvents.entityId} as integer)`;
      const tierThen = sql<Tier>`coalesce((SELECT ${slaClocks.tier} FROM ${slaClocks} WHERE ${slaClocks.ticketId} = ${ticketId} AND ${slaClocks.enteredAt} <= ${auditEvents.at} ORDER BY ${slaClocks.id} DESC LIMIT 1), (SELECT ${tickets.tier} FROM ${tickets} WHERE ${tickets.id} = ${ticketId}))`;
      return (
        db
          .select({ tier: tierThen, n: sql<number>`count(distinct ${auditEvents.entityId})` })
          .from(auditEvents)
          // The week's events by time: `+entity` keeps SQLite off the entity index (as in ticketChangesSince).
          .where(and(gte(auditEvents.at, from), lt(auditEvents.at, to), sql`+${auditEvents.entity} = 'ticket'`, sql`json_extract(${auditEvents.after}, '$.status') = 'resolved'`))
          .groupBy(tierThen)
          .all()
      );
    },

    activeByTier(before) {
      return db.select({ tier: tickets.tier, n: sql<number>`count(*)` }).from(tickets).where(and(inArray(tickets.status, [...ACTIVE_STATUSES]), lt(tickets.createdAt, before))).groupBy(tickets.tier).all();
    },

    statusOrTeamEventsSince(ticketIds, since) {
      return handles.sqlite.prepare(ticketsEventsSince(ticketIds.length)).raw(false).all(...ticketIds.map(String), since.getTime()) as StoredTicketEvent[];
    },

    weekEntries(from, to) {
      const instant = (ms: number | null) => (ms === null ? null : new Date(ms));
      return (weekEntries(handles).raw(false).all(from.getTime(), to.getTime()) as StoredWeekEntry[]).map(
        (row): WeekEntry => ({ ...row, enteredAt: new Date(row.enteredAt), leftAt: instant(row.leftAt), runningSince: instant(row.runningSince) }),
      );
    },

    escalationsBefore(before) {
      return db
        .select({ escalation: oncallEscalations, ticket: { id: tickets.id, title: tickets.title, status: tickets.status, tier: tickets.tier, team: tickets.team } })
        .from(oncallEscalations)
        .innerJoin(tickets, eq(tickets.id, oncallEscalations.ticketId))
        .where(lt(oncallEscalations.escalatedAt, before))
        .orderBy(oncallEscalations.escalatedAt)
        .all();
    },

    knownIssueEvents(from, to) {
      return db
        .select({ entityId: auditEvents.entityId, action: auditEvents.action, after: auditEvents.after })
        .from(auditEvents)
        .where(and(eq(auditEvents.entity, 'known_issue'), gte(auditEvents.at, from), lt(auditEvents.at, to)))
        .orderBy(auditEvents.id)
        .all();
    },

    knownIssuesByIds(ids) {
      return db.select().from(knownIssues).where(inArray(knownIssues.id, [...ids])).all();
    },

    linkedTicketCount(knownIssueId) {
      return db.select({ n: count() }).from(tickets).where(eq(tickets.knownIssueId, knownIssueId)).get()?.n ?? 0;
    },


    peopleInTier(tier) {
      return db
        .select({ id: people.id })
        .from(people)
        .where(eq(people.tier, tier))
        .all()
        .map((p) => p.id);
    },

    guardEntriesFor(weekStart) {
      return db
        .select()
        .from(guardEntries)
        .where(sql`${guardEntries.weekStart} = ${weekStart} OR (${guardEntries.kind} = 'loop' AND ${guardEntries.closedAt} IS NULL AND ${guardEntries.weekStart} < ${weekStart})`)
        .orderBy(guardEntries.id)
        .all()
        .map((g) => ({ id: g.id, kind: g.kind, body: g.body, closed: g.closedAt !== null }));
    },

    queuedAt(dedupeKey) {
      return db.select({ createdAt: outbox.createdAt }).from(outbox).where(eq(outbox.dedupeKey, dedupeKey)).get()?.createdAt;
    },

    digestPostedEvent(digestKey) {
      return db
        .select({ at: auditEvents.at, by: auditEvents.actorLabel })
        .from(auditEvents)
        .where(and(eq(auditEvents.entity, 'guard'), eq(auditEvents.entityId, digestKey), eq(auditEvents.action, 'digest.posted')))
        .orderBy(asc(auditEvents.id))
        .get();
    },

    hasActivityBefore(instant) {
      return db.select({ id: auditEvents.id }).from(auditEvents).where(lt(auditEvents.at, instant)).limit(1).get() !== undefined;
    },
  };
}
