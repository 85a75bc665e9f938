/**
 * Once Tuesday has ended (team time), checks the staffing rule (docs/workflow.md) for the guard week: when T4
 * missed the green SLA while on-call escalations were running, the leads' channel is told to ask
 * leadership for an extra engineer. Checked once per week, at the first run after Tuesday ends (a
 * bot that was down then checks when it comes back, until the week is over).
 */
import { slaSetup, worstBand } from '../app/sla.js';
import { claimOnce, isClaimed } from '../app/claims.js';
import { enqueue } from '../app/outbox.js';
import { guardWeekStart, startOfDay } from '../domain/guard-week.js';
import { staffingCheckDay, staffingVerdict, type StaffingFigures } from '../domain/staffing.js';
import { warning } from '../views/reply.js';
import type { Job, JobContext, JobReport } from './job.js';

export const STAFFING_WATCH = 'staffing-watch';

/** T4's SLA clocks that ran at any time this guard week (up to `now`), by worst band, and this week's on-call escalations. */
export function staffingFigures(ctx: JobContext, weekStart: string, now: Date): StaffingFigures {
  const from = startOfDay(weekStart, ctx.settings.timeZone);
  const setup = slaSetup(ctx);
  const rows = ctx.store.oncall.t4ClocksRunningBetween(from, now);
  const t4 = { green: 0, yellow: 0, red: 0 };
  for (const { clock, ticket } of rows) {
    const band = worstBand(setup, clock, ticket, now);
    if (band) t4[band]++;
  }
  const escalations = ctx.store.oncall.escalationCountSince(from);
  return { t4, oncallEscalations: escalations };
}

export function runStaffingWatch(ctx: JobContext, now: Date): JobReport {
  const zone = ctx.settings.timeZone;
  const week = guardWeekStart(now, zone);
  if (now < startOfDay(staffingCheckDay(week), zone)) return { processed: 0, queued: 0, failed: 0 };
  // The rule is about the state at the end of Tuesday: one check per week, the first run after it.
  // The claim commits with the notice, so a failed run leaves the check to the next one.
  const key = `staffing-check:${week}`;
  if (isClaimed(ctx, key)) return { processed: 0, queued: 0, failed: 0 };
  // Gathered from a read snapshot before the write transaction: the figures take most of a second
  // on a big install, and a write transaction would hold every command's commit that long.
  const figures = ctx.store.read(() => staffingFigures(ctx, week, now));
  return ctx.store.transaction(() => {
    if (!claimOnce(ctx, key)) return { processed: 0, queued: 0, failed: 0 };
    const verdict = staffingVerdict(figures);
    if (!verdict.askForEngineer) return { processed: 1, queued: 0, failed: 0 };
    const reply = warning('T4 missed the green SLA this week: ask leadership for an extra engineer', {
      text:
        `${verdict.missed} of ${verdict.total} T4 ticket${verdict.total === 1 ? '' : 's'} this week left green ` +
        `(${figures.t4.red} red), with ${figures.oncallEscalations} on-call escalation${figures.oncallEscalations === 1 ? '' : 's'} in the same days.`,
      footer: 'The rule: if on-call load makes T4 miss the green SLA by end of Tuesday, ask leadership for an extra engineer. /sla queue shows the queue now.',
    });
    const queued = enqueue(ctx, { dedupeKey: `staffing:${week}`, channel: 'role:leads', audience: 'staff', reply });
    return { processed: 1, queued: queued ? 1 : 0, failed: 0 };
  });
}

export const staffingWatchJob: Job = { name: STAFFING_WATCH, schedule: '15 * * * *', run: runStaffingWatch };
