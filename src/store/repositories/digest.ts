/** The weekly digest's reads of the week. */
import type { Department, GuardKind, HandoffTeam, Priority, Status, Tier } from '../../domain/vocabulary.js';

import type { KnownIssueRow } from './known-issues.js';
export type { KnownIssueRow };
import type { EscalationRow as OncallEscalationRow } from './oncall.js';
export type { OncallEscalationRow };
import type { SlaClockRow } from './clocks.js';
export type { SlaClockRow };

/** A ticket change as stored: the ticket id as text, its `before` as JSON text. */
export interface StoredTicketChange {
  entityId: string;
  before: string;
}

/** A ticket's audit event as stored: the ticket id as text, the instant in milliseconds, before and after as JSON text. */
export interface StoredTicketEvent {
  entityId: string;
  at: number;
  before: string | null;
  after: string | null;
}

/** The ticket fields whose value at an instant the digest tracks, with its id and creation. */
export interface TrackedTicket {
  id: number;
  status: Status;
  tier: Tier;
  team: HandoffTeam | null;
  createdAt: Date;
}

/** A count per tier. */
export interface TierCount {
  tier: Tier;
  n: number;
}

/** What the bands read of a tier entry's clock. */
export type ClockFacts = Pick<SlaClockRow, 'ticketId' | 'tier' | 'enteredAt' | 'leftAt' | 'usedMs' | 'runningSince' | 'band'>;

/** A tier entry with the ticket columns its band depends on. */
export type WeekEntry = ClockFacts & { priority: Priority; department: Department; status: Status; ticketTier: Tier; team: HandoffTeam | null };

/** An on-call escalation with the ticket fields the digest shows and tracks. */
export interface EscalationWithTicket {
  escalation: OncallEscalationRow;
  ticket: { id: number; title: string; status: Status; tier: Tier; team: HandoffTeam | null };
}

/** A known issue's audit event. */
export interface KnownIssueEvent {
  entityId: string;
  action: string;
  after: unknown;
}

/** A guard log entry as the digest lists it. */
export interface GuardEntrySummary {
  id: number;
  kind: GuardKind;
  body: string;
  closed: boolean;
}

export interface DigestRepository {
  /**
   * Every ticket change from `since` on that has a `before`, oldest first, read by time: without
   * statistics SQLite would scan all two million events (to skip sorting by id) or take the entity
   * index (all ticket events); the time index reads only the events since (15 ms instead of 450 on
   * the benchmark).
   */
  ticketChangesSince(since: Date): StoredTicketChange[];
  /** The tracked fields (status, tier, team) and creation of these tickets as they are now (callers keep the list to a few hundred ids). */
  trackedFieldsOf(ticketIds: readonly number[]): TrackedTicket[];
  /** Tickets opened in [from, to), by the tier they were opened in (their first tier entry, else their tier now). */
  openedByTier(from: Date, to: Date): TierCount[];
  /** Tickets resolved in [from, to), by the tier they were in at that instant (the tier entry open then, else their tier now). */
  resolvedByTier(from: Date, to: Date): TierCount[];
  /** Tickets active now and created before `before`, by their tier now. */
  activeByTier(before: Date): TierCount[];
  /**
   * The audit events of these tickets from `since` on that name a status or a team (those that can
   * change whether an SLA clock runs), oldest first per ticket, in one statement (callers keep the
   * list to a few hundred ids).
   */
  statusOrTeamEventsSince(ticketIds: readonly number[], since: Date): StoredTicketEvent[];
  /** The tier entries that began in [from, to), with only the ticket columns the bands need (whole rows cost three times as much to read). */
  weekEntries(from: Date, to: Date): WeekEntry[];
  /** On-call escalations raised before `before`, with their tickets, oldest first. */
  escalationsBefore(before: Date): EscalationWithTicket[];
  /** The audit events of known issues in [from, to), oldest first. */
  knownIssueEvents(from: Date, to: Date): KnownIssueEvent[];
  /** These known issues' rows. */
  knownIssuesByIds(ids: readonly number[]): KnownIssueRow[];
  /** How many tickets are linked to a known issue. */
  linkedTicketCount(knownIssueId: number): number;
  /** The ids of the people in a tier. */
  peopleInTier(tier: Tier): number[];
  /** The guard log entries of a week, and the loops still open from earlier weeks, oldest first. */
  guardEntriesFor(weekStart: string): GuardEntrySummary[];
  /** When the outbox row with this dedupe key was queued, if there is one. */
  queuedAt(dedupeKey: string): Date | undefined;
  /** The first 'digest.posted' audit event of a week's digest (its key): when and by whom. */
  digestPostedEvent(digestKey: string): { at: Date; by: string } | undefined;
  /** Whether anything was audited before `instant`. */
  hasActivityBefore(instant: Date): boolean;
}
