/** The JobRunRepository on PostgreSQL, ported from src/store/sqlite/job-runs.ts. */
import { eq, sql } from 'drizzle-orm';
import type { JobRunRepository } from '../repositories/job-runs.js';
import { jobCursors, jobRuns } from './schema.js';
import { get, run } from './session.js';
import type { PgHandles } from './handles.js';

export function pgJobRuns(handles: PgHandles): JobRunRepository {
  const { db } = handles;
  return {
    cursorPosition(name) {
      return get(db.select({ position: jobCursors.position }).from(jobCursors).where(eq(jobCursors.name, name)))?.position;
    },
    startCursor(name, position) {
      run(db.insert(jobCursors).values({ name, position }).onConflictDoNothing());
    },
    moveCursor(name, position) {
      run(db.update(jobCursors).set({ position }).where(eq(jobCursors.name, name)));
    },
    recordStart(job, at) {
      run(
        db
          .insert(jobRuns)
          .values({ job, lastStartedAt: at, runs: 0 })
          .onConflictDoUpdate({ target: jobRuns.job, set: { lastStartedAt: at } }),
      );
    },
    recordFinish(job, at, durationMs, error) {
      run(
        db
          .update(jobRuns)
          .set({ lastFinishedAt: at, lastDurationMs: Math.round(durationMs), lastError: error, runs: sql`${jobRuns.runs} + 1` })
          .where(eq(jobRuns.job, job)),
      );
    },
  };
}
