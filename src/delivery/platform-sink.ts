/**
 * Routes each outbox message to the chat platform it belongs to, when deskops runs on more than
 * one (Slack and Rocket.Chat in one process): `slack:…`/`rocketchat:…` channels by their prefix,
 * logical channels (tier:t2, role:leads) by where /channel set mapped them, `person:<id>` by the
 * platforms the person has an identity on, `ticket:<id>` by the platform the ticket came from,
 * `webhook:*` to the webhook sink. Whatever names no platform goes to the primary one.
 */
import { eq } from 'drizzle-orm';
import { channelMap } from '../app/channels.js';
import type { AppContext } from '../app/context.js';
import { identities, tickets } from '../store/schema.js';
import { DeliveryError, isWebhookChannel, type DeliverySink } from './sink.js';

/** Chat platforms that have a sink. */
export type ChatPlatform = 'slack' | 'rocketchat';

/** The sinks to route between; at least one chat platform is expected. */
export interface PlatformSinks {
  slack?: DeliverySink;
  rocketchat?: DeliverySink;
  webhook: DeliverySink;
}

const PLATFORM_PREFIX = /^(slack|rocketchat):/i;

function prefixed(channel: string | null | undefined): ChatPlatform | undefined {
  const match = channel ? PLATFORM_PREFIX.exec(channel) : null;
  return match ? (match[1]!.toLowerCase() as ChatPlatform) : undefined;
}

/**
 * The platform a logical channel belongs to, or undefined when it names none (a "#name" mapping,
 * an unmapped channel, a person with no chat identity): the caller then uses its primary platform.
 * `available` lists the platforms with a sink, in order of preference.
 */
export function platformFor(ctx: AppContext, channel: string, available: readonly ChatPlatform[]): ChatPlatform | undefined {
  const direct = prefixed(channel);
  if (direct) return direct;
  const person = /^person:(\d+)$/.exec(channel);
  if (person) {
    const held = new Set(
      ctx.store.db
        .select({ platform: identities.platform })
        .from(identities)
        .where(eq(identities.personId, Number(person[1])))
        .all()
        .map((row) => row.platform),
    );
    return available.find((platform) => held.has(platform));
  }
  const ticket = /^ticket:(\d+)$/.exec(channel);
  if (ticket) {
    const row = ctx.store.db.select({ platform: tickets.chatPlatform }).from(tickets).where(eq(tickets.id, Number(ticket[1]))).get();
    return row?.platform === 'slack' || row?.platform === 'rocketchat' ? row.platform : undefined;
  }
  return prefixed(channelMap(ctx)[channel]);
}

/** A sink that hands each message to the sink of the platform it belongs to (see the module comment). */
export function createPlatformSink(ctx: AppContext, sinks: PlatformSinks): DeliverySink {
  const available = (['slack', 'rocketchat'] as const).filter((platform) => sinks[platform] !== undefined);
  const primary = available[0];
  return {
    post(channel, message, rows) {
      if (isWebhookChannel(channel)) return sinks.webhook.post(channel, message, rows);
      const platform = platformFor(ctx, channel, available);
      const sink = (platform && sinks[platform]) ?? (primary && sinks[primary]);
      if (!sink) return Promise.reject(new DeliveryError(`No chat platform is configured to deliver ${channel}`, { permanent: true }));
      return sink.post(channel, message, rows);
    },
  };
}
