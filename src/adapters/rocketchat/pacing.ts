/**
 * Self-pacing for Rocket.Chat posts: a window per endpoint (the server's rate limiter allows bots
 * without the bypass permission 10 REST calls per minute per endpoint) and a gap per room. A post
 * whose turn is too far off is handed back to the outbox with a deferred DeliveryError, so it
 * neither holds the worker nor counts as a failed attempt.
 */
import { DeliveryError } from '../../delivery/sink.js';

/** How fast to post. */
export interface PacingOptions {
  /** Calls allowed per window on the endpoint (default 10: Rocket.Chat's default for bots). */
  callsPerWindow?: number;
  /** The endpoint's window (default 60 s). */
  windowMs?: number;
  /** Least time between two posts to one room (default 1000 ms). */
  roomIntervalMs?: number;
  /** Longest in-process wait for a turn; beyond it the rows go back to the outbox (default 5000 ms). */
  maxWaitMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** The pacer the sink asks before each post. */
export interface Pacer {
  /** Waits for a turn to post to `room`, or throws a deferred DeliveryError when it is too far off. */
  take(room: string): Promise<void>;
  /** The server said wait `ms` (a rate limit): nothing is posted before then. */
  blockFor(ms: number): void;
  /**
   * Counts a post made without waiting for a turn (a reply to a command: people are waiting for
   * it), so the outbox's posts make room for it under the same endpoint limit.
   */
  note(room: string): void;
}

/** A Pacer with the given limits (see PacingOptions for the defaults). */
export function createPacer(options: PacingOptions = {}): Pacer {
  const callsPerWindow = Math.max(1, options.callsPerWindow ?? 10);
  const windowMs = options.windowMs ?? 60_000;
  const roomIntervalMs = options.roomIntervalMs ?? 1000;
  const maxWaitMs = options.maxWaitMs ?? 5000;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  /** Start times of the calls in the current window, reserved ones included. */
  const calls: number[] = [];
  const roomNext = new Map<string, number>();
  let blockedUntil = 0;

  return {
    async take(room) {
      const at0 = now();
      while (calls.length > 0 && calls[0]! <= at0 - windowMs) calls.shift();
      // The earliest instant that satisfies the window, the room gap and any server block.
      const windowSlot = calls.length < callsPerWindow ? at0 : calls[calls.length - callsPerWindow]! + windowMs;
      const at = Math.max(at0, windowSlot, roomNext.get(room) ?? 0, blockedUntil);
      if (at - at0 > maxWaitMs) {
        throw new DeliveryError(`pacing posts to Rocket.Chat room ${room}: next slot in ${at - at0} ms`, { retryAfterMs: at - at0, deferred: true });
      }
      // Reserved before waiting, so concurrent posts queue up instead of all taking the same slot.
      calls.push(at);
      calls.sort((a, b) => a - b);
      roomNext.set(room, at + roomIntervalMs);
      if (at > at0) await sleep(at - at0);
    },
    blockFor(ms) {
      blockedUntil = Math.max(blockedUntil, now() + ms);
    },
    note(room) {
      const at = now();
      calls.push(at);
      calls.sort((a, b) => a - b);
      roomNext.set(room, Math.max(roomNext.get(room) ?? 0, at + roomIntervalMs));
    },
  };
}
