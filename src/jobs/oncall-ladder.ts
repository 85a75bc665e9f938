/**
 * Every 5 seconds (a page due now must not wait for the next minute; the query reads only due
 * rows, so a run with nothing due costs one indexed lookup): advance on-call escalations whose next ladder step is due (page, then call). Reads
 * only due rows through the next_step_at index; each escalation advances in its own transaction
 * with conditional updates, so a late, repeated or concurrent tick sends each step once.
 */
import { advanceLadder, dueEscalations } from '../app/oncall-ladder.js';
import { forEachIsolated, systemContext, type Job } from './job.js';

export const ONCALL_LADDER = 'oncall-ladder';

/** The ladder job: one pass over the due escalations as of `now`. */
export const oncallLadderJob: Job = {
  name: ONCALL_LADDER,
  schedule: '*/5 * * * * *',
  urgent: true,
  run(ctx, now) {
    // The job acts at `now` (a tick may run "as of" another instant), so audit and outbox stamps use it too.
    const at = new Date(now.getTime());
    const acting = { ...systemContext(ctx, ONCALL_LADDER), clock: { now: () => new Date(at.getTime()) } };
    const due = dueEscalations(ctx, at);
    return forEachIsolated(ctx, ONCALL_LADDER, due, (e) => `escalation ${e.id} (ticket #${e.ticketId})`, (e) => advanceLadder(acting, e.id, at));
  },
};
