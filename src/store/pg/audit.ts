/**
 * The AuditRepository on PostgreSQL, ported from src/store/sqlite/audit.ts. before/after are jsonb:
 * SQLite's json_extract(col, '$.key') = value becomes jsonb equality, col -> 'key' = to_jsonb(value),
 * which like SQLite's comparison never takes the string "5" for the number 5 (nor 3 for '3').
 */
import { and, asc, count, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { AuditFilter, AuditRepository } from '../repositories/audit.js';
import { auditEvents, oncallEscalations } from './schema.js';
import { all, get, run } from './session.js';
import type { PgDb } from './session.js';
import type { PgHandles } from './handles.js';
import { auditFilterCondition } from '../conditions.js';

/** The latest 'ticket.routed' event that gave `personId` a ticket (newest first through audit_action). */
export function lastRoutedQuery(db: PgDb, personId: number) {
  return db
    .select({ at: auditEvents.at })
    .from(auditEvents)
    .where(and(eq(auditEvents.action, 'ticket.routed'), eq(auditEvents.entity, 'ticket'), sql`(${auditEvents.after} -> 'assigneeId') = to_jsonb(${personId}::integer)`))
    .orderBy(desc(auditEvents.id))
    .limit(1);
}

/** The WHERE clause of an audit page (conditions.ts, over this schema's audit events). */
function condition(filter: AuditFilter): SQL {
  return auditFilterCondition(auditEvents, filter);
}

export function pgAudit(handles: PgHandles): AuditRepository {
  const { db } = handles;
  return {
    append(event) {
      // undefined and null are both stored as SQL NULL (SQLite's jsonValue), never as JSON null.
      run(
        db.insert(auditEvents).values({
          entity: event.entity,
          entityId: event.entityId,
          action: event.action,
          actorId: event.actorId,
          actorLabel: event.actorLabel,
          before: event.before ?? null,
          after: event.after ?? null,
          at: event.at,
        }),
      );
    },
    count(filter) {
      return get(db.select({ n: count() }).from(auditEvents).where(condition(filter)))?.n ?? 0;
    },
    page(filter, order, limit, offset) {
      return all(
        db
          .select()
          .from(auditEvents)
          .where(condition(filter))
          .orderBy(order === 'oldest' ? asc(auditEvents.id) : desc(auditEvents.id))
          .limit(limit)
          .offset(offset),
      );
    },
    escalationIdsOf(ticketId) {
      // SQLite walks oncall_escalations_ticket (ticket_id, rowid): by id.
      return all(db.select({ id: oncallEscalations.id }).from(oncallEscalations).where(eq(oncallEscalations.ticketId, ticketId)).orderBy(asc(oncallEscalations.id))).map((e) => String(e.id));
    },
    lastRoutedTo(personId) {
      return get(lastRoutedQuery(db, personId))?.at;
    },
    lastTierMove(ticketId) {
      return get(
        db
          .select({ action: auditEvents.action, actorId: auditEvents.actorId, before: auditEvents.before })
          .from(auditEvents)
          .where(and(eq(auditEvents.entity, 'ticket'), eq(auditEvents.entityId, String(ticketId)), inArray(auditEvents.action, ['ticket.escalated', 'ticket.deescalated'])))
          .orderBy(desc(auditEvents.id))
          .limit(1),
      );
    },
    escalatorOutOf(ticketId, tier) {
      const escalation = get(
        db
          .select({ actorId: auditEvents.actorId })
          .from(auditEvents)
          .where(and(eq(auditEvents.entity, 'ticket'), eq(auditEvents.entityId, String(ticketId)), eq(auditEvents.action, 'ticket.escalated'), sql`(${auditEvents.before} -> 'tier') = to_jsonb(${tier}::text)`))
          .orderBy(desc(auditEvents.id))
          .limit(1),
      );
      return escalation?.actorId ?? null;
    },
  };
}
