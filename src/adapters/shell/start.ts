/** Starts the shell on the process's terminal (or pipes): `deskops start` and `deskops shell`. */
import { anyPlatformConfigured } from '../registry.js';
import { userInfo } from 'node:os';
import type { Readable, Writable } from 'node:stream';
import { SettableClock, type Clock } from '../../clock.js';
import type { Config } from '../../config.js';
import { createInProcessEngine } from '../../engine/in-process.js';
import type { Job } from '../../jobs/job.js';
import { allJobs } from '../../jobs/index.js';
import type { Logger } from '../../log.js';
import { createDeskopsFor } from '../../main.js';
import { prepareStorage } from '../../store/open.js';
import { historyPathFor } from './history.js';
import { localHandle, shellLocalAdmin } from './session.js';
import { createShellAdapter } from './module.js';
import { chartFolder } from './charts.js';
import { createShellTools, schedulerBackground } from './tools.js';

export interface StartShellOptions {
  input?: Readable & { isTTY?: boolean };
  output?: Writable;
  /** The time `:clock now` returns to; the real clock by default. */
  clock?: Clock;
  logger?: Logger;
  /** The scheduled jobs (`allJobs()` by default). */
  jobs?: readonly Job[];
  /**
   * Whether an interactive shell runs the scheduler in the background (default true). A piped
   * shell never does: a script's output must depend on its input alone, so it ticks with `:tick`.
   */
  background?: boolean;
}

/** The login name of the person running deskops; some containers have no passwd entry for it. */
function loginName(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? process.env.LOGNAME ?? 'local';
  }
}

/** The shell's local user: DESKOPS_SHELL_USER, else the login name, as a handle. */
export function shellUserFor(config: Config): string {
  return localHandle(config.shellUser ?? loginName());
}

/**
 * Opens the store, runs the shell until end of input or `:quit`, then closes the store. The engine
 * runs in this thread: one person at a terminal has nothing to keep responsive beside it.
 */
export async function startShell(config: Config, options: StartShellOptions = {}): Promise<void> {
  const input = options.input ?? process.stdin;
  const localUser = shellUserFor(config);
  // One clock for the router, the use cases and the jobs, so `:clock` moves all of them at once.
  const clock = new SettableClock(options.clock);
  await prepareStorage(config);
  const deskops = createDeskopsFor(config, {
    localAdmin: shellLocalAdmin(localUser),
    clock,
    ...(options.logger ? { logger: options.logger } : {}),
  });
  const engine = createInProcessEngine({ ...deskops, jobs: options.jobs ?? allJobs() }, { onClose: () => deskops.close() });
  const interactive = input.isTTY === true;
  const setup = { engine, logger: deskops.logger, config };
  try {
    const shell = createShellAdapter(engine, {
      engine,
      logger: deskops.logger,
      input,
      output: options.output ?? process.stdout,
      interactive,
      localUser,
      historyFile: interactive ? historyPathFor(config.dbPath) : undefined,
      chartFolder: chartFolder(config.dbPath),
      tools: createShellTools(setup),
      // With a platform configured, `deskops start` runs the scheduler and owns delivery: a shell
      // beside it must not deliver the outbox to the terminal (that would mark those messages sent).
      ...(interactive && options.background !== false && !anyPlatformConfigured(config) ? { background: schedulerBackground(setup) } : {}),
    });
    await shell.start();
    await shell.finished;
  } finally {
    await engine.close();
  }
}
