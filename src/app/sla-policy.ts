/** The team's SLA policy and status-timer policy as stored (team settings with handbook defaults); sla-policy-admin.ts changes the policy. */
import { DEFAULT_SLA_POLICY, slaPolicySchema, type SlaPolicy } from '../domain/sla.js';
import { DEFAULT_TIMER_POLICY, timerPolicySchema, type TimerPolicy } from '../domain/status-timers.js';
import type { AppContext } from './context.js';
import { readSetting } from './team-settings.js';

export function loadSlaPolicy(ctx: AppContext): SlaPolicy {
  return readSetting(ctx, 'sla-policy', slaPolicySchema, DEFAULT_SLA_POLICY);
}

/** The team setting holding the status timers' days (/settings timers). */
export const TIMER_SETTING = 'status-timers';

export function loadTimerPolicy(ctx: AppContext): TimerPolicy {
  return readSetting(ctx, TIMER_SETTING, timerPolicySchema, DEFAULT_TIMER_POLICY);
}
