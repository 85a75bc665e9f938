/**
 * Reading the audit trail back, for leads: everything that happened to one ticket (its own events
 * and those of its on-call escalations), and what one person (or everyone) did since a date.
 */
import { and, desc, eq, gte, inArray, or, sql, type SQL } from 'drizzle-orm';
import { auditEvents, oncallEscalations, type TicketRow } from '../store/schema.js';
import type { AppContext, RequestContext } from './context.js';
import { handleOf, requireRole, type PersonRow } from './people.js';
import { requireTicket } from './ticket-records.js';

export type AuditRow = typeof auditEvents.$inferSelect;

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

function paged(ctx: AppContext, where: SQL, page: number, order: 'oldest' | 'newest'): AuditPage {
  const total = ctx.store.db.select({ n: sql<number>`count(*)` }).from(auditEvents).where(where).get()?.n ?? 0;
  const pages = Math.max(1, Math.ceil(total / AUDIT_PAGE_SIZE));
  const shown = Math.min(Math.max(1, page), pages);
  const rows = ctx.store.db
    .select()
    .from(auditEvents)
    .where(where)
    .orderBy(order === 'oldest' ? auditEvents.id : desc(auditEvents.id))
    .limit(AUDIT_PAGE_SIZE)
    .offset((shown - 1) * AUDIT_PAGE_SIZE)
    .all();
  return { rows, total, page: shown, pages, requested: page };
}

/** A ticket's history, oldest first: its own events and those of its on-call escalations (leads). */
export function ticketHistory(ctx: RequestContext, ticketId: number, page = 1): AuditPage & { ticket: TicketRow } {
  requireRole(ctx, 'lead', "read a ticket's history");
  const ticket = requireTicket(ctx, ticketId);
  const escalations = ctx.store.db
    .select({ id: oncallEscalations.id })
    .from(oncallEscalations)
    .where(eq(oncallEscalations.ticketId, ticketId))
    .all()
    .map((e) => String(e.id));
  const own = and(eq(auditEvents.entity, 'ticket'), eq(auditEvents.entityId, String(ticketId)))!;
  const where = escalations.length > 0 ? or(own, and(eq(auditEvents.entity, 'oncall'), inArray(auditEvents.entityId, escalations)))! : own;
  return { ...paged(ctx, where, page, 'oldest'), ticket };
}

/** What `who` (or everyone) did since `since`, newest first (leads). */
export function auditSince(ctx: RequestContext, filter: { who?: PersonRow; since: Date }, page = 1): AuditPage {
  requireRole(ctx, 'lead', 'read the audit trail');
  const conditions = [gte(auditEvents.at, filter.since)];
  if (filter.who) conditions.push(eq(auditEvents.actorId, filter.who.id));
  return paged(ctx, and(...conditions)!, page, 'newest');
}

/** A person id in an event as a handle, for the views. */
export function personLabel(ctx: AppContext, id: unknown): string {
  return typeof id === 'number' ? (handleOf(ctx, id) ?? `person ${id}`) : 'nobody';
}
