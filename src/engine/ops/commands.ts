/**
 * The engine's operations for the command path and for who people are: every command runs here in
 * its one transaction (router.ts), and the few reads adapters need before a command (is this person
 * a requester, what handle does deskops know them by) and the one-time claims of platform events.
 */
import { withTeamZone } from '../../app/calendar.js';
import { claimOnce, isClaimed } from '../../app/claims.js';
import type { Access } from '../../domain/access.js';
import { actorIsRequester, resolveActor, type PlatformUser } from '../../app/people.js';
import type { Invocation } from '../../commands/invocation.js';
import type { HandleOptions } from '../../commands/router.js';
import type { Platform } from '../../domain/vocabulary.js';
import type { Reply } from '../../views/reply.js';
import type { EngineEnv } from '../env.js';
import { settableClock } from '../env.js';

/** What `:as` learned about the person it switched to. */
export interface Introduction {
  /** True when deskops had not seen them before. */
  created: boolean;
  role: Access;
}

/** The outbox as GET /healthz reports it: due rows, and how long the oldest has waited. */
export interface OutboxHealth {
  due: number;
  oldestDueSeconds: number;
}

export const commandOps = {
  /** Runs one command in its transaction (see Router.handle): the Reply, or DatabaseBusyError with `onBusy: 'throw'`. */
  handle(env: EngineEnv, invocation: Invocation, options: HandleOptions = {}): Reply {
    return env.router.handle(invocation, options);
  },

  /** Runs one command once per `claim`, in one transaction with the claim; null when it was claimed before. */
  handleOnce(env: EngineEnv, invocation: Invocation, claim: string, options: HandleOptions = {}): Reply | null {
    return env.router.handleOnce(invocation, claim, options) ?? null;
  },

  /** Whether this platform user is a requester right now (the staff rules), read without writing. */
  isRequester(env: EngineEnv, platform: Platform, user: PlatformUser): boolean {
    return actorIsRequester(env.app, platform, user);
  },

  /** The handle deskops knows a platform user by, when it has seen them. */
  knownHandle(env: EngineEnv, platform: Platform, externalId: string): string | null {
    return env.app.store.people.handleOf(platform, externalId);
  },

  /** Makes a platform user a person deskops knows, as their first command would (the shell's `:as`). */
  introduce(env: EngineEnv, platform: Platform, user: PlatformUser, localAdmin = false): Introduction {
    const { app } = env;
    return app.store.transaction(() => {
      const known = app.store.people.personIdOf(platform, user.externalId);
      const actor = resolveActor(app, platform, user, { localAdmin });
      return { created: known === undefined, role: actor.kind === 'person' ? actor.role : 'agent' };
    });
  },

  /** Claims a platform event (seen_events); false when it was claimed before. */
  claim(env: EngineEnv, key: string): boolean {
    return claimOnce(env.app, key);
  },

  isClaimed(env: EngineEnv, key: string): boolean {
    return isClaimed(env.app, key);
  },

  /** Gives a claim back after a failure, so the platform's retry can do the work. */
  release(env: EngineEnv, key: string): void {
    env.app.store.claims.release(key);
  },

  /** The engine's now (a pinned clock's instant in the shell and tests). */
  now(env: EngineEnv): Date {
    return env.app.clock.now();
  },

  /** Pins the engine's clock to `instant` (the shell's `:clock`), or lets it follow real time again (null). */
  pinClock(env: EngineEnv, instant: Date | null): void {
    const clock = settableClock(env);
    if (!clock) throw new Error('this engine runs on the real clock; it cannot be pinned');
    clock.set(instant ?? undefined);
  },

  /** The team's zone as it is now (/calendar zone, else DESKOPS_TIMEZONE). */
  teamZone(env: EngineEnv): string {
    return withTeamZone(env.app).settings.timeZone;
  },

  /** One indexed query for GET /healthz: the due outbox rows and the oldest one's wait. Throws when the database does not answer. */
  outboxHealth(env: EngineEnv, now: Date): OutboxHealth {
    const { count, oldestDueAt } = env.app.store.outbox.dueSummary(now);
    return { due: count, oldestDueSeconds: oldestDueAt === null ? 0 : Math.max(0, Math.round((now.getTime() - oldestDueAt.getTime()) / 1000)) };
  },
};
