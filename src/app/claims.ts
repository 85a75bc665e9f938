/**
 * One-time claims in seen_events: a platform event, a chat message, a weekly check. A retried,
 * replayed or repeated request finds its key taken. Inside a transaction, the claim stands or
 * falls with the work it guards.
 */
import type { AppContext } from './context.js';

/** Claims `key`; false when it was claimed before. */
export function claimOnce(app: Pick<AppContext, 'store' | 'clock'>, key: string): boolean {
  return app.store.claims.claim(key, app.clock.now());
}

/** Whether `key` was claimed before, without claiming it. */
export function isClaimed(app: Pick<AppContext, 'store'>, key: string): boolean {
  return app.store.claims.isClaimed(key);
}
