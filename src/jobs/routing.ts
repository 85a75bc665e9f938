/**
 * Every minute: unassigned Open tickets that entered a routed tier in the last day go to the
 * engineer who escalated them (on the way back down), the person on duty, or round-robin (see
 * src/app/routing.ts). Each tier entry is routed once (a claim), so a ticket someone unassigned on
 * purpose stays in the queue. Tickets nobody fits yet are tried again on the next run.
 */
import { claimOnce, isClaimed } from '../app/claims.js';
import { routeTicket } from '../app/routing.js';
import { forEachIsolated, systemContext, type Job, type JobContext, type JobReport } from './job.js';

export const ROUTING_JOB = 'routing';
const LOOKBACK_MS = 24 * 3_600_000;

export function runRouting(ctx: JobContext, now: Date): JobReport {
  const system = systemContext(ctx, ROUTING_JOB);
  const recent = ctx.store.rotations.unroutedOpenSince(new Date(now.getTime() - LOOKBACK_MS));
  if (recent.length === 0) return { processed: 0, queued: 0, failed: 0 };
  return forEachIsolated(ctx, ROUTING_JOB, recent, (t) => `ticket ${t.id}`, (ticket) => {
    const key = `route:${ticket.id}:${ticket.tierEnteredAt.getTime()}`;
    if (isClaimed(ctx, key)) return 0;
    // Nobody fits yet (out of hours, everyone at the cap): left for the next run; once routed, never again.
    if (!routeTicket(system, ticket, now)) return 0;
    claimOnce(ctx, key);
    return 1;
  });
}

export const routingJob: Job = { name: ROUTING_JOB, schedule: '* * * * *', run: runRouting };
