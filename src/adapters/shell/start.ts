/** Starts the shell on the process's terminal (or pipes): `deskops start` and `deskops shell`. */
import { userInfo } from 'node:os';
import type { Readable, Writable } from 'node:stream';
import type { Clock } from '../../clock.js';
import type { Config } from '../../config.js';
import type { Logger } from '../../log.js';
import { createDeskops } from '../../main.js';
import { historyPathFor } from './history.js';
import { localHandle, shellMinimumRole } from './session.js';
import { runShell } from './shell.js';

export interface StartShellOptions {
  input?: Readable & { isTTY?: boolean };
  output?: Writable;
  clock?: Clock;
  logger?: Logger;
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

/** Opens the store, runs the shell until end of input or `:quit`, then closes the store. */
export async function startShell(config: Config, options: StartShellOptions = {}): Promise<void> {
  const input = options.input ?? process.stdin;
  const localUser = shellUserFor(config);
  const deskops = createDeskops(config, {
    minimumRole: shellMinimumRole(localUser),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  });
  const interactive = input.isTTY === true;
  try {
    await runShell({
      deskops,
      input,
      output: options.output ?? process.stdout,
      interactive,
      localUser,
      historyFile: interactive ? historyPathFor(config.dbPath) : undefined,
    });
  } finally {
    deskops.close();
  }
}
