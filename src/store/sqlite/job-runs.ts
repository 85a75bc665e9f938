/** The JobRunRepository on SQLite. */
import { eq, sql } from 'drizzle-orm';
import type { JobRunRepository } from '../repositories/job-runs.js';
import { jobCursors, jobRuns } from '../schema.js';
import type { SqliteHandles } from './handles.js';

export function sqliteJobRuns(handles: SqliteHandles): JobRunRepository {
  const { db } = handles;
  return {
    cursorPosition(name) {
      return db.select({ position: jobCursors.position }).from(jobCursors).where(eq(jobCursors.name, name)).get()?.position;
    },
    startCursor(name, position) {
      db.insert(jobCursors).values({ name, position }).onConflictDoNothing().run();
    },
    moveCursor(name, position) {
      db.update(jobCursors).set({ position }).where(eq(jobCursors.name, name)).run();
    },
    recordStart(job, at) {
      db.insert(jobRuns)
        .values({ job, lastStartedAt: at, runs: 0 })
        .onConflictDoUpdate({ target: jobRuns.job, set: { lastStartedAt: at } })
        .run();
    },
    recordFinish(job, at, durationMs, error) {
      db.update(jobRuns)
        .set({ lastFinishedAt: at, lastDurationMs: Math.round(durationMs), lastError: error, runs: sql`${jobRuns.runs} + 1` })
        .where(sql`${jobRuns.job} = ${job}`)
        .run();
    },
  };
}
