/** One command as every adapter hands it to the router, whatever platform it came from. */
import type { Platform } from '../domain/vocabulary.js';

export interface Invocation {
  platform: Platform;
  /** The platform user: a stable id, and the handle people mention them by. */
  user: { externalId: string; handle: string; displayName?: string };
  channel: string | null;
  thread: string | null;
  /** The command as typed, e.g. `/ticket new "Login fails" priority:high` (the slash is optional). */
  text: string;
  /** Set by adapters that can see retries (Slack trigger/event id, Rocket.Chat message id). */
  idempotencyKey?: string;
}
