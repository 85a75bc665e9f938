/**
 * A local stand-in for Slack's Web API on loopback: records every call (method, token, arguments)
 * and answers from per-method handlers, `{ ok: true }` by default. Point Bolt or a WebClient at
 * `url` (it ends with "/api/", as slackApiUrl needs).
 */
import { closeNow, createBodyServer, listenOnLoopback } from './http-stand-in.js';

export interface SlackCall {
  method: string;
  token: string | undefined;
  args: Record<string, unknown>;
  at: number;
}

/** What a handler returns: a JSON body, optionally with a status and headers (e.g. 429 + Retry-After). */
export interface StandInResponse {
  status?: number;
  headers?: Record<string, string>;
  body: unknown;
}

/** A handler may answer later (a Promise): a slow or hanging Slack, for timeout tests. */
export type SlackHandler = (call: SlackCall) => StandInResponse | Record<string, unknown> | Promise<StandInResponse | Record<string, unknown>>;

export interface SlackApiStandIn {
  url: string;
  calls: SlackCall[];
  /** Calls to one method, in order. */
  callsTo(method: string): SlackCall[];
  on(method: string, handler: SlackHandler): void;
  close(): Promise<void>;
}

function parseBody(raw: string, contentType: string | undefined): Record<string, unknown> {
  if (!raw) return {};
  if (contentType?.includes('application/json')) return JSON.parse(raw) as Record<string, unknown>;
  const args: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    // The WebClient sends objects (blocks, view) as JSON strings in form bodies.
    try {
      args[key] = /^[[{]/.test(value) ? JSON.parse(value) : value;
    } catch {
      args[key] = value;
    }
  }
  return args;
}

/** Starts the stand-in on an ephemeral port. */
export async function startSlackApi(): Promise<SlackApiStandIn> {
  const calls: SlackCall[] = [];
  const handlers = new Map<string, SlackHandler>();
  handlers.set('auth.test', () => ({ ok: true, user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T1', user: 'deskops', team: 'Test' }));
  // Everyone is a full member of the test workspace T1 (the staff rule of the test desks) unless a test says otherwise.
  handlers.set('users.info', (call) => ({ ok: true, user: { id: String(call.args.user), name: String(call.args.user).toLowerCase(), team_id: 'T1' } }));
  const server = createBodyServer((req, raw, res) => {
    const method = (req.url ?? '').replace(/^\/api\//, '').split('?')[0]!;
    const auth = req.headers.authorization;
    const args = parseBody(raw, req.headers['content-type']);
    const call: SlackCall = { method, token: auth?.replace(/^Bearer /, '') ?? (args.token as string | undefined), args, at: Date.now() };
    calls.push(call);
    const handler = handlers.get(method);
    void Promise.resolve(handler ? handler(call) : { ok: true }).then((answer) => {
      // The client may have given up (a timeout test): nothing to answer then.
      if (res.destroyed || res.writableEnded) return;
      const response: StandInResponse = 'body' in answer && ('status' in answer || 'headers' in answer || Object.keys(answer).length === 1) ? (answer as StandInResponse) : { body: answer };
      res.writeHead(response.status ?? 200, { 'content-type': 'application/json', ...response.headers });
      res.end(JSON.stringify(response.body));
    });
  });
  const port = await listenOnLoopback(server);
  return {
    url: `http://127.0.0.1:${port}/api/`,
    calls,
    callsTo: (method) => calls.filter((c) => c.method === method),
    on: (method, handler) => handlers.set(method, handler),
    // A handler that never answers (a hung Slack) does not hold close() open.
    close: () => closeNow(server),
  };
}
