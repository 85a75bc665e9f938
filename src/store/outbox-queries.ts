/** Reading the outbox's state for health checks. */
import type { Store } from './database.js';

/** The outbox rows due by `now`, and when the oldest of them fell due (null: none is due). One indexed query; throws when the database does not answer. */
export function dueOutbox(store: Store, now: Date): { count: number; oldestDueAt: Date | null } {
  const row = store.sqlite
    .prepare("SELECT count(*) AS n, min(next_attempt_at) AS oldest FROM outbox WHERE state = 'queued' AND next_attempt_at <= ?")
    .get(now.getTime()) as { n: number; oldest: number | null };
  return { count: row.n, oldestDueAt: row.oldest === null ? null : new Date(row.oldest) };
}
