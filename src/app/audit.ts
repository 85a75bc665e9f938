/** Appends audit events: every change records who, what, before, after and when. */
import { auditEvents } from '../store/schema.js';
import { bound, instantValue, jsonValue, preparedQuery } from '../store/prepared.js';
import { actorLabel, actorPersonId, type RequestContext } from './context.js';

export interface AuditInput {
  entity: 'ticket' | 'known_issue' | 'tag' | 'person' | 'guard' | 'setting' | 'rotation' | 'oncall' | 'macro' | 'answer_cluster';
  entityId: string | number;
  action: string;
  before?: unknown;
  after?: unknown;
}

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

/** Records one audit event; call it inside the transaction that makes the change. */
export function recordAudit(ctx: Pick<RequestContext, 'store' | 'clock' | 'actor'>, event: AuditInput): void {
  insertAudit(ctx.store).run({
    entity: event.entity,
    entityId: String(event.entityId),
    action: event.action,
    actorId: actorPersonId(ctx.actor),
    actorLabel: actorLabel(ctx.actor),
    before: jsonValue(event.before),
    after: jsonValue(event.after),
    at: instantValue(ctx.clock.now()),
  });
}
