/**
 * Where an outbox channel leads on one chat platform, decided once for every sink: a logical
 * channel (tier:t2) through the team's mapping, a platform channel (slack:C123), a person's
 * direct messages (person:<id>), a ticket's conversation with its requester (ticket:<id>), and
 * the ticket threads each sink keeps per channel. The sinks only turn a destination into their
 * platform's calls (Slack's conversations.open, Rocket.Chat's im.create, SMTP).
 */
import { and, eq, inArray } from 'drizzle-orm';
import { channelMap } from '../app/channels.js';
import type { AppContext } from '../app/context.js';
import { conversationOf } from '../app/conversations.js';
import { handleOf, isStaffPerson } from '../app/people.js';
import type { Platform } from '../domain/vocabulary.js';
import { identities, ticketThreads } from '../store/schema.js';
import { DeliveryError, type OutboxRow } from './sink.js';

/** Where one message goes on a platform, before the platform's own lookups. */
export type Destination =
  /** A room of the platform by id ("C0123" on Slack, a room id on Rocket.Chat). */
  | { kind: 'room'; id: string; logical: string; label: string }
  /** A room the team mapped by name ("#support-t2"): the sink finds its id. */
  | { kind: 'named'; name: string; logical: string; label: string }
  /**
   * A person's direct messages: `requester` when they are not staff (then only messages for the
   * requester may go there).
   */
  | { kind: 'person'; personId: number; userId: string; username: string; logical: string; label: string; requester: boolean }
  /** The requester's thread (a chat thread they wrote in, or the message a ticket came from). */
  | { kind: 'conversation'; channel: string; thread: string | null; ticketId: number; logical: string; label: string };

/** The chat platforms with rooms and threads. */
export type ChatPlatform = 'slack' | 'rocketchat';

const PLATFORM_PREFIX = /^(slack|rocketchat|email):/i;

/** Logical channels a lead maps with /channel set (not people, tickets or raw platform ids). */
export function isConfigurable(logical: string): boolean {
  return /^(tier|role|team):/.test(logical);
}

/** The platform a channel string names by its prefix ("slack:C1", "email:a@b"), if any. */
export function prefixedPlatform(channel: string | null | undefined): 'slack' | 'rocketchat' | 'email' | undefined {
  const match = channel ? PLATFORM_PREFIX.exec(channel) : null;
  return match ? (match[1]!.toLowerCase() as 'slack' | 'rocketchat' | 'email') : undefined;
}

/** The person's identity on `platform` (their user id and username there), if they have one. */
export function identityOn(ctx: AppContext, platform: Platform, personId: number): { userId: string; username: string } | undefined {
  const row = ctx.store.db
    .select({ userId: identities.externalId, username: identities.handle })
    .from(identities)
    .where(and(eq(identities.platform, platform), eq(identities.personId, personId)))
    .get();
  return row;
}

/**
 * The destination of `logical` on `platform`. Throws a DeliveryError with `drop` when the message
 * belongs to another platform (or to nobody reachable here), and a permanent one when a lead must
 * map a channel (`unmapped` says what to type).
 */
export function resolveDestination(ctx: AppContext, platform: ChatPlatform, logical: string, unmapped: (logical: string) => string): Destination {
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
  if (!mapped) throw new DeliveryError(unmapped(logical), { permanent: true });
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
  return ctx.store.db
    .select({ thread: ticketThreads.thread })
    .from(ticketThreads)
    .where(
      and(
        eq(ticketThreads.platform, platform),
        eq(ticketThreads.ticketId, ticketId),
        inArray(ticketThreads.channel, [channel, `${platform}:${channel}`]),
        eq(ticketThreads.conversation, false),
      ),
    )
    .get()?.thread;
}

/** The first post about a ticket in a tier channel is the ticket's thread there from now on. */
export function recordAgentThread(ctx: AppContext, platform: ChatPlatform, ticketId: number, channel: string, thread: string): void {
  ctx.store.db.insert(ticketThreads).values({ platform, ticketId, channel, thread, createdAt: ctx.clock.now() }).onConflictDoNothing().run();
}

/** The people the rows mention who have an identity on `platform`: their user ids and usernames there. */
export function mentionedOn(ctx: AppContext, platform: Platform, rows: readonly OutboxRow[]): Array<{ personId: number; userId: string; username: string }> {
  const ids = [...new Set(rows.flatMap((row) => row.mentions ?? []))];
  if (ids.length === 0) return [];
  return ctx.store.db
    .select({ personId: identities.personId, userId: identities.externalId, username: identities.handle })
    .from(identities)
    .where(and(eq(identities.platform, platform), inArray(identities.personId, ids)))
    .all();
}

/** The rows that are for staff only (any row not written for the requester). */
export function staffRows(rows: readonly OutboxRow[]): OutboxRow[] {
  return rows.filter((row) => row.audience !== 'requester');
}

/** The refusal when staff rows would reach a place requesters read; the fix names the mapping to change. */
export function staffOnlyRefusal(rows: readonly OutboxRow[], logical: string, where: string, internalPlaceholder: string): DeliveryError {
  const fix = isConfigurable(logical) ? ` Map ${logical} to an internal channel: /channel set ${logical.split(':')[1]} ${internalPlaceholder}.` : '';
  return new DeliveryError(`Not posted: ${rows.map((r) => r.dedupeKey).join(', ')} ${rows.length === 1 ? 'is' : 'are'} for staff only and ${where}.${fix}`, { permanent: true });
}

function platformName(platform: Platform): string {
  return platform === 'slack' ? 'Slack' : platform === 'rocketchat' ? 'Rocket.Chat' : platform;
}
