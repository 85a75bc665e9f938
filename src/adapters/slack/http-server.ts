/**
 * HTTP mode's server: GET /healthz, and Slack's requests to /slack/events. Before Bolt sees a
 * request we refuse a missing or future X-Slack-Request-Timestamp (Bolt only refuses old ones);
 * Bolt then checks the signature and the age. Either way a refusal is a 401 that touches nothing.
 */
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { EVENTS_PATH } from './app.js';

/** Slack's window for request timestamps, either side of now. */
export const MAX_CLOCK_SKEW_SECONDS = 5 * 60;

export interface SlackHttpServerOptions {
  /** Bolt's HTTPReceiver.requestListener. */
  listener: RequestListener;
  /** Whether Bolt is initialised (auth.test passed): until then requests get 503, which Slack retries. */
  ready: () => boolean;
  /** GET /healthz's body (200 when `ok`, else 503); by default only whether Slack is ready. */
  health?: () => { ok: boolean } & Record<string, unknown>;
  /** Seconds since the epoch; the real time by default. */
  nowSeconds?: () => number;
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

function drainThen(req: IncomingMessage, answer: () => void): void {
  // Read the body away before answering, so the client is not cut off mid-upload.
  req.resume();
  req.on('end', answer);
  req.on('error', answer);
}

/** The server (not listening yet): call `.listen(port)`. */
export function createSlackHttpServer(options: SlackHttpServerOptions): Server {
  const nowSeconds = options.nowSeconds ?? (() => Math.floor(Date.now() / 1000));
  return createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path === '/healthz' && (req.method === 'GET' || req.method === 'HEAD')) {
      const ready = options.ready();
      const health = options.health?.() ?? { ok: ready, slack: ready ? 'ready' : 'connecting' };
      res.writeHead(health.ok ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(health));
      return;
    }
    if (path !== EVENTS_PATH || req.method !== 'POST') {
      drainThen(req, () => plain(res, 404, 'not found'));
      return;
    }
    const problem = timestampProblem(req.headers['x-slack-request-timestamp'], nowSeconds());
    if (problem) {
      drainThen(req, () => plain(res, 401, problem));
      return;
    }
    if (!options.ready()) {
      res.setHeader('retry-after', '5');
      drainThen(req, () => plain(res, 503, 'deskops is still connecting to Slack'));
      return;
    }
    options.listener(req, res);
  });
}
