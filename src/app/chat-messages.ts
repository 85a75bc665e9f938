/**
 * Chat messages as ticket material, on any platform: the ticket a message (or its thread) carries,
 * and opening a ticket from a message with the message as one of its threads, so updates post under
 * it. Adapters fetch the message; this is what happens to it.
 */
import type { Platform } from '../domain/vocabulary.js';
import type { TicketRow } from '../store/repositories/tickets.js';
import { claimOnce } from './claims.js';
import { requireStaff } from './people.js';
import { oneLine } from '../views/format.js';
import type { AppContext, RequestContext } from './context.js';
import { createTicket, MAX_TITLE_LENGTH, type CreateTicketInput } from './ticket-create.js';

/** A ticket title from a message: its first non-empty line, at most 200 characters. */
export function titleFromText(text: string): string {
  const first = oneLine(text.split('\n').find((line) => line.trim() !== '') ?? '');
  return first.length <= MAX_TITLE_LENGTH ? first : `${first.slice(0, MAX_TITLE_LENGTH - 1)}…`;
}

/** The ticket whose thread is this message (the message itself, or its thread's parent). */
export function ticketForChatMessage(app: AppContext, platform: Platform, channel: string, message: string, threadParent?: string): number | undefined {
  const threads = threadParent && threadParent !== message ? [message, threadParent] : [message];
  const rows = app.store.conversations.ticketsOfThreads(platform, channel, threads);
  // The message's own ticket wins over its thread parent's.
  return (rows.find((r) => r.thread === message) ?? rows[0])?.ticketId;
}

/** Where a message lives: its room, and the thread it starts or belongs to. */
export interface ChatMessageLink {
  channel: string;
  thread: string;
}

/**
 * Opens a ticket from a chat message on the request's platform, with the message's thread as one
 * of the ticket's threads. `eventKey` is claimed in the same transaction: a repeat of the same
 * request returns undefined and creates nothing.
 */
export function openTicketFromChatMessage(ctx: RequestContext, input: CreateTicketInput, link: ChatMessageLink, eventKey: string): TicketRow | undefined {
  return ctx.store.transaction(() => {
    requireStaff(ctx);
    if (!claimOnce(ctx, eventKey)) return undefined;
    const { ticket } = createTicket(ctx, { origin: 'chat', ...input });
    ctx.store.conversations.addThread({ platform: ctx.origin.platform, ticketId: ticket.id, channel: link.channel, thread: link.thread, conversation: true, createdAt: ctx.clock.now() });
    return ticket;
  });
}
