/**
 * Every operation the engine offers, by name: synchronous use cases over the database (a command
 * in its transaction, a requester's message, a job run, a delivery step, an adapter's lookup). The
 * port (port.ts) is this table made asynchronous; the in-process engine calls these functions
 * directly, the worker engine sends their names and arguments to the thread that owns the database.
 * Loading this module loads the whole synchronous core: only the engine's side imports it.
 */
import type { EngineEnv } from './env.js';
import { storableTexts } from '../domain/text.js';
import { backgroundOps } from './ops/background.js';
import { chatOps } from './ops/chat.js';
import { commandOps } from './ops/commands.js';
import { emailOps } from './ops/email.js';
import { replicaOps } from './ops/replicas.js';
import { slackOps } from './ops/slack.js';

export const operations = { ...commandOps, ...chatOps, ...slackOps, ...emailOps, ...backgroundOps, ...replicaOps };

export type Operations = typeof operations;
export type OperationName = keyof Operations;

/**
 * Runs the operation `name` on `env` with `args` (both engines' dispatch; names come from our own
 * port). Everything the I/O side hands over (a command, a requester's message, a mail, a message
 * made a ticket, a person as the platform describes them, the ids and keys that find them again)
 * enters the core here, with every NUL character and lone surrogate made U+FFFD (domain/text.ts):
 * PostgreSQL's text or jsonb refuse them, so they are replaced on every engine, and an id is found
 * by the same value it was stored under.
 */
export function runOperation(env: EngineEnv, name: string, args: unknown[]): unknown {
  const op = (operations as Record<string, (env: EngineEnv, ...args: unknown[]) => unknown>)[name];
  if (!op) throw new Error(`the engine has no operation "${name}"`);
  return op(env, ...storableTexts(args));
}
