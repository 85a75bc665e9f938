/** The team's SLA policy and status-timer policy, stored as team settings with handbook defaults. */
import { DEFAULT_SLA_POLICY, slaPolicySchema, type SlaPolicy } from '../domain/sla.js';
import { DEFAULT_TIMER_POLICY, timerPolicySchema, type TimerPolicy } from '../domain/status-timers.js';
import type { AppContext, RequestContext } from './context.js';
import { requireRole } from './people.js';
import { readSetting, writeSetting } from './team-settings.js';
import { loadCalendar } from './calendar.js';
import { requireReachableTargets } from './sla-reach.js';

export function loadSlaPolicy(ctx: AppContext): SlaPolicy {
  return readSetting(ctx, 'sla-policy', slaPolicySchema, DEFAULT_SLA_POLICY);
}

/** The team setting holding the status timers' days (/settings timers). */
export const TIMER_SETTING = 'status-timers';

export function loadTimerPolicy(ctx: AppContext): TimerPolicy {
  return readSetting(ctx, TIMER_SETTING, timerPolicySchema, DEFAULT_TIMER_POLICY);
}

/** Replaces the SLA policy (leads); the new thresholds apply to running clocks at their next check. */
export function saveSlaPolicy(ctx: RequestContext, policy: SlaPolicy): void {
  ctx.store.transaction(() => {
    requireRole(ctx, 'lead', 'change the SLA policy');
    const parsed = slaPolicySchema.parse(policy);
    requireReachableTargets(ctx, loadCalendar(ctx), parsed, 'Use shorter thresholds, or more working hours: /calendar hours.');
    writeSetting(ctx, 'sla-policy', parsed);
  });
}
