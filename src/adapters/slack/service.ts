/**
 * `deskops start` with Slack configured: the Slack adapter and the scheduler in one process, the
 * outbox delivered to Slack (and `webhook:*` rows to DESKOPS_PAGE_WEBHOOK), until SIGINT/SIGTERM.
 */
import type { Config } from '../../config.js';
import { routeSink } from '../../delivery/sink.js';
import { createWebhookSink } from '../../delivery/webhook-sink.js';
import { allJobs } from '../../jobs/index.js';
import { startScheduler, type Scheduler } from '../../jobs/scheduler.js';
import type { Logger } from '../../log.js';
import { createDeskops } from '../../main.js';
import { createSlackSink } from './sink.js';
import { slackDeps, startSlack, type SlackHandle } from './start.js';

export interface SlackServiceOptions {
  /** Stops the service like a signal would (tests); SIGINT and SIGTERM always do. */
  signal?: AbortSignal;
  logger?: Logger;
  /** Called once Slack and the scheduler are running, with the HTTP port in HTTP mode. */
  onStarted?: (handle: SlackHandle) => void;
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

/** Runs Slack + scheduler until stopped, then stops both (waiting for runs in flight) and closes the store. */
export async function runSlackService(config: Config, options: SlackServiceOptions = {}): Promise<void> {
  if (!config.slack) throw new Error('Slack is not configured: set SLACK_BOT_TOKEN');
  const deskops = createDeskops(config, options.logger ? { logger: options.logger } : {});
  const deps = slackDeps(config, config.slack, deskops);
  let slack: SlackHandle | undefined;
  let scheduler: Scheduler | undefined;
  try {
    slack = await startSlack(config, deskops, { deps });
    scheduler = startScheduler({ ...deskops.app, logger: deskops.logger }, allJobs(), {
      timeZone: config.settings.timeZone,
      sink: routeSink({ chat: createSlackSink(deps), webhook: createWebhookSink({ url: config.pageWebhookUrl }) }),
    });
    deskops.logger.info({ mode: config.slack.mode }, 'deskops started with Slack');
    options.onStarted?.(slack);
    const why = await untilStopped(options.signal);
    deskops.logger.info({ why }, 'deskops stopping');
  } finally {
    await scheduler?.stop();
    await slack?.stop();
    deskops.close();
  }
}
