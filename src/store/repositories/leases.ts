/** Leases replicas take turns holding, and their fencing tokens. */
import type { leases } from '../schema.js';

/** One lease as stored: its name, the token of its latest turn, who took that turn and when. */
export type LeaseRow = typeof leases.$inferSelect;

export interface LeaseRepository {
  /**
   * Starts a new turn of lease `name` for `holder` at `at`: the token grows by one (the first turn
   * gets 1). Returns the new token, which the holder's fenced writes carry (TransactionBoundary.fenced).
   */
  takeTurn(name: string, holder: string, at: Date): number;
  /** The lease's latest turn, undefined before its first. */
  current(name: string): LeaseRow | undefined;
  /** Every lease's latest turn, by name. */
  all(): LeaseRow[];
}
