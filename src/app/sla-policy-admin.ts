/**
 * Changing the SLA policy. Apart from src/app/sla-policy.ts because the change is checked against
 * the calendar, whose own changes read the policy: the readers stay below both.
 */
import { slaPolicySchema, type SlaPolicy } from '../domain/sla.js';
import { loadCalendar } from './calendar.js';
import type { RequestContext } from './context.js';
import { requireRole } from './people.js';
import { requireReachableTargets } from './sla-reach.js';
import { writeSetting } from './team-settings.js';

/** Replaces the SLA policy (leads); the new thresholds apply to running clocks at their next check. */
export function saveSlaPolicy(ctx: RequestContext, policy: SlaPolicy): void {
  ctx.store.transaction(() => {
    requireRole(ctx, 'lead', 'change the SLA policy');
    const parsed = slaPolicySchema.parse(policy);
    requireReachableTargets(ctx, loadCalendar(ctx), parsed, 'Use shorter thresholds, or more working hours: /calendar hours.');
    writeSetting(ctx, 'sla-policy', parsed);
  });
}
