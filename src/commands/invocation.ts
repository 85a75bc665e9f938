/** One command as every adapter hands it to the router, whatever platform it came from. */
import type { DirectoryFacts } from '../domain/access.js';
import type { Audience, Platform } from '../domain/vocabulary.js';

export interface Invocation {
  platform: Platform;
  /** The platform user: a stable id, the handle people mention them by, and what the platform says of them. */
  user: { externalId: string; handle: string; displayName?: string; facts?: DirectoryFacts };
  channel: string | null;
  thread: string | null;
  /** The command as typed, e.g. `/ticket new "Login fails" priority:high` (the slash is optional). */
  text: string;
  /** Set by adapters that can see retries (Slack trigger/event id, Rocket.Chat message id). */
  idempotencyKey?: string;
  /**
   * Who reads the channels the command names and the one it was typed in, as far as the platform
   * said (keyed as stored: "slack:C0123", "rocketchat:<roomId>"): a channel read by requesters is
   * refused as a place for staff notifications.
   */
  places?: ReadonlyMap<string, PlaceFacts>;
}

/** What an adapter learnt about a channel. */
export interface PlaceFacts {
  readers: Audience;
  /** Why requesters read it, in words ("shared with another organisation"). */
  why?: string;
}
