/** Looking outbox rows up by dedupe key (through its unique index: see store/sqlite/outbox.ts). */
import type { AppContext } from './context.js';

/** Whether a notification with this dedupe key was ever queued (whatever became of it). */
export function outboxHasKey(ctx: Pick<AppContext, 'store'>, dedupeKey: string): boolean {
  return ctx.store.outbox.hasKey(dedupeKey);
}
