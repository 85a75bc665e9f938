/**
 * A tiny client for the few Rocket.Chat REST endpoints delivery needs (login, chat.sendMessage,
 * rooms.info, im.create). It exists because the SDK's own paths are broken (rooms.info with `rid`)
 * or leak (a listener per DDP send); see STACK-NOTES. Every failure becomes a RocketChatApiError,
 * a DeliveryError the outbox worker already knows how to treat. It never logs, and no error
 * message carries the auth token.
 */
import type { RocketChatConfig } from '../../config.js';
import { DeliveryError, type DeliveryErrorOptions } from '../../delivery/sink.js';
import type { RocketChatAttachment } from './render.js';

/** A logged-in bot: the two headers every REST call carries. */
export interface RocketChatAuth {
  userId: string;
  authToken: string;
}

/** What deskops needs to know about a room. */
export interface RocketChatRoomInfo {
  id: string;
  /** c: public channel, p: private group, d: direct message, l: livechat (an outside visitor). */
  type: string;
  name?: string;
  /** The room's short name as typed after # ("support"), when it has one. */
  slug?: string;
  /** A team's main room: everyone in the team, guests included, reads it. */
  teamMain: boolean;
  /** Federated with another server: people outside the organisation read it. */
  federated: boolean;
}

/** A message for chat.sendMessage. */
export interface RocketChatOutgoing {
  rid: string;
  msg: string;
  /** The thread parent's message id. */
  tmid?: string;
  /** Also show a thread reply in the room (like Slack's reply_broadcast). */
  tshow?: boolean;
  attachments?: RocketChatAttachment[];
}

/** The REST calls the delivery sink makes. */
export interface RocketChatRest {
  /** Posts a message; resolves with the stored message's id. */
  sendMessage(message: RocketChatOutgoing): Promise<{ id: string; rid: string }>;
  /** GET rooms.info?roomId= (not `rid`, which servers ignore). */
  roomInfo(roomId: string): Promise<RocketChatRoomInfo>;
  /** GET rooms.info?roomName=: a room by its name ("support-t2", without the #). */
  roomByName(name: string): Promise<RocketChatRoomInfo>;
  /** Opens (or finds) the bot's direct-message room with `username`. */
  createDirectMessage(username: string): Promise<{ rid: string }>;
  /** GET chat.getMessage?msgId=: one message as stored (undefined when the server has none by that id). */
  getMessage(messageId: string): Promise<unknown>;
  /** GET users.info?username=: a user's id, display name and roles. */
  userByUsername(username: string): Promise<RocketChatUser>;
  /** GET users.info?userId=: the same, by id. */
  userById(userId: string): Promise<RocketChatUser>;
  /**
   * GET channels.members / groups.members / im.members: the room's members, at most `limit`
   * (`total` says how many there are in all).
   */
  roomMembers(roomId: string, type: string, limit: number): Promise<{ members: Array<{ id: string; username: string }>; total: number }>;
  /** POST rooms.upload/<rid> (multipart): a file into a room, in a thread when `tmid` is set. Optional for stand-ins. */
  uploadFile?(rid: string, file: RocketChatUpload): Promise<void>;
}

/** A file for rooms.upload. */
export interface RocketChatUpload {
  data: Uint8Array;
  filename: string;
  contentType: string;
  description?: string;
  tmid?: string;
}

/** A Rocket.Chat user as users.info gives it. */
export interface RocketChatUser {
  id: string;
  username: string;
  name?: string;
  /** Server-wide roles ("user", "admin", "support", ...). */
  roles: string[];
  /** False for a deactivated account (absent from the answer: taken as active). */
  active: boolean;
}

/** The members endpoint for a room type. */
const MEMBERS_ENDPOINT: Record<string, string> = { c: 'channels.members', p: 'groups.members', d: 'im.members' };

/** What kind of failure a RocketChatApiError is, for callers that give their own hints. */
export type RocketChatErrorKind = 'rate-limited' | 'unauthorized' | 'room-not-found' | 'not-allowed' | 'rejected' | 'server' | 'network';

/** A failed REST call, classified; a DeliveryError so the sink can rethrow it as is. */
export class RocketChatApiError extends DeliveryError {
  constructor(
    message: string,
    readonly kind: RocketChatErrorKind,
    readonly endpoint: string,
    options: DeliveryErrorOptions = {},
  ) {
    super(message, options);
    this.name = 'RocketChatApiError';
  }
}

/** Transport settings shared by every call. */
export interface RestOptions {
  /** For tests and proxies; the global fetch by default. */
  fetch?: typeof fetch;
  /** Per request, far inside the outbox lease (default 15 s). */
  timeoutMs?: number;
  /** The clock used to turn x-ratelimit-reset (epoch ms) into a wait. */
  now?: () => number;
}

interface ErrorBody {
  error?: unknown;
  errorType?: unknown;
  message?: unknown;
  timeToReset?: unknown;
  details?: { timeToReset?: unknown };
}

const ROOM_NOT_FOUND = new Set(['error-room-not-found', 'error-invalid-room', 'error-invalid-room-name', 'error-room-archived']);
const NOT_ALLOWED = new Set(['error-not-allowed', 'error-action-not-allowed', 'unauthorized']);
/** The limiter's own window, when an answer says neither when it resets nor how long to wait. */
const DEFAULT_RETRY_MS = 60_000;

/** The REST base: "https://chat.example.com/" + "api/v1/…", whatever the configured URL's slashes. */
function endpointUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/api/v1/${path}`;
}

/** The headers that authenticate a REST call as the bot. */
export function authHeaders(auth: RocketChatAuth): Record<string, string> {
  return { 'X-Auth-Token': auth.authToken, 'X-User-Id': auth.userId };
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/** The wait a rate-limit answer asks for: x-ratelimit-reset (epoch ms), else the body's timeToReset (ms). */
function retryAfter(headers: Headers, body: ErrorBody, now: number): number {
  const reset = Number(headers.get('x-ratelimit-reset'));
  if (Number.isFinite(reset) && reset > 0) return Math.max(1000, reset - now);
  const toReset = Number(body.details?.timeToReset ?? body.timeToReset);
  if (Number.isFinite(toReset) && toReset > 0) return Math.max(1000, toReset);
  const retry = Number(headers.get('retry-after'));
  return Number.isFinite(retry) && retry > 0 ? retry * 1000 : DEFAULT_RETRY_MS;
}

/** An HTTP answer that is not a success, as a classified RocketChatApiError. */
export function classifyFailure(endpoint: string, status: number, headers: Headers, body: ErrorBody, now: number): RocketChatApiError {
  const type = text(body.errorType) ?? text(body.error) ?? '';
  const said = text(body.error) ?? text(body.message) ?? `HTTP ${status}`;
  if (status === 429 || type === 'error-too-many-requests' || said.includes('error-too-many-requests')) {
    const retryAfterMs = retryAfter(headers, body, now);
    return new RocketChatApiError(`Rocket.Chat rate-limited ${endpoint}; retry after ${Math.ceil(retryAfterMs / 1000)} s`, 'rate-limited', endpoint, { retryAfterMs });
  }
  if (status === 401) {
    return new RocketChatApiError(
      `Rocket.Chat refused deskops' login for ${endpoint} (401): check ROCKETCHAT_USER/PASSWORD (or ROCKETCHAT_AUTH_TOKEN with ROCKETCHAT_USER_ID)`,
      'unauthorized',
      endpoint,
      { permanent: true },
    );
  }
  if (ROOM_NOT_FOUND.has(type) || status === 404) {
    return new RocketChatApiError(`Rocket.Chat has no such room for ${endpoint} (${type || `HTTP ${status}`})`, 'room-not-found', endpoint, { permanent: true });
  }
  if (NOT_ALLOWED.has(type) || status === 403) {
    return new RocketChatApiError(`Rocket.Chat did not allow ${endpoint}: ${said}`, 'not-allowed', endpoint, { permanent: true });
  }
  if (status >= 500) return new RocketChatApiError(`Rocket.Chat failed ${endpoint}: ${said}`, 'server', endpoint);
  // Any other 4xx is about the request itself (a bad field, a message too long): a retry sends the same.
  return new RocketChatApiError(`Rocket.Chat rejected ${endpoint}: ${said}`, 'rejected', endpoint, { permanent: true });
}

interface CallOptions extends RestOptions {
  method: 'GET' | 'POST';
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * Sends one request and reads its JSON answer; resolves with the body of a 2xx answer that does
 * not say success: false, else throws the classified failure.
 */
async function exchange(endpoint: string, url: string, init: RequestInit, options: RestOptions): Promise<Record<string, unknown>> {
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(url, { ...init, signal: AbortSignal.timeout(options.timeoutMs ?? 15_000) });
  } catch (error) {
    // Only the cause's message: the request (and its headers) stay out of the error.
    throw new RocketChatApiError(`Rocket.Chat unreachable for ${endpoint}: ${error instanceof Error ? error.message : String(error)}`, 'network', endpoint);
  }
  let body: Record<string, unknown> = {};
  try {
    const parsed: unknown = await response.json();
    if (parsed && typeof parsed === 'object') body = parsed as Record<string, unknown>;
  } catch {
    // A proxy's HTML error page: the status decides.
  }
  if (!response.ok || body.success === false || body.status === 'error') {
    throw classifyFailure(endpoint, response.ok ? 400 : response.status, response.headers, body as ErrorBody, (options.now ?? Date.now)());
  }
  return body;
}

/** One JSON REST call. */
function call(baseUrl: string, path: string, options: CallOptions): Promise<Record<string, unknown>> {
  return exchange(path.split('?')[0]!, endpointUrl(baseUrl, path), {
    method: options.method,
    headers: { accept: 'application/json', ...(options.body === undefined ? {} : { 'content-type': 'application/json' }), ...options.headers },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  }, options);
}

/** A rooms.info answer as RocketChatRoomInfo; `fallbackId` when the answer carries no id. */
function roomFrom(body: Record<string, unknown>, fallbackId: string): RocketChatRoomInfo {
  const room = (body.room ?? {}) as { _id?: unknown; t?: unknown; name?: unknown; fname?: unknown; teamMain?: unknown; federated?: unknown };
  const name = text(room.fname) ?? text(room.name);
  const slug = text(room.name);
  return { id: text(room._id) ?? fallbackId, type: text(room.t) ?? 'c', ...(name ? { name } : {}), ...(slug ? { slug } : {}), teamMain: room.teamMain === true, federated: room.federated === true };
}

/** Logs in with a user name and password (POST /api/v1/login); the token is returned, never logged. */
export async function login(url: string, user: string, password: string, options: RestOptions = {}): Promise<RocketChatAuth> {
  const body = await call(url, 'login', { ...options, method: 'POST', body: { user, password } });
  const data = body.data as { userId?: unknown; authToken?: unknown } | undefined;
  const userId = text(data?.userId);
  const authToken = text(data?.authToken);
  if (!userId || !authToken) throw new RocketChatApiError('Rocket.Chat login answered without a userId/authToken', 'rejected', 'login', { permanent: true });
  return { userId, authToken };
}

/** How the client authenticates: a fixed token, or a login it may repeat once when a token expires. */
export type AuthSource = RocketChatAuth | { login: () => Promise<RocketChatAuth> };

/** A RocketChatRest for the server at `url`. With a login source, a 401 logs in again once. */
export function createRocketChatRest(url: string, auth: AuthSource, options: RestOptions = {}): RocketChatRest {
  let current: Promise<RocketChatAuth> | undefined = 'login' in auth ? undefined : Promise.resolve(auth);

  function session(): Promise<RocketChatAuth> {
    if (current) return current;
    if (!('login' in auth)) return Promise.resolve(auth);
    const attempt = auth.login();
    current = attempt;
    // A failed login is not kept: the next call tries again.
    attempt.catch(() => {
      if (current === attempt) current = undefined;
    });
    return attempt;
  }

  async function authed(path: string, method: 'GET' | 'POST', body?: unknown): Promise<Record<string, unknown>> {
    const first = await session();
    try {
      return await call(url, path, { ...options, method, body, headers: authHeaders(first) });
    } catch (error) {
      // A token that expired since the login: log in again, once. A fixed token cannot be renewed.
      if (!(error instanceof RocketChatApiError && error.kind === 'unauthorized' && 'login' in auth)) throw error;
      current = undefined;
      return call(url, path, { ...options, method, body, headers: authHeaders(await session()) });
    }
  }

  return {
    async sendMessage(message) {
      const body = await authed('chat.sendMessage', 'POST', { message });
      const sent = body.message as { _id?: unknown; rid?: unknown } | undefined;
      const id = text(sent?._id);
      if (!id) throw new RocketChatApiError('Rocket.Chat accepted chat.sendMessage but returned no message id', 'server', 'chat.sendMessage');
      return { id, rid: text(sent?.rid) ?? message.rid };
    },
    async roomInfo(roomId) {
      return roomFrom(await authed(`rooms.info?roomId=${encodeURIComponent(roomId)}`, 'GET'), roomId);
    },
    async roomByName(name) {
      const info = roomFrom(await authed(`rooms.info?roomName=${encodeURIComponent(name)}`, 'GET'), '');
      if (!info.id) throw new RocketChatApiError(`Rocket.Chat returned no room id for #${name}`, 'room-not-found', 'rooms.info', { permanent: true });
      return info;
    },
    async createDirectMessage(username) {
      const body = await authed('im.create', 'POST', { username });
      const room = (body.room ?? {}) as { _id?: unknown; rid?: unknown };
      const rid = text(room.rid) ?? text(room._id);
      if (!rid) throw new RocketChatApiError(`Rocket.Chat opened no direct message with @${username}`, 'server', 'im.create');
      return { rid };
    },
    async getMessage(messageId) {
      try {
        return (await authed(`chat.getMessage?msgId=${encodeURIComponent(messageId)}`, 'GET')).message;
      } catch (error) {
        // The server answers an unknown or unreadable id with a 400: that is "no such message", not a failure.
        if (error instanceof RocketChatApiError && (error.kind === 'rejected' || error.kind === 'room-not-found' || error.kind === 'not-allowed')) return undefined;
        throw error;
      }
    },
    async uploadFile(rid, file) {
      const first = await session();
      try {
        await upload(url, rid, file, authHeaders(first), options);
      } catch (error) {
        if (!(error instanceof RocketChatApiError && error.kind === 'unauthorized' && 'login' in auth)) throw error;
        current = undefined;
        await upload(url, rid, file, authHeaders(await session()), options);
      }
    },
    async userByUsername(username) {
      return userFrom(await authed(`users.info?username=${encodeURIComponent(username)}`, 'GET'), `@${username}`);
    },
    async userById(userId) {
      return userFrom(await authed(`users.info?userId=${encodeURIComponent(userId)}`, 'GET'), userId);
    },
    async roomMembers(roomId, type, limit) {
      const endpoint = MEMBERS_ENDPOINT[type];
      if (!endpoint) throw new RocketChatApiError(`Rocket.Chat rooms of type ${type} have no member list`, 'rejected', 'members', { permanent: true });
      const body = await authed(`${endpoint}?roomId=${encodeURIComponent(roomId)}&count=${limit}`, 'GET');
      const members = (Array.isArray(body.members) ? body.members : []) as Array<{ _id?: unknown; username?: unknown }>;
      return {
        members: members.flatMap((m) => {
          const id = text(m._id);
          return id ? [{ id, username: text(m.username) ?? '' }] : [];
        }),
        total: typeof body.total === 'number' ? body.total : members.length,
      };
    },
  };
}

/** A users.info answer as a RocketChatUser. */
function userFrom(body: Record<string, unknown>, asked: string): RocketChatUser {
  const user = (body.user ?? {}) as { _id?: unknown; username?: unknown; name?: unknown; roles?: unknown; active?: unknown };
  const id = text(user._id);
  if (!id) throw new RocketChatApiError(`Rocket.Chat knows no user ${asked}`, 'rejected', 'users.info', { permanent: true });
  const name = text(user.name);
  const roles = Array.isArray(user.roles) ? user.roles.filter((role): role is string => typeof role === 'string') : [];
  return { id, username: text(user.username) ?? '', ...(name ? { name } : {}), roles, active: user.active !== false };
}

/** rooms.upload/<rid>: a multipart POST, so it cannot go through `call`'s JSON body; errors are classified the same way. */
async function upload(baseUrl: string, rid: string, file: RocketChatUpload, headers: Record<string, string>, options: RestOptions): Promise<void> {
  const endpoint = 'rooms.upload';
  const form = new FormData();
  form.append('file', new Blob([file.data], { type: file.contentType }), file.filename);
  if (file.description) form.append('description', file.description);
  if (file.tmid) form.append('tmid', file.tmid);
  await exchange(endpoint, endpointUrl(baseUrl, `rooms.upload/${encodeURIComponent(rid)}`), { method: 'POST', headers: { accept: 'application/json', ...headers }, body: form }, options);
}

/** The client for the configured bot: its personal access token when set, else a password login. */
export function restFromConfig(config: RocketChatConfig, options: RestOptions = {}): RocketChatRest {
  if (config.authToken && config.userId) return createRocketChatRest(config.url, { authToken: config.authToken, userId: config.userId }, options);
  const password = config.password ?? '';
  return createRocketChatRest(config.url, { login: () => login(config.url, config.user, password, options) }, options);
}
