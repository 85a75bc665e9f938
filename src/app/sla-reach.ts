/**
 * A guard for every change to what SLA clocks count in (the calendar, the SLA policy): every
 * threshold must be reachable. Business time is walked day by day for at most a century, so
 * a target beyond that (1 minute of work a week with 24-hour business days, or red after 99999999d)
 * would make every ticket change that starts a clock fail. Such a change is refused instead, before
 * it is written.
 */
import type { AppContext } from './context.js';
import { invalid } from './errors.js';
import { addBusinessTime, type BusinessCalendar } from '../domain/calendar.js';
import { thresholdsFor, type SlaPolicy } from '../domain/sla.js';
import { DEPARTMENTS, LADDER_TIERS, PRIORITIES, TIER_LABELS } from '../domain/vocabulary.js';

/** Throws INVALID when some SLA target of `policy` cannot be reached under `calendar`. */
export function requireReachableTargets(ctx: Pick<AppContext, 'clock'>, calendar: BusinessCalendar, policy: SlaPolicy, hint: string): void {
  let longest = { ms: 0, what: '' };
  for (const tier of LADDER_TIERS) {
    for (const priority of PRIORITIES) {
      for (const department of DEPARTMENTS) {
        const thresholds = thresholdsFor(policy, calendar, { tier, priority, department });
        const ms = thresholds ? Math.max(thresholds.yellowAfterMs, thresholds.redAfterMs) : 0;
        if (ms > longest.ms) longest = { ms, what: `${TIER_LABELS[tier]} · ${priority} · ${department}` };
      }
    }
  }
  if (longest.ms === 0) return;
  try {
    addBusinessTime(calendar, ctx.clock.now(), longest.ms);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    throw invalid(`With that, the longest SLA target (for ${longest.what}) would never be reached: it takes more than a century of working hours.`, hint);
  }
}
