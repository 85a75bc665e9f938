/** Tier rotations and routing of tickets to agents. */
import type { Tier } from '../../domain/vocabulary.js';
import type { tierRotations } from '../schema.js';
import type { TicketRow } from './tickets.js';

/** A tier's weekly rotation as stored (its members are rows of their own). */
export type TierRotationRow = typeof tierRotations.$inferSelect;

/** A ticket as routing reads it: the whole row. */
export type RoutedTicket = TicketRow;

export interface RotationRepository {
  /** The tier's rotation, or undefined when it has none. */
  byTier(tier: Tier): TierRotationRow | undefined;
  /** The people of the tier's rotation, in the order they take the week. */
  memberIds(tier: Tier): number[];
  /** Stores the tier's rotation: a new one as given, an existing one keeps its createdAt. */
  upsert(row: TierRotationRow): void;
  /** Replaces the members of the tier's rotation with `personIds`, in that order. */
  replaceMembers(tier: Tier, personIds: readonly number[]): void;
  /** Deletes the tier's rotation with its members. */
  remove(tier: Tier): void;
  /** How many active tickets in `tier` each of `personIds` has (people with none are left out). */
  activeCountsInTier(tier: Tier, personIds: readonly number[]): Array<{ personId: number | null; n: number }>;
  /** Open, unassigned tickets of no team that entered their tier at or after `since`: those routing may place. */
  unroutedOpenSince(since: Date): RoutedTicket[];
}
