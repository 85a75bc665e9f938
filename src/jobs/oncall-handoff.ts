/**
 * Every minute: for each rotation whose on-call person changed (hand-off day, an override starting
 * or ending), tell the person taking over which open, unacknowledged escalations they inherit.
 * Once per hand-off through the dedupe key, so a late or repeated tick posts nothing twice.
 */
import { announceHandoff } from '../app/oncall-handoff.js';
import { listRotations } from '../app/oncall.js';
import { forEachIsolated, type Job } from './job.js';

export const ONCALL_HANDOFF = 'oncall-handoff';

export const oncallHandoffJob: Job = {
  name: ONCALL_HANDOFF,
  schedule: '* * * * *',
  // Urgent with the ladder: a new leader's catch-up announces a hand-off before the ladder's steps
  // go to the person taking over, as every tick does (jobs/index.ts), failover or not.
  urgent: true,
  run(ctx, now) {
    const at = new Date(now.getTime());
    // Outbox stamps use the instant the job acts at (a tick may run "as of" another instant).
    const acting = { ...ctx, clock: { now: () => new Date(at.getTime()) } };
    return forEachIsolated(ctx, ONCALL_HANDOFF, listRotations(ctx), (r) => `rotation ${r.name}`, (r) => announceHandoff(acting, r, at));
  },
};
