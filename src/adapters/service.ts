/**
 * `deskops start` with a platform configured: Slack, Rocket.Chat and/or email (each an
 * AdapterModule of adapters/registry.ts), and one scheduler, in one process. The outbox goes
 * through one sink that routes each row to the platform it belongs to (delivery/platform-sink.ts),
 * `webhook:*` rows to DESKOPS_PAGE_WEBHOOK. Runs until SIGINT/SIGTERM.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startBackgroundCheckpoints, type BackgroundCheckpoints } from '../store/checkpointer.js';
import type { Config } from '../config.js';
import { createPlatformSink } from '../delivery/platform-sink.js';
import { createWebhookSink } from '../delivery/webhook-sink.js';
import { allJobs } from '../jobs/index.js';
import { startScheduler, type Scheduler } from '../jobs/scheduler.js';
import type { Logger } from '../log.js';
import { createDeskops, type Deskops } from '../main.js';
import type { AdapterEntry, AdapterHealth, PlatformAdapter, ServicePlatform } from './contract.js';
import { configuredModules } from './registry.js';

export interface ServiceOptions {
  /** Stops the service like a signal would (tests); SIGINT and SIGTERM always do. */
  signal?: AbortSignal;
  logger?: Logger;
  /** Called once the adapters and the scheduler are running, with the port GET /healthz answers on. */
  onStarted?: (started: { adapters: readonly PlatformAdapter[]; healthPort: number | undefined }) => void;
  /** Overrides config.port for the HTTP server (0 picks a free port, for tests). */
  port?: number;
  /** The platforms (adapters/registry.ts by default; tests set Rocket.Chat's timings). */
  entries?: readonly AdapterEntry[];
}

/** A due outbox row waiting longer than this makes GET /healthz answer 503: delivery is stuck. */
export const HEALTH_OUTBOX_STALE_MS = 15 * 60_000;

/** What GET /healthz answers: 200 when `ok`, 503 otherwise. */
export interface HealthReport extends Record<string, unknown> {
  ok: boolean;
  database: 'ok' | 'unreachable';
  outbox: { due: number; oldestDueSeconds: number } | null;
  /** Each running platform's state (slack, rocketchat, email): ready, connecting, reconnecting or stopped. */
  platforms: Partial<Record<ServicePlatform, AdapterHealth['state']>>;
  /** Why `ok` is false, in words. */
  problems: string[];
}

/**
 * A cheap health check (one indexed query, no integrity check): the database answers, the outbox
 * has no due row older than HEALTH_OUTBOX_STALE_MS, and every running platform is ready.
 * Never throws.
 */
export function healthReport(deskops: Pick<Deskops, 'app'>, adapters: ReadonlyArray<Pick<PlatformAdapter, 'platform' | 'health'>>, now: Date = new Date()): HealthReport {
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
  const platforms: HealthReport['platforms'] = {};
  for (const adapter of adapters) {
    if (adapter.platform === 'shell') continue;
    const health = adapter.health();
    platforms[adapter.platform] = health.state;
    if (health.state !== 'ready') problems.push(`${adapter.platform}: ${health.state}${health.detail ? ` (${health.detail})` : ''}`);
  }
  return { ok: problems.length === 0, database, outbox: outboxState, platforms, problems };
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

/**
 * Runs every configured platform (Slack, Rocket.Chat, email) and one scheduler that delivers
 * through them, until stopped; then stops all of it and closes the store. GET /healthz is served
 * on PORT: by Slack's HTTP server in HTTP mode, else by a small server of its own.
 */
export async function runService(config: Config, options: ServiceOptions = {}): Promise<void> {
  const modules = await configuredModules(config, options.entries);
  if (modules.length === 0) throw new Error('No platform is configured: set SLACK_BOT_TOKEN, ROCKETCHAT_URL, DESKOPS_SMTP_URL, DESKOPS_IMAP_URL or DESKOPS_SMTP_LISTEN');
  const deskops = createDeskops(config, options.logger ? { logger: options.logger } : {});
  const stopping = new AbortController();
  const adapters: PlatformAdapter[] = [];
  const health = () => healthReport(deskops, adapters);
  let scheduler: Scheduler | undefined;
  let checkpoints: BackgroundCheckpoints | undefined;
  let healthServer: Server | undefined;
  try {
    const port = options.port ?? config.port;
    for (const module of modules) adapters.push(module.create({ config, deskops, logger: deskops.logger, port, signal: stopping.signal, health }));
    for (const adapter of adapters) await adapter.start();
    let healthPort = adapters.map((adapter) => adapter.httpPort?.()).find((p) => p !== undefined);
    if (healthPort === undefined) {
      healthServer = await serveHealth(port, health, deskops.logger);
      healthPort = (healthServer.address() as AddressInfo).port;
    }
    const sink = createPlatformSink(deskops.app, {
      platforms: adapters.map((adapter) => ({ platform: adapter.platform as ServicePlatform, sink: adapter.sink })),
      webhook: createWebhookSink({ url: config.pageWebhookUrl }),
    });
    // A long-running bot keeps WAL checkpoints off the thread that acknowledges chat requests.
    checkpoints = startBackgroundCheckpoints(deskops.app.store, deskops.logger);
    scheduler = startScheduler({ ...deskops.app, logger: deskops.logger }, allJobs(), { timeZone: config.settings.timeZone, sink });
    options.onStarted?.({ adapters, healthPort });
    const why = await untilStopped(options.signal);
    deskops.logger.info({ why }, 'deskops stopping');
  } finally {
    stopping.abort();
    await scheduler?.stop();
    await checkpoints?.stop();
    for (const adapter of adapters) await adapter.stop();
    if (healthServer) await closeServer(healthServer);
    deskops.close();
  }
}

/** GET /healthz on its own, for a service without Slack's HTTP server (Socket Mode, Rocket.Chat, email). */
async function serveHealth(port: number, health: () => HealthReport, logger: Logger): Promise<Server> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path !== '/healthz' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('not found');
      return;
    }
    const report = health();
    res.writeHead(report.ok ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify(report));
  });
  server.requestTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  logger.info({ port: bound }, `GET /healthz on port ${bound}`);
  return server;
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
