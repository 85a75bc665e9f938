/**
 * Routes each outbox message to the platform it belongs to when deskops runs on more than one
 * (Slack, Rocket.Chat and email in one process): `slack:…`, `rocketchat:…`, `email:…` channels by
 * their prefix; logical channels (tier:t2, role:leads) by where /channel set mapped them;
 * `person:<id>` by the platforms the person has an identity on (chat first); `ticket:<id>` by the
 * platform of the requester's conversation; `webhook:*` to the webhook sink. Whatever names no
 * platform goes to the primary (first) one.
 */
import type { ServicePlatform } from '../domain/vocabulary.js';
import type { EnginePort } from '../engine/port.js';
import { prefixedPlatform } from './rules.js';
import { DeliveryError, isWebhookChannel, type DeliverySink } from './sink.js';

/** The sinks to route between, in order of preference; `webhook` takes the paging relay's rows. */
export interface PlatformSinks {
  platforms: ReadonlyArray<{ platform: ServicePlatform; sink: DeliverySink }>;
  webhook: DeliverySink;
}

/** A sink that hands each message to the sink of the platform it belongs to (see the module comment). */
export function createPlatformSink(engine: Pick<EnginePort, 'platformFor'>, sinks: PlatformSinks): DeliverySink {
  const available = sinks.platforms.map((entry) => entry.platform);
  const byPlatform = new Map(sinks.platforms.map((entry) => [entry.platform, entry.sink]));
  const primary = sinks.platforms.find((entry) => entry.platform !== 'email') ?? sinks.platforms[0];
  return {
    async post(channel, message, rows) {
      if (isWebhookChannel(channel)) return sinks.webhook.post(channel, message, rows);
      // A prefix names the platform outright; anything else (a mapping, a person, a ticket) the engine looks up.
      const platform = prefixedPlatform(channel) ?? (await engine.platformFor(channel, available)) ?? undefined;
      const sink = (platform && byPlatform.get(platform)) ?? (platform === undefined ? primary?.sink : undefined);
      if (!sink) {
        const why = platform ? `${channel} goes to ${platform}, which is not configured here${platform === 'email' ? ': set DESKOPS_SMTP_URL to send mail' : ''}` : `No chat platform is configured to deliver ${channel}`;
        throw new DeliveryError(why, { permanent: true });
      }
      return sink.post(channel, message, rows);
    },
  };
}
