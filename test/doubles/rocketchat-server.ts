/**
 * A loopback stand-in for a Rocket.Chat server: the REST endpoints the SDK and the adapter call
 * (login, me, rooms.info, chat.sendMessage, *.history) and the DDP WebSocket at /websocket
 * (connect, ping, method login, sub stream-room-messages). It records every REST call and DDP
 * frame, delivers `push`ed messages to every live subscription (duplicates included, as a real
 * server does), and can rate-limit, drop or go silent on demand.
 */
import type { ServerResponse } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { closeNow, createBodyServer, listenOnLoopback } from './http-stand-in.js';

/** A chat message as Rocket.Chat streams it (`ts` as EJSON `{ $date }`). */
export interface RcMessage {
  _id: string;
  rid: string;
  msg: string;
  ts: { $date: number };
  u: { _id: string; username: string; name?: string };
  tmid?: string;
  t?: string;
  attachments?: unknown[];
  reactions?: Record<string, { usernames: string[] }>;
}

/** One REST request as received. */
export interface RestCall {
  method: string;
  /** The endpoint after /api/v1/, e.g. "chat.sendMessage". */
  endpoint: string;
  query: Record<string, string>;
  body: Record<string, unknown>;
  authToken: string | undefined;
  userId: string | undefined;
  at: number;
}

/** One DDP frame, in (from the client) or out (to it). */
export interface DdpFrame {
  dir: 'in' | 'out';
  connection: number;
  data: Record<string, unknown>;
}

export interface RocketChatServerOptions {
  botId?: string;
  botUsername?: string;
  password?: string;
  authToken?: string;
  /** A fixed port (a server that comes up late); an ephemeral one by default. */
  port?: number;
}

export interface RocketChatStandIn {
  url: string;
  botId: string;
  botUsername: string;
  authToken: string;
  calls: RestCall[];
  ddp: DdpFrame[];
  /** Messages the bot posted through chat.sendMessage, in order. */
  sent: Array<Record<string, unknown>>;
  callsTo(endpoint: string): RestCall[];
  /** Registers a room ('c' channel, 'p' private group, 'd' direct message). */
  addRoom(rid: string, type: 'c' | 'p' | 'd', name?: string): void;
  /** Streams `message` to every live subscription and stores it in the room's history. */
  push(message: RcMessage): void;
  /** Streams `message` right behind the next subscription's `ready`, in the same tick (one TCP read on the client). */
  pushOnSubscribe(message: RcMessage): void;
  /** Registers a user for users.info (reactions name people by username only); roles default to support staff. */
  addUser(id: string, username: string, name?: string, roles?: string[]): void;
  /** Sets a room's members (the bot is always one); by default they are the bot and whoever wrote there. */
  setMembers(rid: string, userIds: string[]): void;
  /** `username` reacts with `emoji` (":ticket:") to a stored message: the server re-streams the message with its reactions. */
  react(messageId: string, emoji: string, username: string): void;
  /** Invalidates the current login token (a new REST login gets a new one), as a server restart or logout would. */
  revokeTokens(): void;
  /** Sends a DDP `ping` to every open socket, as real servers do (the SDK answers each with a leaky send). */
  serverPing(): void;
  /** Stores a message in the history only (posted while the bot was not listening). */
  addHistory(message: RcMessage): void;
  /** The next `times` calls to `endpoint` answer 429 with x-ratelimit-reset `resetInMs` from now. */
  rateLimit(endpoint: string, times: number, resetInMs: number): void;
  /** Closes every open socket with `code` (1006-like drops use 4000+ codes; ws cannot send 1006). */
  dropConnection(code?: number): void;
  /**
   * Open sockets stop answering and receive nothing (a half-open TCP connection); new ones work,
   * unless `newConnections` is set: then they are accepted and never answered either, until wake().
   */
  goSilent(options?: { newConnections?: boolean }): void;
  /** New connections are answered again (after goSilent({ newConnections: true })). */
  wake(): void;
  /** Live `stream-room-messages` subscriptions across open sockets. */
  subscriptionCount(): number;
  openConnections(): number;
  /** Forgets recorded calls, frames, sent messages and history (long runs measure their own memory). */
  clearRecords(): void;
  close(): Promise<void>;
}

/** Builds a message the way the server would stream it. */
export function rcMessage(partial: Partial<RcMessage> & { _id: string; rid: string; msg: string }, at = Date.now()): RcMessage {
  return { ts: { $date: at }, u: { _id: 'u-alice', username: 'alice', name: 'Alice Liddell' }, ...partial };
}

interface Connection {
  id: number;
  socket: WebSocket;
  subs: Set<string>;
  silent: boolean;
}

/** Starts the stand-in on an ephemeral loopback port. */
export async function startRocketChatServer(options: RocketChatServerOptions = {}): Promise<RocketChatStandIn> {
  const botId = options.botId ?? 'u-bot';
  const botUsername = options.botUsername ?? 'deskops';
  const password = options.password ?? 'bot-password-123';
  let authToken = options.authToken ?? 'auth-token-SECRET-abc';
  let generation = 0;
  const calls: RestCall[] = [];
  const ddp: DdpFrame[] = [];
  const sent: Array<Record<string, unknown>> = [];
  const rooms = new Map<string, { t: 'c' | 'p' | 'd'; name: string }>();
  const users = new Map<string, { _id: string; username: string; name?: string; roles: string[]; active?: boolean }>();
  const members = new Map<string, string[]>();
  const history = new Map<string, RcMessage[]>();
  const limits = new Map<string, { times: number; resetInMs: number }>();
  const connections = new Set<Connection>();
  let nextConnection = 0;
  let nextMessage = 0;
  let silentNew = false;
  let onSubscribe: RcMessage | undefined;

  const remember = (message: RcMessage) => {
    const list = history.get(message.rid) ?? [];
    list.push(message);
    history.set(message.rid, list);
  };

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

  const find = (messageId: string) => [...history.values()].flat().find((m) => m._id === messageId);

  // Users no test registered: members of the support team (the test desks' staff rule), as most tests assume.
  const defaultUser = (id: string) => ({ _id: id, username: id, roles: ['user', 'support'] });

  // A room's members: the ones a test set, else the bot and everyone who wrote there.
  const membersOf = (roomId: string) => members.get(roomId) ?? [...new Set([botId, ...(history.get(roomId) ?? []).flatMap((m) => (typeof m?.u?._id === 'string' ? [m.u._id] : []))])];

  const authorised = (call: RestCall) => call.authToken === authToken && call.userId === botId;

  const historyAnswer = (call: RestCall) => {
    const roomId = call.query.roomId ?? '';
    const oldest = call.query.oldest ? Date.parse(call.query.oldest) : -Infinity;
    const count = Number(call.query.count ?? 20);
    // Newest first, like the real server, and in REST form (ts as an ISO string).
    const messages = (history.get(roomId) ?? [])
      .filter((m) => m.ts.$date > oldest)
      .sort((a, b) => b.ts.$date - a.ts.$date)
      .slice(0, count)
      .map((m) => ({ ...m, ts: new Date(m.ts.$date).toISOString() }));
    return { messages, success: true };
  };

  function answer(call: RestCall): { status: number; body: unknown; headers?: Record<string, string> } {
    const limit = limits.get(call.endpoint);
    if (limit && limit.times > 0) {
      limit.times -= 1;
      return {
        status: 429,
        headers: { 'x-ratelimit-limit': '10', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Date.now() + limit.resetInMs) },
        body: { success: false, error: 'error-too-many-requests' },
      };
    }
    if (call.endpoint === 'login') {
      const user = call.body.user ?? call.body.username;
      if (user !== botUsername || call.body.password !== password) return { status: 401, body: { status: 'error', error: 'Unauthorized' } };
      return { status: 200, body: { status: 'success', data: { userId: botId, authToken, me: { _id: botId, username: botUsername } } } };
    }
    if (!authorised(call)) return { status: 401, body: { status: 'error', message: 'You must be logged in to do this.' } };
    switch (call.endpoint) {
      case 'me':
        return { status: 200, body: { _id: botId, username: botUsername, success: true } };
      case 'rooms.info': {
        const room = rooms.get(call.query.roomId ?? '');
        if (!room) return { status: 400, body: { success: false, error: 'The required "roomId" or "roomName" param provided does not match any channel [error-room-not-found]' } };
        return { status: 200, body: { room: { _id: call.query.roomId, t: room.t, name: room.name }, success: true } };
      }
      case 'chat.sendMessage': {
        const message = (call.body.message ?? {}) as Record<string, unknown>;
        sent.push(message);
        const stored = rcMessage({ _id: `bot-${++nextMessage}`, rid: String(message.rid), msg: String(message.msg ?? ''), u: { _id: botId, username: botUsername } });
        remember(stored);
        return { status: 200, body: { message: { ...message, _id: stored._id }, success: true } };
      }
      case 'channels.history':
      case 'groups.history':
      case 'im.history':
        return { status: 200, body: historyAnswer(call) };
      case 'im.create': {
        const username = String(call.body.username ?? '');
        const rid = `dm-${username}`;
        if (!rooms.has(rid)) rooms.set(rid, { t: 'd', name: rid });
        const user = [...users.values()].find((u) => u.username === username);
        if (!members.has(rid)) members.set(rid, [botId, user?._id ?? username]);
        return { status: 200, body: { room: { _id: rid, rid, t: 'd' }, success: true } };
      }
      case 'chat.getMessage': {
        const message = find(call.query.msgId ?? '');
        if (!message) return { status: 400, body: { success: false, error: 'error-invalid-message' } };
        return { status: 200, body: { message: { ...message, ts: new Date(message.ts.$date).toISOString() }, success: true } };
      }
      case 'users.info': {
        const byId = call.query.userId;
        const user = byId ? ([...users.values()].find((u) => u._id === byId) ?? defaultUser(byId)) : users.get(call.query.username ?? '');
        if (!user) return { status: 400, body: { success: false, error: 'User not found. [error-invalid-user]' } };
        return { status: 200, body: { user, success: true } };
      }
      case 'channels.members':
      case 'groups.members':
      case 'im.members': {
        const roomId = call.query.roomId ?? '';
        if (!rooms.has(roomId)) return { status: 400, body: { success: false, error: 'error-room-not-found' } };
        const ids = membersOf(roomId);
        const list = ids.map((id) => ({ _id: id, username: [...users.values()].find((u) => u._id === id)?.username ?? id }));
        return { status: 200, body: { members: list.slice(0, Number(call.query.count ?? 50)), total: list.length, success: true } };
      }
      default:
        return { status: 404, body: { success: false, error: `no ${call.endpoint}` } };
    }
  }

  const server = createBodyServer((req, raw, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const call: RestCall = {
      method: req.method ?? 'GET',
      endpoint: url.pathname.replace(/^\/api\/v1\//, ''),
      query: Object.fromEntries(url.searchParams),
      body: raw ? (JSON.parse(raw) as Record<string, unknown>) : {},
      authToken: req.headers['x-auth-token'] as string | undefined,
      userId: req.headers['x-user-id'] as string | undefined,
      at: Date.now(),
    };
    calls.push(call);
    const { status, body, headers } = answer(call);
    json(res, status, body, headers);
  });

  const wss = new WebSocketServer({ server, path: '/websocket' });
  const send = (connection: Connection, data: Record<string, unknown>) => {
    if (connection.silent || connection.socket.readyState !== connection.socket.OPEN) return;
    ddp.push({ dir: 'out', connection: connection.id, data });
    connection.socket.send(JSON.stringify(data));
  };

  const stream = (message: RcMessage) => {
    for (const connection of connections) {
      for (const sub of connection.subs) {
        send(connection, { msg: 'changed', collection: 'stream-room-messages', id: sub, fields: { eventName: '__my_messages__', args: [message] } });
      }
    }
  };

  wss.on('connection', (socket) => {
    const connection: Connection = { id: ++nextConnection, socket, subs: new Set(), silent: silentNew };
    connections.add(connection);
    socket.on('close', () => connections.delete(connection));
    socket.on('message', (raw) => {
      if (connection.silent) return;
      const data = JSON.parse(String(raw)) as Record<string, unknown>;
      ddp.push({ dir: 'in', connection: connection.id, data });
      switch (data.msg) {
        case 'connect':
          return send(connection, { msg: 'connected', session: `session-${connection.id}` });
        case 'ping':
          return send(connection, { msg: 'pong', ...(data.id ? { id: data.id } : {}) });
        case 'method': {
          if (data.method === 'login') {
            const [params] = (data.params ?? []) as Array<{ resume?: string }>;
            if (params?.resume !== authToken) {
              return send(connection, { msg: 'result', id: data.id, error: { error: 403, reason: "You've been logged out by the server. Please log in again." } });
            }
            return send(connection, { msg: 'result', id: data.id, result: { id: botId, token: authToken, tokenExpires: { $date: Date.now() + 86_400_000 } } });
          }
          return send(connection, { msg: 'result', id: data.id, result: null });
        }
        case 'sub': {
          if (data.name === 'stream-room-messages') connection.subs.add(String(data.id));
          send(connection, { msg: 'ready', subs: [data.id] });
          const early = onSubscribe;
          onSubscribe = undefined;
          if (early) {
            remember(early);
            stream(early);
          }
          return undefined;
        }
        case 'unsub':
          connection.subs.delete(String(data.id));
          return send(connection, { msg: 'nosub', id: data.id });
        default:
          return undefined;
      }
    });
  });

  const port = await listenOnLoopback(server, options.port);

  return {
    url: `http://127.0.0.1:${port}`,
    botId,
    botUsername,
    get authToken() {
      return authToken;
    },
    calls,
    ddp,
    sent,
    callsTo: (endpoint) => calls.filter((c) => c.endpoint === endpoint),
    addRoom(rid, type, name = rid) {
      rooms.set(rid, { t: type, name });
    },
    push(message) {
      remember(message);
      stream(message);
    },
    pushOnSubscribe(message) {
      onSubscribe = message;
    },
    addUser(id, username, name, roles = ['user', 'support']) {
      users.set(username, { _id: id, username, ...(name ? { name } : {}), roles });
    },
    setMembers(rid, ids) {
      members.set(rid, [botId, ...ids]);
    },
    react(messageId, emoji, username) {
      const message = find(messageId);
      if (!message) throw new Error(`the stand-in has no message ${messageId}`);
      const reactions = { ...message.reactions };
      reactions[emoji] = { usernames: [...new Set([...(reactions[emoji]?.usernames ?? []), username])] };
      message.reactions = reactions;
      stream(message);
    },
    addHistory: remember,
    revokeTokens() {
      authToken = `${options.authToken ?? 'auth-token-SECRET-abc'}-${++generation}`;
    },
    serverPing() {
      for (const connection of connections) send(connection, { msg: 'ping' });
    },
    rateLimit(endpoint, times, resetInMs) {
      limits.set(endpoint, { times, resetInMs });
    },
    dropConnection(code = 4000) {
      for (const connection of connections) connection.socket.close(code, 'dropped by the stand-in');
    },
    goSilent(options = {}) {
      for (const connection of connections) connection.silent = true;
      silentNew = options.newConnections === true;
    },
    wake() {
      silentNew = false;
    },
    subscriptionCount: () => [...connections].filter((c) => !c.silent).reduce((n, c) => n + c.subs.size, 0),
    openConnections: () => [...connections].filter((c) => !c.silent).length,
    clearRecords() {
      calls.length = 0;
      ddp.length = 0;
      sent.length = 0;
      history.clear();
    },
    close: () => {
      for (const connection of connections) connection.socket.terminate();
      wss.close();
      return closeNow(server);
    },
  };
}
