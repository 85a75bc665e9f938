/**
 * Routes each outbox message to the platform it belongs to when deskops runs on more than one
 * (Slack, Rocket.Chat and email in one process): `slack:…`, `rocketchat:…`, `email:…` channels by
 * their prefix; logical channels (tier:t2, role:leads) by where /channel set mapped them;
 * `person:<id>` by the platforms the person has an identity on (chat first); `ticket:<id>` by the
 * platform of the requester's conversation; `webhook:*` to the webhook sink. Whatever names no
 * platform goes to the primary (first) one.
 */
import { eq } from 'drizzle-orm';
import type { ServicePlatform } from '../adapters/contract.js';
import { channelMap } from '../app/channels.js';
import type { AppContext } from '../app/context.js';
import { conversationOf } from '../app/conversations.js';
import { identities } from '../store/schema.js';
import { prefixedPlatform } from './destinations.js';
import { DeliveryError, isWebhookChannel, type DeliverySink } from './sink.js';

/** The sinks to route between, in order of preference; `webhook` takes the paging relay's rows. */
export interface PlatformSinks {
  platforms: ReadonlyArray<{ platform: ServicePlatform; sink: DeliverySink }>;
  webhook: DeliverySink;
}

/**
 * The platform a channel belongs to, or undefined when it names none (a "#name" mapping, an
 * unmapped channel, a person with no identity on an available platform): the caller then uses its
 * primary platform. `available` lists the platforms with a sink, in order of preference.
 */
export function platformFor(ctx: AppContext, channel: string, available: readonly ServicePlatform[]): ServicePlatform | undefined {
  const direct = prefixedPlatform(channel);
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
    // Chat before mail: a staff notice is read sooner in chat.
    return [...available].sort((a, b) => Number(a === 'email') - Number(b === 'email')).find((platform) => held.has(platform));
  }
  const ticket = /^ticket:(\d+)$/.exec(channel);
  if (ticket) {
    // The requester's conversation: wherever they last wrote from.
    const conversation = conversationOf(ctx, Number(ticket[1]));
    return conversation.kind === 'none' || conversation.platform === 'shell' ? undefined : conversation.platform;
  }
  return prefixedPlatform(channelMap(ctx)[channel]);
}

/** A sink that hands each message to the sink of the platform it belongs to (see the module comment). */
export function createPlatformSink(ctx: AppContext, sinks: PlatformSinks): DeliverySink {
  const available = sinks.platforms.map((entry) => entry.platform);
  const byPlatform = new Map(sinks.platforms.map((entry) => [entry.platform, entry.sink]));
  const primary = sinks.platforms.find((entry) => entry.platform !== 'email') ?? sinks.platforms[0];
  return {
    post(channel, message, rows) {
      if (isWebhookChannel(channel)) return sinks.webhook.post(channel, message, rows);
      const platform = platformFor(ctx, channel, available);
      const sink = (platform && byPlatform.get(platform)) ?? (platform === undefined ? primary?.sink : undefined);
      if (!sink) {
        const why = platform ? `${channel} goes to ${platform}, which is not configured here${platform === 'email' ? ': set DESKOPS_SMTP_URL to send mail' : ''}` : `No chat platform is configured to deliver ${channel}`;
        return Promise.reject(new DeliveryError(why, { permanent: true }));
      }
      return sink.post(channel, message, rows);
    },
  };
}
