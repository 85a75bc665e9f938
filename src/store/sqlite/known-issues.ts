/** The KnownIssueRepository on SQLite. */
import { and, desc, eq, inArray, ne, sql } from 'drizzle-orm';
import { ACTIVE_STATUSES } from '../../domain/lifecycle.js';
import type { KnownIssueRepository } from '../repositories/known-issues.js';
import { knownIssueNotes, knownIssues, tags, tickets, ticketTags } from '../schema.js';
import type { SqliteHandles } from './handles.js';

export function sqliteKnownIssue(handles: SqliteHandles): KnownIssueRepository {
  const { db } = handles;
  return {
    byId(id) {
      return db.select().from(knownIssues).where(eq(knownIssues.id, id)).get();
    },
    highestId() {
      return db.select({ max: sql<number | null>`max(${knownIssues.id})` }).from(knownIssues).get()?.max ?? null;
    },
    unresolvedBySlug(slug) {
      return db
        .select()
        .from(knownIssues)
        .where(and(eq(knownIssues.slug, slug), ne(knownIssues.status, 'resolved')))
        .get();
    },
    insertIssue(row) {
      return db.insert(knownIssues).values(row).returning().get();
    },
    listWithLinkedCounts(includeResolved) {
      return db
        .select({ issue: knownIssues, linkedCount: sql<number>`count(${tickets.id})` })
        .from(knownIssues)
        .leftJoin(tickets, eq(tickets.knownIssueId, knownIssues.id))
        .where(includeResolved ? undefined : ne(knownIssues.status, 'resolved'))
        .groupBy(knownIssues.id)
        .orderBy(desc(knownIssues.id))
        .all();
    },
    touch(id, at) {
      db.update(knownIssues).set({ updatedAt: at }).where(eq(knownIssues.id, id)).run();
    },
    updateStatus(id, status, at) {
      return db
        .update(knownIssues)
        .set({ status, updatedAt: at })
        .where(eq(knownIssues.id, id))
        .returning()
        .get();
    },
    setPartnerRef(id, partnerRef, at) {
      db.update(knownIssues).set({ partnerRef, updatedAt: at }).where(eq(knownIssues.id, id)).run();
    },
    setIssueTagRetired(tagId, retiredAt) {
      db.update(tags).set({ retiredAt }).where(eq(tags.id, tagId)).run();
    },

    linkedCount(id) {
      return (
        db
          .select({ n: sql<number>`count(*)` })
          .from(tickets)
          .where(eq(tickets.knownIssueId, id))
          .get()?.n ?? 0
      );
    },
    linkedTickets(id) {
      return db
        .select({ id: tickets.id, title: tickets.title, status: tickets.status, priority: tickets.priority, tier: tickets.tier })
        .from(tickets)
        .where(eq(tickets.knownIssueId, id))
        .orderBy(tickets.id)
        .all();
    },
    activeLinkedTicketIds(id) {
      return db
        .select({ id: tickets.id })
        .from(tickets)
        .where(and(eq(tickets.knownIssueId, id), inArray(tickets.status, [...ACTIVE_STATUSES])))
        .orderBy(tickets.id)
        .all()
        .map((r) => r.id);
    },
    activeLinkedTicketOwners(id) {
      return db
        .select({ id: tickets.id, assigneeId: tickets.assigneeId, tier: tickets.tier })
        .from(tickets)
        .where(and(eq(tickets.knownIssueId, id), inArray(tickets.status, [...ACTIVE_STATUSES])))
        .all();
    },
    ticketsToLink(ids) {
      return ids.length > 0 ? db.select().from(tickets).where(inArray(tickets.id, [...ids])).all() : [];
    },
    tagsOfLinkedTickets(issueIds, families) {
      return db
        .selectDistinct({ issueId: tickets.knownIssueId, family: tags.family, slug: tags.slug })
        .from(tickets)
        .innerJoin(ticketTags, eq(ticketTags.ticketId, tickets.id))
        .innerJoin(tags, eq(tags.id, ticketTags.tagId))
        .where(and(inArray(tickets.knownIssueId, [...issueIds]), inArray(tags.family, [...families])))
        .all();
    },

    insertNote(row) {
      return db.insert(knownIssueNotes).values(row).returning({ id: knownIssueNotes.id }).get().id;
    },
    latestNotes(id, limit) {
      return db
        .select()
        .from(knownIssueNotes)
        .where(eq(knownIssueNotes.knownIssueId, id))
        .orderBy(desc(knownIssueNotes.id))
        .limit(limit)
        .all();
    },
  };
}
