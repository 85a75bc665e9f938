/** The RotationRepository on PostgreSQL, ported from src/store/sqlite/rotations.ts. */
import { and, asc, count, eq, gte, inArray, isNull } from 'drizzle-orm';
import { ACTIVE_STATUSES } from '../../domain/lifecycle.js';
import type { RotationRepository } from '../repositories/rotations.js';
import { tickets, tierRotationMembers, tierRotations } from './schema.js';
import { all, get, run } from './session.js';
import type { PgHandles } from './handles.js';

export function pgRotation(handles: PgHandles): RotationRepository {
  const { db } = handles;
  return {
    byTier(tier) {
      return get(db.select().from(tierRotations).where(eq(tierRotations.tier, tier)));
    },
    memberIds(tier) {
      return all(
        db
          .select({ personId: tierRotationMembers.personId })
          .from(tierRotationMembers)
          .where(eq(tierRotationMembers.tier, tier))
          .orderBy(asc(tierRotationMembers.position)),
      ).map((m) => m.personId);
    },
    upsert({ tier, handoffWeekday, handoffTime, anchorAt, createdAt }) {
      run(
        db
          .insert(tierRotations)
          .values({ tier, handoffWeekday, handoffTime, anchorAt, createdAt })
          .onConflictDoUpdate({ target: tierRotations.tier, set: { handoffWeekday, handoffTime, anchorAt } }),
      );
    },
    replaceMembers(tier, personIds) {
      run(db.delete(tierRotationMembers).where(eq(tierRotationMembers.tier, tier)));
      // As on SQLite, an empty list is refused by drizzle's values() (after the delete: the caller's transaction undoes it).
      run(db.insert(tierRotationMembers).values(personIds.map((personId, position) => ({ tier, position, personId }))));
    },
    remove(tier) {
      run(db.delete(tierRotationMembers).where(eq(tierRotationMembers.tier, tier)));
      run(db.delete(tierRotations).where(eq(tierRotations.tier, tier)));
    },
    activeCountsInTier(tier, personIds) {
      // SQLite groups along tickets_assignee: by assignee id. count() reads back as a number.
      return all(
        db
          .select({ personId: tickets.assigneeId, n: count() })
          .from(tickets)
          .where(and(inArray(tickets.assigneeId, [...personIds]), eq(tickets.tier, tier), inArray(tickets.status, [...ACTIVE_STATUSES])))
          .groupBy(tickets.assigneeId)
          .orderBy(asc(tickets.assigneeId)),
      );
    },
    unroutedOpenSince(since) {
      // SQLite walks tickets_assignee (assignee_id, status, rowid): by id.
      return all(
        db
          .select()
          .from(tickets)
          .where(and(eq(tickets.status, 'open'), isNull(tickets.assigneeId), isNull(tickets.team), gte(tickets.tierEnteredAt, since)))
          .orderBy(asc(tickets.id)),
      );
    },
  };
}
