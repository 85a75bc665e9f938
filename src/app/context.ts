/** What every use case receives: the clock, the store, configuration and who is acting. */
import type { Clock } from '../clock.js';
import type { Storage } from '../store/storage.js';
import type { Access } from '../domain/access.js';
import type { Platform, Tier } from '../domain/vocabulary.js';
import type { Settings } from '../config.js';
import type { RateLimits } from './rate-limits.js';
import type { PlaceFacts } from '../commands/invocation.js';

/** A person acting through a platform identity, or a scheduled job acting on its own. */
export type Actor =
  | {
      kind: 'person';
      personId: number;
      displayName: string;
      /** What they may do right now: a requester, or staff with their role. */
      role: Access;
      tier: Tier | null;
      platform: Platform;
      handle: string;
    }
  | { kind: 'system'; job: string };

/** `S`: the storage as its opener knows it (the SQLite store, for the composition root and tests); use cases see only the port. */
export interface AppContext<S extends Storage = Storage> {
  clock: Clock;
  store: S;
  settings: Settings;
  /** Per-person rate limits on commands and ticket creation; none in tests that build contexts by hand. */
  limits?: RateLimits;
}

/** The context of one request: the app context plus the acting person. */
export interface RequestContext<S extends Storage = Storage> extends AppContext<S> {
  actor: Actor;
  /** Where the request came from; notifications about it may go back there. */
  origin: { platform: Platform; channel: string | null; thread: string | null };
  /** Who reads the channels the request named, as the adapter found out (see Invocation.places). */
  places?: ReadonlyMap<string, PlaceFacts>;
}

/** "@alice" for people, "system:sla-watch" for jobs: what audit events and notes show. */
export function actorLabel(actor: Actor): string {
  return actor.kind === 'person' ? `@${actor.handle}` : `system:${actor.job}`;
}

export function actorPersonId(actor: Actor): number | null {
  return actor.kind === 'person' ? actor.personId : null;
}
