/** On-call rotations, overrides, contacts, escalations and the guard's entries. */
import type { TicketRow } from './tickets.js';
import type { contacts, guardEntries, oncallEscalations, rotationOverrides, rotations, slaClocks } from '../schema.js';

export type RotationRow = typeof rotations.$inferSelect;
export type NewRotationRow = typeof rotations.$inferInsert;
export type RotationOverrideRow = typeof rotationOverrides.$inferSelect;
export type NewRotationOverrideRow = typeof rotationOverrides.$inferInsert;
export type ContactRow = typeof contacts.$inferSelect;
export type EscalationRow = typeof oncallEscalations.$inferSelect;
export type NewEscalationRow = typeof oncallEscalations.$inferInsert;
export type GuardEntryRow = typeof guardEntries.$inferSelect;
export type NewGuardEntryRow = typeof guardEntries.$inferInsert;
type SlaClockRow = typeof slaClocks.$inferSelect;

/** An override as the schedule needs it: who covers, from when to when. */
export interface OverrideSpan {
  id: number;
  personId: number;
  startsAt: Date;
  endsAt: Date;
}

/** The hand-off of a rotation's weekday, time and first shift. */
export type RotationTimingRow = Pick<RotationRow, 'handoffWeekday' | 'handoffTime' | 'anchorAt'>;

/** An escalation as the ladder's guard reads it: which one, at which step. */
export type EscalationAtStep = Pick<EscalationRow, 'id' | 'step'>;

/** An open, unacknowledged escalation someone taking over on-call inherits. */
export interface UnacknowledgedEscalation {
  ticketId: number;
  title: string;
  step: EscalationRow['step'];
  escalatedAt: Date;
  pagedAt: Date | null;
}

/** A T4 SLA clock with what its thresholds depend on of its ticket. */
export interface T4ClockWithTicket {
  clock: SlaClockRow;
  ticket: Pick<TicketRow, 'priority' | 'department'>;
}

export interface OnCallRepository {
  // Rotations and overrides.

  /** Every rotation, oldest first. */
  rotations(): RotationRow[];
  /** The rotation called `name` (names are stored in lower case). */
  rotationByName(name: string): RotationRow | undefined;
  rotationById(id: number): RotationRow | undefined;
  /** The participants of a rotation (person ids), in the order they take the shift. */
  rotationMemberIds(rotationId: number): number[];
  /** A rotation's overrides ending after `from` (the ones that can still matter then). */
  overridesEndingAfter(rotationId: number, from: Date): OverrideSpan[];
  /** Changes a rotation's hand-off; returns the row as stored. */
  updateRotationTiming(id: number, timing: RotationTimingRow): RotationRow;
  /** Stores a new rotation; returns it with its id. */
  insertRotation(row: NewRotationRow): RotationRow;
  /** Replaces a rotation's participants with `personIds`, in that order (positions 0, 1, …). */
  replaceRotationMembers(rotationId: number, personIds: readonly number[]): void;
  /** Stores an override; returns it with its id. */
  insertOverride(row: NewRotationOverrideRow): RotationOverrideRow;
  overrideById(id: number): RotationOverrideRow | undefined;
  deleteOverride(id: number): void;

  // Emergency contacts.

  /** A person's contact of one kind, or undefined. */
  contactValue(personId: number, kind: string): string | undefined;
  /** Stores a person's contact of one kind, replacing the one they had. */
  upsertContact(row: ContactRow): void;
  deleteContact(personId: number, kind: string): void;
  /** A person's contacts, in storage order. */
  contactsOf(personId: number): Pick<ContactRow, 'kind' | 'value'>[];

  // Escalations and their ladder.

  escalationById(id: number): EscalationRow | undefined;
  /** A ticket's newest escalation not acknowledged yet. */
  openEscalationOf(ticketId: number): EscalationRow | undefined;
  /** A ticket's newest escalation, acknowledged or not. */
  latestEscalationOf(ticketId: number): EscalationRow | undefined;
  /** Stores a new escalation; returns it with its id. */
  insertEscalation(row: NewEscalationRow): EscalationRow;
  /** Makes an escalation major with its new next step, unless it was acknowledged meanwhile. */
  makeEscalationMajor(id: number, nextStepAt: Date | null): void;
  /** Escalations whose next step is due at `now`, most overdue first (reads the next_step_at index). */
  dueEscalations(now: Date, limit: number): Pick<EscalationRow, 'id' | 'ticketId'>[];
  /** Unacknowledged escalations whose next step was due before `before`. */
  overdueEscalations(before: Date): Pick<EscalationRow, 'id' | 'ticketId' | 'nextStepAt'>[];
  /**
   * Writes `patch` if the escalation is still at the step read and not acknowledged (the guard of
   * every ladder write); true when it did.
   */
  updateIfUnchanged(escalation: EscalationAtStep, patch: Partial<EscalationRow>): boolean;
  /** As updateIfUnchanged, returning the row written, or undefined when the guard held it back. */
  advanceIfUnchanged(escalation: EscalationAtStep, patch: Partial<EscalationRow>): EscalationRow | undefined;
  /** Acknowledges every unacknowledged escalation of a ticket; returns them as written, newest first. */
  acknowledgeOpenEscalations(ticketId: number, at: Date, by: number | null): EscalationRow[];
  /**
   * Open escalations of a rotation not acknowledged yet, on active On-Call tickets, oldest first;
   * with `orUnrotated`, also those escalated without a rotation.
   */
  unacknowledgedEscalations(rotationId: number, orUnrotated: boolean): UnacknowledgedEscalation[];
  /** How many escalations started at or after `from`. */
  escalationCountSince(from: Date): number;

  // The staffing rule and T1's escalation hint.

  /** T4's SLA clocks that ran at any time from `from` up to `now`, with their ticket's priority and department. */
  t4ClocksRunningBetween(from: Date, now: Date): T4ClockWithTicket[];
  /** Open T1 tickets someone is assigned. */
  assignedOpenT1Tickets(): TicketRow[];
  /** When a ticket got `assigneeId` as its assignee (the latest audit event that set it), or null. */
  assignedAt(ticketId: number, assigneeId: number): Date | null;

  // The guard's log.

  /** Stores a guard log entry; returns it with its id. */
  insertGuardEntry(row: NewGuardEntryRow): GuardEntryRow;
  guardEntryById(id: number): GuardEntryRow | undefined;
  /** The entries of one guard week, oldest first. */
  guardEntriesOfWeek(weekStart: string): GuardEntryRow[];
  /** Open loops from weeks before `weekStart`, oldest first. */
  openLoopsBefore(weekStart: string): GuardEntryRow[];
  /** Closes a guard entry at `at`; returns it as stored. */
  closeGuardEntry(id: number, at: Date): GuardEntryRow;
}
