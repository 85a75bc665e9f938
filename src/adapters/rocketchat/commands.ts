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
import { claimOnce, isClaimed } from '../../app/claims.js';
import { failure, type Reply } from '../../views/reply.js';
import { newCorrelationId, withCorrelation } from '../../log.js';
import { handleReactions, ticketFromArgument, ticketFromLink, type IntakeDeps } from './intake.js';
import type { RocketChatRoomInfo } from './rest.js';
import type { MessageSource, RocketChatMessage } from './bot.js';
import { withRateLimitRetry } from './history.js';
import { renderMessage } from './render.js';
import { uploadReplyChart } from './upload.js';
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

const messageKey = (messageId: string) => `rocketchat:msg:${messageId}`;


/** How long a room's details (its name, for "#support" intake entries) are trusted. */
const ROOM_INFO_TTL_MS = 10 * 60_000;

/** The handler for incoming messages: reactions, `ticket from`, commands; each answered in its thread. */
export function createCommandHandler(deps: CommandHandlerDeps): (message: RocketChatMessage, source: MessageSource) => Promise<void> {
  const { deskops, rest, prefix, logger } = deps;
  const rooms = new Map<string, { info: RocketChatRoomInfo; at: number }>();

  async function postReply(rid: string, tmid: string, reply: Reply): Promise<void> {
    const rendered = renderMessage(reply, { prefix, ...(deps.maxMessageLength ? { maxLength: deps.maxMessageLength } : {}) });
    try {
      await withRateLimitRetry(() => rest.sendMessage({ rid, tmid, ...rendered }), {
        maxWaitMs: deps.maxRateLimitWaitMs ?? 60_000,
        ...(deps.signal ? { signal: deps.signal } : {}),
      });
      deps.pacer?.note(rid);
      await uploadReplyChart(rest, reply, rid, tmid, logger);
    } catch (error) {
      // The command has run; running it again to re-send the reply would repeat its effect.
      logger.error({ err: error, rid }, 'Rocket.Chat reply could not be posted');
    }
  }

  const intake: IntakeDeps = {
    deskops,
    rest,
    self: deps.self,
    reply: postReply,
    async room(rid) {
      const cached = rooms.get(rid);
      if (cached && Date.now() - cached.at < ROOM_INFO_TTL_MS) return cached.info;
      const info = await withRateLimitRetry(() => rest.roomInfo(rid), { maxWaitMs: deps.maxRateLimitWaitMs ?? 60_000, ...(deps.signal ? { signal: deps.signal } : {}) });
      rooms.set(rid, { info, at: Date.now() });
      return info;
    },
  };

  async function handle(message: RocketChatMessage, source: MessageSource): Promise<void> {
    const own = message.u._id === deps.self()?.id;
    if (message.reactions) {
      await handleReactions(intake, message).catch((error: unknown) => logger.error({ err: error, messageId: message._id }, 'Rocket.Chat reaction could not be handled'));
    }
    if (own) return;
    const text = commandText(message.msg, { prefix, botUsername: deps.self()?.username, registry: deskops.registry });
    if (text === undefined) return;
    const thread = message.tmid ?? message._id;
    const linkArgument = ticketFromArgument(text);
    if (linkArgument !== undefined) {
      // Reading the linked message is asynchronous, so this one is claimed after it; messages are
      // handled one at a time, so no duplicate can slip in between.
      if (isClaimed(deskops.app, messageKey(message._id))) return;
      const reply = await ticketFromLink(intake, message, linkArgument).catch((error: unknown) => {
        logger.warn({ err: error, messageId: message._id }, 'Rocket.Chat ticket from link failed');
        return failure('Rocket.Chat did not give me that message just now, so no ticket was opened.', { hint: 'Try the same command again in a minute.' });
      });
      if (claimOnce(deskops.app, messageKey(message._id))) await postReply(message.rid, thread, reply);
      return;
    }
    // The claim and the command share one transaction: a duplicate of this message (a second
    // subscription, a replay, catch-up overlapping the stream) finds the claim, and a crash before
    // the commit leaves neither, so catch-up after a restart runs it then.
    const reply = deskops.app.store.transaction(() => (claimOnce(deskops.app, messageKey(message._id)) ? deskops.router.handle(toInvocation(message, text)) : undefined));
    if (!reply) {
      logger.debug({ messageId: message._id, source }, 'Rocket.Chat message already handled');
      return;
    }
    await postReply(message.rid, thread, reply);
  }

  return (message, source) => withCorrelation({ requestId: newCorrelationId(), platform: 'rocketchat', messageId: message._id }, () => handle(message, source));
}
