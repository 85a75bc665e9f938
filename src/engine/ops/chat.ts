/**
 * The engine's operations for chat platforms (Slack, Rocket.Chat): a requester's message taken in,
 * a message turned into a ticket, reactions as actions, where a room stands (an intake, a ticket's
 * conversation), the newest message seen per room, and what the outbox sinks look up (where a
 * logical channel leads, a ticket's thread in a room, whom to mention). Every write is one
 * transaction here; the adapters only translate and talk to their platform.
 */
import type { ReactionAction } from '../../app/intake.js';
import { isIntakeChannel, reactionAction, reactionName } from '../../app/intake.js';
import { claimOnce } from '../../app/claims.js';
import { openTicketFromChatMessage, ticketForChatMessage, titleFromText } from '../../app/chat-messages.js';
import { personForRequester, type PlatformUser } from '../../app/people.js';
import { receiveRequesterMessage, ticketOfConversationThread, type RequesterMessage, type RequesterMessageOutcome } from '../../app/requester-messages.js';
import { markSolvedByRequester } from '../../app/requester-replies.js';
import { MAX_BODY_LENGTH, MAX_TITLE_LENGTH, type CreateTicketInput } from '../../app/ticket-create.js';
import { findTicket } from '../../app/ticket-records.js';
import { KNOWN_ISSUE_FAMILY, listTaxonomy, type TagRow } from '../../app/tags.js';
import { requestContext } from '../../commands/router.js';
import { agentThread, mentionedOn, recordAgentThread, resolveDestination, type ChatPlatform, type DestinationAnswer } from '../../delivery/destinations.js';
import { shellPostLabel } from '../../delivery/shell-labels.js';
import { handleOf } from '../../app/people.js';
import type { Status, Tier } from '../../domain/vocabulary.js';
import type { EngineEnv } from '../env.js';

/**
 * A message from a requester's side as an adapter hands it over. `place: 'room'` is a new message
 * in a room that is neither a direct message nor known to be ordinary: the engine decides whether
 * the room is an intake channel (by id, or by `roomName` for "#support" entries).
 */
export type ChatMessageIn = Omit<RequesterMessage, 'onRecorded' | 'place'> & { place: RequesterMessage['place'] | 'room'; roomName?: string };

/** Where a message was written, as far as the store knows. */
export interface RoomFacts {
  /** The room is an intake channel. */
  intake: boolean;
  /** The thread is a requester's conversation with a ticket (its number), if it is one. */
  conversationTicket: number | null;
}

/** A ticket in a few words, for forms and their checks. */
export interface TicketBrief {
  id: number;
  title: string;
  tier: Tier;
  status: Status;
}

/** A ticket opened from a chat message, or why none was. */
export type OpenedFromMessage = { kind: 'opened'; ticketId: number; title: string } | { kind: 'exists'; ticketId: number } | { kind: 'repeat' };

/** What opening a ticket from a message needs: who asks, the message, its author, the ticket's fields. */
export interface OpenFromMessage {
  platform: ChatPlatform;
  /** The staff member who asked (a reaction, a shortcut, a command). */
  by: PlatformUser;
  /** Where they asked from, for the request's origin. */
  where: { channel: string; thread: string };
  /** The message: its room, its id, and the thread it belongs to (its parent), if any. */
  source: { channel: string; message: string; threadParent?: string };
  /** The message's author, the ticket's requester (a person from now on). */
  author?: PlatformUser;
  /** The ticket's fields; an empty title is made from the description's first line, else `untitled`. */
  input: CreateTicketInput;
  untitled?: string;
  /** The one-time key of this request (a reaction, a form submission, the message itself). */
  claim: string;
}

export const chatOps = {
  /**
   * Takes in one message from a requester's side (the requester-message use case, one transaction
   * with the message's claim); with `cursor`, also moves the room's newest-message mark forward.
   */
  receiveMessage(env: EngineEnv, message: ChatMessageIn, cursor: { room: string; at: Date } | null = null): RequesterMessageOutcome {
    const { app } = env;
    const { roomName, ...rest } = message;
    const place = message.place === 'room' ? (message.channel && isIntakeChannel(app, message.platform, message.channel, roomName) ? 'intake' : 'other') : message.place;
    const outcome = receiveRequesterMessage(app, { ...rest, place });
    if (cursor && message.platform !== 'email') advanceCursor(env, message.platform, cursor.room, cursor.at);
    return outcome;
  },

  /** Whether a room is an intake channel, and whether a thread in it is a ticket's conversation. */
  roomFacts(env: EngineEnv, platform: ChatPlatform, channel: string, thread: string | null = null, roomName: string | null = null): RoomFacts {
    return {
      intake: isIntakeChannel(env.app, platform, channel, roomName ?? undefined),
      conversationTicket: thread === null ? null : (ticketOfConversationThread(env.app, platform, channel, thread) ?? null),
    };
  },

  /** The ticket a chat message (or its thread's parent) carries. */
  ticketForMessage(env: EngineEnv, platform: ChatPlatform, channel: string, message: string, threadParent: string | null = null): number | null {
    return ticketForChatMessage(env.app, platform, channel, message, threadParent ?? undefined) ?? null;
  },

  /** What a reaction does on this team (`/settings reaction`), and its bare name; null when nothing. */
  reaction(env: EngineEnv, emoji: string): { action: ReactionAction; name: string } | null {
    const action = reactionAction(env.app, emoji);
    return action ? { action, name: reactionName(emoji) } : null;
  },

  /** Opens a ticket from a chat message as a staff member, unless the message (or its thread) has one. */
  openFromMessage(env: EngineEnv, request: OpenFromMessage): OpenedFromMessage {
    const { app } = env;
    return app.store.transaction((): OpenedFromMessage => {
      const existing = ticketForChatMessage(app, request.platform, request.source.channel, request.source.message, request.source.threadParent);
      if (existing !== undefined) return { kind: 'exists', ticketId: existing };
      const ctx = requestContext(app, request.platform, request.by, request.where);
      // The author is the requester: known to deskops as a person from now on, so their tickets are theirs.
      if (request.author) personForRequester(ctx, request.platform, request.author);
      const thread = request.source.threadParent ?? request.source.message;
      const title = request.input.title || titleFromText(request.input.description ?? '') || request.untitled || 'Chat message';
      const ticket = openTicketFromChatMessage(ctx, { ...request.input, title }, { channel: request.source.channel, thread }, request.claim);
      return ticket ? { kind: 'opened', ticketId: ticket.id, title: ticket.title } : { kind: 'repeat' };
    });
  },

  /** A requester marks their own ticket solved (a reaction), once per `claim`; false when nothing changed. */
  solvedByRequester(env: EngineEnv, platform: ChatPlatform, user: PlatformUser, where: { channel: string; thread: string }, ticketId: number, claim: string): boolean {
    const { app } = env;
    return app.store.transaction(() => claimOnce(app, claim) && markSolvedByRequester(requestContext(app, platform, user, where), ticketId) !== undefined);
  },

  /** A ticket in a few words, or null when there is no such ticket. */
  ticketBrief(env: EngineEnv, id: number): TicketBrief | null {
    const ticket = findTicket(env.app, id);
    return ticket ? { id: ticket.id, title: ticket.title, tier: ticket.tier, status: ticket.status } : null;
  },

  /**
   * What the New ticket form needs: the tags people pick (retired and known-issue tags left out:
   * deskops manages those), a title made from `text` (a message it starts from), a ticket's limits.
   */
  ticketForm(env: EngineEnv, text: string | null = null): { tags: TagRow[]; title: string; limits: { title: number; body: number } } {
    return {
      tags: listTaxonomy(env.app).filter((tag) => tag.family !== KNOWN_ISSUE_FAMILY),
      title: text === null ? '' : titleFromText(text),
      limits: { title: MAX_TITLE_LENGTH, body: MAX_BODY_LENGTH },
    };
  },

  /** The newest message time handled per room on `platform` (room id -> ms since the epoch). */
  roomCursors(env: EngineEnv, platform: ChatPlatform): Map<string, number> {
    const rows = env.app.store.claims.roomCursors(platform);
    return new Map(rows.map((row) => [row.room, row.lastSeenAt.getTime()]));
  },

  /** Moves a room's newest-message mark forward (never back). */
  advanceRoomCursor(env: EngineEnv, platform: ChatPlatform, room: string, at: Date): void {
    advanceCursor(env, platform, room, at);
  },

  /** The threads of tickets still being worked on whose conversation is on `platform`, most recently updated first. */
  openConversationThreads(env: EngineEnv, platform: ChatPlatform, limit: number): Array<{ channel: string; thread: string }> {
    return env.app.store.claims
      .openConversationThreads(platform, limit)
      .filter((row): row is { channel: string; thread: string } => row.channel !== null && row.thread !== null);
  },

  /** Where `logical` leads on `platform` (delivery/destinations.ts); throws a DeliveryError to drop it. */
  destination(env: EngineEnv, platform: ChatPlatform, logical: string): DestinationAnswer {
    return resolveDestination(env.app, platform, logical);
  },

  /** The agents' thread for a ticket in a room, if one was recorded. */
  agentThread(env: EngineEnv, platform: ChatPlatform, ticketId: number, channel: string): string | null {
    return agentThread(env.app, platform, ticketId, channel) ?? null;
  },

  /** The first post about a ticket in a tier room is the ticket's thread there from now on. */
  recordAgentThread(env: EngineEnv, platform: ChatPlatform, ticketId: number, channel: string, thread: string): void {
    recordAgentThread(env.app, platform, ticketId, channel, thread);
  },

  /** The people `personIds` names who have an identity on `platform`: their ids and usernames there. */
  mentionedOn(env: EngineEnv, platform: ChatPlatform, personIds: number[]): Array<{ personId: number; userId: string; username: string }> {
    return mentionedOn(env.app, platform, personIds);
  },

  /** How the shell labels a post to `channel`, and the handles of the people its rows mention. */
  shellPost(env: EngineEnv, channel: string, personIds: number[]): { label: string; handles: string[] } {
    return { label: shellPostLabel(env.app, channel), handles: personIds.map((id) => handleOf(env.app, id)).filter((h): h is string => h?.startsWith('@') === true) };
  },
};

function advanceCursor(env: EngineEnv, platform: ChatPlatform, room: string, at: Date): void {
  if (!Number.isFinite(at.getTime())) return;
  env.app.store.claims.advanceRoomCursor(platform, room, at);
}
