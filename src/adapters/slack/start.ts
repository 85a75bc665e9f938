/**
 * Runs the Slack adapter: HTTP mode (our server on PORT in front of Bolt) or Socket Mode. Start-up
 * never fails on Slack itself: auth.test and the Socket Mode connection are retried with backoff
 * in the background while the rest of deskops (scheduler, shell) goes on.
 */
import { catchUpConversations } from './interactions/conversations.js';
import type { RequestListener, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebClient } from '@slack/web-api';
import type { Config, Settings, SlackConfig } from '../../config.js';
import type { Engine } from '../../engine/port.js';
import { newCorrelationId, withCorrelation, type Logger } from '../../log.js';
import { createSlackApp, type SlackApp } from './app.js';
import { createSlackConversations } from './conversations.js';
import { createSlackDirectory } from './directory.js';
import { boltLogger } from './bolt-logger.js';
import type { SlackDeps } from './deps.js';
import { createSlackHttpServer } from './http-server.js';
import { keepTrying, type BackoffOptions } from './keep-trying.js';

/** A running Slack adapter. */
export interface SlackHandle {
  /** Resolves true once Slack accepted us (auth.test, or the socket opened), false if stopped first. */
  ready: Promise<boolean>;
  /** HTTP mode: the port the server listens on (useful with port 0). */
  port?: number;
  /** Stops retrying, closes the server or the socket; resolves once all of it is done. */
  stop(): Promise<void>;
}

export interface StartSlackOptions {
  /** The Slack dependencies; built from `config` by default. */
  deps?: SlackDeps;
  /** Overrides config.port (0 picks a free port, for tests). */
  port?: number;
  backoff?: BackoffOptions;
  /**
   * HTTP mode: the body of GET /healthz (200 when `ok`, else 503) given whether Slack is ready;
   * by default it reports only that. The chat service adds the database, outbox and Rocket.Chat.
   */
  health?: (slackReady: boolean) => Promise<{ ok: boolean } & Record<string, unknown>>;
}

/** The Web API client every Slack module posts with: SLACK_API_URL, no silent retries, 429s thrown to the outbox. */
export function slackClient(config: Pick<Config, 'slackApiUrl'>, slack: SlackConfig, logger: Logger): WebClient {
  return new WebClient(slack.botToken, {
    slackApiUrl: config.slackApiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: 15_000,
    logger: boltLogger(logger),
  });
}

/** The SlackDeps for a configured Slack. */
export function slackDeps(config: Config, slack: SlackConfig, engine: Engine, logger: Logger): SlackDeps {
  return slackDepsWith(engine, slack, slackClient(config, slack, logger), logger.child({ adapter: 'slack' }), config.settings);
}

/** The SlackDeps around a given Web API client: the staff directory and conversation checks use it too. */
export function slackDepsWith(engine: Engine, slack: SlackConfig, client: WebClient, logger: Logger, settings: Settings): SlackDeps {
  return {
    engine,
    slack,
    settings,
    client,
    logger,
    directory: createSlackDirectory(client, settings.staffRules, logger),
    conversations: createSlackConversations(engine, client, logger),
  };
}

/** Reads back what requesters wrote in open tickets' threads while deskops was away (never throws). */
async function catchUp(deps: SlackDeps): Promise<void> {
  try {
    // The bot's own posts carry a bot_id, which is how catch-up skips them; the user id is a second check.
    await catchUpConversations(deps, deps.client, deps.slack.botUserId);
  } catch (error) {
    deps.logger.warn({ err: error }, 'slack catch-up of conversations failed; live messages still arrive');
  }
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    // Keep-alive connections would hold close() open for seconds.
    server.closeAllConnections();
  });
}

async function startHttp(slack: SlackApp, deps: SlackDeps, port: number, backoff: BackoffOptions, health: StartSlackOptions['health']): Promise<SlackHandle> {
  const stopping = new AbortController();
  let initialised = false;
  const receive = slack.http!.requestListener;
  // One requestId per HTTP request from the start, so Bolt's receiver lines (bad signature, no ack) carry it too.
  const listener: RequestListener = (req, res) => withCorrelation({ requestId: newCorrelationId(), platform: 'slack' }, () => receive(req, res));
  const server = createSlackHttpServer({ listener, ready: () => initialised, ...(health ? { health: () => health(initialised) } : {}) });
  const bound = await listen(server, port);
  deps.logger.info({ port: bound }, `Slack HTTP mode: listening on port ${bound}`);
  const ready = keepTrying('Slack start-up (auth.test)', () => slack.app.init(), { ...backoff, signal: stopping.signal, logger: deps.logger }).then((ok) => {
    initialised = ok;
    if (ok) {
      deps.logger.info('Slack HTTP mode: ready');
      void catchUp(deps);
    }
    return ok;
  });
  return {
    ready,
    port: bound,
    async stop() {
      stopping.abort();
      await ready;
      await close(server);
    },
  };
}

async function startSocket(slack: SlackApp, deps: SlackDeps, backoff: BackoffOptions): Promise<SlackHandle> {
  const stopping = new AbortController();
  let initialised = false;
  let connected = false;
  const connect = () =>
    keepTrying(
      'Slack Socket Mode connection',
      async () => {
        if (!initialised) {
          await slack.app.init();
          initialised = true;
        }
        await slack.app.start();
      },
      { ...backoff, signal: stopping.signal, logger: deps.logger },
    ).then((ok) => {
      connected = ok;
      if (ok) {
        deps.logger.info('Slack Socket Mode: connected');
        // After every (re)connection: what requesters wrote meanwhile, read back once.
        void catchUp(deps);
      }
      return ok;
    });
  let current = connect();
  // A dropped socket (network, Slack's "disconnect" refresh) comes back through the same loop.
  // `connected` guards against the Disconnected a failed attempt emits: that attempt's own retry covers it.
  slack.socket!.client.on('disconnected', () => {
    if (!connected || stopping.signal.aborted) return;
    connected = false;
    deps.logger.warn('Slack Socket Mode connection lost; reconnecting');
    current = connect();
  });
  return {
    ready: current,
    async stop() {
      stopping.abort();
      // Disconnecting also ends an attempt still waiting for the socket to open, so the loop settles.
      await slack.app.stop().catch((error: unknown) => deps.logger.debug({ err: error }, 'socket mode stop'));
      await current;
    },
  };
}

/**
 * Starts Slack in the configured mode. Resolves once the HTTP server listens (HTTP mode) or at
 * once (Socket Mode); Slack itself is reached in the background (`ready`). Rejects only when the
 * port cannot be bound.
 */
export async function startSlack(config: Config, engine: Engine, logger: Logger, options: StartSlackOptions = {}): Promise<SlackHandle> {
  if (!config.slack) throw new Error('Slack is not configured: set SLACK_BOT_TOKEN');
  const deps = options.deps ?? slackDeps(config, config.slack, engine, logger);
  const slack = createSlackApp({ ...deps, slackApiUrl: config.slackApiUrl });
  const backoff = options.backoff ?? {};
  return slack.mode === 'http' ? startHttp(slack, deps, options.port ?? config.port, backoff, options.health) : startSocket(slack, deps, backoff);
}
