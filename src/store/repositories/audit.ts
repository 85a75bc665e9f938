/** The audit trail: every state change, who made it, before and after. */
import type { Tier } from '../../domain/vocabulary.js';
import type { auditEvents } from '../schema.js';

/** An audit event as stored. */
export type AuditRow = typeof auditEvents.$inferSelect;

/** A new audit event: `before` and `after` are any JSON-able values (undefined stored as null). */
export type NewAuditEvent = Omit<AuditRow, 'id'>;

/** Which events a page of the trail shows. */
export type AuditFilter =
  /** A ticket's own events, and those of its on-call escalations (their ids as stored in entity_id). */
  | { ticketId: number; escalationIds: readonly string[] }
  /** Events from `since` on, made by `actorId` when given. */
  | { since: Date; actorId?: number };

export interface AuditRepository {
  /** Appends one event (called inside the transaction that makes the change). */
  append(event: NewAuditEvent): void;
  /** How many events `filter` selects. */
  count(filter: AuditFilter): number;
  /** Up to `limit` events `filter` selects from `offset` on, oldest or newest first (by id). */
  page(filter: AuditFilter, order: 'oldest' | 'newest', limit: number, offset: number): AuditRow[];
  /** The ids of a ticket's on-call escalations, as audit events name them (entity 'oncall'). */
  escalationIdsOf(ticketId: number): string[];
  /** When routing last gave `personId` a ticket (the latest 'ticket.routed' event naming them), or undefined. */
  lastRoutedTo(personId: number): Date | undefined;
  /** The latest escalation or de-escalation of a ticket: its action, who made it and the ticket before. */
  lastTierMove(ticketId: number): Pick<AuditRow, 'action' | 'actorId' | 'before'> | undefined;
  /** Who last escalated the ticket out of `tier` (the latest 'ticket.escalated' from it), or null. */
  escalatorOutOf(ticketId: number, tier: Tier): number | null;
}
