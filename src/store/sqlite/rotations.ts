/** The RotationRepository on SQLite. */
import { and, asc, count, eq, gte, inArray, isNull } from 'drizzle-orm';
import { ACTIVE_STATUSES } from '../../domain/lifecycle.js';
import type { RotationRepository } from '../repositories/rotations.js';
import { tickets, tierRotationMembers, tierRotations } from '../schema.js';
import type { SqliteHandles } from './handles.js';

export function sqliteRotation(handles: SqliteHandles): RotationRepository {
  const { db } = handles;
  return {
    byTier(tier) {
      return db.select().from(tierRotations).where(eq(tierRotations.tier, tier)).get();
    },
    memberIds(tier) {
      return db
        .select({ personId: tierRotationMembers.personId })
        .from(tierRotationMembers)
        .where(eq(tierRotationMembers.tier, tier))
        .orderBy(asc(tierRotationMembers.position))
        .all()
        .map((m) => m.personId);
    },
    upsert({ tier, handoffWeekday, handoffTime, anchorAt, createdAt }) {
      db.insert(tierRotations)
        .values({ tier, handoffWeekday, handoffTime, anchorAt, createdAt })
        .onConflictDoUpdate({ target: tierRotations.tier, set: { handoffWeekday, handoffTime, anchorAt } })
        .run();
    },
    replaceMembers(tier, personIds) {
      db.delete(tierRotationMembers).where(eq(tierRotationMembers.tier, tier)).run();
      db.insert(tierRotationMembers).values(personIds.map((personId, position) => ({ tier, position, personId }))).run();
    },
    remove(tier) {
      db.delete(tierRotationMembers).where(eq(tierRotationMembers.tier, tier)).run();
      db.delete(tierRotations).where(eq(tierRotations.tier, tier)).run();
    },
    activeCountsInTier(tier, personIds) {
      return db
        .select({ personId: tickets.assigneeId, n: count() })
        .from(tickets)
        .where(and(inArray(tickets.assigneeId, [...personIds]), eq(tickets.tier, tier), inArray(tickets.status, [...ACTIVE_STATUSES])))
        .groupBy(tickets.assigneeId)
        .all();
    },
    unroutedOpenSince(since) {
      return db
        .select()
        .from(tickets)
        .where(and(eq(tickets.status, 'open'), isNull(tickets.assigneeId), isNull(tickets.team), gte(tickets.tierEnteredAt, since)))
        .all();
    },
  };
}
