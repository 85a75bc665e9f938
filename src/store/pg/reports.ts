/** The ReportRepository on PostgreSQL (port of src/store/sqlite/reports.ts). */
import { and, asc, count, eq, gte, inArray, isNotNull, isNull, lt, ne, sql } from 'drizzle-orm';
import { ACTIVE_STATUSES } from '../../domain/lifecycle.js';
import type { ReportRepository } from '../repositories/reports.js';
import type { PgHandles } from './handles.js';
import { auditEvents, comments, knownIssues, outbox, slaClocks, tags, tickets, ticketTags } from './schema.js';
import { all, get } from './session.js';

export function pgReport(handles: PgHandles): ReportRepository {
  const { db } = handles;
  return {
    clockEntries(from, to, tier) {
      // In no order by contract; SQLite reads them through its entered-at index, so that order here too.
      return all(
        db
          .select({ clock: slaClocks, priority: tickets.priority, department: tickets.department })
          .from(slaClocks)
          .innerJoin(tickets, eq(tickets.id, slaClocks.ticketId))
          .where(and(gte(slaClocks.enteredAt, from), lt(slaClocks.enteredAt, to), tier ? eq(slaClocks.tier, tier) : undefined))
          .orderBy(asc(slaClocks.enteredAt), asc(slaClocks.id)),
      );
    },

    publicStaffReplyTimes(ticketIds) {
      return all(
        db
          .select({ ticketId: comments.ticketId, at: comments.createdAt })
          .from(comments)
          .where(and(inArray(comments.ticketId, [...ticketIds]), eq(comments.visibility, 'public'), isNotNull(comments.authorId))),
      );
    },

    ticketsOpened(from, to, tier) {
      return all(
        db
          .select({ id: tickets.id, tier: tickets.tier, createdAt: tickets.createdAt })
          .from(tickets)
          .where(and(gte(tickets.createdAt, from), lt(tickets.createdAt, to), tier ? eq(tickets.tier, tier) : undefined)),
      );
    },

    firstResolvedAt(ticketIds) {
      // SQLite keeps instants as milliseconds and answers min(at) as one; timestamptz to the millisecond gives it exactly.
      return all(
        db
          .select({ id: auditEvents.entityId, at: sql<number>`floor(extract(epoch from min(${auditEvents.at})) * 1000)`.mapWith(Number) })
          .from(auditEvents)
          .where(and(eq(auditEvents.entity, 'ticket'), inArray(auditEvents.entityId, ticketIds.map(String)), sql`${auditEvents.after} ->> 'status' = 'resolved'`))
          .groupBy(auditEvents.entityId),
      );
    },

    entriesByWeekAndBand(bounds, tier) {
      // The week of each clock by the exact local week boundaries (DST included); the index is a literal (a bound parameter would make the CASE text).
      const week = sql.join(
        bounds.slice(1).map((end, i) => sql`WHEN ${slaClocks.enteredAt} < ${end.toISOString()}::timestamptz THEN ${sql.raw(String(i))}`),
        sql` `,
      );
      return all(
        db
          .select({ tier: slaClocks.tier, band: slaClocks.band, week: sql<number | null>`CASE ${week} END`.mapWith((v: unknown) => (v === null ? null : Number(v))), n: sql<number>`count(*)`.mapWith(Number) })
          .from(slaClocks)
          .where(and(gte(slaClocks.enteredAt, bounds[0]!), lt(slaClocks.enteredAt, bounds.at(-1)!), tier ? eq(slaClocks.tier, tier) : undefined))
          .groupBy(sql`1, 2, 3`),
      );
    },

    unresolvedKnownIssueCounts() {
      // SQLite sums the booleans `status IN (…)`; PostgreSQL counts the matching tickets with a filter.
      return all(
        db
          .select({
            id: knownIssues.id,
            title: knownIssues.title,
            status: knownIssues.status,
            partnerRef: knownIssues.partnerRef,
            total: count(tickets.id),
            active: sql<number>`count(${tickets.id}) filter (where ${inArray(tickets.status, [...ACTIVE_STATUSES])})`.mapWith(Number),
          })
          .from(knownIssues)
          .leftJoin(tickets, eq(tickets.knownIssueId, knownIssues.id))
          .where(ne(knownIssues.status, 'resolved'))
          .groupBy(knownIssues.id),
      );
    },

    processTagsOfTicketsUpdated(from, to) {
      return all(
        db
          .select({ ticketId: tickets.id, title: tickets.title, family: tags.family, name: tags.name })
          .from(ticketTags)
          .innerJoin(tags, eq(tags.id, ticketTags.tagId))
          .innerJoin(tickets, eq(tickets.id, ticketTags.ticketId))
          .where(and(eq(tags.family, 'process'), gte(tickets.updatedAt, from), lt(tickets.updatedAt, to)))
          .orderBy(asc(tickets.id)),
      );
    },

    areaAndTypeTagsOfUnlinkedTicketsSince(since) {
      // SQLite forces its creation index with INDEXED BY; PostgreSQL's planner picks its own way.
      return all(
        db
          .select({ ticketId: tickets.id, family: tags.family, name: tags.name, slug: tags.slug })
          .from(tickets)
          .innerJoin(ticketTags, eq(ticketTags.ticketId, tickets.id))
          .innerJoin(tags, eq(tags.id, ticketTags.tagId))
          .where(and(gte(tickets.createdAt, since), isNull(tickets.knownIssueId), inArray(tickets.status, [...ACTIVE_STATUSES]), inArray(tags.family, ['area', 'type']))),
      );
    },

    queuedWithKeyPrefixSince(prefix, since) {
      // SQLite's keyStartsWith is a byte range on the key (BINARY collation); PostgreSQL's text order
      // follows the database's locale, so the prefix is tested as such.
      return get(db.select({ id: outbox.id }).from(outbox).where(and(sql`starts_with(${outbox.dedupeKey}, ${prefix})`, gte(outbox.createdAt, since))).limit(1)) !== undefined;
    },

    linkedTicketsOfUnresolvedKnownIssues() {
      return all(
        db
          .select({ id: knownIssues.id, title: knownIssues.title, linked: count(tickets.id) })
          .from(knownIssues)
          .innerJoin(tickets, eq(tickets.knownIssueId, knownIssues.id))
          .where(ne(knownIssues.status, 'resolved'))
          .groupBy(knownIssues.id),
      );
    },
  };
}
