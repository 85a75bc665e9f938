/**
 * The KnownIssueRepository on PostgreSQL: the SQLite implementation (../sqlite/known-issues.ts)
 * ported query by query. Where the SQLite query has no ORDER BY, its rows come in the order SQLite's
 * planner walks; each such query here says that order explicitly, so both engines answer alike.
 */
import { and, asc, count, desc, eq, inArray, ne, sql } from 'drizzle-orm';
import { ACTIVE_STATUSES } from '../../domain/lifecycle.js';
import type { KnownIssueRepository } from '../repositories/known-issues.js';
import type { PgHandles } from './handles.js';
import { knownIssueNotes, knownIssues, tags, tickets, ticketTags } from './schema.js';
import { all, get, run } from './session.js';

export function pgKnownIssue(handles: PgHandles): KnownIssueRepository {
  const { db } = handles;
  return {
    byId(id) {
      return get(db.select().from(knownIssues).where(eq(knownIssues.id, id)));
    },
    highestId() {
      // max() of an integer is an integer (a number); NULL (no rows) stays null.
      return get(db.select({ max: sql<number | null>`max(${knownIssues.id})`.mapWith(Number) }).from(knownIssues))?.max ?? null;
    },
    unresolvedBySlug(slug) {
      // SQLite scans the table: the first match by id.
      return get(
        db
          .select()
          .from(knownIssues)
          .where(and(eq(knownIssues.slug, slug), ne(knownIssues.status, 'resolved')))
          .orderBy(asc(knownIssues.id))
          .limit(1),
      );
    },
    insertIssue(row) {
      return get(db.insert(knownIssues).values(row).returning())!;
    },
    listWithLinkedCounts(includeResolved) {
      // Grouping by the primary key lets the issue's other columns be selected (functional dependency).
      return all(
        db
          .select({ issue: knownIssues, linkedCount: count(tickets.id) })
          .from(knownIssues)
          .leftJoin(tickets, eq(tickets.knownIssueId, knownIssues.id))
          .where(includeResolved ? undefined : ne(knownIssues.status, 'resolved'))
          .groupBy(knownIssues.id)
          .orderBy(desc(knownIssues.id)),
      );
    },
    touch(id, at) {
      run(db.update(knownIssues).set({ updatedAt: at }).where(eq(knownIssues.id, id)));
    },
    updateStatus(id, status, at) {
      return get(db.update(knownIssues).set({ status, updatedAt: at }).where(eq(knownIssues.id, id)).returning())!;
    },
    setPartnerRef(id, partnerRef, at) {
      run(db.update(knownIssues).set({ partnerRef, updatedAt: at }).where(eq(knownIssues.id, id)));
    },
    setIssueTagRetired(tagId, retiredAt) {
      run(db.update(tags).set({ retiredAt }).where(eq(tags.id, tagId)));
    },

    linkedCount(id) {
      return get(db.select({ n: count() }).from(tickets).where(eq(tickets.knownIssueId, id)))?.n ?? 0;
    },
    linkedTickets(id) {
      return all(
        db
          .select({ id: tickets.id, title: tickets.title, status: tickets.status, priority: tickets.priority, tier: tickets.tier })
          .from(tickets)
          .where(eq(tickets.knownIssueId, id))
          .orderBy(tickets.id),
      );
    },
    activeLinkedTicketIds(id) {
      return all(
        db
          .select({ id: tickets.id })
          .from(tickets)
          .where(and(eq(tickets.knownIssueId, id), inArray(tickets.status, [...ACTIVE_STATUSES])))
          .orderBy(tickets.id),
      ).map((r) => r.id);
    },
    activeLinkedTicketOwners(id) {
      // SQLite walks tickets_known_issue (known_issue_id): by id.
      return all(
        db
          .select({ id: tickets.id, assigneeId: tickets.assigneeId, tier: tickets.tier })
          .from(tickets)
          .where(and(eq(tickets.knownIssueId, id), inArray(tickets.status, [...ACTIVE_STATUSES])))
          .orderBy(asc(tickets.id)),
      );
    },
    ticketsToLink(ids) {
      // SQLite looks the ids up in ascending order, whatever order they are given in.
      return ids.length > 0 ? all(db.select().from(tickets).where(inArray(tickets.id, [...ids])).orderBy(asc(tickets.id))) : [];
    },
    tagsOfLinkedTickets(issueIds, families) {
      // The interface leaves the order open and SQLite's follows its plan (tickets first or tags first,
      // by how many ids and families are asked for); its one caller gathers the rows into sets. Here:
      // by issue, family and slug (sorted here: SELECT DISTINCT orders only by what it selects, and
      // the columns' collation is not SQLite's byte order).
      const rows = all(
        db
          .selectDistinct({ issueId: tickets.knownIssueId, family: tags.family, slug: tags.slug })
          .from(tickets)
          .innerJoin(ticketTags, eq(ticketTags.ticketId, tickets.id))
          .innerJoin(tags, eq(tags.id, ticketTags.tagId))
          .where(and(inArray(tickets.knownIssueId, [...issueIds]), inArray(tags.family, [...families]))),
      );
      const text = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
      return rows.sort((a, b) => (a.issueId ?? 0) - (b.issueId ?? 0) || text(a.family, b.family) || text(a.slug, b.slug));
    },

    insertNote(row) {
      return get(db.insert(knownIssueNotes).values(row).returning({ id: knownIssueNotes.id }))!.id;
    },
    latestNotes(id, limit) {
      return all(db.select().from(knownIssueNotes).where(eq(knownIssueNotes.knownIssueId, id)).orderBy(desc(knownIssueNotes.id)).limit(limit));
    },
  };
}
