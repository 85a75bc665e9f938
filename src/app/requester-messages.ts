/**
 * What a requester writes where deskops listens (a chat thread, a direct message to the bot, an
 * intake channel, a mail), turned into what it means for the ticket, the same on every platform:
 * a message in a ticket's conversation is the requester's reply (or, from staff, a public reply
 * already where the requester reads it); a new message with no ticket open there opens one; a
 * new message while one is open is offered to an agent ("add to #n or open a new ticket") rather
 * than guessed. Edits and deletions are recorded on the ticket. Each message counts once.
 */
import { createHash } from 'node:crypto';
import type { Department, Origin } from '../domain/vocabulary.js';
import { oneLine } from '../views/format.js';
import { withTeamZone } from './calendar.js';
import { claimOnce } from './claims.js';
import type { AppContext, RequestContext } from './context.js';
import { answerThere, setConversation, type ConversationPlace } from './conversations.js';
import { AppError } from './errors.js';
import { resolveActor, type PlatformUser } from './people.js';
import { offerPendingMessage } from './pending-messages.js';
import { recordRequesterReply } from './requester-replies.js';
import { queueForRequester } from './requester-outbox.js';
import { supportMessage } from '../views/conversation.js';
import { createTicket, MAX_TITLE_LENGTH } from './ticket-create.js';
import { addComment, findTicket } from './ticket-records.js';
import { commentOnTicket } from './ticket-update.js';
import type { TagRef } from './tags.js';

/** A message from a requester's side, as an adapter hands it over. */
export interface RequesterMessage {
  platform: 'slack' | 'rocketchat' | 'email';
  /** Who wrote it (a chat user with what the platform says of them; for mail, the address as id and handle). */
  author: PlatformUser;
  /** A unique id of the message on its platform (Slack "<channel>:<ts>", Rocket.Chat _id, the mail's Message-ID). */
  messageId: string;
  /** What a reply in this message's thread names as its thread (Slack ts, Rocket.Chat _id); messageId when absent. */
  root?: string;
  /** The room it was written in (chat); null for mail. */
  channel: string | null;
  /** The thread it belongs to (Slack thread_ts, Rocket.Chat tmid); null for a new message. */
  thread: string | null;
  /**
   * Where a new message (not in a ticket's thread) was written: a direct message to the bot, an
   * intake channel, or mail. Anywhere else a new message is ordinary chat and is left alone.
   */
  place: 'direct' | 'intake' | 'mail' | 'other';
  text: string;
  /** A mail's subject: the title of a ticket it opens. */
  subject?: string;
  /** The ticket a mail answers (its In-Reply-To / References, or [#n] in the subject, checked against the sender). */
  ticketId?: number;
  /** For a new ticket: the department and tags the address it was sent to stands for. */
  department?: Department;
  tags?: readonly TagRef[];
  /** Change of an earlier message: its new text, or its deletion. */
  change?: 'edited' | 'deleted';
  /** Tell the requester their message is a ticket now (chat always; mail when receipts are on). */
  acknowledge?: boolean;
  /** Called in the transaction that records the message, with the ticket and the comment (if any) it became. */
  onRecorded?: (ctx: RequestContext, ticketId: number, commentId: number | null) => void;
}

export type RequesterMessageOutcome =
  | { kind: 'recorded'; ticketId: number; reopenedFrom: string | null; byStaff: boolean }
  | { kind: 'follow-up'; closedId: number; ticketId: number }
  | { kind: 'opened'; ticketId: number; title: string }
  | { kind: 'offered'; pendingId: number; candidateId: number }
  | { kind: 'changed'; ticketId: number }
  /** `code`: the refusal's code when a use case refused it (UNAVAILABLE: a rate limit, worth trying later). */
  | { kind: 'ignored'; why: string; code?: AppError['code'] };

/** What a requester reads when their message became a ticket. */
export const RECEIVED_TEXT = (ticketId: number): string => `Thanks, we got your request (#${ticketId}). The support team will answer here.`;

const ORIGIN: Record<RequesterMessage['platform'], Origin> = { slack: 'chat', rocketchat: 'chat', email: 'email' };

/** The ticket whose conversation thread `thread` is, on `platform` in `channel`. */
export function ticketOfConversationThread(app: AppContext, platform: string, channel: string, thread: string): number | undefined {
  return app.store.conversations.ticketOfConversationThread(platform, channel, thread);
}

/** The requester's most recent ticket still being worked on whose conversation is `where` (a room, or their mail). */
function openTicketThere(app: AppContext, personId: number, message: RequesterMessage): number | undefined {
  const place = message.platform === 'email' ? { address: message.author.externalId } : { channel: message.channel ?? '' };
  return app.store.conversations.newestActiveTicketThere(personId, message.platform, place);
}

/** A ticket title from a message: the subject, else the first non-empty line, at most 200 characters. */
function titleOf(message: RequesterMessage): string {
  const source = message.subject?.trim() || message.text.split('\n').find((line) => line.trim() !== '') || 'Message';
  const line = oneLine(source);
  return line.length <= MAX_TITLE_LENGTH ? line : `${line.slice(0, MAX_TITLE_LENGTH - 1)}…`;
}

/** Where the requester is answered from now on: the thread of this message, or their mail. */
function placeOf(message: RequesterMessage): ConversationPlace {
  if (message.platform === 'email') return { platform: 'email', address: message.author.externalId, thread: message.messageId };
  return { platform: message.platform, channel: message.channel, thread: message.thread ?? message.root ?? message.messageId };
}

/** Remembers which platform message a comment came from (for its edits and deletion). */
function rememberSource(ctx: RequestContext, message: RequesterMessage, ticketId: number, commentId: number): void {
  ctx.store.conversations.addCommentSource({ platform: message.platform, messageId: message.messageId, commentId, ticketId });
}

/** An edit or a deletion of a message deskops recorded: a note on its ticket. */
function recordChange(ctx: RequestContext, message: RequesterMessage): RequesterMessageOutcome {
  const source = ctx.store.conversations.commentSource(message.platform, message.messageId);
  const ticketId = source?.ticketId ?? (message.channel ? ticketOfConversationThread(ctx, message.platform, message.channel, message.root ?? message.messageId) : undefined);
  if (ticketId === undefined) return { kind: 'ignored', why: 'the message is on no ticket' };
  const who = message.author.handle.startsWith('@') || message.platform === 'email' ? message.author.handle : `@${message.author.handle}`;
  const note = message.change === 'deleted' ? `${who} deleted their message${source ? ` (comment ${source.commentId})` : ' the ticket was opened from'}.` : `${who} edited their message${source ? ` (comment ${source.commentId})` : ' the ticket was opened from'}; it now reads:\n\n${message.text}`;
  addComment(ctx, ticketId, 'internal', note);
  return { kind: 'changed', ticketId };
}

/**
 * Takes in one message from a requester's side (see the module comment). Runs in one transaction
 * with the message's claim, so a replayed or caught-up copy is a no-op.
 */
export function receiveRequesterMessage(app: AppContext, message: RequesterMessage): RequesterMessageOutcome {
  const claim = `${message.platform}:msg:${message.messageId}${message.change ? `:${message.change}:${message.change === 'edited' ? hashText(message.text) : ''}` : ''}`;
  try {
    return app.store.transaction(() => {
      if (!claimOnce(app, claim)) return { kind: 'ignored', why: 'already taken in' };
      const actor = resolveActor(app, message.platform, message.author);
      if (actor.kind !== 'person') return { kind: 'ignored', why: 'not a person' };
      const ctx: RequestContext = {
        ...withTeamZone(app),
        actor,
        origin: { platform: message.platform, channel: message.channel, thread: message.thread ?? message.messageId },
      };
      if (message.change) return recordChange(ctx, message);
      const staff = actor.role !== 'requester';
      const ticketId = message.ticketId ?? (message.channel && message.thread ? ticketOfConversationThread(app, message.platform, message.channel, message.thread) : undefined);
      if (ticketId !== undefined && findTicket(app, ticketId)) {
        if (staff) {
          // An agent answering in the requester's thread: a public reply the requester has seen already.
          const { commentId } = commentOnTicket(ctx, ticketId, 'public', message.text, { writtenInConversation: true });
          rememberSource(ctx, message, ticketId, commentId);
          message.onRecorded?.(ctx, ticketId, commentId);
          return { kind: 'recorded', ticketId, reopenedFrom: null, byStaff: true };
        }
        const result = recordRequesterReply(ctx, ticketId, message.text);
        if (result.kind === 'follow-up') {
          setConversation(ctx, result.ticket.id, placeOf(message));
          message.onRecorded?.(ctx, result.ticket.id, null);
          return { kind: 'follow-up', closedId: ticketId, ticketId: result.ticket.id };
        }
        setConversation(ctx, ticketId, placeOf(message));
        rememberSource(ctx, message, ticketId, result.commentId);
        message.onRecorded?.(ctx, ticketId, result.commentId);
        return { kind: 'recorded', ticketId, reopenedFrom: result.reopenedFrom, byStaff: false };
      }
      // The message a ticket was opened from (a :ticket: reaction, a shortcut) is that ticket already.
      if (message.channel && !message.thread && ticketOfConversationThread(app, message.platform, message.channel, message.root ?? message.messageId) !== undefined) {
        return { kind: 'ignored', why: 'the message is a ticket already' };
      }
      if (staff) return { kind: 'ignored', why: 'a staff message outside any ticket conversation' };
      if (message.place === 'other') return { kind: 'ignored', why: 'ordinary chat outside an intake channel' };
      const candidate = openTicketThere(app, actor.personId, message);
      if (candidate !== undefined) {
        const pendingId = offerPendingMessage(ctx, { ...message, authorId: actor.personId, candidateId: candidate });
        return pendingId === undefined ? { kind: 'ignored', why: 'already offered' } : { kind: 'offered', pendingId, candidateId: candidate };
      }
      const { ticket } = createTicket(ctx, {
        title: titleOf(message),
        description: message.text,
        origin: ORIGIN[message.platform],
        requester: message.platform === 'email' ? message.author.externalId : `@${message.author.handle}`,
        requesterPersonId: actor.personId,
        ...(message.department ? { department: message.department } : {}),
        ...(message.tags ? { tags: message.tags } : {}),
      });
      answerThere(ctx, ticket.id, placeOf(message));
      if (message.acknowledge) queueForRequester(ctx, ticket.id, `received:${ticket.id}`, supportMessage(ticket.id, RECEIVED_TEXT(ticket.id)));
      message.onRecorded?.(ctx, ticket.id, null);
      return { kind: 'opened', ticketId: ticket.id, title: ticket.title };
    });
  } catch (error) {
    // Over the requester's ticket limit, or a message deskops cannot take: nothing recorded, the claim rolled back.
    if (error instanceof AppError) return { kind: 'ignored', why: error.message, code: error.code };
    throw error;
  }
}

/** A short hash of an edit's text, so the same edit delivered twice is taken once and a second edit is not lost. */
function hashText(text: string): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, 16);
}
