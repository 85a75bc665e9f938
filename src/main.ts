/** Composition root: config -> store -> services -> router. Adapters and the CLI start from here. */
import { systemClock, type Clock } from './clock.js';
import { configSecrets, type Config } from './config.js';
import type { AppContext } from './app/context.js';
import { buildRegistry } from './commands/index.js';
import type { CommandRegistry } from './commands/registry.js';
import { createRouter, type Router, type RouterOptions } from './commands/router.js';
import { createLogger, type Logger } from './log.js';
import { openStore } from './store/database.js';

export interface Deskops {
  app: AppContext;
  registry: CommandRegistry;
  router: Router;
  logger: Logger;
  close(): void;
}

export interface DeskopsOptions {
  clock?: Clock;
  logger?: Logger;
  minimumRole?: RouterOptions['minimumRole'];
}

/** Opens the database (applying migrations) and wires the command path. */
export function createDeskops(config: Config, options: DeskopsOptions = {}): Deskops {
  const logger = options.logger ?? createLogger(config.logLevel, undefined, { secrets: configSecrets(config) });
  const store = openStore(config.dbPath);
  const app: AppContext = { clock: options.clock ?? systemClock, store, settings: config.settings };
  const registry = buildRegistry();
  const router = createRouter({ registry, app, logger, ...(options.minimumRole ? { minimumRole: options.minimumRole } : {}) });
  return { app, registry, router, logger, close: () => store.close() };
}
