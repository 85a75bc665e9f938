/** The ReportRepository on SQLite. */
import { and, count, eq, gte, inArray, isNotNull, isNull, lt, ne, sql, type SQL } from 'drizzle-orm';
import { ACTIVE_STATUSES } from '../../domain/lifecycle.js';
import type { ReportRepository } from '../repositories/reports.js';
import { auditEvents, comments, knownIssues, outbox, slaClocks, tags, tickets, ticketTags } from '../schema.js';
import type { SqliteHandles } from './handles.js';
import { keyStartsWith } from './outbox.js';

/**
 * Tickets created since `since`, through their creation index: left to itself the planner reaches
 * them through the known-issue index (most tickets have none), a long scan on a big store.
 */
function createdSince(since: Date): SQL {
  return sql`(SELECT ${tickets.id} FROM ${tickets} INDEXED BY tickets_created WHERE ${tickets.createdAt} >= ${since.getTime()})`;
}

export function sqliteReport(handles: SqliteHandles): ReportRepository {
  const { db } = handles;
  return {
    clockEntries(from, to, tier) {
      return db
        .select({ clock: slaClocks, priority: tickets.priority, department: tickets.department })
        .from(slaClocks)
        .innerJoin(tickets, eq(tickets.id, slaClocks.ticketId))
        .where(and(gte(slaClocks.enteredAt, from), lt(slaClocks.enteredAt, to), tier ? eq(slaClocks.tier, tier) : undefined))
        .all();
    },

    publicStaffReplyTimes(ticketIds) {
      return db
        .select({ ticketId: comments.ticketId, at: comments.createdAt })
        .from(comments)
        .where(and(inArray(comments.ticketId, [...ticketIds]), eq(comments.visibility, 'public'), isNotNull(comments.authorId)))
        .all();
    },

    ticketsOpened(from, to, tier) {
      return db
        .select({ id: tickets.id, tier: tickets.tier, createdAt: tickets.createdAt })
        .from(tickets)
        .where(and(gte(tickets.createdAt, from), lt(tickets.createdAt, to), tier ? eq(tickets.tier, tier) : undefined))
        .all();
    },

    firstResolvedAt(ticketIds) {
      return db
        .select({ id: auditEvents.entityId, at: sql<number>`min(${auditEvents.at})` })
        .from(auditEvents)
        .where(and(eq(auditEvents.entity, 'ticket'), inArray(auditEvents.entityId, ticketIds.map(String)), sql`json_extract(${auditEvents.after}, '$.status') = 'resolved'`))
        .groupBy(auditEvents.entityId)
        .all();
    },

    entriesByWeekAndBand(bounds, tier) {
      const starts = bounds.map((at) => at.getTime());
      // The week of each clock by the exact local week boundaries (DST included).
      const week = sql.join(
        starts.slice(1).map((end, i) => sql`WHEN ${slaClocks.enteredAt} < ${end} THEN ${i}`),
        sql` `,
      );
      return db
        .select({ tier: slaClocks.tier, band: slaClocks.band, week: sql<number | null>`CASE ${week} END`, n: sql<number>`count(*)` })
        .from(slaClocks)
        .where(and(gte(slaClocks.enteredAt, new Date(starts[0]!)), lt(slaClocks.enteredAt, new Date(starts.at(-1)!)), tier ? eq(slaClocks.tier, tier) : undefined))
        .groupBy(sql`1, 2, 3`)
        .all();
    },

    unresolvedKnownIssueCounts() {
      return db
        .select({
          id: knownIssues.id,
          title: knownIssues.title,
          status: knownIssues.status,
          partnerRef: knownIssues.partnerRef,
          total: sql<number>`count(${tickets.id})`,
          active: sql<number>`coalesce(sum(${tickets.status} IN (${sql.join(ACTIVE_STATUSES.map((s) => sql`${s}`), sql`, `)})), 0)`,
        })
        .from(knownIssues)
        .leftJoin(tickets, eq(tickets.knownIssueId, knownIssues.id))
        .where(ne(knownIssues.status, 'resolved'))
        .groupBy(knownIssues.id)
        .all();
    },

    processTagsOfTicketsUpdated(from, to) {
      return db
        .select({ ticketId: tickets.id, title: tickets.title, family: tags.family, name: tags.name })
        .from(ticketTags)
        .innerJoin(tags, eq(tags.id, ticketTags.tagId))
        .innerJoin(tickets, eq(tickets.id, ticketTags.ticketId))
        .where(and(eq(tags.family, 'process'), gte(tickets.updatedAt, from), lt(tickets.updatedAt, to)))
        .orderBy(tickets.id)
        .all();
    },


    areaAndTypeTagsOfUnlinkedTicketsSince(since) {
      return db
        .select({ ticketId: tickets.id, family: tags.family, name: tags.name, slug: tags.slug })
        .from(tickets)
        .innerJoin(ticketTags, eq(ticketTags.ticketId, tickets.id))
        .innerJoin(tags, eq(tags.id, ticketTags.tagId))
        .where(and(inArray(tickets.id, createdSince(since)), isNull(tickets.knownIssueId), inArray(tickets.status, [...ACTIVE_STATUSES]), inArray(tags.family, ['area', 'type'])))
        .all();
    },

    queuedWithKeyPrefixSince(prefix, since) {
      return db.select({ id: outbox.id }).from(outbox).where(and(keyStartsWith(prefix), gte(outbox.createdAt, since))).get() !== undefined;
    },

    linkedTicketsOfUnresolvedKnownIssues() {
      return db
        .select({ id: knownIssues.id, title: knownIssues.title, linked: count(tickets.id) })
        .from(knownIssues)
        .innerJoin(tickets, eq(tickets.knownIssueId, knownIssues.id))
        .where(ne(knownIssues.status, 'resolved'))
        .groupBy(knownIssues.id)
        .all();
    },
  };
}
