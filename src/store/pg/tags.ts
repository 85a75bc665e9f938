/**
 * The TagRepository on PostgreSQL: src/store/sqlite/tags.ts ported. The interface leaves several
 * lists unsorted; SQLite answers them in the order of the index it walks, and this spells that
 * order out so both engines answer alike: families by name (tags_family_slug), active tags by id
 * (a table scan) or, of one family, by slug (tags_family_slug), ids with a slug by family, a
 * ticket's tags by tag id (ticket_tags' key). Text is ordered in SQLite's byte order (collate "C"). Counts are count() (PostgreSQL's count(*) is a bigint).
 */
import { and, asc, count, desc, eq, gte, inArray, isNull, lt, ne, sql, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { TagRepository } from '../repositories/tags.js';
import { tags, tickets, ticketTags } from './schema.js';
import { all, get, run } from './session.js';
import type { PgHandles } from './handles.js';

/** Ascending by a text column in SQLite's BINARY order (byte order): the database's own collation may ignore case and punctuation. */
const binaryAsc = (column: PgColumn): SQL => sql`${column} collate "C" asc`;

export function pgTag(handles: PgHandles): TagRepository {
  const { db } = handles;
  return {
    families() {
      // GROUP BY for SQLite's DISTINCT: PostgreSQL's DISTINCT cannot order by the collated expression it does not select.
      return all(db.select({ family: tags.family }).from(tags).groupBy(tags.family).orderBy(binaryAsc(tags.family))).map((r) => r.family);
    },
    familyExists(family) {
      return get(db.select({ id: tags.id }).from(tags).where(eq(tags.family, family)).limit(1)) !== undefined;
    },
    active(family) {
      return all(
        db
          .select()
          .from(tags)
          .where(family ? and(isNull(tags.retiredAt), eq(tags.family, family)) : isNull(tags.retiredAt))
          .orderBy(family ? binaryAsc(tags.slug) : asc(tags.id)),
      );
    },
    bySlug(family, slug) {
      return get(
        db
          .select()
          .from(tags)
          .where(and(eq(tags.family, family), eq(tags.slug, slug))),
      );
    },
    retiredAtOf(family, slug) {
      return get(
        db
          .select({ retiredAt: tags.retiredAt })
          .from(tags)
          .where(and(eq(tags.family, family), eq(tags.slug, slug))),
      );
    },
    idsWithSlug(slug) {
      return all(db.select({ id: tags.id }).from(tags).where(eq(tags.slug, slug)).orderBy(binaryAsc(tags.family))).map((r) => r.id);
    },
    ofTicket(ticketId) {
      return all(
        db
          .select({ id: tags.id, family: tags.family, name: tags.name, slug: tags.slug, retiredAt: tags.retiredAt })
          .from(ticketTags)
          .innerJoin(tags, eq(tags.id, ticketTags.tagId))
          .where(eq(ticketTags.ticketId, ticketId))
          .orderBy(asc(ticketTags.tagId)),
      );
    },
    attach(ticketId, tagIds) {
      run(db.insert(ticketTags).values(tagIds.map((tagId) => ({ ticketId, tagId }))));
    },
    detach(ticketId, tagIds) {
      run(db.delete(ticketTags).where(and(eq(ticketTags.ticketId, ticketId), inArray(ticketTags.tagId, [...tagIds]))));
    },
    insert(tag) {
      return get(db.insert(tags).values(tag).returning())!;
    },
    restore(tagId) {
      return get(db.update(tags).set({ retiredAt: null }).where(eq(tags.id, tagId)).returning())!;
    },
    retire(tagId, at) {
      return get(db.update(tags).set({ retiredAt: at }).where(eq(tags.id, tagId)).returning())!;
    },
    ticketCount(tagId) {
      return get(db.select({ n: count() }).from(ticketTags).where(eq(ticketTags.tagId, tagId)))?.n ?? 0;
    },
    mostUsed(from, to, excludedFamily, limit) {
      return all(
        db
          .select({ family: tags.family, name: tags.name, n: count() })
          .from(ticketTags)
          .innerJoin(tags, eq(tags.id, ticketTags.tagId))
          .innerJoin(tickets, eq(tickets.id, ticketTags.ticketId))
          .where(and(gte(tickets.createdAt, from), lt(tickets.createdAt, to), ne(tags.family, excludedFamily)))
          // Grouped by the key, so family and name may be selected (functionally dependent on it).
          .groupBy(tags.id)
          // Ties of count and name (one name in two families) are in no stated order on SQLite; by tag id here.
          .orderBy(desc(count()), binaryAsc(tags.name), asc(tags.id))
          .limit(limit),
      );
    },
  };
}
