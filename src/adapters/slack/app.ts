/**
 * The Bolt app: HTTP mode (our own server hands requests to Bolt's HTTPReceiver) or Socket Mode,
 * with deskops' commands and buttons registered. It is built with deferred initialisation, so a
 * failed auth.test is an error start.ts can retry instead of an unhandled rejection.
 */
import { App, HTTPReceiver, SocketModeReceiver, type AnyMiddlewareArgs, type Middleware, type Receiver } from '@slack/bolt';
import { correlationFields, newCorrelationId, withCorrelation } from '../../log.js';
import { registerActions } from './actions.js';
import { boltLogger } from './bolt-logger.js';
import { registerCommands } from './commands.js';
import type { SlackDeps } from './deps.js';
import { registerInteractions } from './interactions/index.js';

/** Where Bolt receives Slack's HTTP requests (slash commands, interactivity, events). */
export const EVENTS_PATH = '/slack/events';

/** Longest wait for one Web API call made by Bolt (auth.test, apps.connections.open, views.open). */
export const WEB_API_TIMEOUT_MS = 10_000;

export interface SlackAppOptions extends SlackDeps {
  /** SLACK_API_URL: Slack's Web API, or a stand-in in tests (must end with "/api/"). */
  slackApiUrl: string;
}

/** A Bolt app and, in HTTP mode, the request listener our server hands Slack's requests to. */
export interface SlackApp {
  app: App;
  mode: 'http' | 'socket';
  /** HTTP mode only: Bolt's HTTPReceiver listener (signature and age checks, then the listeners). */
  http?: HTTPReceiver;
  /** Socket Mode only: the receiver, whose client says when the connection drops. */
  socket?: SocketModeReceiver;
}

function receiverFor(options: SlackAppOptions): { receiver: Receiver; http?: HTTPReceiver; socket?: SocketModeReceiver } {
  const { slack } = options;
  const logger = boltLogger(options.logger);
  if (slack.mode === 'socket') {
    if (!slack.appToken) throw new Error('Socket Mode needs SLACK_APP_TOKEN');
    // The Socket Mode client builds its own WebClient (for apps.connections.open) from
    // installerOptions.clientOptions: without these it would call slack.com, whatever SLACK_API_URL says.
    const receiver = new SocketModeReceiver({
      appToken: slack.appToken,
      logger,
      // The client's own reconnect leaves a failed apps.connections.open as an unhandled rejection,
      // which ends a Node process; start.ts reconnects instead, with its backoff and log lines.
      autoReconnectEnabled: false,
      installerOptions: { clientOptions: { slackApiUrl: options.slackApiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, timeout: WEB_API_TIMEOUT_MS } },
    });
    return { receiver, socket: receiver };
  }
  if (!slack.signingSecret) throw new Error('HTTP mode needs SLACK_SIGNING_SECRET');
  const http = new HTTPReceiver({ signingSecret: slack.signingSecret, endpoints: EVENTS_PATH, logger });
  return { receiver: http, http };
}

/** What kind of Slack request a body is, for the log ("slash_command /desk", "block_actions", "event app_home_opened"). */
function slackKind(body: Record<string, unknown>): string {
  if (typeof body.command === 'string') return `slash_command ${body.command}`;
  if (body.type === 'event_callback') {
    const event = body.event as { type?: unknown } | undefined;
    return `event ${typeof event?.type === 'string' ? event.type : 'unknown'}`;
  }
  return typeof body.type === 'string' ? body.type : 'unknown';
}

/**
 * The first middleware: everything Bolt does for one request (listeners, use cases, Web API
 * calls, their log lines and any apology's ref) runs with one requestId. HTTP mode already has
 * one from the server (start.ts), which it keeps, so the receiver's own lines match too.
 */
export const correlateSlackRequest: Middleware<AnyMiddlewareArgs> = ({ body, next }) => {
  const requestId = correlationFields().requestId ?? newCorrelationId();
  return withCorrelation({ requestId, platform: 'slack', slack: slackKind(body as Record<string, unknown>) }, () => next());
};

/** The user a request comes from, and the payload's word on their own workspace when it has one. */
export function requestUser(body: Record<string, unknown>): { id: string; team?: string } | undefined {
  if (typeof body.user_id === 'string') return { id: body.user_id };
  const user = body.user as { id?: unknown; team_id?: unknown } | undefined;
  if (user && typeof user.id === 'string') return { id: user.id, ...(typeof user.team_id === 'string' ? { team: user.team_id } : {}) };
  const event = body.event as { user?: unknown; user_team?: unknown; message?: { user?: unknown; user_team?: unknown } } | undefined;
  if (event && typeof event.user === 'string') return { id: event.user, ...(typeof event.user_team === 'string' ? { team: event.user_team } : {}) };
  // An edited message (message_changed) names its author inside.
  const edited = event?.message;
  if (edited && typeof edited.user === 'string') return { id: edited.user, ...(typeof edited.user_team === 'string' ? { team: edited.user_team } : {}) };
  return undefined;
}

/**
 * Before any listener: what Slack says about the person (their workspace, guest status) is made
 * fresh, so the staff rules are checked on every request. Cached for a minute, so this is a map
 * lookup on most requests.
 */
export function refreshDirectory(options: Pick<SlackDeps, 'directory'>): Middleware<AnyMiddlewareArgs> {
  return async ({ body, next }) => {
    const user = requestUser(body as Record<string, unknown>);
    if (user) await options.directory.refresh(user.id, user.team);
    await next();
  };
}

/** Builds the Bolt app for `options.slack.mode`; call `app.init()` (with retries) before use. */
export function createSlackApp(options: SlackAppOptions): SlackApp {
  const { slack, engine } = options;
  const { receiver, http, socket } = receiverFor(options);
  const app = new App({
    token: slack.botToken,
    receiver,
    logger: boltLogger(options.logger),
    // Slack's own silent retries (up to half an hour) would hold a request; the outbox retries visibly.
    // A bounded wait, so a Slack that never answers cannot hold start-up or stop() forever.
    clientOptions: { slackApiUrl: options.slackApiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, timeout: WEB_API_TIMEOUT_MS },
    ...(slack.botId ? { botId: slack.botId } : {}),
    ...(slack.botUserId ? { botUserId: slack.botUserId } : {}),
    deferInitialization: true,
    // Bolt's conversation store keeps per-conversation state deskops never reads; it cost a lookup per request.
    convoStore: false,
  });
  app.use(correlateSlackRequest);
  app.use(refreshDirectory(options));
  app.error(async (error) => {
    options.logger.error({ err: error, source: 'slack' }, 'slack listener failed');
  });
  registerCommands(app, options, engine.catalog);
  registerActions(app, options);
  registerInteractions(app, options);
  return { app, mode: slack.mode, ...(http ? { http } : {}), ...(socket ? { socket } : {}) };
}
