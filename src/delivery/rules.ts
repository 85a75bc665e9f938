/**
 * Where outbox messages may go, as every sink reads it: the shape of a destination, which logical
 * channels a lead maps, which rows are for staff only and the refusal when they would reach a
 * place requesters read. Pure: the sinks use it on the I/O thread, the engine resolves
 * destinations with it (delivery/destinations.ts).
 */
import type { Platform } from '../domain/vocabulary.js';
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

/** What a logical channel no lead has mapped yet resolves to: each sink says what to type on its platform. */
export const UNMAPPED = 'unmapped';

/** A destination, or the news that a lead must map the channel first. */
export type DestinationAnswer = Destination | { kind: typeof UNMAPPED; logical: string };

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

/** The people mentioned on outbox rows, each once. */
export function mentionedIds(rows: readonly OutboxRow[]): number[] {
  return [...new Set(rows.flatMap((row) => row.mentions ?? []))];
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

/** A platform's name as people write it. */
export function platformName(platform: Platform): string {
  return platform === 'slack' ? 'Slack' : platform === 'rocketchat' ? 'Rocket.Chat' : platform;
}
