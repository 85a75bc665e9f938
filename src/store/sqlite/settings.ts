/** The SettingsRepository on SQLite. */
import { and, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { SettingsRepository } from '../repositories/settings.js';
import { teamSettings, tickets } from '../schema.js';
import { preparedQuery } from '../prepared.js';
import type { SqliteHandles } from './handles.js';

const settingRow = preparedQuery((db) =>
  db
    .select({ value: teamSettings.value })
    .from(teamSettings)
    .where(eq(teamSettings.key, sql.placeholder('key')))
    .prepare(),
);

export function sqliteSettings(handles: SqliteHandles): SettingsRepository {
  const { db } = handles;
  return {
    value(key) {
      return settingRow(handles).get({ key });
    },
    write({ key, value, updatedAt, updatedBy }) {
      db.insert(teamSettings)
        .values({ key, value, updatedAt, updatedBy })
        .onConflictDoUpdate({ target: teamSettings.key, set: { value, updatedAt, updatedBy } })
        .run();
    },
    ticketsWithStatusTimers() {
      return db
        .select({ id: tickets.id, status: tickets.status, statusChangedAt: tickets.statusChangedAt, pendingRemindedAt: tickets.pendingRemindedAt, holdUntil: tickets.holdUntil, statusTimerAt: tickets.statusTimerAt })
        .from(tickets)
        .where(and(isNotNull(tickets.statusTimerAt), inArray(tickets.status, ['pending', 'resolved', 'waiting'])))
        .all();
    },
    setStatusTimerAt(ticketId, at) {
      db.update(tickets).set({ statusTimerAt: at }).where(eq(tickets.id, ticketId)).run();
    },
  };
}
