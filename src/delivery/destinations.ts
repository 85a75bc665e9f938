/**
 * Where an outbox channel leads on one chat platform, decided once for every sink: a logical
 * channel (tier:t2) through the team's mapping, a platform channel (slack:C123), a person's
 * direct messages (person:<id>), a ticket's conversation with its requester (ticket:<id>), and
 * the ticket threads each sink keeps per channel. The sinks only turn a destination into their
 * platform's calls (Slack's conversations.open, Rocket.Chat's im.create, SMTP).
 */
import { channelMap } from '../app/channels.js';
import type { AppContext } from '../app/context.js';
import { conversationOf } from '../app/conversations.js';
import { handleOf, isStaffPerson } from '../app/people.js';
import type { Platform, ServicePlatform } from '../domain/vocabulary.js';
import { DeliveryError } from './sink.js';
import { platformName, prefixedPlatform, UNMAPPED, type ChatPlatform, type Destination, type DestinationAnswer } from './rules.js';

export { staffOnlyRefusal, staffRows, type ChatPlatform, type DestinationAnswer } from './rules.js';

/** The person's identity on `platform` (their user id and username there), if they have one. */
export function identityOn(ctx: AppContext, platform: Platform, personId: number): { userId: string; username: string } | undefined {
  return ctx.store.outbox.identityOn(platform, personId);
}

/**
 * The destination of `logical` on `platform`, or UNMAPPED when a lead must map the channel (each
 * sink's error says what to type on its platform). Throws a DeliveryError with `drop` when the
 * message belongs to another platform (or to nobody reachable here).
 */
export function resolveDestination(ctx: AppContext, platform: ChatPlatform, logical: string): DestinationAnswer {
  const person = /^person:(\d+)$/.exec(logical);
  if (person) {
    const personId = Number(person[1]);
    const identity = identityOn(ctx, platform, personId);
    const who = handleOf(ctx, personId) ?? `person ${personId}`;
    if (!identity) throw new DeliveryError(`${who} has no ${platformName(platform)} identity: nothing to deliver to on ${platformName(platform)}`, { drop: true });
    return { kind: 'person', personId, ...identity, logical, label: `a DM to @${identity.username}`, requester: !isStaffPerson(ctx, personId) };
  }
  const ticket = /^ticket:(\d+)$/.exec(logical);
  if (ticket) return conversationDestination(ctx, platform, Number(ticket[1]), logical);
  const direct = prefixedPlatform(logical);
  const mapped = direct ? logical : channelMap(ctx)[logical];
  if (!mapped) return { kind: UNMAPPED, logical };
  const label = mapped === logical ? mapped : `${mapped} (${logical})`;
  if (mapped.startsWith('#')) return { kind: 'named', name: mapped.slice(1), logical, label };
  const target = prefixedPlatform(mapped);
  // Mapped to another platform: that platform's sink delivers it.
  if (target !== platform) throw new DeliveryError(`${logical} is mapped to ${mapped}, not to ${platformName(platform)}`, { drop: true });
  return { kind: 'room', id: mapped.slice(mapped.indexOf(':') + 1), logical, label };
}

/** The requester's conversation about a ticket, on `platform` (dropped when it is on another one). */
function conversationDestination(ctx: AppContext, platform: ChatPlatform, ticketId: number, logical: string): Destination {
  const conversation = conversationOf(ctx, ticketId);
  if (conversation.kind === 'none') throw new DeliveryError(`ticket #${ticketId}: ${conversation.why}`, { drop: true });
  if (conversation.platform !== platform) throw new DeliveryError(`ticket #${ticketId}'s conversation is ${conversation.platform === 'shell' ? 'in the shell' : `on ${conversation.platform}`}, not ${platformName(platform)}`, { drop: true });
  if (conversation.kind === 'thread') {
    return { kind: 'conversation', channel: conversation.channel, thread: conversation.thread, ticketId, logical, label: `ticket #${ticketId}'s conversation` };
  }
  if (conversation.kind === 'direct') {
    const identity = identityOn(ctx, platform, conversation.personId);
    if (!identity) throw new DeliveryError(`ticket #${ticketId}'s requester has no ${platformName(platform)} identity`, { drop: true });
    return { kind: 'person', personId: conversation.personId, ...identity, logical, label: `a DM to the requester of #${ticketId}`, requester: true };
  }
  throw new DeliveryError(`ticket #${ticketId}'s conversation is by email`, { drop: true });
}

/** The agents' thread for a ticket in a channel (never the requester's conversation), if one was recorded. */
export function agentThread(ctx: AppContext, platform: ChatPlatform, ticketId: number, channel: string): string | undefined {
  return ctx.store.outbox.agentThread(platform, ticketId, channel);
}

/** The first post about a ticket in a tier channel is the ticket's thread there from now on. */
export function recordAgentThread(ctx: AppContext, platform: ChatPlatform, ticketId: number, channel: string, thread: string): void {
  ctx.store.outbox.insertAgentThread({ platform, ticketId, channel, thread, createdAt: ctx.clock.now() });
}


/** The people among `personIds` who have an identity on `platform`: their user ids and usernames there. */
export function mentionedOn(ctx: AppContext, platform: Platform, personIds: readonly number[]): Array<{ personId: number; userId: string; username: string }> {
  const ids = [...new Set(personIds)];
  if (ids.length === 0) return [];
  return ctx.store.outbox.identitiesOn(platform, ids);
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
    const held = new Set(ctx.store.outbox.identityPlatforms(Number(person[1])));
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
