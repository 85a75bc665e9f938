/** Scheduled jobs' runs and cursors. */

export interface JobRunRepository {
  /** Records that `job` started at `at` (its row created on the first run). */
  recordStart(job: string, at: Date): void;
  /** Records the end of `job`'s run at `at`: how long it took, its error (null when none), one more run. */
  recordFinish(job: string, at: Date, durationMs: number, error: string | null): void;
  /** Where the job cursor `name` stands (a row id of what the job reads), undefined before its first run. */
  cursorPosition(name: string): number | undefined;
  /** Starts the cursor `name` at `position` (nothing when it exists). */
  startCursor(name: string, position: number): void;
  /** Moves the cursor `name` to `position`. */
  moveCursor(name: string, position: number): void;
}
