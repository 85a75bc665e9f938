/**
 * deskops with the real Slack HTTP adapter (Bolt's receiver) in this process, on a real SQLite
 * file, against the Slack Web API stand-in, logging into an array the test reads; plus the row
 * counts the fault tests compare before and after.
 */
import pino from 'pino';
import { expect, vi } from 'vitest';
import { slackDeps, startSlack } from '../../src/adapters/slack/start.js';
import { createRouter } from '../../src/commands/router.js';
import { createInProcessEngine } from '../../src/engine/in-process.js';
import type { Config } from '../../src/config.js';
import { auditEvents, handledInvocations, people, seenEvents, tickets } from '../../src/store/schema.js';
import { countRows } from './db.js';
import { createTestDesk, type TestDesk } from './deskops.js';
import { startSlackApi, type SlackApiStandIn, type SlackCall } from './slack-api.js';
import { postToSlackEndpoint, slashCommandBody } from './slack-requests.js';

export interface SlackDesk {
  api: SlackApiStandIn;
  desk: TestDesk;
  config: Config;
  /** Every log line, router's included. */
  log: string[];
  port: number;
  /** Slack's events URL on the running receiver. */
  events: string;
  /** Sends a signed `/ticket <text>`, expects the 200 and waits for its answer on response_url. */
  command(trigger: string, text: string): Promise<SlackCall>;
}

/** Starts it; `cleanups` (drained by the caller's afterEach) stops it. Per-person rate limits are off unless `rateLimits`. */
export async function startSlackDesk(cleanups: Array<() => Promise<void> | void>, secret: string, options: { rateLimits?: boolean } = {}): Promise<SlackDesk> {
  const api = await startSlackApi();
  const env = { SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: secret, SLACK_API_URL: api.url, SLACK_BOT_ID: 'BBOT', SLACK_BOT_USER_ID: 'UBOT' };
  const desk = createTestDesk({ env, ...(options.rateLimits ? { rateLimits: true } : {}) });
  // The desk's own configuration: its staff rules decide who is a requester.
  const config = desk.config;
  const log: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void log.push(line) });
  // The same desk, with its router logging where the test can read it.
  const engine = createInProcessEngine({ ...desk, logger, router: createRouter({ registry: desk.registry, app: desk.app, logger }) });
  const slack = await startSlack(config, engine, logger, { port: 0, deps: { ...slackDeps(config, config.slack!, engine, logger), logger }, backoff: { initialMs: 5, maxMs: 20 } });
  cleanups.push(async () => {
    await slack.stop();
    desk.dispose();
    await api.close();
  });
  await slack.ready;
  const events = `http://127.0.0.1:${slack.port}/slack/events`;
  return {
    api,
    desk,
    config,
    log,
    port: slack.port!,
    events,
    async command(trigger, text) {
      const ack = await postToSlackEndpoint(events, slashCommandBody({ command: '/ticket', text, trigger_id: trigger, response_url: `${api.url}response/${trigger}` }), { secret });
      expect(ack.status).toBe(200);
      return vi.waitFor(
        () => {
          const call = api.callsTo(`response/${trigger}`)[0];
          if (!call) throw new Error(`no answer for ${trigger} yet`);
          return call;
        },
        { timeout: 5000, interval: 10 },
      );
    },
  };
}

/** Rows a half-written command would leave behind. */
export function storeCounts(desk: TestDesk): { tickets: number; people: number; audit: number; handled: number; seen: number } {
  const { store } = desk.app;
  return {
    tickets: countRows(store, tickets),
    people: countRows(store, people),
    audit: countRows(store, auditEvents),
    handled: countRows(store, handledInvocations),
    seen: countRows(store, seenEvents),
  };
}
