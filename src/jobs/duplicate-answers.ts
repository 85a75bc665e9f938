/**
 * Every 5 minutes: the public replies written since the last run go through the duplicate-answer
 * detector (src/app/duplicate-answers.ts), oldest first, each in its own transaction with the
 * cursor, so a crash or a failing reply never checks one twice or skips the rest.
 */
import { and, eq, gt, gte, min } from 'drizzle-orm';
import { checkReply, WINDOW_MS } from '../app/duplicate-answers.js';
import { comments, jobCursors } from '../store/schema.js';
import { forEachIsolated, type Job, type JobContext, type JobReport } from './job.js';

export const DUPLICATE_ANSWERS = 'duplicate-answers';
/** Replies checked per run; a busy spell is caught up over the next runs. */
const BATCH = 500;

function cursorOf(ctx: JobContext, now: Date): number {
  const row = ctx.store.db.select({ position: jobCursors.position }).from(jobCursors).where(eq(jobCursors.name, DUPLICATE_ANSWERS)).get();
  if (row) return row.position;
  // First run: replies older than the window can never be anyone's twin; start just before the window.
  const first = ctx.store.db.select({ id: min(comments.id) }).from(comments).where(gte(comments.createdAt, new Date(now.getTime() - WINDOW_MS))).get()?.id ?? null;
  const start = first === null ? (ctx.store.db.select({ id: min(comments.id) }).from(comments).get()?.id ?? 1) - 1 : first - 1;
  ctx.store.db.insert(jobCursors).values({ name: DUPLICATE_ANSWERS, position: Math.max(0, start) }).onConflictDoNothing().run();
  return Math.max(0, start);
}

export function runDuplicateAnswers(ctx: JobContext, now: Date): JobReport {
  const cursor = ctx.store.transaction(() => cursorOf(ctx, now));
  const batch = ctx.store.db.select().from(comments).where(and(gt(comments.id, cursor))).orderBy(comments.id).limit(BATCH).all();
  return forEachIsolated(ctx, DUPLICATE_ANSWERS, batch, (c) => `comment ${c.id}`, (comment) => {
    ctx.store.db.update(jobCursors).set({ position: comment.id }).where(eq(jobCursors.name, DUPLICATE_ANSWERS)).run();
    return checkReply(ctx, comment).suggested ? 1 : 0;
  });
}

export const duplicateAnswersJob: Job = { name: DUPLICATE_ANSWERS, schedule: '*/5 * * * *', run: runDuplicateAnswers };
