/**
 * The Rocket.Chat connection: the pinned SDK (`Bot`) logs in and subscribes to the bot's message
 * stream; everything the SDK gets wrong is contained here. We own the health check (a DDP ping of
 * our own on the raw socket; no inbound frame for `healthTimeoutMs` means the link is dead) and the
 * reconnect (backoff, then a fresh driver: the old one is torn down completely, so its leaked
 * listeners and timers go with it). After a reconnect each room the bot has heard from is caught up
 * from its REST history since the last message seen there; duplicates (replays, the duplicate
 * subscriptions the SDK piles up, catch-up overlapping the stream) are the handler's to drop by id.
 */
import { Bot } from '@rocket.chat/sdk';
import { replaceLog } from '@rocket.chat/sdk/lib/log.js';
import type { RocketChatConfig } from '../../config.js';
import type { Logger } from '../../log.js';
import { roomHistory, withRateLimitRetry } from './history.js';
import { createRocketChatRest, login as restLogin, RocketChatApiError, type RocketChatAuth, type RocketChatRest } from './rest.js';
import type { RoomCursors } from './cursors.js';
import { sdkLogger } from './sdk-logger.js';
import { pause } from '../pause.js';
import { FairQueue } from '../fair-queue.js';
import type { Lease } from '../../replicas/lease.js';

/** A chat message as the adapter sees it, from the stream or from history (ts normalised). */
export interface RocketChatMessage {
  _id: string;
  rid: string;
  msg: string;
  ts: Date;
  u: { _id: string; username: string; name?: string };
  tmid?: string;
  /** System messages (joins, topic changes) carry a type; chat messages do not. */
  t?: string;
  editedAt?: unknown;
  /** Reactions by emoji (":ticket:") with the usernames who reacted; the stream resends a message when they change. */
  reactions?: Record<string, { usernames?: string[] }>;
}

/** Where a message came from: the live stream, or the history read after a reconnect. */
export type MessageSource = 'stream' | 'catch-up';

export interface BackoffSettings {
  initialMs?: number;
  maxMs?: number;
}

export interface RocketChatBotOptions {
  config: RocketChatConfig;
  logger: Logger;
  /** Called for every message from someone else, in arrival order, one at a time. */
  onMessage: (message: RocketChatMessage, source: MessageSource) => Promise<void> | void;
  /** How often the link is checked (default 15 s). */
  healthIntervalMs?: number;
  /** No frame from the server for this long and the link counts as dead (default 40 s: found within a minute). */
  healthTimeoutMs?: number;
  backoff?: BackoffSettings;
  /** Longest wait for the socket, login and subscription of one attempt (default 30 s). */
  connectTimeoutMs?: number;
  /** Most messages read back per room after a reconnect (default 100). */
  catchUpLimit?: number;
  /**
   * Where each room's newest handled message is kept across restarts. With it, the first
   * connection also catches up, from the stored cursors (never further back than maxCatchUpAgeMs).
   */
  cursors?: RoomCursors;
  /** Commands older than this are not run by catch-up after a long outage (default 24 h). */
  maxCatchUpAgeMs?: number;
  /**
   * With several replicas, the lease of the realtime stream (replicas/lease.ts): this bot subscribes
   * only while its replica holds it, and stands by otherwise (logged in over REST, so its replies
   * and the outbox still go out); on taking it over, it catches up from the stored room cursors.
   */
  exclusive?: Pick<Lease, 'turn' | 'whenHeld' | 'onChange'>;
}

/** A running connection. */
export interface RocketChatBot {
  /** True once the first login and subscription succeeded (standing by: the first REST login); false if stopped before that. */
  ready: Promise<boolean>;
  /** REST as the logged-in bot (replies, the outbox sink); calls before the first login fail as transient. */
  rest: RocketChatRest;
  /** The REST credentials of the current login, if logged in. */
  session(): RocketChatAuth | undefined;
  /** The bot's own user, once logged in. */
  self(): { id: string; username: string } | undefined;
  /** Counters for health and tests: connections made, attempts failed, links lost, the SDK's live listener count. */
  stats(): { connects: number; failedAttempts: number; losses: number; lastLoss: string | undefined; sdkListeners: number };
  /** Resolves when the next (re)connection, including its catch-up, has completed. */
  nextConnect(): Promise<void>;
  /** True while another replica holds the stream and this bot stands by (see `exclusive`). */
  standingBy(): boolean;
  /** Stops reconnecting and tears the SDK down; the process can exit afterwards. */
  stop(): Promise<void>;
}

/** The SDK internals the teardown reaches into (tiny-events emitters, a `ws` socket). */
interface SdkEmitter {
  _listeners?: Record<string, unknown[]>;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  removeAllListeners(event?: string): unknown;
}
interface RawSocket {
  readyState: number;
  send(data: string): void;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  removeAllListeners(): unknown;
  terminate(): void;
  onclose: unknown;
  onmessage: unknown;
  onerror: unknown;
  onopen: unknown;
}
interface SdkDdpSocket extends SdkEmitter {
  connection?: RawSocket;
  subscriptions: Record<string, unknown>;
  reopenInterval?: ReturnType<typeof setInterval>;
  openTimeout?: ReturnType<typeof setTimeout>;
  pingTimeout?: ReturnType<typeof setTimeout>;
  open: () => Promise<unknown>;
  reopen: () => Promise<unknown>;
}
interface SdkDriver extends SdkEmitter {
  ddp: SdkDdpSocket;
}

type SdkBot = InstanceType<typeof Bot>;

/**
 * The SDK's own reopen period. We never want its reconnect (it re-subscribes twice, or not at all
 * after a silent server): a day means its interval effectively never fires before we tear it down.
 */
const SDK_REOPEN_MS = 86_400_000;
/** A healthy server answers `disconnect()` at once; a half-open one would hold ws's close for 30 s. */
const DISCONNECT_GRACE_MS = 1000;

function listenerCount(emitter: SdkEmitter | undefined): number {
  return Object.values(emitter?._listeners ?? {}).reduce((n, list) => n + list.length, 0);
}

/** A message from the stream (EJSON `{ $date }`) or REST history (ISO string), with a Date ts. */
export function normaliseMessage(raw: unknown): RocketChatMessage | undefined {
  const m = raw as Partial<RocketChatMessage> & { ts?: unknown };
  if (!m || typeof m._id !== 'string' || typeof m.rid !== 'string' || !m.u || typeof m.u._id !== 'string') return undefined;
  const rawTs = m.ts as { $date?: number } | string | Date | undefined;
  const ts =
    rawTs instanceof Date ? rawTs : typeof rawTs === 'string' ? new Date(rawTs) : typeof rawTs?.$date === 'number' ? new Date(rawTs.$date) : new Date();
  return { ...(m as RocketChatMessage), msg: typeof m.msg === 'string' ? m.msg : '', ts };
}

/** The SDK rejects with ws ErrorEvents whose `target` is the whole socket: keep the message only. */
function plainError(error: unknown): Error {
  if (error instanceof Error) return error;
  const message = (error as { message?: unknown } | undefined)?.message;
  return new Error(typeof message === 'string' ? message : JSON.stringify(error));
}

/** One live driver: the SDK bot, its raw socket, and a promise that settles when the link is lost. */
interface Live {
  bot: SdkBot;
  driver: SdkDriver;
  lost: Promise<string>;
  stopHealth(): void;
}

/** Connects, logs in and listens; reconnects with backoff until stopped (see the module comment). */
export function startRocketChatBot(options: RocketChatBotOptions): RocketChatBot {
  const { config, onMessage } = options;
  const logger = options.logger.child({ adapter: 'rocketchat' });
  const healthIntervalMs = options.healthIntervalMs ?? 15_000;
  const healthTimeoutMs = options.healthTimeoutMs ?? 40_000;
  const initialBackoff = options.backoff?.initialMs ?? 1000;
  const maxBackoff = options.backoff?.maxMs ?? 30_000;
  const catchUpLimit = options.catchUpLimit ?? 100;
  const connectTimeoutMs = options.connectTimeoutMs ?? 30_000;
  const stopping = new AbortController();
  const maxCatchUpAgeMs = options.maxCatchUpAgeMs ?? 86_400_000;
  // Seeded from the store before the first connection (run()): the rooms heard from in earlier runs are caught up on it too.
  const lastSeen = new Map<string, number>();
  const roomTypes = new Map<string, string>();
  let session: RocketChatAuth | undefined;
  let self: { id: string; username: string } | undefined;
  let live: Live | undefined;
  let connects = 0;
  let losses = 0;
  let failedAttempts = 0;
  let lastLoss: string | undefined;
  let waiters: Array<() => void> = [];
  // Messages are handled one at a time, taking turns between authors (one person's flood does not
  // hold everyone else), in order per author: a stream duplicate then waits for the first copy's claim.
  const inbound = new FairQueue<{ message: RocketChatMessage; source: MessageSource }>(
    ({ message, source }) => onMessage(message, source),
    (error, { message }) => logger.error({ err: error, messageId: message._id }, 'Rocket.Chat message handling failed'),
  );
  // Per room, the times of messages queued and not handled yet: the stored cursor never passes them.
  const unhandled = new Map<string, number[]>();

  const secrets = () => [config.password, config.authToken, session?.authToken].filter((s): s is string => Boolean(s));
  const sdkLog = sdkLogger(logger, secrets);
  // The SDK's REST half logs through a module-level logger it captures at construction, ignoring
  // the `logger` option (and logs the login token at info level): replace it before any Bot exists.
  replaceLog(sdkLog);

  function enqueue(message: RocketChatMessage, source: MessageSource): Promise<void> {
    const at = message.ts.getTime();
    const previous = lastSeen.get(message.rid) ?? 0;
    if (at > previous) lastSeen.set(message.rid, at);
    // System messages (joins, topic changes) mean nothing here; a removed message ('rm') is recorded.
    if (message.t && message.t !== 'rm') return Promise.resolve();
    // The bot's own posts matter only when someone reacted to them (a ticket thread's first post).
    if (message.u._id === self?.id && !message.reactions) return Promise.resolve();
    const waiting = unhandled.get(message.rid) ?? [];
    waiting.push(at);
    unhandled.set(message.rid, waiting);
    // Stored only once handled: a restart in between reads the message back instead of losing it.
    return inbound.push(message.u._id, { message, source }).then(() => advanceCursor(message.rid, at));
  }

  /** Moves the room's stored cursor up to `handledAt`, but never past a message still waiting its turn. */
  function advanceCursor(rid: string, handledAt: number): void {
    const waiting = unhandled.get(rid) ?? [];
    waiting.splice(waiting.indexOf(handledAt), 1);
    if (waiting.length === 0) unhandled.delete(rid);
    const safe = waiting.length > 0 ? Math.min(...waiting) - 1 : handledAt;
    if (safe > 0) options.cursors?.advance(rid, Math.min(safe, handledAt)).catch((error: unknown) => logger.warn({ err: error, rid }, 'Rocket.Chat room cursor not saved'));
  }

  /** The rooms earlier runs heard from, and how far: catch-up starts there. */
  async function loadCursors(): Promise<void> {
    if (!options.cursors) return;
    try {
      for (const [rid, at] of await options.cursors.load()) if (at > (lastSeen.get(rid) ?? 0)) lastSeen.set(rid, at);
    } catch (error) {
      logger.warn({ err: error }, 'Rocket.Chat room cursors could not be read; catching up from live messages only');
    }
  }

  async function login(bot: SdkBot): Promise<void> {
    if (session && self) {
      // A reconnect resumes the token we hold over DDP: a fresh REST login per reconnect would pile
      // up login tokens on the server and spend the login endpoint's small rate-limit allowance.
      try {
        await bot.resume({ token: session.authToken });
        return;
      } catch (error) {
        if (!config.password) throw error;
        logger.info({ err: plainError(error) }, 'Rocket.Chat resume refused; logging in again');
      }
    }
    if (config.password) {
      await bot.login({ username: config.user, password: config.password });
      const current = bot.currentLogin;
      if (!current) throw new Error('Rocket.Chat login returned no session');
      session = { userId: current.userId, authToken: current.authToken };
      self = { id: current.userId, username: current.username };
    } else {
      // A personal access token: no REST login, just the DDP resume with it.
      await bot.resume({ token: config.authToken! });
      session = { userId: config.userId!, authToken: config.authToken! };
      self = { id: config.userId!, username: config.user };
    }
  }

  async function connectOnce(): Promise<Live> {
    const bot = new Bot({ host: config.url, useSsl: config.url.startsWith('https:'), logger: sdkLog, reopen: SDK_REOPEN_MS });
    const driver = (await bot.socket) as unknown as SdkDriver;
    const establish = async () => {
      // Open the DDP socket directly rather than through bot.connect(): the driver's connect arms a
      // 20 s timeout it never clears when the connection fails, which would hold the process open
      // that long after a stop. login() then finds the socket connected and skips its own connect.
      await driver.ddp.open();
      await login(bot);
      // Our listener goes on before the subscription exists. The SDK's reactToMessages attaches its
      // handler only after the server's `ready`, and when `ready` and the first message arrive in
      // one TCP read, ws emits both in the same tick: that message would be dropped unseen.
      // (respondToMessages is worse: it calls rooms.info with `rid`, which servers reject, and drops
      // anything "older" than the last message read, which would swallow catch-up.)
      driver.ddp.on('stream-room-messages', (event: unknown) => {
        const raw = (event as { fields?: { args?: unknown[] } } | undefined)?.fields?.args?.[0];
        const message = normaliseMessage(raw);
        if (message) void enqueue(message, 'stream');
        else logger.warn('Rocket.Chat stream event without a message');
      });
      await bot.subscribeToMessages();
    };
    // A server that accepts the socket but never answers would leave open()/login() pending forever
    // (the SDK has no timeout of its own there): give up after connectTimeoutMs, or at once on stop.
    let timer: ReturnType<typeof setTimeout> | undefined;
    let onAbort = () => undefined as void;
    const attempt = establish();
    attempt.catch(() => undefined); // settles after a give-up too; its failure is reported below or moot
    try {
      await Promise.race([
        attempt,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer from Rocket.Chat within ${connectTimeoutMs} ms`)), connectTimeoutMs);
          onAbort = () => reject(new Error('stopped'));
          stopping.signal.addEventListener('abort', onAbort, { once: true });
        }),
      ]);
    } catch (error) {
      await teardown(bot, driver);
      throw error;
    } finally {
      clearTimeout(timer);
      stopping.signal.removeEventListener('abort', onAbort);
    }
    const socket = driver.ddp.connection;
    if (!socket || socket.readyState !== 1) {
      await teardown(bot, driver);
      throw new Error('Rocket.Chat socket closed during login');
    }
    let lastInbound = Date.now();
    let pings = 0;
    let markLost: (why: string) => void = () => undefined;
    const lost = new Promise<string>((resolve) => (markLost = resolve));
    socket.on('message', () => {
      lastInbound = Date.now();
      // The SDK's send() adds a once('disconnected') listener per call and removes 'disconnect' (a
      // typo), so every DDP send it makes (pongs, pings, methods) leaks one. Nothing ever emits
      // 'disconnected': sweeping them on each frame from the server keeps the count flat.
      driver.ddp.removeAllListeners('disconnected');
    });
    socket.on('close', (code: unknown) => markLost(`socket closed (${String(code)})`));
    const health = setInterval(() => {
      const silentFor = Date.now() - lastInbound;
      if (silentFor > healthTimeoutMs) return markLost(`no frame from the server for ${silentFor} ms`);
      // Our own ping straight on the socket, not through the SDK's leaky send().
      if (socket.readyState === 1) socket.send(JSON.stringify({ msg: 'ping', id: `deskops-health-${++pings}` }));
    }, healthIntervalMs);
    return { bot, driver, lost, stopHealth: () => clearInterval(health) };
  }

  /** Disconnects (bounded), then strips the SDK of every timer, socket and listener it holds. */
  async function teardown(bot: SdkBot, driver: SdkDriver): Promise<void> {
    const ddp = driver.ddp;
    // Never let this driver reconnect by itself once we have given up on it.
    ddp.open = async () => undefined;
    ddp.reopen = async () => undefined;
    let grace: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      bot.disconnect().catch((error: unknown) => logger.debug({ err: error }, 'Rocket.Chat disconnect')),
      new Promise<void>((resolve) => (grace = setTimeout(resolve, DISCONNECT_GRACE_MS))),
    ]);
    clearTimeout(grace);
    const clearTimers = () => {
      if (ddp.reopenInterval) clearInterval(ddp.reopenInterval);
      if (ddp.openTimeout) clearTimeout(ddp.openTimeout);
      if (ddp.pingTimeout) clearTimeout(ddp.pingTimeout);
      delete ddp.reopenInterval;
      delete ddp.openTimeout;
      delete ddp.pingTimeout;
    };
    clearTimers();
    const socket = ddp.connection;
    if (socket) {
      socket.onclose = socket.onmessage = socket.onopen = null;
      socket.removeAllListeners();
      socket.onerror = () => undefined;
      socket.terminate();
      delete ddp.connection;
    }
    ddp.subscriptions = {};
    ddp.removeAllListeners();
    driver.removeAllListeners();
    // The SDK's onClose schedules its reopen after an await: clear again once that has run.
    await new Promise<void>((resolve) => setImmediate(resolve));
    clearTimers();
  }

  async function roomType(rid: string): Promise<string> {
    const known = roomTypes.get(rid);
    if (known) return known;
    const { type } = await withRateLimitRetry(() => rest.roomInfo(rid), { signal: stopping.signal });
    roomTypes.set(rid, type);
    return type;
  }

  /** Reads each known room's history since the last message seen there and handles it in order. */
  async function catchUp(): Promise<void> {
    const horizon = Date.now() - maxCatchUpAgeMs;
    for (const [rid, seen] of [...lastSeen]) {
      if (stopping.signal.aborted) return;
      const since = Math.max(seen, horizon);
      try {
        const type = await roomType(rid);
        const raw = await withRateLimitRetry(() => roomHistory(config.url, session!, type, rid, new Date(since), catchUpLimit), { signal: stopping.signal });
        const messages = raw
          .map(normaliseMessage)
          .filter((m): m is RocketChatMessage => m !== undefined)
          .sort((a, b) => a.ts.getTime() - b.ts.getTime());
        if (messages.length > 0) logger.info({ rid, count: messages.length }, 'Rocket.Chat catch-up');
        for (const message of messages) await enqueue(message, 'catch-up');
      } catch (error) {
        logger.warn({ err: error, rid }, 'Rocket.Chat catch-up failed for a room');
      }
    }
  }

  // Shares the bot's login: a 401 (token renewed by a reconnect) makes the client read it again.
  const rest = createRocketChatRest(config.url, {
    login: async () => {
      if (!session) throw new RocketChatApiError('Rocket.Chat is not logged in yet', 'network', 'login');
      return session;
    },
  });

  // One listener on the signal for the whole run, not one per connection.
  const stopped = new Promise<string>((resolve) => stopping.signal.addEventListener('abort', () => resolve('stopped'), { once: true }));
  let resolveReady: (ok: boolean) => void = () => undefined;
  const ready = new Promise<boolean>((resolve) => (resolveReady = resolve));

  let standingBy = false;

  /** Logs in over REST only (no stream), so a standing-by replica can still post. */
  async function restOnlyLogin(): Promise<void> {
    if (session) return;
    let delay = initialBackoff;
    while (!stopping.signal.aborted && !session && standingBy) {
      try {
        if (config.password) {
          session = await restLogin(config.url, config.user, config.password);
          self = { id: session.userId, username: config.user };
        } else {
          session = { userId: config.userId!, authToken: config.authToken! };
          self = { id: config.userId!, username: config.user };
        }
      } catch (error) {
        logger.warn({ err: plainError(error), retryInMs: delay }, 'Rocket.Chat login (standing by) failed; retrying');
        await pause(delay, stopping.signal);
        delay = Math.min(maxBackoff, delay * 2);
      }
    }
  }

  /** Waits until this replica holds the stream's lease (logging in over REST meanwhile, to post); false when stopped first. */
  async function standBy(exclusive: NonNullable<RocketChatBotOptions['exclusive']>): Promise<boolean> {
    if (exclusive.turn() !== null) return true;
    standingBy = true;
    logger.info('the Rocket.Chat stream is not this replica\'s to read (yet); standing by');
    // In the background: the lease may come first (the login then happens on the stream's connection).
    void restOnlyLogin().then(() => {
      if (session && standingBy) resolveReady(true);
    });
    const turn = await Promise.race([exclusive.whenHeld(), stopped.then(() => null)]);
    standingBy = false;
    if (turn === null || stopping.signal.aborted) return false;
    logger.info({ turn }, 'took over the Rocket.Chat stream');
    // The replica that held it moved the rooms' cursors on: catch up from where it left off.
    await loadCursors();
    return true;
  }

  /** Resolves 'lease' when this replica stops holding the stream; `off` stops listening. */
  function leaseLoss(): { lost: Promise<string>; off: () => void } {
    const exclusive = options.exclusive;
    if (!exclusive) return { lost: new Promise<string>(() => undefined), off: () => undefined };
    let off: () => void = () => undefined;
    const lost = new Promise<string>((resolve) => {
      off = exclusive.onChange((turn) => {
        if (turn === null) resolve('lease');
      });
    });
    return { lost, off };
  }

  async function run(): Promise<void> {
    let delay = initialBackoff;
    await loadCursors();
    while (!stopping.signal.aborted) {
      if (options.exclusive && !(await standBy(options.exclusive))) break;
      try {
        live = await connectOnce();
      } catch (error) {
        failedAttempts += 1;
        logger.warn({ err: plainError(error), retryInMs: delay }, 'Rocket.Chat connection failed; retrying');
        await pause(delay, stopping.signal);
        delay = Math.min(maxBackoff, delay * 2);
        continue;
      }
      if (stopping.signal.aborted) break;
      connects += 1;
      const connectedAt = Date.now();
      logger.info({ connects }, 'Rocket.Chat connected');
      if (connects === 1) resolveReady(true);
      // The first connection catches up too when earlier runs left cursors behind (a restart).
      if (lastSeen.size > 0) await catchUp();
      const settled = waiters;
      waiters = [];
      settled.forEach((resolve) => resolve());
      const loss = leaseLoss();
      // Lost between the connect and here: let it go at once.
      const why = options.exclusive?.turn() === null ? 'lease' : await Promise.race([live.lost, stopped, loss.lost]);
      loss.off();
      live.stopHealth();
      await teardown(live.bot, live.driver);
      live = undefined;
      if (stopping.signal.aborted) break;
      if (why === 'lease') {
        // Not a failure: another replica reads the stream now; this one stands by (no backoff).
        logger.warn('the Rocket.Chat stream lease moved to another replica; unsubscribed');
        delay = initialBackoff;
        continue;
      }
      losses += 1;
      lastLoss = why;
      logger.warn({ why, retryInMs: delay }, 'Rocket.Chat connection lost; reconnecting');
      // A connection that lived resets the backoff; a flapping one (lost at once) keeps growing it.
      if (Date.now() - connectedAt > healthTimeoutMs) delay = initialBackoff;
      await pause(delay, stopping.signal);
      delay = Math.min(maxBackoff, delay * 2);
    }
    resolveReady(false);
  }

  const running = run();

  return {
    ready,
    rest,
    session: () => session,
    self: () => self,
    stats: () => ({ connects, failedAttempts, losses, lastLoss, sdkListeners: live ? listenerCount(live.driver) + listenerCount(live.driver.ddp) : 0 }),
    nextConnect: () => new Promise<void>((resolve) => waiters.push(resolve)),
    standingBy: () => standingBy,
    async stop() {
      stopping.abort();
      await running;
      await inbound.idle();
    },
  };
}
