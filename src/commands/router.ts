/**
 * The one path every request takes: text -> tokens -> command -> use case in one transaction ->
 * Reply. Usage mistakes and refusals become replies; database trouble (locked, full, read-only,
 * disk errors) becomes a reply saying what happened and what to do, with an error line for the
 * operator; anything else unexpected is logged with a correlation id and the user gets a short
 * apology carrying it. Either way the transaction rolled back: nothing is half written.
 */
import { eq } from 'drizzle-orm';
import { AppError, UsageError, storeTrouble, storeTroubleAdvice, storeUnavailable, withBusyTimeout } from '../app/errors.js';
import type { AppContext, RequestContext } from '../app/context.js';
import { actorIsRequester, requesterRefusal, resolveActor } from '../app/people.js';
import { withTeamZone } from '../app/calendar.js';
import { recordAudit } from '../app/audit.js';
import { closestMatches } from '../domain/text.js';
import { handledInvocations } from '../store/schema.js';
import { correlationId, type Logger } from '../log.js';
import { failure, type Reply } from '../views/reply.js';
import { ArgReader } from './args.js';
import { commandHelp, familyHelp, overviewHelp, requesterHelp } from './help.js';
import type { Invocation } from './invocation.js';
import type { CommandDefinition, CommandRegistry } from './registry.js';
import { LexError, tokenize, type Token } from './tokenize.js';

/** The reply title when a person's commands are over the rate limit (adapters quiet repeats of it). */
export const RATE_LIMITED_TITLE = 'You are sending commands faster than deskops takes them, so this one was not run.';

/** Longest command text accepted; beyond it nobody is typing, something is flooding. */
export const MAX_COMMAND_LENGTH = 40_000;

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
  /** Wait at most this long for the lock (it blocks the process) instead of the connection's busy timeout. */
  busyWaitMs?: number;
}

export interface Router {
  handle(invocation: Invocation, options?: HandleOptions): Reply;
}

/** Thrown by Router.handle with `onBusy: 'throw'` when the database was locked; nothing was written. */
export class DatabaseBusyError extends Error {
  constructor(options: { cause: unknown }) {
    super('the database is locked by another writer', options);
    this.name = 'DatabaseBusyError';
  }
}

export interface RetryOptions {
  /** How long the first attempt may wait for the lock, blocking the process (default 200 ms). */
  busyWaitMs?: number;
  /** How long to keep retrying before answering that the database is busy (default 20 s). */
  budgetMs?: number;
  logger?: Logger;
}

/** First wait between attempts on a locked database; it doubles up to BUSY_RETRY_MAX_MS. */
const BUSY_RETRY_FIRST_MS = 100;
const BUSY_RETRY_MAX_MS = 1000;
/** How long a retry may block for the lock: enough to get past another writer's short transaction. */
const BUSY_RETRY_WAIT_MS = 20;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function leadingWords(tokens: readonly Token[]): string[] {
  const words: string[] = [];
  for (const token of tokens) {
    if (token.kind !== 'word') break;
    words.push(token.value);
  }
  return words;
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
          const seen = app.store.db
            .select({ reply: handledInvocations.reply })
            .from(handledInvocations)
            .where(eq(handledInvocations.key, invocation.idempotencyKey))
            .get();
          if (seen) return seen.reply as Reply;
        }
        const actor = resolveActor(app, invocation.platform, invocation.user, { localAdmin: options.localAdmin?.(invocation) === true });
        requester = actor.kind === 'person' && actor.role === 'requester';
        const ctx: RequestContext = {
          ...withTeamZone(app),
          actor,
          origin: { platform: invocation.platform, channel: invocation.channel, thread: invocation.thread },
          ...(invocation.places ? { places: invocation.places } : {}),
        };
        const answer = requester ? requesterReply(words, match, reader, ctx) : staffReply(words, match, reader, ctx);
        // Only a change needs its reply kept for a retry; a read runs again harmlessly, and its reply
        // (notes, phone numbers) must not be copied into the database. The prune job removes them later.
        if (invocation.idempotencyKey && definition && !definition.readsOnly && !requester) {
          app.store.db.insert(handledInvocations).values({ key: invocation.idempotencyKey, reply: answer, at: app.clock.now() }).run();
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
      `command not run: ${storeTroubleAdvice(trouble)}`,
    );
    const friendly = storeUnavailable(trouble, ref);
    return failure(friendly.message, { hint: friendly.hint! });
  }

  /** One attempt; with `busy: 'throw'`, a locked database throws DatabaseBusy instead of answering. */
  function attempt(invocation: Invocation, busy: 'reply' | 'throw'): Reply {
    const limited = rateLimited(invocation);
    // Like every reply to a requester, labelled for them (fail closed).
    if (limited) return isRequester(invocation) ? { ...limited, audience: 'requester' } : limited;
    const answer = attemptOnce(invocation, busy);
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

  function attemptOnce(invocation: Invocation, busy: 'reply' | 'throw'): { reply: Reply; requester?: boolean } {
    const text = invocation.text.trim().replace(/^\//, '');
    if (text.length > MAX_COMMAND_LENGTH) {
      return { reply: failure(`That command is ${text.length.toLocaleString('en-US')} characters long; the limit is ${MAX_COMMAND_LENGTH.toLocaleString('en-US')}.`, {
        hint: 'Put long text in a ticket comment in parts.',
      }) };
    }
    let tokens: Token[];
    try {
      tokens = tokenize(text);
    } catch (error) {
      if (error instanceof LexError) {
        const match = registry.match(text.split(/\s+/));
        return { reply: failure(`${error.message}.`, {
          hint: 'Close the quote, or put a \\ before a quote that is part of the text.',
          ...(match ? { usage: match.definition.usage.split('\n')[0] } : {}),
        }) };
      }
      throw error;
    }
    try {
      return execute(invocation, tokens, text);
    } catch (error) {
      if (error instanceof AppError) return { reply: failure(error.message, error.hint ? { hint: error.hint } : {}) };
      if (busy === 'throw' && storeTrouble(error) === 'busy') throw new DatabaseBusyError({ cause: error });
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

  return {
    handle(invocation: Invocation, handleOptions: HandleOptions = {}): Reply {
      const run = () => attempt(invocation, handleOptions.onBusy ?? 'reply');
      return handleOptions.busyWaitMs === undefined ? run() : withBusyTimeout(app.store.sqlite, handleOptions.busyWaitMs, run);
    },
  };
}

/**
 * Runs the invocation, retrying while the database is locked by another writer. The first attempt
 * blocks the process for at most `busyWaitMs` and each retry for a few milliseconds; the waits in
 * between are timers, so other requests (a chat platform's acks) go on meanwhile. After `budgetMs`
 * a last attempt answers that the database is busy and the command was not run. For adapters that
 * have acknowledged the request already and answer later (Slack's response_url).
 */
export async function handleRetrying(router: Router, invocation: Invocation, options: RetryOptions = {}): Promise<Reply> {
  const budgetMs = options.budgetMs ?? 20_000;
  const started = Date.now();
  let delay = BUSY_RETRY_FIRST_MS;
  for (let tries = 0; ; tries++) {
    try {
      const reply = router.handle(invocation, { onBusy: 'throw', busyWaitMs: tries === 0 ? (options.busyWaitMs ?? 200) : BUSY_RETRY_WAIT_MS });
      if (tries > 0) options.logger?.info({ tries: tries + 1, waitedMs: Date.now() - started, platform: invocation.platform }, 'command ran once the database was free again');
      return reply;
    } catch (error) {
      if (!(error instanceof DatabaseBusyError)) throw error;
      if (tries === 0) options.logger?.warn({ platform: invocation.platform, budgetMs }, 'database locked by another writer; retrying the command');
      if (Date.now() - started + delay > budgetMs) return router.handle(invocation, { onBusy: 'reply', busyWaitMs: BUSY_RETRY_WAIT_MS });
      await sleep(delay);
      delay = Math.min(BUSY_RETRY_MAX_MS, delay * 2);
    }
  }
}

export { commandHelp };
