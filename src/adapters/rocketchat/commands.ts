/**
 * Rocket.Chat messages as commands: `!ticket new …` (the configured prefix) or a mention
 * `@deskops ticket …`, in channels, private groups and DMs. Each command message runs once
 * (claimed in seen_events by message id, so replays, duplicate subscriptions and catch-up never
 * run it twice) and is answered in its thread. Rocket.Chat has no ephemeral messages for bots, so
 * replies meant for one person (errors, usage, lists) are posted in the thread like the rest.
 */
import type { Invocation, PlaceFacts } from '../../commands/invocation.js';
import type { CommandIndex } from '../../commands/registry.js';
import type { Engine } from '../../engine/port.js';
import type { ChatMessageIn } from '../../engine/ops/chat.js';
import type { Logger } from '../../log.js';
import { failure, info, type Reply } from '../../views/reply.js';
import { RATE_LIMITED_TITLE } from '../../commands/limits.js';
import type { DirectoryFacts } from '../../domain/access.js';
import { FairQueue } from '../fair-queue.js';
import type { RocketChatPeople } from './people.js';
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
  registry: Pick<CommandIndex, 'familyOf'>;
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

/** The Invocation for a command message: the Rocket.Chat user (with what the server says of them), the room, the thread it belongs to. */
export function toInvocation(message: RocketChatMessage, text: string, facts?: DirectoryFacts): Invocation {
  return {
    platform: 'rocketchat',
    user: { externalId: message.u._id, handle: message.u.username, ...(message.u.name ? { displayName: message.u.name } : {}), ...(facts ? { facts } : {}) },
    channel: message.rid,
    thread: message.tmid ?? message._id,
    text,
  };
}

/** What the message handler needs. */
export interface CommandHandlerDeps {
  /** The engine: commands, requesters' messages, claims, every lookup in the store. */
  engine: Engine;
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
  /** Who people are (staff rules) and who reads a room. */
  people: RocketChatPeople;
  /** Room details, cached. */
  roomInfo(rid: string): Promise<RocketChatRoomInfo>;
}

/** A reply on its way: where the command was typed, who typed it, and what to answer. */
interface Answer {
  rid: string;
  tmid: string;
  user: { id: string; username: string };
  reply: Reply;
  /** Post it where it was asked without checking who reads the room (the requester's own conversation). */
  inPlace?: boolean;
}

/** After one "slow down" answer, a flooding person gets no more of them for this long. */
const LIMIT_NOTICE_QUIET_MS = 60_000;

const messageKey = (messageId: string) => `rocketchat:msg:${messageId}`;


/** The handler for incoming messages: reactions, `ticket from`, commands; each answered in its thread. */
export function createCommandHandler(deps: CommandHandlerDeps): (message: RocketChatMessage, source: MessageSource) => Promise<void> {
  const { engine, rest, prefix, logger, people } = deps;
  const limitNoticeAt = new Map<string, number>();

  async function send(rid: string, tmid: string | undefined, reply: Reply): Promise<void> {
    const rendered = renderMessage(reply, { prefix, ...(deps.maxMessageLength ? { maxLength: deps.maxMessageLength } : {}) });
    await withRateLimitRetry(() => rest.sendMessage({ rid, ...(tmid ? { tmid } : {}), ...rendered }), {
      maxWaitMs: deps.maxRateLimitWaitMs ?? 60_000,
      ...(deps.signal ? { signal: deps.signal } : {}),
    });
    deps.pacer?.note(rid);
  }

  /**
   * Posts an answer in the thread it was asked in when only staff read the room (or it is the
   * person's own direct message with the bot); anywhere else (an intake room, a room with a member
   * who is not staff) by direct message, with a one-line pointer in the thread: Rocket.Chat has no
   * message only one person sees.
   */
  async function postAnswer(answer: Answer): Promise<void> {
    const { rid, tmid, user, reply } = answer;
    if (answer.inPlace && reply.audience !== 'requester') {
      logger.error({ rid, title: reply.title }, 'a reply for staff was meant for a requester thread; not posted');
      return;
    }
    try {
      const readers = answer.inPlace ? undefined : await people.readers(rid).catch((error: unknown) => {
        logger.warn({ err: error, rid }, 'could not tell who reads a Rocket.Chat room; answering by direct message');
        return { staffOnly: false, memberIds: [] };
      });
      const ownRoom = readers !== undefined && readers.memberIds.length === 1 && readers.memberIds[0] === user.id;
      if (!readers || readers.staffOnly || ownRoom) {
        await send(rid, tmid, reply);
        await uploadReplyChart(rest, engine, reply, rid, tmid, logger);
        return;
      }
      const { rid: direct } = await rest.createDirectMessage(user.username);
      await send(direct, undefined, reply);
      await uploadReplyChart(rest, engine, reply, direct, undefined, logger);
      await send(rid, tmid, info(`@${user.username}, I answered you in a direct message.`, { audience: 'requester', visibility: 'channel' }));
    } catch (error) {
      // The command has run; running it again to re-send the reply would repeat its effect.
      logger.error({ err: error, rid }, 'Rocket.Chat reply could not be posted');
    }
  }

  // Answers go out on their own, taking turns between people: a reply waiting out a rate limit
  // holds neither the next command nor anyone else's answer.
  const answers = new FairQueue<Answer>(postAnswer, (error) => logger.error({ err: error }, 'Rocket.Chat reply failed'));

  /** Queues an answer; a person flooding commands gets one "slow down" a minute, not one per message. */
  function answer(item: Answer): void {
    if (item.reply.title === RATE_LIMITED_TITLE) {
      const last = limitNoticeAt.get(item.user.id) ?? 0;
      if (Date.now() - last < LIMIT_NOTICE_QUIET_MS) return;
      limitNoticeAt.set(item.user.id, Date.now());
    }
    void answers.push(item.user.id, item);
  }

  const intake: IntakeDeps = {
    engine,
    rest,
    people,
    self: deps.self,
    // Intake confirmations go into the source message's thread: the requester's own conversation.
    confirm: (rid, tmid, reply) => answer({ rid, tmid, user: { id: `room:${rid}`, username: '' }, reply, inPlace: true }),
    answer: (rid, tmid, user, reply) => answer({ rid, tmid, user, reply }),
    room: deps.roomInfo,
  };

  /** Who reads each room the command names (rocketchat:<roomId>): the use case refuses staff notifications where requesters read. */
  async function placesOf(text: string): Promise<ReadonlyMap<string, PlaceFacts> | undefined> {
    const rids = [...new Set([...text.matchAll(/\brocketchat:([A-Za-z0-9_-]{1,64})\b/gi)].map((m) => m[1]!))];
    if (rids.length === 0) return undefined;
    const entries = await Promise.all(
      rids.map(async (rid): Promise<[string, PlaceFacts]> => {
        const readers = await people.readers(rid).catch(() => undefined);
        if (!readers) return [`rocketchat:${rid}`, { readers: 'requester', why: 'Rocket.Chat would not say who is in it' }];
        return [`rocketchat:${rid}`, readers.staffOnly ? { readers: 'staff' } : { readers: 'requester', why: 'an intake, livechat, federated or team room, or a member who is not staff' }];
      }),
    );
    return new Map(entries);
  }

  /**
   * A message that is no command: in a ticket's conversation thread it is the requester's reply
   * (or a staff member's public reply there); a new message in a DM to the bot or an intake room
   * is a new request; edits and deletions are recorded. Ordinary chat elsewhere is left alone,
   * without asking the server anything.
   */
  async function takeRequesterMessage(message: RocketChatMessage): Promise<void> {
    const inConversation = message.tmid !== undefined && (await engine.roomFacts('rocketchat', message.rid, message.tmid)).conversationTicket !== null;
    let place: ChatMessageIn['place'] = 'other';
    if (!message.tmid) {
      const info = await deps.roomInfo(message.rid).catch(() => undefined);
      if (info?.type === 'd') place = 'direct';
      else if ((await engine.roomFacts('rocketchat', message.rid, null, info?.slug ?? null)).intake) place = 'intake';
    }
    const change = message.t === 'rm' ? 'deleted' : message.editedAt ? 'edited' : undefined;
    if (!inConversation && place === 'other' && !change) return;
    await people.refresh(message.u._id);
    const facts = people.facts(message.u._id);
    const outcome = await engine.receiveMessage({
      platform: 'rocketchat',
      author: { externalId: message.u._id, handle: message.u.username, ...(message.u.name ? { displayName: message.u.name } : {}), ...(facts ? { facts } : {}) },
      messageId: message._id,
      root: message._id,
      channel: message.rid,
      thread: message.tmid ?? null,
      place,
      text: change === 'deleted' ? '' : message.msg,
      ...(change ? { change } : { acknowledge: true }),
    });
    logger.debug({ messageId: message._id, outcome: outcome.kind, ...(outcome.kind === 'ignored' ? { why: outcome.why } : {}) }, 'Rocket.Chat message from the requester side');
  }

  async function handle(message: RocketChatMessage, source: MessageSource): Promise<void> {
    const own = message.u._id === deps.self()?.id;
    if (message.reactions) {
      await handleReactions(intake, message).catch((error: unknown) => logger.error({ err: error, messageId: message._id }, 'Rocket.Chat reaction could not be handled'));
    }
    if (own) return;
    const text = message.t === 'rm' ? undefined : commandText(message.msg, { prefix, botUsername: deps.self()?.username, registry: engine.catalog });
    if (text === undefined) {
      await takeRequesterMessage(message);
      return;
    }
    const thread = message.tmid ?? message._id;
    const asker = { id: message.u._id, username: message.u.username };
    // The rules are checked on every command: what the server says about this person now.
    await people.refresh(message.u._id);
    const linkArgument = ticketFromArgument(text);
    const facts = people.facts(message.u._id);
    // A requester's `ticket from` goes to the router like any other command: refused there, and audited.
    if (linkArgument !== undefined && !(await engine.isRequester('rocketchat', { externalId: message.u._id, handle: message.u.username, ...(facts ? { facts } : {}) }))) {
      // Reading the linked message is asynchronous, so this one is claimed after it; messages are
      // handled one at a time, so no duplicate can slip in between.
      if (await engine.isClaimed(messageKey(message._id))) return;
      const reply = await ticketFromLink(intake, message, linkArgument).catch((error: unknown) => {
        logger.warn({ err: error, messageId: message._id }, 'Rocket.Chat ticket from link failed');
        return failure('Rocket.Chat did not give me that message just now, so no ticket was opened.', { hint: 'Try the same command again in a minute.' });
      });
      if (await engine.claim(messageKey(message._id))) answer({ rid: message.rid, tmid: thread, user: asker, reply });
      return;
    }
    // The claim and the command share one transaction: a duplicate of this message (a second
    // subscription, a replay, catch-up overlapping the stream) finds the claim, and a crash before
    // the commit leaves neither, so catch-up after a restart runs it then.
    const places = await placesOf(text);
    const invocation = { ...toInvocation(message, text, facts), ...(places ? { places } : {}) };
    const reply = await engine.handleOnce(invocation, messageKey(message._id));
    if (!reply) {
      logger.debug({ messageId: message._id, source }, 'Rocket.Chat message already handled');
      return;
    }
    answer({ rid: message.rid, tmid: thread, user: asker, reply });
  }

  return (message, source) => withCorrelation({ requestId: newCorrelationId(), platform: 'rocketchat', messageId: message._id }, () => handle(message, source));
}
