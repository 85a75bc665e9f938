/** Composition root: config -> store -> services -> router. Adapters and the CLI start from here. */
import { systemClock, type Clock } from './clock.js';
import { configSecrets, type Config } from './config.js';
import type { AppContext } from './app/context.js';
import { buildRegistry } from './commands/index.js';
import type { CommandRegistry } from './commands/registry.js';
import { createRouter, type Router, type RouterOptions } from './commands/router.js';
import { createLogger, type Logger } from './log.js';
import { openStore, type Store } from './store/database.js';
import { createRateLimits } from './app/rate-limits.js';

export interface Deskops {
  app: AppContext<Store>;
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

/** Opens the database (applying migrations) and wires the command path. */
export function createDeskops(config: Config, options: DeskopsOptions = {}): Deskops {
  const logger = options.logger ?? createLogger(config.logLevel, undefined, { secrets: configSecrets(config) });
  const store = openStore(config.dbPath);
  const app: AppContext<Store> = { clock: options.clock ?? systemClock, store, settings: config.settings, ...(options.rateLimits === false ? {} : { limits: createRateLimits(config.rateLimits) }) };
  const registry = buildRegistry();
  const router = createRouter({ registry, app, logger, ...(options.localAdmin ? { localAdmin: options.localAdmin } : {}) });
  return { app, registry, router, logger, close: () => store.close() };
}
