/**
 * The ClockRepository on PostgreSQL: src/store/sqlite/clocks.ts ported (its prepared statements
 * are builder queries here). Orders SQLite takes from the index it walks are spelled out: the due
 * clocks' ties in id order (sla_clocks_due), the running clocks by status, tier and ticket
 * (tickets_status_tier, then sla_clocks_ticket).
 */
import { and, asc, desc, eq, inArray, isNull, lte, sql } from 'drizzle-orm';
import type { ClockRepository } from '../repositories/clocks.js';
import { slaClocks, tickets } from './schema.js';
import { all, get, run } from './session.js';
import type { PgHandles } from './handles.js';

export function pgClock(handles: PgHandles): ClockRepository {
  const { db } = handles;
  return {
    currentOf(ticketId) {
      return get(
        db
          .select()
          .from(slaClocks)
          .where(and(eq(slaClocks.ticketId, ticketId), isNull(slaClocks.leftAt)))
          .orderBy(desc(slaClocks.id))
          .limit(1),
      );
    },
    open(clock) {
      run(
        db.insert(slaClocks).values({
          ticketId: clock.ticketId,
          tier: clock.tier,
          enteredAt: clock.enteredAt,
          runningSince: clock.runningSince,
          band: clock.band,
          nextCheckAt: clock.nextCheckAt,
        }),
      );
    },
    update(clockId, patch) {
      return get(db.update(slaClocks).set(patch).where(eq(slaClocks.id, clockId)).returning())!;
    },
    due(now, limit) {
      // NULL next checks never match lte, so NULL order does not arise.
      return all(db.select().from(slaClocks).where(lte(slaClocks.nextCheckAt, now)).orderBy(asc(slaClocks.nextCheckAt), asc(slaClocks.id)).limit(limit));
    },
    runningWithTickets(tier) {
      return all(
        db
          .select({ ticket: tickets, clock: slaClocks })
          .from(slaClocks)
          .innerJoin(tickets, eq(tickets.id, slaClocks.ticketId))
          // The clocks that run (see clockRuns): Open or in Review, not handed off to another team.
          .where(and(isNull(slaClocks.leftAt), inArray(tickets.status, ['open', 'review']), isNull(tickets.team), tier ? eq(tickets.tier, tier) : undefined))
          .orderBy(sql`${tickets.status} collate "C"`, sql`${tickets.tier} collate "C"`, asc(tickets.id), asc(slaClocks.id)),
      );
    },
  };
}
