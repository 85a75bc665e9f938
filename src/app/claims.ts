/**
 * One-time claims in seen_events: a platform event, a chat message, a weekly check. A retried,
 * replayed or repeated request finds its key taken. Inside a transaction, the claim stands or
 * falls with the work it guards.
 */
import { eq } from 'drizzle-orm';
import { seenEvents } from '../store/schema.js';
import type { AppContext } from './context.js';

/** Claims `key`; false when it was claimed before. */
export function claimOnce(app: Pick<AppContext, 'store' | 'clock'>, key: string): boolean {
  return app.store.db.insert(seenEvents).values({ key, at: app.clock.now() }).onConflictDoNothing().run().changes > 0;
}

/** Whether `key` was claimed before, without claiming it. */
export function isClaimed(app: Pick<AppContext, 'store'>, key: string): boolean {
  return app.store.db.select({ key: seenEvents.key }).from(seenEvents).where(eq(seenEvents.key, key)).get() !== undefined;
}
