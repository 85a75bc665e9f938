/** Reports' aggregate reads over tickets: /report's SLA, known-issue and tag figures, the charts' weekly bands, and the pattern watch's clusters. */
import type { Department, KnownIssueStatus, Priority, Tier } from '../../domain/vocabulary.js';

import type { SlaClockRow } from './clocks.js';
export type { SlaClockRow };

/** A tier entry's clock with the ticket fields its SLA thresholds depend on. */
export interface ClockEntry {
  clock: SlaClockRow;
  priority: Priority;
  department: Department;
}

/** Tier entries of one tier, band and week. */
export interface WeekBandCount {
  tier: Tier;
  band: SlaClockRow['band'];
  /** The week's index in the bounds given, or null for none. */
  week: number | null;
  n: number;
}

/** An unresolved known issue with its linked tickets, active and in all. */
export interface KnownIssueTicketCounts {
  id: number;
  title: string;
  status: KnownIssueStatus;
  partnerRef: string | null;
  total: number;
  active: number;
}

/** A tag on a ticket. */
export interface TicketTag {
  ticketId: number;
  family: string;
  name: string;
  slug: string;
}

export interface ReportRepository {
  /** The tier entries that began in [from, to) (of one tier, or all), with their tickets' priority and department. */
  clockEntries(from: Date, to: Date, tier?: Tier): ClockEntry[];
  /** When staff replied publicly on these tickets (callers keep the list to a few hundred ids), in no order. */
  publicStaffReplyTimes(ticketIds: readonly number[]): { ticketId: number; at: Date }[];
  /** Tickets opened in [from, to) (in one tier now, or all): id, tier now and creation. */
  ticketsOpened(from: Date, to: Date, tier?: Tier): { id: number; tier: Tier; createdAt: Date }[];
  /** When each of these tickets (a few hundred at most) was first resolved (milliseconds; the ticket id as text), for those that were. */
  firstResolvedAt(ticketIds: readonly number[]): { id: string; at: number }[];
  /**
   * Tier entries by tier, stored worst band and week, in one grouped query: `bounds` are the
   * weeks' exact starts (DST included) and the end of the last one; entries outside are not read.
   */
  entriesByWeekAndBand(bounds: readonly Date[], tier?: Tier): WeekBandCount[];
  /** Unresolved known issues with their linked tickets (active and in all), in no order. */
  unresolvedKnownIssueCounts(): KnownIssueTicketCounts[];
  /** Process tags on tickets updated in [from, to), by ticket id, with the ticket's title. */
  processTagsOfTicketsUpdated(from: Date, to: Date): { ticketId: number; title: string; family: string; name: string }[];
  /** The area and type tags of active tickets created since `since` and linked to no known issue. */
  areaAndTypeTagsOfUnlinkedTicketsSince(since: Date): TicketTag[];
  /** Whether a notification whose dedupe key starts with `prefix` was queued at or after `since`. */
  queuedWithKeyPrefixSince(prefix: string, since: Date): boolean;
  /** Unresolved known issues with at least one linked ticket, with how many, in no order. */
  linkedTicketsOfUnresolvedKnownIssues(): { id: number; title: string; linked: number }[];
}
