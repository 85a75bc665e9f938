/** SLA clocks: when each ticket's response and resolution clocks started, paused and fell due. */
import type { slaClocks } from '../schema.js';
import type { TicketRow } from './tickets.js';

/** An SLA clock as stored: one per ticket per tier entry. */
export type SlaClockRow = typeof slaClocks.$inferSelect;

/** A new tier entry's clock. */
export interface NewSlaClock {
  ticketId: number;
  tier: SlaClockRow['tier'];
  enteredAt: Date;
  runningSince: Date | null;
  band: SlaClockRow['band'];
  nextCheckAt: Date | null;
}

export interface ClockRepository {
  /** The clock of the ticket's current tier entry (not left yet, the latest), if it has one. */
  currentOf(ticketId: number): SlaClockRow | undefined;
  /** Starts a tier entry's clock. */
  open(clock: NewSlaClock): void;
  /** Applies `patch` to a clock; returns the stored row. */
  update(clockId: number, patch: Partial<Omit<SlaClockRow, 'id'>>): SlaClockRow;
  /** Clocks whose next check is at or before `now`, oldest check first, at most `limit`. */
  due(now: Date, limit: number): SlaClockRow[];
  /**
   * The current clocks of tickets Open or in Review and not handed off to a team (the clocks that
   * run), with their tickets; of one tier, or all.
   */
  runningWithTickets(tier?: TicketRow['tier']): { ticket: TicketRow; clock: SlaClockRow }[];
}
