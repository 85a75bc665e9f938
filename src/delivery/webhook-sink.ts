/**
 * Posts `webhook:*` outbox payloads (the on-call page) as JSON to DESKOPS_PAGE_WEBHOOK, for
 * PagerDuty, Opsgenie or any relay. The body carries its own dedupe key; the same key goes in an
 * Idempotency-Key header, so a receiver can drop the rare second copy.
 */
import { DeliveryError, type DeliverySink, type OutboxRow } from './sink.js';

export interface WebhookSinkOptions {
  /** The endpoint; undefined means no webhook is configured and webhook rows are dropped. */
  url: string | undefined;
  /** Default 5 s: a hung endpoint must not hold the worker (its claim lease is longer). */
  timeoutMs?: number;
  /** For tests; the global fetch by default. */
  fetch?: typeof fetch;
  /** The real time, for an HTTP-date Retry-After. */
  now?: () => Date;
}

const DEFAULT_TIMEOUT_MS = 5000;

/** Milliseconds a Retry-After header asks for (delta-seconds or an HTTP date), if it is readable. */
export function parseRetryAfter(header: string | null, now: Date): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}

async function send(options: WebhookSinkOptions, url: string, body: unknown, rows: readonly OutboxRow[]): Promise<void> {
  const doFetch = options.fetch ?? fetch;
  let response: Response;
  try {
    response = await doFetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'deskops', 'idempotency-key': rows[0]?.dedupeKey ?? '' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    });
  } catch (error) {
    // Timeouts, refused connections, DNS: the endpoint may come back, so retry.
    throw new DeliveryError(`webhook unreachable: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  // The body is not needed, but reading it lets the connection be reused.
  await response.arrayBuffer().catch(() => undefined);
  if (response.ok) return;
  const status = `webhook answered ${response.status} ${response.statusText}`.trim();
  if (response.status === 429 || response.status === 408 || response.status >= 500) {
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), (options.now ?? (() => new Date()))());
    throw new DeliveryError(status, retryAfterMs === undefined ? {} : { retryAfterMs });
  }
  throw new DeliveryError(status, { permanent: true });
}

/** A sink for `webhook:*` channels: JSON POST with a timeout; 429/5xx retry (honouring Retry-After), other 4xx fail. */
export function createWebhookSink(options: WebhookSinkOptions): DeliverySink {
  return {
    async post(_channel, message, rows) {
      if (!options.url) throw new DeliveryError('no webhook configured (DESKOPS_PAGE_WEBHOOK is not set)', { drop: true });
      await send(options, options.url, message, rows);
    },
  };
}
