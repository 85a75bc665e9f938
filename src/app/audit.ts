/** Appends audit events: every change records who, what, before, after and when. */
import { auditEvents } from '../store/schema.js';
import { actorLabel, actorPersonId, type RequestContext } from './context.js';

export interface AuditInput {
  entity: 'ticket' | 'known_issue' | 'tag' | 'person' | 'guard' | 'setting' | 'rotation' | 'oncall';
  entityId: string | number;
  action: string;
  before?: unknown;
  after?: unknown;
}

/** Records one audit event; call it inside the transaction that makes the change. */
export function recordAudit(ctx: Pick<RequestContext, 'store' | 'clock' | 'actor'>, event: AuditInput): void {
  ctx.store.db
    .insert(auditEvents)
    .values({
      entity: event.entity,
      entityId: String(event.entityId),
      action: event.action,
      actorId: actorPersonId(ctx.actor),
      actorLabel: actorLabel(ctx.actor),
      before: event.before ?? null,
      after: event.after ?? null,
      at: ctx.clock.now(),
    })
    .run();
}
