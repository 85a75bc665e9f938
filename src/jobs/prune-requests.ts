/**
 * Hourly: forgets the replies of commands older than a day. They are kept only so that a request
 * the platform retries (Slack does, within minutes) gets the first answer instead of running
 * again; kept longer they would be copies of notes and contact details nobody needs.
 */
import { emptyReport, type Job } from './job.js';

export const PRUNE_REQUESTS = 'prune-requests';
/** How long a command's reply is kept for retries of it. */
export const REQUEST_RECORD_TTL_MS = 24 * 60 * 60_000;
/** Rows deleted per transaction, so a large backlog never holds the write lock for long. */
const BATCH = 5_000;

export const pruneRequestsJob: Job = {
  name: PRUNE_REQUESTS,
  schedule: '17 * * * *',
  run(ctx, now) {
    const report = emptyReport();
    const before = new Date(now.getTime() - REQUEST_RECORD_TTL_MS);
    for (;;) {
      const deleted = ctx.store.transaction(() => ctx.store.claims.pruneHandledBefore(before, BATCH));
      report.processed += deleted;
      if (deleted < BATCH) return report;
    }
  },
};
