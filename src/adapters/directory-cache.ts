/**
 * A short-lived cache of what a platform's directory says about users (Slack users.info,
 * Rocket.Chat users.info), shared by the adapters: staff rules are checked on every request, so
 * the answer is kept briefly, and when the directory cannot be asked the last answer (if any) is
 * used a while longer rather than locking the whole team out.
 */
import { LRUCache } from 'lru-cache';
import type { DirectoryFacts } from '../domain/access.js';
import type { Logger } from '../log.js';

/** How long an answer is trusted before the directory is asked again. */
export const DIRECTORY_TTL_MS = 60_000;
/** How long a stale answer may stand in while the directory does not answer. */
const STALE_LIMIT_MS = 60 * 60_000;
const MAX_USERS = 20_000;

export interface DirectoryCache {
  /** The user's facts, asking the directory when the cached answer is older than the TTL. */
  lookup(userId: string): Promise<DirectoryFacts>;
  /** The last answer, however old (after `lookup` in the same request it is fresh). */
  cached(userId: string): DirectoryFacts | undefined;
  /** Stores an answer gathered elsewhere (a users.info by username that returned roles too). */
  remember(userId: string, facts: DirectoryFacts): void;
}

/** A cache over `ask`; failures give the stale answer, or an 'unavailable' fact naming why. */
export function createDirectoryCache(ask: (userId: string) => Promise<DirectoryFacts>, logger: Logger, ttlMs = DIRECTORY_TTL_MS): DirectoryCache {
  const answers = new LRUCache<string, { facts: DirectoryFacts; at: number }>({ max: MAX_USERS });
  const inFlight = new Map<string, Promise<DirectoryFacts>>();
  return {
    async lookup(userId) {
      const known = answers.get(userId);
      if (known && Date.now() - known.at < ttlMs) return known.facts;
      const running = inFlight.get(userId);
      if (running) return running;
      const asking = ask(userId)
        .then((facts) => {
          answers.set(userId, { facts, at: Date.now() });
          return facts;
        })
        .catch((error: unknown): DirectoryFacts => {
          logger.warn({ err: error, userId }, 'could not ask the directory about a user; using the last answer if there is one');
          if (known && Date.now() - known.at < STALE_LIMIT_MS) return known.facts;
          // Too old to stand in: forgotten, so what the request reads (cached) covers them by no rule either.
          answers.delete(userId);
          return { platform: 'unavailable', reason: error instanceof Error ? error.message : String(error) };
        })
        .finally(() => inFlight.delete(userId));
      inFlight.set(userId, asking);
      return asking;
    },
    cached: (userId) => answers.get(userId)?.facts,
    remember(userId, facts) {
      answers.set(userId, { facts, at: Date.now() });
    },
  };
}
