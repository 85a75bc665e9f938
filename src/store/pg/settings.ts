/** The SettingsRepository on PostgreSQL, ported from src/store/sqlite/settings.ts. */
import { and, asc, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { SettingsRepository } from '../repositories/settings.js';
import { teamSettings, tickets } from './schema.js';
import { all, get, run } from './session.js';
import type { PgHandles } from './handles.js';

export function pgSettings(handles: PgHandles): SettingsRepository {
  const { db } = handles;
  return {
    value(key) {
      return get(db.select({ value: teamSettings.value }).from(teamSettings).where(eq(teamSettings.key, key)));
    },
    write({ key, value, updatedAt, updatedBy }) {
      run(
        db
          .insert(teamSettings)
          .values({ key, value, updatedAt, updatedBy })
          .onConflictDoUpdate({ target: teamSettings.key, set: { value, updatedAt, updatedBy } }),
      );
    },
    ticketsWithStatusTimers() {
      // SQLite walks tickets_status_tier (status, tier, rowid): the same order, spelt out (binary text order).
      return all(
        db
          .select({ id: tickets.id, status: tickets.status, statusChangedAt: tickets.statusChangedAt, pendingRemindedAt: tickets.pendingRemindedAt, holdUntil: tickets.holdUntil, statusTimerAt: tickets.statusTimerAt })
          .from(tickets)
          .where(and(isNotNull(tickets.statusTimerAt), inArray(tickets.status, ['pending', 'resolved', 'waiting'])))
          .orderBy(sql`${tickets.status} collate "C"`, sql`${tickets.tier} collate "C"`, asc(tickets.id)),
      );
    },
    setStatusTimerAt(ticketId, at) {
      run(db.update(tickets).set({ statusTimerAt: at }).where(eq(tickets.id, ticketId)));
    },
  };
}
