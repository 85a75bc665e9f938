/**
 * Looking outbox rows up by dedupe key through its unique index. SQLite's LIKE is case-insensitive
 * and cannot use that index (a scan of every row ever queued), so a prefix is a key range instead.
 */
import { and, eq, gte, lt, type SQL } from 'drizzle-orm';
import { outbox } from '../store/schema.js';
import type { AppContext } from './context.js';

/** `dedupe_key` starts with `prefix`, as an indexable range [prefix, prefix with its last character bumped). */
export function keyStartsWith(prefix: string): SQL {
  const last = prefix.charCodeAt(prefix.length - 1);
  const upper = `${prefix.slice(0, -1)}${String.fromCharCode(last + 1)}`;
  return and(gte(outbox.dedupeKey, prefix), lt(outbox.dedupeKey, upper))!;
}

/** Whether a notification with this dedupe key was ever queued (whatever became of it). */
export function outboxHasKey(ctx: Pick<AppContext, 'store'>, dedupeKey: string): boolean {
  return ctx.store.db.select({ id: outbox.id }).from(outbox).where(eq(outbox.dedupeKey, dedupeKey)).get() !== undefined;
}
