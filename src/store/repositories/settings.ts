/** Team settings and channel settings (key/value data leads edit). */
import type { teamSettings, tickets } from '../schema.js';

/** A team setting as stored: its JSON value, when and by whom it was last written. */
export type TeamSettingRow = typeof teamSettings.$inferSelect;

/** What the status timers of a waiting ticket are worked out from. */
export type TimedTicket = Pick<typeof tickets.$inferSelect, 'id' | 'status' | 'statusChangedAt' | 'pendingRemindedAt' | 'holdUntil' | 'statusTimerAt'>;

export interface SettingsRepository {
  /** The stored value of team setting `key` (its JSON decoded), or undefined when none is stored. */
  value(key: string): { value: unknown } | undefined;
  /** Stores team setting `key` (inserted, or replacing the stored value). */
  write(row: TeamSettingRow): void;
  /** The tickets in Pending, Resolved or Waiting with a status timer set (those a change of the timers' days moves). */
  ticketsWithStatusTimers(): TimedTicket[];
  /** Sets when a ticket's next status timer falls due (null: none). */
  setStatusTimerAt(ticketId: number, at: Date | null): void;
}
