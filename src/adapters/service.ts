/**
 * `deskops start` with chat configured: Slack and/or Rocket.Chat, and one scheduler, in one
 * process. The outbox goes through one sink that routes each row to the platform it belongs to
 * (delivery/platform-sink.ts), `webhook:*` rows to DESKOPS_PAGE_WEBHOOK. Runs until SIGINT/SIGTERM.
 */
import type { Config } from '../config.js';
import { createPlatformSink } from '../delivery/platform-sink.js';
import { createWebhookSink } from '../delivery/webhook-sink.js';
import { allJobs } from '../jobs/index.js';
import { startScheduler, type Scheduler } from '../jobs/scheduler.js';
import type { Logger } from '../log.js';
import { createDeskops } from '../main.js';
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
  /** Rocket.Chat timings (tests make them small). */
  rocketChat?: StartRocketChatOptions;
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
  try {
    const deps = config.slack ? slackDeps(config, config.slack, deskops) : undefined;
    if (deps) handles.slack = await startSlack(config, deskops, { deps });
    if (config.rocketChat) handles.rocketChat = startRocketChat(config, deskops, options.rocketChat);
    const sink = createPlatformSink(deskops.app, {
      ...(deps ? { slack: createSlackSink(deps) } : {}),
      ...(handles.rocketChat ? { rocketchat: handles.rocketChat.sink } : {}),
      webhook: createWebhookSink({ url: config.pageWebhookUrl }),
    });
    scheduler = startScheduler({ ...deskops.app, logger: deskops.logger }, allJobs(), { timeZone: config.settings.timeZone, sink });
    if (config.slack) deskops.logger.info({ mode: config.slack.mode }, 'deskops started with Slack');
    if (config.rocketChat) deskops.logger.info({ url: config.rocketChat.url }, 'deskops started with Rocket.Chat');
    options.onStarted?.(handles);
    const why = await untilStopped(options.signal);
    deskops.logger.info({ why }, 'deskops stopping');
  } finally {
    await scheduler?.stop();
    await handles.slack?.stop();
    await handles.rocketChat?.stop();
    deskops.close();
  }
}
