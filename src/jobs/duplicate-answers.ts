/**
 * Every 5 minutes: the public replies written since the last run go through the duplicate-answer
 * detector (src/app/duplicate-answers.ts), oldest first, each in its own transaction with the
 * cursor, so a crash or a failing reply never checks one twice or skips the rest.
 */
import { checkReply, WINDOW_MS } from '../app/duplicate-answers.js';
import { forEachIsolated, type Job, type JobContext, type JobReport } from './job.js';

export const DUPLICATE_ANSWERS = 'duplicate-answers';
/** Replies checked per run; a busy spell is caught up over the next runs. */
const BATCH = 500;

function cursorOf(ctx: JobContext, now: Date): number {
  const position = ctx.store.jobRuns.cursorPosition(DUPLICATE_ANSWERS);
  if (position !== undefined) return position;
  // First run: replies older than the window can never be anyone's twin; start just before the window.
  const first = ctx.store.duplicates.firstCommentIdSince(new Date(now.getTime() - WINDOW_MS));
  const start = first === null ? (ctx.store.duplicates.firstCommentId() ?? 1) - 1 : first - 1;
  ctx.store.jobRuns.startCursor(DUPLICATE_ANSWERS, Math.max(0, start));
  return Math.max(0, start);
}

export function runDuplicateAnswers(ctx: JobContext, now: Date): JobReport {
  const cursor = ctx.store.transaction(() => cursorOf(ctx, now));
  const batch = ctx.store.duplicates.commentsAfter(cursor, BATCH);
  return forEachIsolated(ctx, DUPLICATE_ANSWERS, batch, (c) => `comment ${c.id}`, (comment) => {
    ctx.store.jobRuns.moveCursor(DUPLICATE_ANSWERS, comment.id);
    return checkReply(ctx, comment).suggested ? 1 : 0;
  });
}

export const duplicateAnswersJob: Job = { name: DUPLICATE_ANSWERS, schedule: '*/5 * * * *', run: runDuplicateAnswers };
