/**
 * A lease this replica tries to hold, and the turn it holds it for: the lock says who holds it
 * (store/lease-locks.ts: PostgreSQL's advisory lock on a session of its own, or SQLite's single
 * process); the engine counts the turns (LeaseRepository.takeTurn), and the turn's token fences
 * the holder's writes (store/fence.ts). Every `checkEveryMs` a holder checks its lock's session is
 * alive, and a replica that does not hold the lease tries to take it: when a holder dies, the
 * server ends its session and the next check of another replica takes over.
 */
import type { LeaseLocks } from '../store/lease-locks.js';
import type { Logger } from '../log.js';
import { pause } from '../adapters/pause.js';

/** How often a replica checks its lease (or tries to take it). */
export const LEASE_CHECK_EVERY_MS = 2_000;

/** This replica's view of one lease. */
export interface Lease {
  readonly name: string;
  /** The token of the turn this replica holds, or null while it does not hold the lease. */
  turn(): number | null;
  /** When this replica took its current turn (null while it holds none). */
  heldSince(): Date | null;
  /** Calls `listener` with the new turn (or null) each time this replica takes or loses the lease. */
  onChange(listener: (turn: number | null) => void): () => void;
  /** Resolves with the turn as soon as this replica holds the lease (at once when it does), or null when stopped first. */
  whenHeld(): Promise<number | null>;
  /** Tells the lease its turn is over (a fenced write was refused): it lets the lock go and tries again later. */
  lost(why: string): void;
  /** Stops checking and lets the lock go. */
  stop(): Promise<void>;
}

export interface LeaseOptions {
  name: string;
  locks: LeaseLocks;
  /** Starts a new turn in the store for `holder`, returning its token (the engine's leaseTakeTurn). */
  takeTurn: (name: string, holder: string) => Promise<number>;
  /** Who this replica is, recorded with its turns (DESKOPS_REPLICA_ID). */
  holder: string;
  logger: Logger;
  checkEveryMs?: number;
}

/** Starts trying to hold lease `options.name`; the first try is made at once. */
export function holdLease(options: LeaseOptions): Lease {
  const { name, locks, logger } = options;
  const checkEveryMs = options.checkEveryMs ?? LEASE_CHECK_EVERY_MS;
  const stopping = new AbortController();
  const listeners = new Set<(turn: number | null) => void>();
  let turn: number | null = null;
  let since: Date | null = null;
  let lastProblem: string | undefined;

  const change = (next: number | null) => {
    if (next === turn) return;
    turn = next;
    since = next === null ? null : new Date();
    for (const listener of listeners) listener(next);
  };

  /** Logs a failed check once per distinct problem, so a database that is down does not flood the log. */
  const problem = (error: unknown, what: string) => {
    const text = error instanceof Error ? error.message : String(error);
    if (text !== lastProblem) logger.warn({ err: error, lease: name }, what);
    lastProblem = text;
  };

  async function check(): Promise<void> {
    if (turn !== null) {
      if (await locks.alive()) return;
      logger.warn({ lease: name, turn }, `lost the ${name} lease: its lock session ended; another replica may take over`);
      change(null);
      return;
    }
    let taken: boolean;
    try {
      taken = await locks.tryHold(name);
    } catch (error) {
      problem(error, `could not try the ${name} lease; trying again`);
      return;
    }
    if (!taken) return;
    try {
      const token = await options.takeTurn(name, options.holder);
      if (stopping.signal.aborted) return;
      lastProblem = undefined;
      logger.info({ lease: name, turn: token, holder: options.holder }, `took the ${name} lease`);
      change(token);
    } catch (error) {
      // Holding the lock without a turn would fence out nothing: let it go and try again.
      problem(error, `took the ${name} lock but could not record the turn; letting it go`);
      await locks.release(name).catch(() => undefined);
    }
  }

  const running = (async () => {
    while (!stopping.signal.aborted) {
      await check().catch((error: unknown) => problem(error, `checking the ${name} lease failed`));
      await pause(checkEveryMs, stopping.signal);
    }
  })();

  const onChange = (listener: (turn: number | null) => void) => {
    listeners.add(listener);
    return () => void listeners.delete(listener);
  };

  return {
    name,
    turn: () => turn,
    heldSince: () => since,
    onChange,
    whenHeld() {
      if (turn !== null) return Promise.resolve(turn);
      if (stopping.signal.aborted) return Promise.resolve(null);
      return new Promise((resolve) => {
        const done = (value: number | null) => {
          off();
          stopping.signal.removeEventListener('abort', onAbort);
          resolve(value);
        };
        const off = onChange((next) => next !== null && done(next));
        const onAbort = () => done(null);
        stopping.signal.addEventListener('abort', onAbort, { once: true });
      });
    },
    lost(why) {
      if (turn === null) return;
      logger.warn({ lease: name, turn, why }, `gave up the ${name} lease`);
      change(null);
      void locks.release(name).catch(() => undefined);
    },
    async stop() {
      stopping.abort();
      await running;
      const held = turn !== null;
      change(null);
      if (held) await locks.release(name).catch(() => undefined);
    },
  };
}
