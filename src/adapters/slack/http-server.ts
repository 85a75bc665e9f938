/**
 * HTTP mode's server: GET /healthz, and Slack's requests to /slack/events. Before Bolt sees a
 * request we refuse a body over MAX_BODY_BYTES (413, as soon as the Content-Length or the bytes
 * received say so, without holding the rest) and a missing or future X-Slack-Request-Timestamp
 * (Bolt only refuses old ones); Bolt then checks the signature and the age. Either way a refusal
 * touches nothing.
 */
import { parse as parseQuery } from 'node:querystring';
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { EVENTS_PATH } from './app.js';

/** Slack's window for request timestamps, either side of now. */
export const MAX_CLOCK_SKEW_SECONDS = 5 * 60;

/**
 * The largest request body read. Slack's biggest payloads here (a button press carrying a whole
 * 50-block message, a modal submission) stay far below it; Bolt's own limit is 4 MB.
 */
export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Body bytes held at once across all requests not verified yet. A request past it is turned away
 * with 503 and Retry-After (Slack retries), so many slow or stalled uploads cannot fill memory.
 */
export const MAX_PENDING_BODY_BYTES = 16 * 1024 * 1024;
/**
 * When the budget is full, a request whose body has been arriving for this long is cut off (oldest
 * first) to make room: Slack sends a body at once, so only a stalled or trickling upload is that slow,
 * and a budget filled by those must not turn Slack's own requests away until they time out.
 */
export const SLOW_BODY_MS = 1_000;
/** The whole request (headers and body) must arrive within this; Slack sends small bodies at once. */
export const REQUEST_TIMEOUT_MS = 10_000;
/** The headers must arrive within this. */
export const HEADERS_TIMEOUT_MS = 5_000;
/** An idle keep-alive connection is closed after this. */
export const KEEP_ALIVE_TIMEOUT_MS = 5_000;

export interface SlackHttpServerOptions {
  /** Bolt's HTTPReceiver.requestListener. */
  listener: RequestListener;
  /** Whether Bolt is initialised (auth.test passed): until then requests get 503, which Slack retries. */
  ready: () => boolean;
  /** GET /healthz's body (200 when `ok`, else 503); by default only whether Slack is ready. */
  health?: () => Promise<{ ok: boolean } & Record<string, unknown>>;
  /** Seconds since the epoch; the real time by default. */
  nowSeconds?: () => number;
  /** Overrides MAX_BODY_BYTES (tests). */
  maxBodyBytes?: number;
  /** Overrides MAX_PENDING_BODY_BYTES (tests). */
  maxPendingBodyBytes?: number;
  /** Overrides REQUEST_TIMEOUT_MS (tests). */
  requestTimeoutMs?: number;
}

/** Body bytes held for requests still arriving, across the server. */
interface BodyBudget {
  held: number;
  readonly limit: number;
  /** The requests whose bodies are still arriving: when each started, and how to cut it off. */
  readonly pending: Set<{ startedAt: number; cut: () => void }>;
}

/**
 * Whether `needed` more bytes fit the budget, cutting off slow bodies (SLOW_BODY_MS), oldest first,
 * until they do.
 */
function makeRoom(budget: BodyBudget, needed: number): boolean {
  if (budget.held + needed <= budget.limit) return true;
  const now = Date.now();
  const slow = [...budget.pending].filter((p) => now - p.startedAt >= SLOW_BODY_MS).sort((a, b) => a.startedAt - b.startedAt);
  for (const request of slow) {
    if (budget.held + needed <= budget.limit) break;
    request.cut();
  }
  return budget.held + needed <= budget.limit;
}

function plain(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(body);
}

/** Why the request's timestamp is unacceptable before signature checks, or undefined when it may go on. */
export function timestampProblem(header: string | string[] | undefined, nowSeconds: number): string | undefined {
  if (typeof header !== 'string' || !/^\d{1,12}$/.test(header.trim())) return 'missing or malformed X-Slack-Request-Timestamp';
  if (Number(header) - nowSeconds > MAX_CLOCK_SKEW_SECONDS) return 'X-Slack-Request-Timestamp is in the future';
  return undefined;
}

/** The declared body length, or undefined when the client did not say (chunked). */
function declaredLength(req: IncomingMessage): number | undefined {
  const header = req.headers['content-length'];
  return header !== undefined && /^\d+$/.test(header) ? Number(header) : undefined;
}

/** 413 and close the connection, so the rest of an oversized body is never read. */
function tooLarge(req: IncomingMessage, res: ServerResponse, limit: number): void {
  if (res.headersSent) return;
  res.writeHead(413, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
  res.end(`request body over ${limit} bytes`, () => req.destroy());
}

/** Reads the body away before answering, so the client is not cut off mid-upload; past `limit` it gets 413 instead. */
function drainThen(req: IncomingMessage, res: ServerResponse, limit: number, answer: () => void): void {
  let received = 0;
  let done = false;
  const finish = (run: () => void) => {
    if (done) return;
    done = true;
    run();
  };
  req.on('data', (chunk: Buffer) => {
    received += chunk.length;
    if (received > limit) finish(() => tooLarge(req, res, limit));
  });
  req.on('end', () => finish(answer));
  req.on('error', () => finish(answer));
}

/** 503 with Retry-After and close: the server holds too many bodies already; Slack retries. */
function busy(req: IncomingMessage, res: ServerResponse): void {
  if (res.headersSent) return;
  res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8', 'retry-after': '5', connection: 'close' });
  res.end('too many requests arriving at once; retry shortly', () => req.destroy());
}

/**
 * Reads the whole body (at most `limit` bytes) and hands it to Bolt as `rawBody`, which Bolt's
 * receiver takes instead of reading the stream itself. Past the limit: 413 at once. The bytes
 * count against the server's `budget` until the request is done; past it, slow bodies are cut off
 * (408) to make room, and when that is not enough: 503.
 */
function bufferThen(req: IncomingMessage, res: ServerResponse, limit: number, budget: BodyBudget, next: () => void): void {
  const chunks: Buffer[] = [];
  let received = 0;
  let done = false;
  const entry = {
    startedAt: Date.now(),
    cut: () => {
      if (!finish()) return;
      chunks.length = 0;
      if (res.headersSent) {
        req.destroy();
        return;
      }
      res.writeHead(408, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
      res.end('request body too slow', () => req.destroy());
    },
  };
  budget.pending.add(entry);
  const finish = () => {
    if (done) return false;
    done = true;
    budget.held -= received;
    budget.pending.delete(entry);
    return true;
  };
  req.on('data', (chunk: Buffer) => {
    if (done) return;
    if (received + chunk.length > limit) {
      finish();
      chunks.length = 0;
      tooLarge(req, res, limit);
      return;
    }
    if (!makeRoom(budget, chunk.length)) {
      finish();
      chunks.length = 0;
      busy(req, res);
      return;
    }
    received += chunk.length;
    budget.held += chunk.length;
    chunks.push(chunk);
  });
  req.on('end', () => {
    const body = Buffer.concat(chunks, received);
    if (!finish()) return;
    (req as IncomingMessage & { rawBody?: Buffer }).rawBody = body;
    next();
  });
  // A client that goes away (or a timeout that cuts it off) gives its bytes back.
  req.on('error', finish);
  req.on('close', finish);
}

/**
 * True for a body Bolt would parse to `null` (`payload=null`, or a JSON body `null`): its receiver
 * then reads a property of it outside any try, an unhandled rejection that would end the process
 * and leave the request unanswered. It reads the body as Bolt does; anything else goes to Bolt.
 */
export function parsesToNull(body: Buffer, contentType: string | undefined): boolean {
  try {
    const text = body.toString();
    if (contentType === 'application/x-www-form-urlencoded') {
      const { payload } = parseQuery(text);
      return typeof payload === 'string' && JSON.parse(payload) === null;
    }
    return JSON.parse(text) === null;
  } catch {
    return false;
  }
}

/** The server (not listening yet): call `.listen(port)`. */
export function createSlackHttpServer(options: SlackHttpServerOptions): Server {
  const nowSeconds = options.nowSeconds ?? (() => Math.floor(Date.now() / 1000));
  const limit = options.maxBodyBytes ?? MAX_BODY_BYTES;
  const budget: BodyBudget = { held: 0, limit: options.maxPendingBodyBytes ?? MAX_PENDING_BODY_BYTES, pending: new Set() };
  // The timeouts below are enforced on this interval (Node's default, 30 s, would let a stalled request live 40 s).
  const server = createServer({ connectionsCheckingInterval: 1_000 }, (req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path === '/healthz' && (req.method === 'GET' || req.method === 'HEAD')) {
      const ready = options.ready();
      void (options.health?.() ?? Promise.resolve({ ok: ready, slack: ready ? 'ready' : 'connecting' })).then((health) => {
        res.writeHead(health.ok ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' });
        res.end(JSON.stringify(health));
      });
      return;
    }
    // Said to be too large: refused before a byte of the body is read.
    if ((declaredLength(req) ?? 0) > limit) {
      tooLarge(req, res, limit);
      return;
    }
    if (path !== EVENTS_PATH || req.method !== 'POST') {
      drainThen(req, res, limit, () => plain(res, 404, 'not found'));
      return;
    }
    const problem = timestampProblem(req.headers['x-slack-request-timestamp'], nowSeconds());
    if (problem) {
      drainThen(req, res, limit, () => plain(res, 401, problem));
      return;
    }
    if (!options.ready()) {
      res.setHeader('retry-after', '5');
      drainThen(req, res, limit, () => plain(res, 503, 'deskops is still connecting to Slack'));
      return;
    }
    // Said to be larger than what is left of the budget (after cutting off slow bodies): refused before a byte of it is read.
    if (!makeRoom(budget, declaredLength(req) ?? 0)) {
      busy(req, res);
      return;
    }
    bufferThen(req, res, limit, budget, () => {
      const { rawBody } = req as IncomingMessage & { rawBody: Buffer };
      if (parsesToNull(rawBody, req.headers['content-type'])) plain(res, 400, 'malformed request body');
      else options.listener(req, res);
    });
  });
  // A request that trickles in or stalls is cut off (408) instead of holding its connection and buffer.
  server.requestTimeout = options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
  server.headersTimeout = Math.min(HEADERS_TIMEOUT_MS, server.requestTimeout);
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  return server;
}
