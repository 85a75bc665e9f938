/** What the leads decide about a cluster of duplicate answers: make a macro, ask for a doc, or "not the same". */
import type { ClusterRow } from '../store/repositories/duplicates.js';
import { recordAudit } from './audit.js';
import { actorPersonId, type RequestContext } from './context.js';
import { clusterMembers } from './duplicate-answers.js';
import { conflict, notFound } from './errors.js';
import { createMacro, type MacroRow } from './macros.js';
import { requireRole } from './people.js';
import { attachTags, resolveTagRefs } from './tags.js';

export type { ClusterRow };

function requireCluster(ctx: RequestContext, id: number): ClusterRow {
  const row = ctx.store.duplicates.clusterById(id);
  if (!row) throw notFound(`There is no group of duplicate answers numbered ${id}.`, '/duplicates list shows the open ones.');
  if (row.state !== 'suggested') throw conflict(`Group ${id} was decided already (${row.state}).`, '/duplicates list shows the open ones.');
  return row;
}

function decide(ctx: RequestContext, cluster: ClusterRow, state: 'macro' | 'doc' | 'dismissed', extra: Record<string, unknown> = {}): void {
  ctx.store.duplicates.decideCluster(cluster.id, { state, decidedBy: actorPersonId(ctx.actor), decidedAt: ctx.clock.now() });
  recordAudit(ctx, { entity: 'answer_cluster', entityId: cluster.id, action: `answer_cluster.${state}`, before: { state: cluster.state }, after: { state, ...extra } });
}

/** "Make a macro": a macro from the newest answer of the group (named `name`, or answer-<n>), for a lead to polish. */
export function macroFromCluster(ctx: RequestContext, id: number, name?: string): MacroRow {
  return ctx.store.transaction(() => {
    requireRole(ctx, 'lead', 'turn duplicate answers into a macro');
    const cluster = requireCluster(ctx, id);
    const newest = clusterMembers(ctx, id).at(-1);
    if (!newest) throw notFound(`Group ${id} has no answers left.`);
    const macro = createMacro(ctx, { name: name ?? `answer-${id}`, body: newest.body });
    decide(ctx, cluster, 'macro', { macro: macro.name });
    return macro;
  });
}

/** "Needs a doc": the group's tickets get the process tag Proposed User Doc. */
export function docFromCluster(ctx: RequestContext, id: number): { tickets: number[] } {
  return ctx.store.transaction(() => {
    requireRole(ctx, 'lead', 'ask for a doc from duplicate answers');
    const cluster = requireCluster(ctx, id);
    const tickets = [...new Set(clusterMembers(ctx, id).map((m) => m.ticketId))];
    const tag = resolveTagRefs(ctx, [{ family: 'process', value: 'Proposed User Doc' }]);
    for (const ticketId of tickets) {
      const added = attachTags(ctx, ticketId, tag);
      if (added.length > 0) recordAudit(ctx, { entity: 'ticket', entityId: ticketId, action: 'ticket.tags', after: { added: ['process:Proposed User Doc'], answerCluster: id } });
    }
    decide(ctx, cluster, 'doc', { tickets });
    return { tickets };
  });
}

/** "Not the same": the group is dismissed and stays quiet (later look-alikes join it silently). */
export function dismissCluster(ctx: RequestContext, id: number): void {
  ctx.store.transaction(() => {
    requireRole(ctx, 'lead', 'dismiss duplicate answers');
    decide(ctx, requireCluster(ctx, id), 'dismissed');
  });
}
