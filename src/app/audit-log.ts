/**
 * Reading the audit trail back, for leads: everything that happened to one ticket (its own events
 * and those of its on-call escalations), and what one person (or everyone) did since a date.
 */
import type { AuditFilter, AuditRow } from '../store/repositories/audit.js';
import type { AppContext, RequestContext } from './context.js';
import { handleOf, requireRole, type PersonRow } from './people.js';
import { requireTicket } from './ticket-records.js';

export type { AuditRow } from '../store/repositories/audit.js';
import type { TicketRow } from '../store/repositories/tickets.js';

/** Events per page of /ticket history and /audit. */
export const AUDIT_PAGE_SIZE = 25;

/** One page of events, and how many there are in all. */
export interface AuditPage {
  rows: AuditRow[];
  total: number;
  page: number;
  pages: number;
  /** The page asked for; past the end, the last page is shown. */
  requested: number;
}

function paged(ctx: AppContext, filter: AuditFilter, page: number, order: 'oldest' | 'newest'): AuditPage {
  const total = ctx.store.audit.count(filter);
  const pages = Math.max(1, Math.ceil(total / AUDIT_PAGE_SIZE));
  const shown = Math.min(Math.max(1, page), pages);
  const rows = ctx.store.audit.page(filter, order, AUDIT_PAGE_SIZE, (shown - 1) * AUDIT_PAGE_SIZE);
  return { rows, total, page: shown, pages, requested: page };
}

/** A ticket's history, oldest first: its own events and those of its on-call escalations (leads). */
export function ticketHistory(ctx: RequestContext, ticketId: number, page = 1): AuditPage & { ticket: TicketRow } {
  requireRole(ctx, 'lead', "read a ticket's history");
  const ticket = requireTicket(ctx, ticketId);
  const escalationIds = ctx.store.audit.escalationIdsOf(ticketId);
  return { ...paged(ctx, { ticketId, escalationIds }, page, 'oldest'), ticket };
}

/** What `who` (or everyone) did since `since`, newest first (leads). */
export function auditSince(ctx: RequestContext, filter: { who?: PersonRow; since: Date }, page = 1): AuditPage {
  requireRole(ctx, 'lead', 'read the audit trail');
  return paged(ctx, filter.who ? { since: filter.since, actorId: filter.who.id } : { since: filter.since }, page, 'newest');
}

/** A person id in an event as a handle, for the views. */
export function personLabel(ctx: AppContext, id: unknown): string {
  return typeof id === 'number' ? (handleOf(ctx, id) ?? `person ${id}`) : 'nobody';
}
