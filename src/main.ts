/** Composition root: config -> store -> services -> router. Adapters and the CLI start from here. */
import { systemClock, type Clock } from './clock.js';
import { configSecrets, type Config } from './config.js';
import type { AppContext } from './app/context.js';
import { buildRegistry } from './commands/index.js';
import type { CommandRegistry } from './commands/registry.js';
import { createRouter, type Router, type RouterOptions } from './commands/router.js';
import { createLogger, type Logger } from './log.js';
import { openStore, type Store } from './store/database.js';
import { openStorage } from './store/open.js';
import type { Storage } from './store/storage.js';
import { createRateLimits } from './app/rate-limits.js';

/** `S`: the store as opened; the SQLite Store unless the configuration named PostgreSQL (createDeskopsFor). */
export interface Deskops<S extends Storage = Store> {
  app: AppContext<S>;
  registry: CommandRegistry;
  router: Router;
  logger: Logger;
  close(): void;
}

export interface DeskopsOptions {
  clock?: Clock;
  logger?: Logger;
  localAdmin?: RouterOptions['localAdmin'];
  /** Per-person rate limits (on by default; tests that flood on purpose set false). */
  rateLimits?: boolean;
}

/** Opens the SQLite file (applying migrations) and wires the command path. */
export function createDeskops(config: Config, options: DeskopsOptions = {}): Deskops {
  return assemble(config, openStore(config.dbPath), options);
}

/**
 * Opens the store the configuration names, PostgreSQL (DESKOPS_DATABASE_URL: after the process's
 * prepareStorage and this thread's loadStorage, store/open.ts) or the SQLite file, and wires the
 * command path.
 */
export function createDeskopsFor(config: Config, options: DeskopsOptions = {}): Deskops<Storage> {
  return assemble(config, openStorage(config), options);
}

function assemble<S extends Storage>(config: Config, store: S, options: DeskopsOptions): Deskops<S> {
  const logger = options.logger ?? createLogger(config.logLevel, undefined, { secrets: configSecrets(config) });
  const app: AppContext<S> = { clock: options.clock ?? systemClock, store, settings: config.settings, ...(options.rateLimits === false ? {} : { limits: createRateLimits(config.rateLimits) }) };
  const registry = buildRegistry();
  const router = createRouter({ registry, app, logger, ...(options.localAdmin ? { localAdmin: options.localAdmin } : {}) });
  return { app, registry, router, logger, close: () => store.close() };
}
