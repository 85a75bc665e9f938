/**
 * The port the delivery worker posts through. A sink is one destination (the shell, Slack,
 * Rocket.Chat, a webhook); it throws a DeliveryError to say how a failure should be treated.
 */
import type { OutboxRow } from '../store/repositories/outbox.js';
import type { Reply } from '../views/reply.js';

/** One outbox row as stored. */
export type { OutboxRow };

/**
 * What a sink receives: a Reply for chat channels (coalesced when several rows went to one
 * channel), or the stored JSON body as is for `webhook:*` channels.
 */
export type OutboundMessage = Reply | unknown;

/** A destination for outbox messages. */
export interface DeliverySink {
  /**
   * Posts one message made from `rows` (one row, or several coalesced for the same channel) to
   * the logical `channel`. Resolves once the platform accepted it; throws to refuse or fail.
   */
  post(channel: string, message: OutboundMessage, rows: readonly OutboxRow[]): Promise<void>;
}

export interface DeliveryErrorOptions {
  /** The platform said when to come back (HTTP Retry-After, Slack's rate-limit header). */
  retryAfterMs?: number;
  /** Retrying cannot help (a 4xx, a channel that does not exist): mark the rows failed now. */
  permanent?: boolean;
  /** Nothing is wrong, there is just nowhere to send it (an optional webhook not configured). */
  drop?: boolean;
  /** Nothing failed: the sink is pacing itself (with retryAfterMs); the attempt is not counted. */
  deferred?: boolean;
  cause?: unknown;
}

/** A failed post and how to treat it; any other error thrown by a sink counts as transient. */
export class DeliveryError extends Error {
  readonly retryAfterMs: number | undefined;
  readonly permanent: boolean;
  readonly drop: boolean;
  readonly deferred: boolean;

  constructor(message: string, options: DeliveryErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DeliveryError';
    this.retryAfterMs = options.retryAfterMs;
    this.permanent = options.permanent === true;
    this.drop = options.drop === true;
    this.deferred = options.deferred === true && options.retryAfterMs !== undefined;
  }
}

/** True for channels whose payload is a JSON body for an HTTP endpoint (`webhook:page`). */
export function isWebhookChannel(channel: string): boolean {
  return channel.startsWith('webhook:');
}

/** A sink that sends `webhook:*` channels to `webhook` and every other channel to `chat`. */
export function routeSink(routes: { chat: DeliverySink; webhook: DeliverySink }): DeliverySink {
  return {
    post: (channel, message, rows) => (isWebhookChannel(channel) ? routes.webhook : routes.chat).post(channel, message, rows),
  };
}
