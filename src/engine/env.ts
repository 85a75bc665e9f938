/**
 * What the engine's operations run against: the open database with its use cases (the synchronous
 * core: AppContext, registry, router), the scheduled jobs, and a logger. One per connection: the
 * worker builds its own from the configuration; an in-process engine wraps a Deskops (the shell,
 * tests) or a bare job context (tests of the delivery worker).
 */
import type { AppContext } from '../app/context.js';
import { SettableClock } from '../clock.js';
import { buildRegistry } from '../commands/index.js';
import type { CommandRegistry } from '../commands/registry.js';
import { createRouter, type Router } from '../commands/router.js';
import { allJobs } from '../jobs/index.js';
import type { Job, JobContext } from '../jobs/job.js';
import type { Logger } from '../log.js';

export interface EngineEnv {
  readonly app: AppContext;
  readonly logger: Logger;
  readonly registry: CommandRegistry;
  readonly router: Router;
  readonly jobs: readonly Job[];
  /** The app context with the logger, as jobs and delivery take it. */
  readonly jobContext: JobContext;
}

/** The parts an engine is built from; the registry, router and jobs are made when not given. */
export interface EngineParts {
  app: AppContext;
  logger: Logger;
  registry?: CommandRegistry;
  router?: Router;
  jobs?: readonly Job[];
}

/** The environment for `parts`; the registry and router are built on first use (delivery-only engines never need them). */
export function engineEnv(parts: EngineParts): EngineEnv {
  let registry = parts.registry;
  let router = parts.router;
  let jobs = parts.jobs;
  const jobContext: JobContext = { ...parts.app, logger: parts.logger };
  return {
    app: parts.app,
    logger: parts.logger,
    jobContext,
    get registry() {
      return (registry ??= buildRegistry());
    },
    get router() {
      return (router ??= createRouter({ registry: this.registry, app: parts.app, logger: parts.logger }));
    },
    get jobs() {
      return (jobs ??= allJobs());
    },
  };
}

/** The engine's clock when it can be pinned (the shell's `:clock`, tests), else undefined. */
export function settableClock(env: EngineEnv): SettableClock | undefined {
  return env.app.clock instanceof SettableClock ? env.app.clock : undefined;
}
