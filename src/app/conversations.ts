/**
 * A ticket's conversation with its requester: where they wrote (a chat thread, a direct message,
 * an email thread), so public replies go back there. The place they last wrote from wins; a ticket
 * typed by an agent reaches its requester by their email address, else by a direct message.
 */
import { z } from 'zod';
import type { Platform } from '../domain/vocabulary.js';
import type { AppContext } from './context.js';

/** Where the requester of a ticket is answered. */
export type Conversation =
  | { kind: 'thread'; platform: 'slack' | 'rocketchat'; channel: string; thread: string | null }
  | { kind: 'direct'; platform: 'slack' | 'rocketchat' | 'shell'; personId: number; userId: string }
  | { kind: 'email'; platform: 'email'; address: string; inReplyTo: string | null }
  | { kind: 'none'; why: string };

const email = z.email();

/** A requester written as an email address, lower-cased; undefined for anything else. */
export function emailAddressOf(requester: string | null | undefined): string | undefined {
  const value = requester?.trim().toLowerCase();
  return value && email.safeParse(value).success ? value : undefined;
}

/** Where `ticketId`'s requester is answered now. */
export function conversationOf(app: AppContext, ticketId: number): Conversation {
  const stored = app.store.conversations.storedPlace(ticketId);
  if (stored) {
    if (stored.platform === 'email' && stored.address) return { kind: 'email', platform: 'email', address: stored.address, inReplyTo: stored.thread };
    if ((stored.platform === 'slack' || stored.platform === 'rocketchat') && stored.channel) {
      return { kind: 'thread', platform: stored.platform, channel: stored.channel, thread: stored.thread };
    }
  }
  const ticket = app.store.conversations.ticketRequester(ticketId);
  if (!ticket) return { kind: 'none', why: `there is no ticket #${ticketId}` };
  const address = emailAddressOf(ticket.requester);
  if (address) return { kind: 'email', platform: 'email', address, inReplyTo: null };
  if (ticket.personId !== null) {
    const reachable = app.store.conversations.reachableIdentities(ticket.personId);
    const mail = reachable.find((identity) => identity.platform === 'email');
    if (mail) return { kind: 'email', platform: 'email', address: mail.externalId, inReplyTo: null };
    const chat = reachable.find((identity) => identity.platform === 'slack' || identity.platform === 'rocketchat') ?? reachable.find((identity) => identity.platform === 'shell');
    if (chat) return { kind: 'direct', platform: chat.platform as 'slack' | 'rocketchat' | 'shell', personId: ticket.personId, userId: chat.externalId };
  }
  return { kind: 'none', why: ticket.requester ? `deskops has no way to reach ${ticket.requester} (no chat thread, email address or chat account)` : 'the ticket has no requester' };
}

/** Records where the requester wrote from last: the next public reply goes there. */
export function setConversation(app: Pick<AppContext, 'store' | 'clock'>, ticketId: number, place: ConversationPlace): void {
  const row = { platform: place.platform, channel: place.channel ?? null, thread: place.thread ?? null, address: place.address ?? null, updatedAt: app.clock.now() };
  app.store.conversations.savePlace(ticketId, row);
}

/** Where a requester wrote from: a chat room and thread, or their mail address (and the mail's Message-ID). */
export interface ConversationPlace {
  platform: Platform;
  channel?: string | null;
  thread?: string | null;
  address?: string | null;
}

/**
 * The ticket answers its requester there from now on; a chat thread is also recorded as the
 * ticket's conversation thread, so what they write in it later comes back to the ticket.
 */
export function answerThere(app: Pick<AppContext, 'store' | 'clock'>, ticketId: number, place: ConversationPlace): void {
  setConversation(app, ticketId, place);
  if (place.platform !== 'email' && place.channel && place.thread) {
    app.store.conversations.addThread({ platform: place.platform, ticketId, channel: place.channel, thread: place.thread, conversation: true, createdAt: app.clock.now() });
  }
}

/** Where a message to the requester goes, as an agent reads it: "in their thread (slack:C123)", "by email to jane@example.com". */
export function describeConversation(conversation: Conversation): string {
  switch (conversation.kind) {
    case 'thread':
      return `in their thread (${conversation.platform}:${conversation.channel})`;
    case 'direct':
      return `by direct message on ${conversation.platform === 'slack' ? 'Slack' : conversation.platform === 'rocketchat' ? 'Rocket.Chat' : 'the shell'}`;
    case 'email':
      return `by email to ${conversation.address}`;
    case 'none':
      return 'nowhere';
  }
}
