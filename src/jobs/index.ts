/** Every scheduled job deskops runs; the scheduler, `deskops tick` and the shell's `:tick` read this list. */
import type { Job } from './job.js';
import { oncallHandoffJob } from './oncall-handoff.js';
import { oncallLadderJob } from './oncall-ladder.js';
import { patternWatchJob } from './pattern-watch.js';
import { pruneRequestsJob } from './prune-requests.js';
import { slaWatchJob } from './sla-watch.js';
import { staffingWatchJob } from './staffing-watch.js';
import { statusTimersJob } from './status-timers.js';
import { weeklyDigestJob } from './weekly-digest.js';
import { followerUpdatesJob } from './follower-updates.js';
import { duplicateAnswersJob } from './duplicate-answers.js';
import { routingJob } from './routing.js';
import { t1EscalationHintJob } from './t1-escalation-hint.js';

/**
 * The jobs, in the order a tick runs them: state changes first (status timers reopen or close
 * tickets), then the watchers that read that state, the digest last. A hand-off is announced before
 * the ladder steps of the same tick, which go to the person taking over.
 */
export function allJobs(): Job[] {
  return [statusTimersJob, routingJob, slaWatchJob, t1EscalationHintJob, oncallHandoffJob, oncallLadderJob, patternWatchJob, duplicateAnswersJob, staffingWatchJob, followerUpdatesJob, weeklyDigestJob, pruneRequestsJob];
}
