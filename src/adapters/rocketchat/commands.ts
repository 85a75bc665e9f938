/**
 * Rocket.Chat messages as commands: `!ticket new …` (the configured prefix) or a mention
 * `@deskops ticket …`, in channels, private groups and DMs. Each command message runs once
 * (claimed in seen_events by message id, so replays, duplicate subscriptions and catch-up never
 * run it twice) and is answered in its thread. Rocket.Chat has no ephemeral messages for bots, so
 * replies meant for one person (errors, usage, lists) are posted in the thread like the rest.
 */
import type { Invocation } from '../../commands/invocation.js';
import type { CommandRegistry } from '../../commands/registry.js';
import type { Logger } from '../../log.js';
import type { Deskops } from '../../main.js';
import { seenEvents } from '../../store/schema.js';
import type { MessageSource, RocketChatMessage } from './bot.js';
import { withRateLimitRetry } from './history.js';
import { renderMessage } from './render.js';
import type { RocketChatRest } from './rest.js';
import type { Pacer } from './pacing.js';

/** How to recognise a command. */
export interface CommandSyntax {
  /** DESKOPS_ROCKETCHAT_PREFIX, e.g. "!". */
  prefix: string;
  /** The bot's username, for `@deskops …` mentions (unknown before login). */
  botUsername: string | undefined;
  registry: CommandRegistry;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The command text of a message, or undefined when it is not addressed to the bot. After the
 * prefix only `help` and real command families count, so "!!!" or "!important" in ordinary chat
 * stays quiet; after a mention anything goes to the router, which answers with help.
 */
export function commandText(text: string, syntax: CommandSyntax): string | undefined {
  const trimmed = text.trim();
  if (syntax.botUsername) {
    const mention = new RegExp(`^@${escapeRegExp(syntax.botUsername)}(?=$|[\\s:,])[:,]?\\s*`, 'i').exec(trimmed);
    if (mention) return trimmed.slice(mention[0].length).trim() || 'help';
  }
  if (!trimmed.startsWith(syntax.prefix)) return undefined;
  const rest = trimmed.slice(syntax.prefix.length).trim();
  const first = rest.split(/\s+/, 1)[0]!.replace(/^\//, '').toLowerCase();
  if (first !== 'help' && !syntax.registry.familyOf(first)) return undefined;
  return rest;
}

/** The Invocation for a command message: the Rocket.Chat user, the room, the thread it belongs to. */
export function toInvocation(message: RocketChatMessage, text: string): Invocation {
  return {
    platform: 'rocketchat',
    user: { externalId: message.u._id, handle: message.u.username, ...(message.u.name ? { displayName: message.u.name } : {}) },
    channel: message.rid,
    thread: message.tmid ?? message._id,
    text,
    idempotencyKey: `rocketchat:msg:${message._id}`,
  };
}

/** What the message handler needs. */
export interface CommandHandlerDeps {
  deskops: Deskops;
  rest: RocketChatRest;
  prefix: string;
  /** The bot's own user once logged in. */
  self: () => { id: string; username: string } | undefined;
  logger: Logger;
  /** The server's message size limit (default 5000). */
  maxMessageLength?: number;
  /** Longest in-process wait for a rate-limit reset before a reply is given up (default 60 s). */
  maxRateLimitWaitMs?: number;
  /** Aborted on stop: a reply waiting out a rate limit gives up instead of holding the shutdown. */
  signal?: AbortSignal;
  /** The outbox sink's pacer: replies count against the same endpoint limit. */
  pacer?: Pacer;
}

/** Claims a message id in seen_events; false when it was handled before. */
function claim(deskops: Deskops, messageId: string): boolean {
  const { app } = deskops;
  return app.store.db.insert(seenEvents).values({ key: `rocketchat:msg:${messageId}`, at: app.clock.now() }).onConflictDoNothing().run().changes > 0;
}

/** The handler for incoming messages: parse, claim, run, reply in the thread. */
export function createCommandHandler(deps: CommandHandlerDeps): (message: RocketChatMessage, source: MessageSource) => Promise<void> {
  const { deskops, rest, prefix, logger } = deps;
  return async (message, source) => {
    const text = commandText(message.msg, { prefix, botUsername: deps.self()?.username, registry: deskops.registry });
    if (text === undefined) return;
    // Claimed before running, in the same process turn: a duplicate of this message (a second
    // subscription, a replay, catch-up overlapping the stream) finds the claim and stops here.
    if (!claim(deskops, message._id)) {
      logger.debug({ messageId: message._id, source }, 'Rocket.Chat message already handled');
      return;
    }
    const reply = deskops.router.handle(toInvocation(message, text));
    const rendered = renderMessage(reply, { prefix, ...(deps.maxMessageLength ? { maxLength: deps.maxMessageLength } : {}) });
    try {
      await withRateLimitRetry(() => rest.sendMessage({ rid: message.rid, tmid: message.tmid ?? message._id, ...rendered }), {
        maxWaitMs: deps.maxRateLimitWaitMs ?? 60_000,
        ...(deps.signal ? { signal: deps.signal } : {}),
      });
      deps.pacer?.note(message.rid);
    } catch (error) {
      // The command has run; running it again to re-send the reply would repeat its effect.
      logger.error({ err: error, messageId: message._id, rid: message.rid }, 'Rocket.Chat reply could not be posted');
    }
  };
}
