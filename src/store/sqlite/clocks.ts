/** The ClockRepository on SQLite. */
import { and, eq, inArray, isNull, lte } from 'drizzle-orm';
import type { ClockRepository } from '../repositories/clocks.js';
import { slaClocks, tickets } from '../schema.js';
import { bound, instantValue, preparedQuery, preparedStatement, rowReader } from '../prepared.js';
import type { SqliteHandles } from './handles.js';

const clockRows = rowReader(slaClocks);
const clockOfTicket = preparedStatement(`SELECT ${clockRows.columns} FROM sla_clocks WHERE ticket_id = ? AND left_at IS NULL ORDER BY id DESC LIMIT 1`);

const insertClock = preparedQuery((db) =>
  db
    .insert(slaClocks)
    .values({
      ticketId: bound('ticketId'),
      tier: bound('tier'),
      enteredAt: bound('enteredAt'),
      runningSince: bound('runningSince'),
      band: bound('band'),
      nextCheckAt: bound('nextCheckAt'),
    })
    .prepare(),
);

export function sqliteClock(handles: SqliteHandles): ClockRepository {
  const { db } = handles;
  return {
    currentOf(ticketId) {
      const row = clockOfTicket(handles).raw(true).get(ticketId) as unknown[] | undefined;
      return row && clockRows.decode(row);
    },
    open(clock) {
      insertClock(handles).run({
        ticketId: clock.ticketId,
        tier: clock.tier,
        enteredAt: instantValue(clock.enteredAt),
        runningSince: instantValue(clock.runningSince),
        band: clock.band,
        nextCheckAt: instantValue(clock.nextCheckAt),
      });
    },
    update(clockId, patch) {
      return db.update(slaClocks).set(patch).where(eq(slaClocks.id, clockId)).returning().get();
    },
    due(now, limit) {
      return db.select().from(slaClocks).where(lte(slaClocks.nextCheckAt, now)).orderBy(slaClocks.nextCheckAt).limit(limit).all();
    },
    runningWithTickets(tier) {
      return (
        db
          .select({ ticket: tickets, clock: slaClocks })
          .from(slaClocks)
          .innerJoin(tickets, eq(tickets.id, slaClocks.ticketId))
          // The clocks that run (see clockRuns): Open or in Review, not handed off to another team.
          .where(and(isNull(slaClocks.leftAt), inArray(tickets.status, ['open', 'review']), isNull(tickets.team), tier ? eq(tickets.tier, tier) : undefined))
          .all()
      );
    },
  };
}
