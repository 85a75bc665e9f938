/**
 * Runs the Rocket.Chat adapter: the connection (bot.ts) feeding command messages to the router
 * (commands.ts). Start-up never fails on Rocket.Chat itself: the login is retried with backoff in
 * the background while the rest of deskops goes on.
 */
import type { Config } from '../../config.js';
import type { DeliverySink } from '../../delivery/sink.js';
import type { Engine } from '../../engine/port.js';
import type { Logger } from '../../log.js';
import { startRocketChatBot, type BackoffSettings, type RocketChatBot, type RocketChatBotOptions } from './bot.js';
import { createCommandHandler } from './commands.js';
import { storedRoomCursors } from './cursors.js';
import { createPacer } from './pacing.js';
import { createRocketChatSink } from './sink.js';
import { LRUCache } from 'lru-cache';
import { withRateLimitRetry } from './history.js';
import { createRocketChatPeople } from './people.js';
import type { RocketChatRest, RocketChatRoomInfo } from './rest.js';

/** A running Rocket.Chat adapter. */
export interface RocketChatHandle {
  /** Resolves true once logged in and subscribed, false if stopped first. */
  ready: Promise<boolean>;
  bot: RocketChatBot;
  /** The outbox's Rocket.Chat destination, posting as this bot. */
  sink: DeliverySink;
  /** Stops reconnecting, disconnects the SDK and waits for the message in hand. */
  stop(): Promise<void>;
}

/** Timings, small in tests; the defaults find a dead link within a minute. */
export interface StartRocketChatOptions {
  healthIntervalMs?: number;
  healthTimeoutMs?: number;
  connectTimeoutMs?: number;
  backoff?: BackoffSettings;
  maxRateLimitWaitMs?: number;
  /** The stream's lease among replicas (RocketChatBotOptions.exclusive); none: this process always reads it. */
  exclusive?: RocketChatBotOptions['exclusive'];
}

/** How long a room's details (type, name for "#support" intake entries) are trusted. */
const ROOM_INFO_TTL_MS = 10 * 60_000;

/** rooms.info, cached and retried through the server's rate limit (shared by commands, intake and room checks). */
function cachedRoomInfo(rest: RocketChatRest, signal: AbortSignal, maxWaitMs = 60_000): (rid: string) => Promise<RocketChatRoomInfo> {
  const cache = new LRUCache<string, RocketChatRoomInfo>({ max: 2_000, ttl: ROOM_INFO_TTL_MS });
  return async (rid) => {
    const cached = cache.get(rid);
    if (cached) return cached;
    const info = await withRateLimitRetry(() => rest.roomInfo(rid), { maxWaitMs, signal });
    cache.set(rid, info);
    return info;
  };
}

/** Starts Rocket.Chat as configured; resolves at once (the connection comes up in the background). */
export function startRocketChat(config: Config, engine: Engine, baseLogger: Logger, options: StartRocketChatOptions = {}): RocketChatHandle {
  const rocketChat = config.rocketChat;
  if (!rocketChat) throw new Error('Rocket.Chat is not configured: set ROCKETCHAT_URL and ROCKETCHAT_USER');
  const logger = baseLogger.child({ adapter: 'rocketchat' });
  const stopping = new AbortController();
  // Set right below: the first message can only arrive after an asynchronous login.
  const route: { handle?: ReturnType<typeof createCommandHandler> } = {};
  const bot = startRocketChatBot({
    config: rocketChat,
    logger: baseLogger,
    onMessage: (message, source) => route.handle!(message, source),
    cursors: storedRoomCursors(engine),
    ...(options.healthIntervalMs !== undefined ? { healthIntervalMs: options.healthIntervalMs } : {}),
    ...(options.healthTimeoutMs !== undefined ? { healthTimeoutMs: options.healthTimeoutMs } : {}),
    ...(options.connectTimeoutMs !== undefined ? { connectTimeoutMs: options.connectTimeoutMs } : {}),
    ...(options.backoff ? { backoff: options.backoff } : {}),
    ...(options.exclusive ? { exclusive: options.exclusive } : {}),
  });
  // One pacer for replies and the outbox: both post to chat.sendMessage, under one server limit.
  const pacer = createPacer();
  const roomInfo = cachedRoomInfo(bot.rest, stopping.signal, options.maxRateLimitWaitMs);
  const people = createRocketChatPeople({ engine, settings: config.settings, rest: bot.rest, logger, botId: () => bot.self()?.id, roomInfo });
  route.handle = createCommandHandler({
    pacer,
    people,
    roomInfo,
    engine,
    rest: bot.rest,
    prefix: rocketChat.prefix,
    self: () => bot.self(),
    logger,
    signal: stopping.signal,
    ...(options.maxRateLimitWaitMs !== undefined ? { maxRateLimitWaitMs: options.maxRateLimitWaitMs } : {}),
  });
  const sink = createRocketChatSink({ engine, rest: bot.rest, logger, prefix: rocketChat.prefix, pacing: pacer, people });
  return {
    ready: bot.ready,
    bot,
    sink,
    stop: () => {
      stopping.abort();
      return bot.stop();
    },
  };
}
