/**
 * One-time claims in seen_events: a platform event, a chat message, a weekly check. A retried,
 * replayed or repeated request finds its key taken. Inside a transaction, the claim stands or
 * falls with the work it guards. Keys are made of platform ids (a message id, a view id), which
 * a hostile or broken peer can fill with anything: a NUL in one becomes U+FFFD on every engine.
 */
import type { AppContext } from './context.js';
import { storableText } from '../domain/text.js';

/** Claims `key`; false when it was claimed before. */
export function claimOnce(app: Pick<AppContext, 'store' | 'clock'>, key: string): boolean {
  return app.store.claims.claim(storableText(key), app.clock.now());
}

/** Whether `key` was claimed before, without claiming it. */
export function isClaimed(app: Pick<AppContext, 'store'>, key: string): boolean {
  return app.store.claims.isClaimed(storableText(key));
}

/** Gives a claim back after a failure, so the platform's retry can do the work. */
export function releaseClaim(app: Pick<AppContext, 'store'>, key: string): void {
  app.store.claims.release(storableText(key));
}
