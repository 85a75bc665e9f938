/** The DigestRepository on PostgreSQL (port of src/store/sqlite/digest.ts). */
import { and, asc, count, eq, gte, inArray, isNotNull, lt, or, sql, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import { ACTIVE_STATUSES } from '../../domain/lifecycle.js';
import type { Tier } from '../../domain/vocabulary.js';
import type { DigestRepository } from '../repositories/digest.js';
import type { PgHandles } from './handles.js';
import { auditEvents, guardEntries, knownIssues, oncallEscalations, outbox, people, slaClocks, tickets } from './schema.js';
import { all, get } from './session.js';

/**
 * A JSON column's value as the text the interface promises (SQLite hands back the stored text).
 * jsonb keeps no key order and no formatting: the text is JSON.stringify of the value, with the
 * keys in jsonb's order (shorter keys first), so it parses to the same value as SQLite's but may
 * not be the same string.
 */
const jsonText = (value: unknown): string | null => (value === null || value === undefined ? null : JSON.stringify(value));

/** Whether a JSON column's text names `key` (SQLite: instr(column, '"key"'), a match anywhere in the text). */
const names = (column: PgColumn, key: string): SQL => sql`strpos(${column}::text, ${`"${key}"`}) > 0`;

export function pgDigest(handles: PgHandles): DigestRepository {
  const { db } = handles;
  return {
    ticketChangesSince(since) {
      // SQLite forces its time index with INDEXED BY; PostgreSQL's planner picks its own way.
      return all(
        db
          .select({ entityId: auditEvents.entityId, before: auditEvents.before })
          .from(auditEvents)
          .where(and(gte(auditEvents.at, since), eq(auditEvents.entity, 'ticket'), isNotNull(auditEvents.before)))
          .orderBy(asc(auditEvents.id)),
      ).map((row) => ({ entityId: row.entityId, before: jsonText(row.before)! }));
    },

    trackedFieldsOf(ticketIds) {
      // SQLite walks the primary key for the IN list: by id.
      return all(
        db
          .select({ id: tickets.id, status: tickets.status, tier: tickets.tier, team: tickets.team, createdAt: tickets.createdAt })
          .from(tickets)
          .where(inArray(tickets.id, [...ticketIds]))
          .orderBy(asc(tickets.id)),
      );
    },

    openedByTier(from, to) {
      // The tier each ticket was opened in: its first clock's, else its tier now (table names spelled
      // out, as on SQLite, so the subquery is tied to each ticket).
      const openedTier = sql<Tier>`coalesce((SELECT "sla_clocks"."tier" FROM "sla_clocks" WHERE "sla_clocks"."ticket_id" = "tickets"."id" ORDER BY "sla_clocks"."id" LIMIT 1), "tickets"."tier")`;
      // SQLite's GROUP BY answers in the groups' order: ordered so here.
      return all(
        db
          .select({ tier: openedTier, n: sql<number>`count(*)`.mapWith(Number) })
          .from(tickets)
          .where(and(gte(tickets.createdAt, from), lt(tickets.createdAt, to)))
          .groupBy(openedTier)
          .orderBy(openedTier),
      );
    },

    resolvedByTier(from, to) {
      // The tier a ticket was in when it was resolved: the tier entry open at that instant.
      const ticketId = sql`cast(${auditEvents.entityId} as integer)`;
      const tierThen = sql<Tier>`coalesce((SELECT ${slaClocks.tier} FROM ${slaClocks} WHERE ${slaClocks.ticketId} = ${ticketId} AND ${slaClocks.enteredAt} <= ${auditEvents.at} ORDER BY ${slaClocks.id} DESC LIMIT 1), (SELECT ${tickets.tier} FROM ${tickets} WHERE ${tickets.id} = ${ticketId}))`;
      return all(
        db
          .select({ tier: tierThen, n: sql<number>`count(distinct ${auditEvents.entityId})`.mapWith(Number) })
          .from(auditEvents)
          .where(and(gte(auditEvents.at, from), lt(auditEvents.at, to), eq(auditEvents.entity, 'ticket'), sql`${auditEvents.after} ->> 'status' = 'resolved'`))
          .groupBy(sql`1`)
          .orderBy(sql`1 nulls first`),
      );
    },

    activeByTier(before) {
      return all(
        db
          .select({ tier: tickets.tier, n: sql<number>`count(*)`.mapWith(Number) })
          .from(tickets)
          .where(and(inArray(tickets.status, [...ACTIVE_STATUSES]), lt(tickets.createdAt, before)))
          .groupBy(tickets.tier)
          .orderBy(asc(tickets.tier)),
      );
    },

    statusOrTeamEventsSince(ticketIds, since) {
      // Only events whose JSON names a status or a team (see the SQLite repository). Ordered by the
      // ticket id as text, byte order as SQLite's ('10' before '2'), then by event.
      return all(
        db
          .select({ entityId: auditEvents.entityId, at: auditEvents.at, before: auditEvents.before, after: auditEvents.after })
          .from(auditEvents)
          .where(
            and(
              eq(auditEvents.entity, 'ticket'),
              inArray(auditEvents.entityId, ticketIds.map(String)),
              gte(auditEvents.at, since),
              or(names(auditEvents.before, 'status'), names(auditEvents.before, 'team'), names(auditEvents.after, 'status'), names(auditEvents.after, 'team')),
            ),
          )
          .orderBy(sql`${auditEvents.entityId} collate "C"`, asc(auditEvents.id)),
      ).map((row) => ({ entityId: row.entityId, at: row.at.getTime(), before: jsonText(row.before), after: jsonText(row.after) }));
    },

    weekEntries(from, to) {
      // No order by contract; SQLite reads them through its entered-at index, so that order here too.
      return all(
        db
          .select({
            ticketId: slaClocks.ticketId,
            tier: slaClocks.tier,
            enteredAt: slaClocks.enteredAt,
            leftAt: slaClocks.leftAt,
            usedMs: slaClocks.usedMs,
            runningSince: slaClocks.runningSince,
            band: slaClocks.band,
            priority: tickets.priority,
            department: tickets.department,
            status: tickets.status,
            ticketTier: tickets.tier,
            team: tickets.team,
          })
          .from(slaClocks)
          .innerJoin(tickets, eq(tickets.id, slaClocks.ticketId))
          .where(and(gte(slaClocks.enteredAt, from), lt(slaClocks.enteredAt, to)))
          .orderBy(asc(slaClocks.enteredAt), asc(slaClocks.id)),
      );
    },

    escalationsBefore(before) {
      return all(
        db
          .select({ escalation: oncallEscalations, ticket: { id: tickets.id, title: tickets.title, status: tickets.status, tier: tickets.tier, team: tickets.team } })
          .from(oncallEscalations)
          .innerJoin(tickets, eq(tickets.id, oncallEscalations.ticketId))
          .where(lt(oncallEscalations.escalatedAt, before))
          .orderBy(asc(oncallEscalations.escalatedAt), asc(oncallEscalations.id)),
      );
    },

    knownIssueEvents(from, to) {
      return all(
        db
          .select({ entityId: auditEvents.entityId, action: auditEvents.action, after: auditEvents.after })
          .from(auditEvents)
          .where(and(eq(auditEvents.entity, 'known_issue'), gte(auditEvents.at, from), lt(auditEvents.at, to)))
          .orderBy(asc(auditEvents.id)),
      );
    },

    knownIssuesByIds(ids) {
      return all(
        db
          .select()
          .from(knownIssues)
          .where(inArray(knownIssues.id, [...ids]))
          .orderBy(asc(knownIssues.id)),
      );
    },

    linkedTicketCount(knownIssueId) {
      return get(db.select({ n: count() }).from(tickets).where(eq(tickets.knownIssueId, knownIssueId)))?.n ?? 0;
    },

    peopleInTier(tier) {
      return all(db.select({ id: people.id }).from(people).where(eq(people.tier, tier)).orderBy(asc(people.id))).map((p) => p.id);
    },

    guardEntriesFor(weekStart) {
      // Week starts are ISO dates compared as text: byte order, as SQLite compares them.
      return all(
        db
          .select()
          .from(guardEntries)
          .where(sql`${guardEntries.weekStart} = ${weekStart} OR (${guardEntries.kind} = 'loop' AND ${guardEntries.closedAt} IS NULL AND ${guardEntries.weekStart} collate "C" < ${weekStart})`)
          .orderBy(asc(guardEntries.id)),
      ).map((g) => ({ id: g.id, kind: g.kind, body: g.body, closed: g.closedAt !== null }));
    },

    queuedAt(dedupeKey) {
      return get(db.select({ createdAt: outbox.createdAt }).from(outbox).where(eq(outbox.dedupeKey, dedupeKey)).limit(1))?.createdAt;
    },

    digestPostedEvent(digestKey) {
      return get(
        db
          .select({ at: auditEvents.at, by: auditEvents.actorLabel })
          .from(auditEvents)
          .where(and(eq(auditEvents.entity, 'guard'), eq(auditEvents.entityId, digestKey), eq(auditEvents.action, 'digest.posted')))
          .orderBy(asc(auditEvents.id))
          .limit(1),
      );
    },

    hasActivityBefore(instant) {
      return get(db.select({ id: auditEvents.id }).from(auditEvents).where(lt(auditEvents.at, instant)).limit(1)) !== undefined;
    },
  };
}
