/**
 * `deskops start` with chat configured: Slack and/or Rocket.Chat, and one scheduler, in one
 * process. The outbox goes through one sink that routes each row to the platform it belongs to
 * (delivery/platform-sink.ts), `webhook:*` rows to DESKOPS_PAGE_WEBHOOK. Runs until SIGINT/SIGTERM.
 */
import { startBackgroundCheckpoints, type BackgroundCheckpoints } from '../store/checkpointer.js';
import type { Config } from '../config.js';
import { createPlatformSink } from '../delivery/platform-sink.js';
import { createWebhookSink } from '../delivery/webhook-sink.js';
import { allJobs } from '../jobs/index.js';
import { startScheduler, type Scheduler } from '../jobs/scheduler.js';
import type { Logger } from '../log.js';
import { createDeskops, type Deskops } from '../main.js';
import { startRocketChat, type RocketChatHandle, type StartRocketChatOptions } from './rocketchat/start.js';
import { createSlackSink } from './slack/sink.js';
import { slackDeps, startSlack, type SlackHandle } from './slack/start.js';

/** The adapters that came up. */
export interface ChatHandles {
  slack?: SlackHandle;
  rocketChat?: RocketChatHandle;
}

export interface ChatServiceOptions {
  /** Stops the service like a signal would (tests); SIGINT and SIGTERM always do. */
  signal?: AbortSignal;
  logger?: Logger;
  /** Called once the adapters and the scheduler are running. */
  onStarted?: (handles: ChatHandles) => void;
  /** Overrides config.port for Slack's HTTP mode (0 picks a free port, for tests). */
  port?: number;
  /** Rocket.Chat timings (tests make them small). */
  rocketChat?: StartRocketChatOptions;
}

/** A due outbox row waiting longer than this makes GET /healthz answer 503: delivery is stuck. */
export const HEALTH_OUTBOX_STALE_MS = 15 * 60_000;

/** What GET /healthz answers (HTTP mode): 200 when `ok`, 503 otherwise. */
export interface HealthReport extends Record<string, unknown> {
  ok: boolean;
  database: 'ok' | 'unreachable';
  outbox: { due: number; oldestDueSeconds: number } | null;
  slack?: 'ready' | 'connecting';
  rocketchat?: 'connecting' | 'connected' | 'reconnecting' | 'stopped';
  /** Why `ok` is false, in words. */
  problems: string[];
}

/** The state of each chat adapter, as the health check reads it. */
export interface ChatStates {
  slack?: boolean;
  rocketChat?: { ready: boolean | undefined; stats(): { connects: number; losses: number } };
}

/**
 * A cheap health check (one indexed query, no integrity check): the database answers, the outbox
 * has no due row older than HEALTH_OUTBOX_STALE_MS, and every configured chat is connected.
 * Never throws.
 */
export function healthReport(deskops: Pick<Deskops, 'app'>, chats: ChatStates, now: Date = new Date()): HealthReport {
  const problems: string[] = [];
  let database: HealthReport['database'] = 'ok';
  let outboxState: HealthReport['outbox'] = null;
  try {
    const row = deskops.app.store.sqlite
      .prepare("SELECT count(*) AS n, min(next_attempt_at) AS oldest FROM outbox WHERE state = 'queued' AND next_attempt_at <= ?")
      .get(now.getTime()) as { n: number; oldest: number | null };
    const oldestDueSeconds = row.oldest === null ? 0 : Math.max(0, Math.round((now.getTime() - row.oldest) / 1000));
    outboxState = { due: row.n, oldestDueSeconds };
    if (oldestDueSeconds * 1000 >= HEALTH_OUTBOX_STALE_MS) problems.push(`outbox: the oldest due message has waited ${Math.round(oldestDueSeconds / 60)} min`);
  } catch {
    database = 'unreachable';
    problems.push('database: the outbox query failed');
  }
  const report: HealthReport = { ok: false, database, outbox: outboxState, problems };
  if (chats.slack !== undefined) {
    report.slack = chats.slack ? 'ready' : 'connecting';
    if (!chats.slack) problems.push('slack: not connected yet (auth.test)');
  }
  if (chats.rocketChat) {
    const { ready } = chats.rocketChat;
    let state: NonNullable<HealthReport['rocketchat']>;
    if (ready === false) state = 'stopped';
    else if (ready === undefined) state = 'connecting';
    else {
      const stats = chats.rocketChat.stats();
      state = stats.connects > stats.losses ? 'connected' : 'reconnecting';
    }
    report.rocketchat = state;
    if (state !== 'connected') problems.push(`rocketchat: ${state}`);
  }
  report.ok = problems.length === 0;
  return report;
}

/** Resolves on the first SIGINT/SIGTERM or abort of `signal`. */
function untilStopped(signal: AbortSignal | undefined): Promise<string> {
  return new Promise((resolve) => {
    const done = (why: string) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      signal?.removeEventListener('abort', onAbort);
      resolve(why);
    };
    const onInt = () => done('SIGINT');
    const onTerm = () => done('SIGTERM');
    const onAbort = () => done('stopped');
    process.once('SIGINT', onInt);
    process.once('SIGTERM', onTerm);
    if (signal?.aborted) done('stopped');
    else signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Runs the configured chat adapters + scheduler until stopped, then stops all of it and closes the store. */
export async function runChatService(config: Config, options: ChatServiceOptions = {}): Promise<void> {
  if (!config.slack && !config.rocketChat) throw new Error('No chat platform is configured: set SLACK_BOT_TOKEN or ROCKETCHAT_URL');
  const deskops = createDeskops(config, options.logger ? { logger: options.logger } : {});
  const handles: ChatHandles = {};
  let scheduler: Scheduler | undefined;
  let checkpoints: BackgroundCheckpoints | undefined;
  try {
    const deps = config.slack ? slackDeps(config, config.slack, deskops) : undefined;
    // Rocket.Chat starts after Slack's server; /healthz reads its state once it exists.
    let rocketChatReady: boolean | undefined;
    const health = (slackReady: boolean) =>
      healthReport(deskops, {
        slack: slackReady,
        ...(config.rocketChat ? { rocketChat: { ready: rocketChatReady, stats: () => handles.rocketChat?.bot.stats() ?? { connects: 0, losses: 0 } } } : {}),
      });
    if (deps) handles.slack = await startSlack(config, deskops, { deps, health, ...(options.port !== undefined ? { port: options.port } : {}) });
    if (config.rocketChat) {
      handles.rocketChat = startRocketChat(config, deskops, options.rocketChat);
      void handles.rocketChat.ready.then((ready) => (rocketChatReady = ready));
    }
    const sink = createPlatformSink(deskops.app, {
      ...(deps ? { slack: createSlackSink(deps) } : {}),
      ...(handles.rocketChat ? { rocketchat: handles.rocketChat.sink } : {}),
      webhook: createWebhookSink({ url: config.pageWebhookUrl }),
    });
    // A long-running bot keeps WAL checkpoints off the thread that acknowledges chat requests.
    checkpoints = startBackgroundCheckpoints(deskops.app.store, deskops.logger);
    scheduler = startScheduler({ ...deskops.app, logger: deskops.logger }, allJobs(), { timeZone: config.settings.timeZone, sink });
    if (config.slack) deskops.logger.info({ mode: config.slack.mode }, 'deskops started with Slack');
    if (config.rocketChat) deskops.logger.info({ url: config.rocketChat.url }, 'deskops started with Rocket.Chat');
    options.onStarted?.(handles);
    const why = await untilStopped(options.signal);
    deskops.logger.info({ why }, 'deskops stopping');
  } finally {
    await scheduler?.stop();
    await checkpoints?.stop();
    await handles.slack?.stop();
    await handles.rocketChat?.stop();
    deskops.close();
  }
}
