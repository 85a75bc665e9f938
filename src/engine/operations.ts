/**
 * Every operation the engine offers, by name: synchronous use cases over the database (a command
 * in its transaction, a requester's message, a job run, a delivery step, an adapter's lookup). The
 * port (port.ts) is this table made asynchronous; the in-process engine calls these functions
 * directly, the worker engine sends their names and arguments to the thread that owns the database.
 * Loading this module loads the whole synchronous core: only the engine's side imports it.
 */
import type { EngineEnv } from './env.js';
import { backgroundOps } from './ops/background.js';
import { chatOps } from './ops/chat.js';
import { commandOps } from './ops/commands.js';
import { emailOps } from './ops/email.js';
import { replicaOps } from './ops/replicas.js';
import { slackOps } from './ops/slack.js';

export const operations = { ...commandOps, ...chatOps, ...slackOps, ...emailOps, ...backgroundOps, ...replicaOps };

export type Operations = typeof operations;
export type OperationName = keyof Operations;

/** Runs the operation `name` on `env` with `args` (the worker's dispatch; names come from our own port). */
export function runOperation(env: EngineEnv, name: string, args: unknown[]): unknown {
  const op = (operations as Record<string, (env: EngineEnv, ...args: unknown[]) => unknown>)[name];
  if (!op) throw new Error(`the engine has no operation "${name}"`);
  return op(env, ...args);
}
