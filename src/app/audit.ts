/** Appends audit events: every change records who, what, before, after and when. */
import { actorLabel, actorPersonId, type RequestContext } from './context.js';

export interface AuditInput {
  entity: 'ticket' | 'known_issue' | 'tag' | 'person' | 'guard' | 'setting' | 'rotation' | 'oncall' | 'macro' | 'answer_cluster';
  entityId: string | number;
  action: string;
  before?: unknown;
  after?: unknown;
}

/** Records one audit event; call it inside the transaction that makes the change. */
export function recordAudit(ctx: Pick<RequestContext, 'store' | 'clock' | 'actor'>, event: AuditInput): void {
  ctx.store.audit.append({
    entity: event.entity,
    entityId: String(event.entityId),
    action: event.action,
    actorId: actorPersonId(ctx.actor),
    actorLabel: actorLabel(ctx.actor),
    before: event.before,
    after: event.after,
    at: ctx.clock.now(),
  });
}
