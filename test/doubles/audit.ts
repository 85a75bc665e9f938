/** Reads the audit trail back, for tests that check every change left its record. */
import { and, eq } from 'drizzle-orm';
import type { TestAppContext } from './context.js';
import { auditEvents } from '../../src/store/schema.js';
import { selectRows } from './db.js';

export type AuditRow = typeof auditEvents.$inferSelect;

/** Audit events oldest first, optionally only those about one entity (and one id of it). */
export function auditTrail(app: TestAppContext, entity?: string, entityId?: string | number): AuditRow[] {
  const conditions = [
    ...(entity ? [eq(auditEvents.entity, entity)] : []),
    ...(entityId !== undefined ? [eq(auditEvents.entityId, String(entityId))] : []),
  ];
  return selectRows(app.store, auditEvents, conditions.length > 0 ? and(...conditions) : undefined, auditEvents.id);
}

/** The actions of the audit events, oldest first. */
export function auditActions(app: TestAppContext, entity?: string, entityId?: string | number): string[] {
  return auditTrail(app, entity, entityId).map((row) => row.action);
}
