/** The AuditRepository on SQLite. */
import { and, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { AuditFilter, AuditRepository } from '../repositories/audit.js';
import { auditEvents, oncallEscalations } from '../schema.js';
import { bound, instantValue, jsonValue, preparedQuery } from '../prepared.js';
import type { Db, SqliteHandles } from './handles.js';
import { auditFilterCondition } from '../conditions.js';

const insertAudit = preparedQuery((db) =>
  db
    .insert(auditEvents)
    .values({
      entity: bound('entity'),
      entityId: bound('entityId'),
      action: bound('action'),
      actorId: bound('actorId'),
      actorLabel: bound('actorLabel'),
      before: bound('before'),
      after: bound('after'),
      at: bound('at'),
    })
    .prepare(),
);

/** The latest 'ticket.routed' event that gave `personId` a ticket: read newest first through the audit_action index (without it, a scan of every ticket event: seconds on a million tickets). */
export function lastRoutedQuery(db: Db, personId: number) {
  return db
    .select({ at: auditEvents.at })
    .from(auditEvents)
    .where(and(eq(auditEvents.action, 'ticket.routed'), eq(auditEvents.entity, 'ticket'), sql`json_extract(${auditEvents.after}, '$.assigneeId') = ${personId}`))
    .orderBy(desc(auditEvents.id))
    .limit(1);
}

/** The WHERE clause of an audit page (conditions.ts, over this schema's audit events). */
function condition(filter: AuditFilter): SQL {
  return auditFilterCondition(auditEvents, filter);
}

export function sqliteAudit(handles: SqliteHandles): AuditRepository {
  const { db } = handles;
  return {
    append(event) {
      insertAudit(handles).run({
        entity: event.entity,
        entityId: event.entityId,
        action: event.action,
        actorId: event.actorId,
        actorLabel: event.actorLabel,
        before: jsonValue(event.before),
        after: jsonValue(event.after),
        at: instantValue(event.at),
      });
    },
    count(filter) {
      return db.select({ n: sql<number>`count(*)` }).from(auditEvents).where(condition(filter)).get()?.n ?? 0;
    },
    page(filter, order, limit, offset) {
      return db
        .select()
        .from(auditEvents)
        .where(condition(filter))
        .orderBy(order === 'oldest' ? auditEvents.id : desc(auditEvents.id))
        .limit(limit)
        .offset(offset)
        .all();
    },
    escalationIdsOf(ticketId) {
      return db
        .select({ id: oncallEscalations.id })
        .from(oncallEscalations)
        .where(eq(oncallEscalations.ticketId, ticketId))
        .all()
        .map((e) => String(e.id));
    },
    lastRoutedTo(personId) {
      return lastRoutedQuery(db, personId).get()?.at;
    },
    lastTierMove(ticketId) {
      return db
        .select({ action: auditEvents.action, actorId: auditEvents.actorId, before: auditEvents.before })
        .from(auditEvents)
        .where(and(eq(auditEvents.entity, 'ticket'), eq(auditEvents.entityId, String(ticketId)), inArray(auditEvents.action, ['ticket.escalated', 'ticket.deescalated'])))
        .orderBy(desc(auditEvents.id))
        .limit(1)
        .get();
    },
    escalatorOutOf(ticketId, tier) {
      const escalation = db
        .select({ actorId: auditEvents.actorId })
        .from(auditEvents)
        .where(and(eq(auditEvents.entity, 'ticket'), eq(auditEvents.entityId, String(ticketId)), eq(auditEvents.action, 'ticket.escalated'), sql`json_extract(${auditEvents.before}, '$.tier') = ${tier}`))
        .orderBy(desc(auditEvents.id))
        .limit(1)
        .get();
      return escalation?.actorId ?? null;
    },
  };
}
