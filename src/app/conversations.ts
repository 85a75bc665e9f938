/**
 * A ticket's conversation with its requester: where they wrote (a chat thread, a direct message,
 * an email thread), so public replies go back there. The place they last wrote from wins; a ticket
 * typed by an agent reaches its requester by their email address, else by a direct message.
 */
import { z } from 'zod';
import type { Platform } from '../domain/vocabulary.js';
import { preparedStatement } from '../store/prepared.js';
import { ticketConversations, ticketThreads } from '../store/schema.js';
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

/** Read for every card and every public reply: prepared once per store (see store/prepared.ts). */
const storedConversation = preparedStatement('SELECT PLATFORM AS "platform", CHANNEL AS "channel", THREAD AS "thread", ADDRESS AS "address" FROM TICKET_CONVERSATIONS WHERE TICKET_ID = ?');
const ticketRequester = preparedStatement('SELECT REQUESTER AS "requester", REQUESTER_PERSON_ID AS "personId" FROM TICKETS WHERE ID = ?');
const personIdentities = preparedStatement(`SELECT PLATFORM AS "platform", EXTERNAL_ID AS "externalId" FROM IDENTITIES WHERE PERSON_ID = ? AND PLATFORM IN ('slack', 'rocketchat', 'email', 'shell')`);

/** Where `ticketId`'s requester is answered now. */
export function conversationOf(app: AppContext, ticketId: number): Conversation {
  const stored = storedConversation(app.store).raw(false).get(ticketId) as { platform: Platform; channel: string | null; thread: string | null; address: string | null } | undefined;
  if (stored) {
    if (stored.platform === 'email' && stored.address) return { kind: 'email', platform: 'email', address: stored.address, inReplyTo: stored.thread };
    if ((stored.platform === 'slack' || stored.platform === 'rocketchat') && stored.channel) {
      return { kind: 'thread', platform: stored.platform, channel: stored.channel, thread: stored.thread };
    }
  }
  const ticket = ticketRequester(app.store).raw(false).get(ticketId) as { requester: string | null; personId: number | null } | undefined;
  if (!ticket) return { kind: 'none', why: `there is no ticket #${ticketId}` };
  const address = emailAddressOf(ticket.requester);
  if (address) return { kind: 'email', platform: 'email', address, inReplyTo: null };
  if (ticket.personId !== null) {
    const reachable = personIdentities(app.store).raw(false).all(ticket.personId) as { platform: Platform; externalId: string }[];
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
  app.store.db
    .insert(ticketConversations)
    .values({ ticketId, ...row })
    .onConflictDoUpdate({ target: ticketConversations.ticketId, set: row })
    .run();
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
    app.store.db
      .insert(ticketThreads)
      .values({ platform: place.platform, ticketId, channel: place.channel, thread: place.thread, conversation: true, createdAt: app.clock.now() })
      .onConflictDoNothing()
      .run();
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
