/**
 * A lean deskops for the fault tests, started as its own process and killed with SIGKILL: the
 * real engine on its worker threads (as `deskops start` runs it), the real Slack HTTP adapter
 * (Bolt's receiver behind our server) and the real delivery worker (runDelivery through the
 * platform sink to the Slack sink), minus the CLI, the scheduler's cron jobs and the 15 s delivery
 * cadence. Configured from the environment like `deskops start`, plus:
 *   DESKOPS_FAULT_ENGINE       the engine's bundled worker script (fault-process.ts builds it)
 *   DESKOPS_FAULT_DELIVERY_MS  pause between delivery runs (default 20)
 *   DESKOPS_FAULT_LEASE_MS     the outbox lease (default 500), so rows a kill left claimed come back soon
 * Prints "ready <port>" on stdout once Slack accepted it and a first delivery run is done.
 */
import { startSlack, slackDeps } from '../../src/adapters/slack/start.js';
import { createSlackSink } from '../../src/adapters/slack/sink.js';
import { configSecrets, loadConfig } from '../../src/config.js';
import { createPlatformSink } from '../../src/delivery/platform-sink.js';
import { createWebhookSink } from '../../src/delivery/webhook-sink.js';
import { startWorkerEngine } from '../../src/engine/worker-engine.js';
import { runDelivery } from '../../src/jobs/scheduler.js';
import { createLogger } from '../../src/log.js';

const config = loadConfig(process.env);
const logger = createLogger(config.logLevel, undefined, { secrets: configSecrets(config) });
const engine = await startWorkerEngine(config, { logger, ...(process.env.DESKOPS_FAULT_ENGINE ? { script: process.env.DESKOPS_FAULT_ENGINE } : {}) });
const deps = slackDeps(config, config.slack!, engine, logger);
const slack = await startSlack(config, engine, logger, { deps, backoff: { initialMs: 10, maxMs: 100 } });
const sink = createPlatformSink(engine, { platforms: [{ platform: 'slack', sink: createSlackSink(deps, { minIntervalMs: 0 }) }], webhook: createWebhookSink({ url: config.pageWebhookUrl }) });
const every = Number(process.env.DESKOPS_FAULT_DELIVERY_MS ?? 20);
const leaseMs = Number(process.env.DESKOPS_FAULT_LEASE_MS ?? 500);

let stopping = false;
async function deliverLoop(): Promise<void> {
  while (!stopping) {
    await runDelivery(engine, await engine.now(), sink, { leaseMs });
    await new Promise((resolve) => setTimeout(resolve, every));
  }
}

await slack.ready;
// Ready once the delivery lane has made a run too (its thread starts after the commands' one):
// a kill that comes after "ready" can then land in the middle of a post.
const firstRun = await runDelivery(engine, await engine.now(), sink, { leaseMs });
if ('error' in firstRun) throw firstRun.error;
process.stdout.write(`ready ${slack.port}\n`);
const delivering = deliverLoop();

// The clean stop the last round of a test uses: finish the run in flight, close, exit 0.
process.once('SIGTERM', () => {
  stopping = true;
  void delivering.then(async () => {
    await slack.stop();
    await engine.close();
    process.exit(0);
  });
});
