/** The TagRepository on SQLite. */
import { and, eq, gte, inArray, isNull, lt, ne, sql } from 'drizzle-orm';
import type { TagRepository } from '../repositories/tags.js';
import { tags, tickets, ticketTags } from '../schema.js';
import { preparedQuery } from '../prepared.js';
import type { SqliteHandles } from './handles.js';

const tagsOfTicketQuery = preparedQuery((db) =>
  db
    .select({ id: tags.id, family: tags.family, name: tags.name, slug: tags.slug, retiredAt: tags.retiredAt })
    .from(ticketTags)
    .innerJoin(tags, eq(tags.id, ticketTags.tagId))
    .where(eq(ticketTags.ticketId, sql.placeholder('ticketId')))
    .prepare(),
);

export function sqliteTag(handles: SqliteHandles): TagRepository {
  const { db } = handles;
  return {
    families() {
      return db
        .selectDistinct({ family: tags.family })
        .from(tags)
        .all()
        .map((r) => r.family);
    },
    familyExists(family) {
      return db.select({ id: tags.id }).from(tags).where(eq(tags.family, family)).limit(1).get() !== undefined;
    },
    active(family) {
      return db
        .select()
        .from(tags)
        .where(family ? and(isNull(tags.retiredAt), eq(tags.family, family)) : isNull(tags.retiredAt))
        .all();
    },
    bySlug(family, slug) {
      return db
        .select()
        .from(tags)
        .where(and(eq(tags.family, family), eq(tags.slug, slug)))
        .get();
    },
    retiredAtOf(family, slug) {
      return db
        .select({ retiredAt: tags.retiredAt })
        .from(tags)
        .where(and(eq(tags.family, family), eq(tags.slug, slug)))
        .get();
    },
    idsWithSlug(slug) {
      return db
        .select({ id: tags.id })
        .from(tags)
        .where(eq(tags.slug, slug))
        .all()
        .map((r) => r.id);
    },
    ofTicket(ticketId) {
      return tagsOfTicketQuery(handles).all({ ticketId });
    },
    attach(ticketId, tagIds) {
      db.insert(ticketTags)
        .values(tagIds.map((tagId) => ({ ticketId, tagId })))
        .run();
    },
    detach(ticketId, tagIds) {
      db.delete(ticketTags)
        .where(and(eq(ticketTags.ticketId, ticketId), inArray(ticketTags.tagId, [...tagIds])))
        .run();
    },
    insert(tag) {
      return db.insert(tags).values(tag).returning().get();
    },
    restore(tagId) {
      return db.update(tags).set({ retiredAt: null }).where(eq(tags.id, tagId)).returning().get();
    },
    retire(tagId, at) {
      return db.update(tags).set({ retiredAt: at }).where(eq(tags.id, tagId)).returning().get();
    },
    ticketCount(tagId) {
      return db.select({ n: sql<number>`count(*)` }).from(ticketTags).where(eq(ticketTags.tagId, tagId)).get()?.n ?? 0;
    },
    mostUsed(from, to, excludedFamily, limit) {
      return db
        .select({ family: tags.family, name: tags.name, n: sql<number>`count(*)` })
        .from(ticketTags)
        .innerJoin(tags, eq(tags.id, ticketTags.tagId))
        .innerJoin(tickets, eq(tickets.id, ticketTags.ticketId))
        .where(and(gte(tickets.createdAt, from), lt(tickets.createdAt, to), ne(tags.family, excludedFamily)))
        .groupBy(tags.id)
        .orderBy(sql`count(*) DESC`, tags.name)
        .limit(limit)
        .all();
    },
  };
}
