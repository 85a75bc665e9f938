/**
 * Running a command while another writer holds the database: for adapters that have acknowledged
 * the request already and answer later (Slack's response_url). Light: it only talks to the engine.
 */
import { DatabaseBusyError } from '../app/errors.js';
import type { EnginePort } from '../engine/port.js';
import type { Logger } from '../log.js';
import type { Reply } from '../views/reply.js';
import type { Invocation } from './invocation.js';
import type { PreparedText } from './prepare.js';

export interface RetryOptions {
  /** How long the first attempt may wait for the lock (default 200 ms). */
  busyWaitMs?: number;
  /** How long to keep retrying before answering that the database is busy (default 20 s). */
  budgetMs?: number;
  logger?: Logger;
  /** The text as the adapter read it already (prepare.ts). */
  prepared?: PreparedText;
}

/** First wait between attempts on a locked database; it doubles up to BUSY_RETRY_MAX_MS. */
const BUSY_RETRY_FIRST_MS = 100;
const BUSY_RETRY_MAX_MS = 1000;
/** How long a retry may wait for the lock: enough to get past another writer's short transaction. */
const BUSY_RETRY_WAIT_MS = 20;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs the invocation, retrying while the database is locked by another writer. The first attempt
 * waits for at most `busyWaitMs` and each retry a few milliseconds, in the engine's thread; the
 * waits in between are timers here, so the engine takes other commands meanwhile. After `budgetMs`
 * a last attempt answers that the database is busy and the command was not run.
 */
export async function handleRetrying(engine: Pick<EnginePort, 'handle'>, invocation: Invocation, options: RetryOptions = {}): Promise<Reply> {
  const budgetMs = options.budgetMs ?? 20_000;
  const prepared = options.prepared ? { prepared: options.prepared } : {};
  const started = Date.now();
  let delay = BUSY_RETRY_FIRST_MS;
  for (let tries = 0; ; tries++) {
    try {
      const reply = await engine.handle(invocation, { onBusy: 'throw', busyWaitMs: tries === 0 ? (options.busyWaitMs ?? 200) : BUSY_RETRY_WAIT_MS, ...prepared });
      if (tries > 0) options.logger?.info({ tries: tries + 1, waitedMs: Date.now() - started, platform: invocation.platform }, 'command ran once the database was free again');
      return reply;
    } catch (error) {
      if (!(error instanceof DatabaseBusyError)) throw error;
      if (tries === 0) options.logger?.warn({ platform: invocation.platform, budgetMs }, 'database locked by another writer; retrying the command');
      if (Date.now() - started + delay > budgetMs) return engine.handle(invocation, { onBusy: 'reply', busyWaitMs: BUSY_RETRY_WAIT_MS, ...prepared });
      await sleep(delay);
      delay = Math.min(BUSY_RETRY_MAX_MS, delay * 2);
    }
  }
}
