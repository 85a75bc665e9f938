/**
 * `deskops start` with a platform configured: Slack, Rocket.Chat and/or email (each an
 * AdapterModule of adapters/registry.ts), one scheduler and the engine, in one process. This
 * thread only does I/O (HTTP, sockets, timers, posting); the engine's worker threads own the
 * database and run every command, job and outbox step (src/engine/worker-engine.ts). The outbox
 * goes through one sink that routes each row to the platform it belongs to
 * (delivery/platform-sink.ts), `webhook:*` rows to DESKOPS_PAGE_WEBHOOK. Runs until SIGINT/SIGTERM.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { configSecrets, type Config } from '../config.js';
import { openLeaseLocks, prepareStorage } from '../store/open.js';
import { holdLease, type Lease } from '../replicas/lease.js';
import { claimerOf, LEADER_LEASE } from '../replicas/names.js';
import { createPlatformSink } from '../delivery/platform-sink.js';
import { createWebhookSink } from '../delivery/webhook-sink.js';
import type { Engine } from '../engine/port.js';
import { startWorkerEngine, type WorkerEngineOptions } from '../engine/worker-engine.js';
import { startScheduler, type Scheduler } from '../jobs/scheduler.js';
import { createLogger, type Logger } from '../log.js';
import type { ServicePlatform } from '../domain/vocabulary.js';
import type { AdapterEntry, PlatformAdapter } from './contract.js';
import { healthReport, monitorEventLoop, type HealthReport, type LoopMonitor } from './health.js';
import { configuredModules } from './registry.js';

export { healthReport, type HealthReport } from './health.js';

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
  /** How the engine runs (its script, its lanes); worker threads as in production by default. */
  engine?: Omit<WorkerEngineOptions, 'logger'>;
  /** How often a replica checks its leases or tries to take them (replicas/lease.ts; tests shorten it). */
  leaseCheckEveryMs?: number;
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
  const logger = options.logger ?? createLogger(config.logLevel, undefined, { secrets: configSecrets(config) });
  // Rejects (a read-only or damaged database) before anything listens: the CLI exits with its code.
  await prepareStorage(config);
  const engine: Engine = await startWorkerEngine(config, { logger, ...options.engine });
  const stopping = new AbortController();
  const adapters: PlatformAdapter[] = [];
  // Replicas of one database take turns (the scheduler, Rocket.Chat's stream); on SQLite this process holds every lease.
  // This life's claims and presence: a restart under the same DESKOPS_REPLICA_ID is another claimer.
  const claimer = claimerOf(config.replicaId);
  const locks = await openLeaseLocks(config, claimer);
  const leases = new Map<string, Lease>();
  const lease = (name: string): Lease => {
    let held = leases.get(name);
    if (!held) {
      held = holdLease({ name, locks, takeTurn: (leaseName, holder) => engine.leaseTakeTurn(leaseName, holder), holder: config.replicaId, logger, ...(options.leaseCheckEveryMs ? { checkEveryMs: options.leaseCheckEveryMs } : {}) });
      leases.set(name, held);
    }
    return held;
  };
  // Measured from the moment deskops serves (start-up itself loads code on this thread by design).
  let loop: LoopMonitor | undefined;
  const health = (): Promise<HealthReport> => healthReport(engine, adapters, loop, new Date(), { id: config.replicaId, leases: [...leases.values()] });
  let scheduler: Scheduler | undefined;
  let healthServer: Server | undefined;
  try {
    const port = options.port ?? config.port;
    const schedulerLease = lease(LEADER_LEASE);
    // Only replicas that share a database take turns for a platform's stream; a lone process reads it at once.
    const platformLease = locks.kind === 'shared' ? { lease } : {};
    for (const module of modules) adapters.push(module.create({ config, engine, logger, port, signal: stopping.signal, health, ...platformLease }));
    for (const adapter of adapters) await adapter.start();
    let healthPort = adapters.map((adapter) => adapter.httpPort?.()).find((p) => p !== undefined);
    if (healthPort === undefined) {
      healthServer = await serveHealth(port, health, logger);
      healthPort = (healthServer.address() as AddressInfo).port;
    }
    const sink = createPlatformSink(engine, {
      platforms: adapters.map((adapter) => ({ platform: adapter.platform as ServicePlatform, sink: adapter.sink })),
      webhook: createWebhookSink({ url: config.pageWebhookUrl }),
    });
    loop = monitorEventLoop();
    // Claims carry this life's name: on PostgreSQL the rows it held are due at once if it dies.
    scheduler = startScheduler(engine, engine.info.jobs, { timeZone: config.settings.timeZone, sink, logger, lease: schedulerLease, delivery: { claimer } });
    options.onStarted?.({ adapters, healthPort });
    const why = await untilStopped(options.signal);
    logger.info({ why }, 'deskops stopping');
  } finally {
    stopping.abort();
    await scheduler?.stop();
    for (const adapter of adapters) await adapter.stop();
    // After the scheduler and the adapters: another replica takes over only once this one has stopped acting.
    for (const held of leases.values()) await held.stop();
    await locks.close();
    if (healthServer) await closeServer(healthServer);
    await engine.close();
    loop?.stop();
  }
}

/** GET /healthz on its own, for a service without Slack's HTTP server (Socket Mode, Rocket.Chat, email). */
async function serveHealth(port: number, health: () => Promise<HealthReport>, logger: Logger): Promise<Server> {
  const server = createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path !== '/healthz' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('not found');
      return;
    }
    const report = await health();
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
