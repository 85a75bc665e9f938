/**
 * A lean deskops for the fault tests, started as its own process and killed with SIGKILL: the
 * real composition root (createDeskops), the real Slack HTTP adapter (Bolt's receiver behind our
 * server) and the real delivery worker (runDelivery through the platform sink to the Slack sink),
 * minus the CLI, the scheduler's cron jobs and the 15 s delivery cadence. Configured from the
 * environment like `deskops start`, plus:
 *   DESKOPS_FAULT_DELIVERY_MS  pause between delivery runs (default 20)
 *   DESKOPS_FAULT_LEASE_MS     the outbox lease (default 500), so rows a kill left claimed come back soon
 * Prints "ready <port>" on stdout once Slack accepted it.
 */
import { startSlack, slackDeps } from '../../src/adapters/slack/start.js';
import { createSlackSink } from '../../src/adapters/slack/sink.js';
import { loadConfig } from '../../src/config.js';
import { createPlatformSink } from '../../src/delivery/platform-sink.js';
import { createWebhookSink } from '../../src/delivery/webhook-sink.js';
import { runDelivery } from '../../src/jobs/scheduler.js';
import { createDeskops } from '../../src/main.js';

const config = loadConfig(process.env);
const deskops = createDeskops(config);
const deps = slackDeps(config, config.slack!, deskops);
const slack = await startSlack(config, deskops, { deps, backoff: { initialMs: 10, maxMs: 100 } });
const sink = createPlatformSink(deskops.app, { platforms: [{ platform: 'slack', sink: createSlackSink(deps, { minIntervalMs: 0 }) }], webhook: createWebhookSink({ url: config.pageWebhookUrl }) });
const every = Number(process.env.DESKOPS_FAULT_DELIVERY_MS ?? 20);
const leaseMs = Number(process.env.DESKOPS_FAULT_LEASE_MS ?? 500);
const ctx = { ...deskops.app, logger: deskops.logger };

let stopping = false;
async function deliverLoop(): Promise<void> {
  while (!stopping) {
    await runDelivery(ctx, ctx.clock.now(), sink, { leaseMs });
    await new Promise((resolve) => setTimeout(resolve, every));
  }
}

await slack.ready;
process.stdout.write(`ready ${slack.port}\n`);
const delivering = deliverLoop();

// The clean stop the last round of a test uses: finish the run in flight, close, exit 0.
process.once('SIGTERM', () => {
  stopping = true;
  void delivering.then(async () => {
    await slack.stop();
    deskops.close();
    process.exit(0);
  });
});
