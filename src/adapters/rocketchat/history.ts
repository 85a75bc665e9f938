/**
 * What the connection reads and retries beyond the delivery client (rest.ts): a room's history
 * for catch-up after a reconnect, and a bounded in-process wait for the server's rate-limit reset.
 */
import { authHeaders, classifyFailure, RocketChatApiError, type RocketChatAuth } from './rest.js';
import { pause } from '../pause.js';

/** The history endpoint for a room type (c channel, p private group, d direct message). */
export const HISTORY_ENDPOINT: Readonly<Record<string, string>> = { c: 'channels.history', p: 'groups.history', d: 'im.history' };

/** Messages in room `roomId` newer than `oldest`, as the server returns them (newest first). */
export async function roomHistory(url: string, auth: RocketChatAuth, roomType: string, roomId: string, oldest: Date, count: number): Promise<unknown[]> {
  const endpoint = HISTORY_ENDPOINT[roomType];
  if (!endpoint) return [];
  const query = new URLSearchParams({ roomId, oldest: oldest.toISOString(), count: String(count) });
  const response = await fetch(`${url.replace(/\/+$/, '')}/api/v1/${endpoint}?${query.toString()}`, {
    headers: { accept: 'application/json', ...authHeaders(auth) },
    signal: AbortSignal.timeout(15_000),
  });
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok || body.success === false) throw classifyFailure(endpoint, response.status, response.headers, body, Date.now());
  return Array.isArray(body.messages) ? (body.messages as unknown[]) : [];
}

export interface RateLimitRetryOptions {
  /** Tries in all (default 3). */
  attempts?: number;
  /** A reset further off than this is not waited for in-process; the error goes to the caller (default 60 s). */
  maxWaitMs?: number;
  signal?: AbortSignal;
}

/** Runs `call`, waiting out a rate-limit answer until the server's reset (bounded tries and wait). */
export async function withRateLimitRetry<T>(call: () => Promise<T>, options: RateLimitRetryOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 3;
  const maxWaitMs = options.maxWaitMs ?? 60_000;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const limited = error instanceof RocketChatApiError && error.kind === 'rate-limited';
      const waitMs = limited ? (error.retryAfterMs ?? maxWaitMs) : 0;
      if (!limited || attempt >= attempts || waitMs > maxWaitMs || options.signal?.aborted) throw error;
      // A little past the reset: the window closes on the server's clock, not ours.
      await pause(waitMs + 50, options.signal);
      if (options.signal?.aborted) throw error;
    }
  }
}
