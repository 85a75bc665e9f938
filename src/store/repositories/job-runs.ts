/** Scheduled jobs' runs and cursors. */

export interface JobRunRepository {
  /** Records that `job` started at `at` (its row created on the first run). */
  recordStart(job: string, at: Date): void;
  /** Records the end of `job`'s run at `at`: how long it took, its error (null when none), one more run. */
  recordFinish(job: string, at: Date, durationMs: number, error: string | null): void;
}
