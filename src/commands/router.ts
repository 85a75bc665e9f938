/**
 * The one path every request takes: text -> tokens -> command -> use case in one transaction ->
 * Reply. Usage mistakes and refusals become replies; database trouble (locked, full, read-only,
 * disk errors) becomes a reply saying what happened and what to do, with an error line for the
 * operator; anything else unexpected is logged with a correlation id and the user gets a short
 * apology carrying it. Either way the transaction rolled back: nothing is half written.
 */
import { AppError, DatabaseBusyError, UsageError, storeTransient, storeTrouble, storeTroubleAdvice, storeUnavailable } from '../app/errors.js';
import type { AppContext, RequestContext } from '../app/context.js';
import { actorIsRequester, requesterRefusal, resolveActor } from '../app/people.js';
import { withTeamZone } from '../app/calendar.js';
import { recordAudit } from '../app/audit.js';
import { claimOnce } from '../app/claims.js';
import type { Platform } from '../domain/vocabulary.js';
import { closestMatches, storableTexts } from '../domain/text.js';
import { correlationId, type Logger } from '../log.js';
import { failure, type Reply } from '../views/reply.js';
import { ArgReader } from './args.js';
import { familyHelp, overviewHelp, requesterHelp } from './help.js';
import type { Invocation } from './invocation.js';
import type { CommandDefinition, CommandRegistry } from './registry.js';
import type { Token } from './tokenize.js';
import type { PlaceFacts } from './invocation.js';
import type { PlatformUser } from '../app/people.js';
import { leadingWords, prepareText, type PreparedText } from './prepare.js';
import { MAX_COMMAND_LENGTH, RATE_LIMITED_TITLE } from './limits.js';

export { MAX_COMMAND_LENGTH, RATE_LIMITED_TITLE } from './limits.js';

export interface RouterOptions {
  registry: CommandRegistry;
  app: AppContext;
  logger: Logger;
  /** Whether the invocation comes from the shell's local user, who is always an admin. */
  localAdmin?: (invocation: Invocation) => boolean;
}

/** How one call to Router.handle treats a locked database. */
export interface HandleOptions {
  /** 'reply' (the default): answer that the database is busy. 'throw': throw DatabaseBusyError, for a caller that retries. */
  onBusy?: 'reply' | 'throw';
  /** Wait at most this long for the lock (it blocks the engine's thread) instead of the connection's busy timeout. */
  busyWaitMs?: number;
  /**
   * The text as the adapter already read it (prepare.ts): tokenized once, on the way in, where the
   * adapter needed to know the command before running it (whether it only reads, opens a form).
   */
  prepared?: PreparedText;
}

export interface Router {
  handle(invocation: Invocation, options?: HandleOptions): Reply;
  /**
   * Runs the invocation once per `claim` (a chat message id, a reaction): the claim and the command
   * share one transaction, so a duplicate (a replay, a second subscription, catch-up) finds the
   * claim and gets undefined, and a crash before the commit leaves neither.
   */
  handleOnce(invocation: Invocation, claim: string, options?: HandleOptions): Reply | undefined;
}

/** Where a request comes from, for its context. */
export interface RequestOrigin {
  channel: string | null;
  thread: string | null;
}

/**
 * The context of one request, built the same way for every inbound interaction (a command, a
 * button, a reaction, a form, a requester's message): the acting person as the platform and the
 * staff rules make them now (a first-time user is created), the team's zone, where it came from.
 * Call inside the request's transaction.
 */
export function requestContext(
  app: AppContext,
  platform: Platform,
  user: PlatformUser,
  origin: RequestOrigin,
  extra: { localAdmin?: boolean; places?: ReadonlyMap<string, PlaceFacts> } = {},
): RequestContext {
  const actor = resolveActor(app, platform, user, { localAdmin: extra.localAdmin === true });
  return { ...withTeamZone(app), actor, origin: { platform, ...origin }, ...(extra.places ? { places: extra.places } : {}) };
}

export function createRouter(options: RouterOptions): Router {
  const { registry, app, logger } = options;

  function withUsage(error: UsageError, definition: CommandDefinition | undefined, requester: boolean): Reply {
    return failure(error.message, { usage: error.usage || definition?.usage.split('\n')[0], audience: requester ? 'requester' : 'staff' });
  }

  function unknownCommand(words: readonly string[]): Reply {
    const family = words[0] ? registry.familyOf(words[0]) : undefined;
    if (!family) {
      const names = registry.allFamilies().flatMap((f) => [f.name, ...(f.aliases ?? [])]);
      // Suggest each family once, by its full name, however it matched.
      const near = [...new Set(closestMatches(words[0] ?? '', names, 4).map((n) => registry.familyOf(n)!.name))].slice(0, 2);
      return failure(`There is no /${words[0] ?? ''} command.`, {
        hint: `${near.length > 0 ? `Did you mean ${near.map((n) => `/${n}`).join(' or ')}? ` : ''}Type /help for the list.`,
      });
    }
    const meant = family.suggest?.(words);
    if (meant) return failure(`/${family.name} has no "${words[1] ?? ''}" command.`, { hint: `Did you mean ${meant}? Try /${family.name} help.` });
    const subcommands = registry
      .commandsOf(family.name)
      .map((c) => c.path.slice(1).join(' '))
      .filter(Boolean);
    const near = closestMatches(words[1] ?? '', subcommands, 2);
    return failure(`/${family.name} has no "${words[1] ?? ''}" command.`, {
      hint: `${near.length > 0 ? `Did you mean ${near.map((n) => `/${family.name} ${n}`).join(' or ')}? ` : ''}Try /${family.name} help.`,
    });
  }

  /** What a staff member's words run: help, a command, or the closest commands to what they typed. */
  function staffReply(words: readonly string[], match: ReturnType<CommandRegistry['match']>, reader: () => ArgReader, ctx: RequestContext): Reply {
    if (words.length === 0) return overviewHelp(registry);
    const first = words[0]!.toLowerCase();
    if (first === 'help') return words.length > 1 ? familyHelp(registry, words[1]!, words.slice(2)) : overviewHelp(registry);
    const family = registry.familyOf(first);
    if (family && words[1]?.toLowerCase() === 'help') return familyHelp(registry, family.name, words.slice(2));
    if (!match) return family && words.length === 1 ? familyHelp(registry, family.name) : unknownCommand(words);
    return match.definition.run(reader(), ctx);
  }

  /**
   * What a requester's words run: their help, or a command open to requesters (which answers with
   * their own view). Anything else is refused with one friendly line, audited as a denial.
   */
  function requesterReply(words: readonly string[], match: ReturnType<CommandRegistry['match']>, reader: () => ArgReader, ctx: RequestContext): Reply {
    const first = words[0]?.toLowerCase();
    if (first === undefined || first === 'help') return requesterHelp(registry);
    // "/ticket help" or a bare "/ticket" (Slack sends the family alone) asks what they can do, like help.
    if (registry.familyOf(first) && (words[1]?.toLowerCase() === 'help' || (words.length === 1 && !match))) return requesterHelp(registry);
    if (!match?.definition.requesters) throw requesterRefusal(ctx);
    const reply = match.definition.run(reader(), ctx);
    if (reply.audience === 'requester') return reply;
    // A requester command built a reply for staff: fail closed rather than show it.
    const ref = correlationId();
    logger.error({ ref, command: match.definition.path.join(' ') }, 'a command open to requesters answered with a staff reply; not shown');
    return failure(`Sorry, something went wrong on our side (ref ${ref}).`, { hint: 'Nothing was changed.', audience: 'requester' });
  }

  function execute(invocation: Invocation, tokens: Token[], text: string): { reply: Reply; requester: boolean } {
    const words = leadingWords(tokens);
    const match = words.length > 0 ? registry.match(words) : undefined;
    const definition = match?.definition;
    const reader = () => new ArgReader(text, tokens.slice(match?.used ?? 0));
    let requester = false;
    try {
      const reply = app.store.transaction(() => {
        if (invocation.idempotencyKey) {
          const seen = app.store.claims.handledReply(invocation.idempotencyKey);
          if (seen) return seen.reply as Reply;
        }
        const ctx = requestContext(
          app,
          invocation.platform,
          invocation.user,
          { channel: invocation.channel, thread: invocation.thread },
          { localAdmin: options.localAdmin?.(invocation) === true, ...(invocation.places ? { places: invocation.places } : {}) },
        );
        const { actor } = ctx;
        requester = actor.kind === 'person' && actor.role === 'requester';
        const answer = requester ? requesterReply(words, match, reader, ctx) : staffReply(words, match, reader, ctx);
        // Only a change needs its reply kept for a retry; a read runs again harmlessly, and its reply
        // (notes, phone numbers) must not be copied into the database. The prune job removes them later.
        if (invocation.idempotencyKey && definition && !definition.readsOnly && !requester) {
          app.store.claims.recordHandled(invocation.idempotencyKey, answer, app.clock.now());
        }
        return answer;
      });
      return { reply, requester };
    } catch (error) {
      if (error instanceof UsageError) return { reply: withUsage(error, definition, requester), requester };
      if (error instanceof AppError && error.code === 'FORBIDDEN') auditDenial(invocation, definition?.path.join(' ') ?? words.join(' '), error);
      if (error instanceof AppError) return { reply: failure(error.message, { ...(error.hint ? { hint: error.hint } : {}), audience: requester ? 'requester' : 'staff' }), requester };
      throw error;
    }
  }

  /**
   * Denials are audited after the rollback, in their own transaction, so the record survives. The
   * actor is resolved again there: on someone's very first command the rollback took their new
   * person record with it.
   */
  function auditDenial(invocation: Invocation, command: string, error: AppError): void {
    app.store.transaction(() => {
      const actor = resolveActor(app, invocation.platform, invocation.user, { localAdmin: options.localAdmin?.(invocation) === true });
      if (actor.kind !== 'person') return;
      recordAudit(
        { ...app, actor },
        {
          entity: 'person',
          entityId: actor.personId,
          action: 'access.denied',
          after: { command: command.slice(0, 200), reason: error.message },
        },
      );
    });
  }

  /** Whether the invocation's user is a requester, read without writing (for replies made before the command ran). */
  function isRequester(invocation: Invocation): boolean {
    try {
      return app.store.read(() => actorIsRequester(app, invocation.platform, invocation.user, { localAdmin: options.localAdmin?.(invocation) === true }));
    } catch {
      // The database cannot say: the reply is generic either way, and a requester must not get staff text.
      return true;
    }
  }

  /** The reply for a database failure, after an error line that tells the operator what to fix. */
  function troubleReply(error: unknown, invocation: Invocation, text: string): Reply | undefined {
    const trouble = storeTrouble(error);
    if (!trouble) return undefined;
    const ref = correlationId();
    logger.error(
      { err: error, ref, code: (error as { code?: string }).code, platform: invocation.platform, command: text.slice(0, 200) },
      `command not run: ${storeTroubleAdvice(trouble, error)}`,
    );
    const friendly = storeUnavailable(trouble, ref);
    return failure(friendly.message, { hint: friendly.hint! });
  }

  /** One attempt; with `busy: 'throw'`, a locked database throws DatabaseBusy instead of answering. */
  function attempt(invocation: Invocation, busy: 'reply' | 'throw', prepared: PreparedText | undefined): Reply {
    const limited = rateLimited(invocation);
    // Like every reply to a requester, labelled for them (fail closed).
    if (limited) return isRequester(invocation) ? { ...limited, audience: 'requester' } : limited;
    const answer = attemptOnce(invocation, busy, prepared);
    // Replies made before the actor was known (a typo in quotes, a crash): generic, and labelled
    // for whoever asked. A requester never receives a reply labelled for staff.
    if ('requester' in answer) return answer.reply;
    return isRequester(invocation) ? { ...answer.reply, audience: 'requester' } : answer.reply;
  }

  /** A refusal when the person sends commands faster than the limits allow (see rate-limits.ts). */
  function rateLimited(invocation: Invocation): Reply | undefined {
    const wait = app.limits?.command(invocation.platform, invocation.user.externalId);
    if (wait === undefined) return undefined;
    const seconds = Math.max(1, Math.ceil(wait / 1000));
    return failure(RATE_LIMITED_TITLE, {
      hint: `Nothing was changed. Wait ${seconds} s and send it again.`,
    });
  }

  function attemptOnce(typed: Invocation, busy: 'reply' | 'throw', given: PreparedText | undefined): { reply: Reply; requester?: boolean } {
    // A NUL or a lone surrogate becomes U+FFFD here, on every engine (domain/text.ts), so the command runs the same everywhere.
    const invocation = storableTexts(typed);
    // Tokenized once: by the adapter when it had to know the command first (of the text as typed), else here.
    const prepared = (invocation.text === typed.text ? given : undefined) ?? prepareText(registry, invocation.text);
    const { text } = prepared;
    if (prepared.tooLong) {
      return { reply: failure(`That command is ${text.length.toLocaleString('en-US')} characters long; the limit is ${MAX_COMMAND_LENGTH.toLocaleString('en-US')}.`, {
        hint: 'Put long text in a ticket comment in parts.',
      }) };
    }
    if (!prepared.tokens) {
      const match = registry.match(text.split(/\s+/));
      return { reply: failure(`${prepared.lexError ?? 'The command could not be read'}.`, {
        hint: 'Close the quote, or put a \\ before a quote that is part of the text.',
        ...(match ? { usage: match.definition.usage.split('\n')[0] } : {}),
      }) };
    }
    try {
      return execute(invocation, prepared.tokens, text);
    } catch (error) {
      if (error instanceof AppError) return { reply: failure(error.message, error.hint ? { hint: error.hint } : {}) };
      // A lock, or PostgreSQL's connection lost or restarting: nothing was written; the caller runs it again after its ack.
      if (busy === 'throw' && storeTransient(error)) throw new DatabaseBusyError({ cause: error });
      const trouble = troubleReply(error, invocation, text);
      if (trouble) return { reply: trouble };
      const ref = correlationId();
      logger.error({ err: error, ref, platform: invocation.platform, command: text.slice(0, 200) }, 'command failed');
      return {
        reply: failure(`Sorry, something went wrong on our side (ref ${ref}).`, {
          hint: 'Nothing was changed. Try again, and give the ref to your admin if it keeps happening.',
        }),
      };
    }
  }

  function withBusyWait<T>(handleOptions: HandleOptions, work: () => T): T {
    return handleOptions.busyWaitMs === undefined ? work() : app.store.withLockWait(handleOptions.busyWaitMs, work);
  }

  /**
   * Runs `work` (an attempt with its lock wait, or a claimed one) so that database trouble met
   * around the command itself (setting the lock wait, the claim's transaction: on PostgreSQL, a
   * connection lost before the command began) is treated as the command's own: thrown as
   * DatabaseBusyError to a caller that retries when it passes, else answered as trouble.
   */
  function guarded<T>(invocation: Invocation, handleOptions: HandleOptions, work: () => T): T | Reply {
    try {
      return withBusyWait(handleOptions, work);
    } catch (error) {
      if (error instanceof DatabaseBusyError) throw error;
      if (handleOptions.onBusy === 'throw' && storeTransient(error)) throw new DatabaseBusyError({ cause: error });
      const trouble = troubleReply(error, invocation, invocation.text);
      if (!trouble) throw error;
      // Who asked cannot be told when the database does not answer: fail closed, as for requesters.
      return isRequester(invocation) ? { ...trouble, audience: 'requester' } : trouble;
    }
  }

  return {
    handle: (invocation, handleOptions = {}) => guarded(invocation, handleOptions, () => attempt(invocation, handleOptions.onBusy ?? 'reply', handleOptions.prepared)),
    // The claim's transaction holds the command's (a savepoint): a refusal or an apology still
    // commits the claim, so a duplicate of a refused command is not answered twice.
    handleOnce: (invocation, claim, handleOptions = {}) =>
      guarded(invocation, handleOptions, () =>
        app.store.transaction(() => (claimOnce(app, claim) ? attempt(invocation, handleOptions.onBusy ?? 'reply', handleOptions.prepared) : undefined)),
      ),
  };
}
