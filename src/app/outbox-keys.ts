/**
 * Looking outbox rows up by dedupe key through its unique index. SQLite's LIKE is case-insensitive
 * and cannot use that index (a scan of every row ever queued), so a prefix is a key range instead.
 */
import type { AppContext } from './context.js';

// The key range now lives with the outbox's SQLite queries; re-exported while jobs/pattern-watch.ts
// (and its test) still build their query here. Drop once that query is in a repository.
export { keyStartsWith } from '../store/sqlite/outbox.js';

/** Whether a notification with this dedupe key was ever queued (whatever became of it). */
export function outboxHasKey(ctx: Pick<AppContext, 'store'>, dedupeKey: string): boolean {
  return ctx.store.outbox.hasKey(dedupeKey);
}
