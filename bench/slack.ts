/**
 * Slack's command round trip in HTTP mode: a signed slash command in, the ack out, and (for
 * deskops) the answer on response_url, measured against a bare Bolt app that only acks, on the
 * same machine in the same run. Loopback only: Slack's Web API is the test stand-in.
 *
 * The client shares the event loop with the app, so deskops' ack figure also contains the
 * command's own store work that runs right after the ack (Slack, out of process, sees the ack
 * sooner: measured separately at p50 2.8 ms / p99 17 ms against `deskops start`).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';
import { loadConfig } from '../src/config.js';
import { startSlack } from '../src/adapters/slack/start.js';
import { createTestDesk } from '../test/doubles/deskops.js';
import { startSlackApi, type SlackApiStandIn } from '../test/doubles/slack-api.js';
import { postToSlackEndpoint, slashCommandBody } from '../test/doubles/slack-requests.js';

const SECRET = 'bench-secret';

/** Figures for one app: ack latency (sequential) and the rate with `concurrency` requests in flight. */
export interface RoundTrip {
  ackP50Ms: number;
  ackP99Ms: number;
  /** deskops only: until the answer reached response_url. */
  answeredP50Ms?: number;
  answeredP99Ms?: number;
  perSecond: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
}

async function drive(url: string, api: SlackApiStandIn, count: number, concurrency: number, text: (i: number) => string, waitAnswers: boolean): Promise<RoundTrip> {
  const acks: number[] = [];
  const answered: number[] = [];
  for (let i = 0; i < count; i++) {
    const name = `seq-${i}`;
    const started = performance.now();
    const ack = await postToSlackEndpoint(url, slashCommandBody({ command: '/ticket', text: text(i), response_url: `${api.url}response/${name}` }), { secret: SECRET });
    if (ack.status !== 200) throw new Error(`ack ${ack.status}`);
    acks.push(ack.ms);
    if (waitAnswers) {
      while (api.callsTo(`response/${name}`).length === 0) await new Promise((resolve) => setImmediate(resolve));
      answered.push(performance.now() - started);
    }
  }
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        await postToSlackEndpoint(url, slashCommandBody({ command: '/ticket', text: text(i), response_url: `${api.url}response/par-${i}` }), { secret: SECRET });
      }
    }),
  );
  const perSecond = count / ((performance.now() - started) / 1000);
  acks.sort((a, b) => a - b);
  answered.sort((a, b) => a - b);
  return {
    ackP50Ms: percentile(acks, 0.5),
    ackP99Ms: percentile(acks, 0.99),
    ...(waitAnswers ? { answeredP50Ms: percentile(answered, 0.5), answeredP99Ms: percentile(answered, 0.99) } : {}),
    perSecond,
  };
}

/** A Bolt app whose /ticket only acks: the floor any Bolt-based bot stands on. */
async function bareBolt(api: SlackApiStandIn): Promise<{ url: string; close(): Promise<void> }> {
  const receiver = new HTTPReceiver({ signingSecret: SECRET, endpoints: '/slack/events', logLevel: LogLevel.ERROR });
  const app = new App({ token: 'xoxb-bench', receiver, botId: 'B', botUserId: 'U', clientOptions: { slackApiUrl: api.url }, logLevel: LogLevel.ERROR });
  app.command('/ticket', async ({ ack }) => ack());
  const server: Server = createServer(receiver.requestListener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** deskops (half `/ticket new`, half `/ticket list`) and a bare Bolt app, `count` commands each. */
export async function benchSlackCommands(count = 1000, concurrency = 16): Promise<{ deskops: RoundTrip; bareBolt: RoundTrip }> {
  const api = await startSlackApi();
  const env = { SLACK_BOT_TOKEN: 'xoxb-bench', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: api.url, SLACK_BOT_ID: 'B', SLACK_BOT_USER_ID: 'U' };
  const desk = createTestDesk({ env });
  const config = loadConfig({ DESKOPS_DB: join(desk.dir, 'deskops.db'), ...env });
  const slack = await startSlack(config, desk, { port: 0 });
  await slack.ready;
  const bare = await bareBolt(api);
  try {
    const text = (i: number) => (i % 2 === 0 ? `new "Bench ticket ${i}" priority:high` : 'list');
    const deskops = await drive(`http://127.0.0.1:${slack.port}/slack/events`, api, count, concurrency, text, true);
    const bareBolt = await drive(bare.url, api, count, concurrency, text, false);
    return { deskops, bareBolt };
  } finally {
    await bare.close();
    await slack.stop();
    desk.dispose();
    await api.close();
  }
}
