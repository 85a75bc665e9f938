/**
 * A requester's new message while they have a ticket open where they wrote it: an agent decides
 * whether it belongs to that ticket (a requester reply) or is a new request (a new ticket in the
 * same conversation). The offer goes to the candidate ticket's tier channel, with both choices.
 */
import type { ServicePlatform } from '../domain/vocabulary.js';
import type { PendingRow } from '../store/repositories/conversations.js';
import { oneLine } from '../views/format.js';
import { pendingMessageOffer } from '../views/ticket-notices.js';
import { recordAudit } from './audit.js';
import { actorPersonId, type RequestContext } from './context.js';
import { conflict, notFound } from './errors.js';
import { enqueue } from './outbox.js';
import { requireStaff, type PlatformUser } from './people.js';
import { recordRequesterReply } from './requester-replies.js';
import { answerThere, type ConversationPlace } from './conversations.js';
import { createTicket, MAX_TITLE_LENGTH } from './ticket-create.js';
import { requireTicket } from './ticket-records.js';

export type { PendingRow };

/** A requester's message to offer (the parts of a RequesterMessage kept), with its author's person and the open ticket it may belong to. */
export interface PendingOffer {
  platform: ServicePlatform;
  channel: string | null;
  messageId: string;
  /** What a reply in the message's thread names as its thread; messageId when absent. */
  root?: string;
  text: string;
  author: Pick<PlatformUser, 'externalId' | 'handle'>;
  authorId: number;
  candidateId: number;
}

/** Records the message as pending and asks the candidate ticket's tier; undefined when it was offered before. */
export function offerPendingMessage(ctx: RequestContext, message: PendingOffer): number | undefined {
  const author = message.platform === 'email' ? message.author.externalId : `@${message.author.handle}`;
  const insertedId = ctx.store.conversations.insertPendingMessage({
    platform: message.platform,
    channel: message.channel,
    messageId: message.messageId,
    root: message.root ?? message.messageId,
    authorId: message.authorId,
    author,
    body: message.text,
    candidateId: message.candidateId,
    createdAt: ctx.clock.now(),
  });
  if (insertedId === undefined) return undefined;
  const candidate = requireTicket(ctx, message.candidateId);
  enqueue(ctx, {
    dedupeKey: `pending-message:${insertedId}`,
    channel: `tier:${candidate.tier}`,
    audience: 'staff',
    reply: pendingMessageOffer(insertedId, author, message.text, candidate),
    ticketId: candidate.id,
  });
  return insertedId;
}

/** Messages still waiting for an agent's decision, oldest first. */
export function listPendingMessages(ctx: RequestContext): PendingRow[] {
  requireStaff(ctx);
  return ctx.store.conversations.waitingPendingMessages();
}

function requirePending(ctx: RequestContext, id: number): PendingRow {
  const row = ctx.store.conversations.pendingMessage(id);
  if (!row) throw notFound(`There is no waiting message ${id}.`, 'Type /ticket inbox to see the ones waiting.');
  if (row.state !== 'pending') throw conflict(`Message ${id} was already ${row.state === 'added' ? 'added to' : 'opened as'} #${row.ticketId ?? '?'}.`, `Type /ticket show ${row.ticketId ?? ''} to see it.`.trim());
  return row;
}

function decide(ctx: RequestContext, row: PendingRow, state: 'added' | 'opened', ticketId: number): void {
  ctx.store.conversations.decidePendingMessage(row.id, { state, ticketId, decidedBy: actorPersonId(ctx.actor), decidedAt: ctx.clock.now() });
  recordAudit(ctx, { entity: 'ticket', entityId: ticketId, action: state === 'added' ? 'message.added' : 'message.opened', after: { pendingMessage: row.id, from: row.author } });
}

/** The message is part of `ticketId` (the candidate by default): recorded as the requester's reply there. */
export function addPendingToTicket(ctx: RequestContext, id: number, ticketId?: number): { ticketId: number; row: PendingRow } {
  return ctx.store.transaction(() => {
    requireStaff(ctx);
    const row = requirePending(ctx, id);
    const target = ticketId ?? row.candidateId;
    if (target === null) throw notFound(`Message ${id} has no ticket to go to.`, `Name one: /ticket inbox add ${id} to:<ticket>.`);
    requireTicket(ctx, target);
    const result = recordRequesterReply(ctx, target, row.body);
    const landed = result.kind === 'follow-up' ? result.ticket.id : target;
    if (row.channel || row.platform === 'email') answerThere(ctx, landed, conversationPlace(row));
    decide(ctx, row, 'added', landed);
    return { ticketId: landed, row };
  });
}

/** The message is a new request: a new ticket with it, answered where it was written. */
export function openPendingAsTicket(ctx: RequestContext, id: number): { ticketId: number; title: string; row: PendingRow } {
  return ctx.store.transaction(() => {
    requireStaff(ctx);
    const row = requirePending(ctx, id);
    const department = row.candidateId === null ? undefined : ctx.store.conversations.departmentOf(row.candidateId);
    const line = oneLine(row.body.split('\n').find((l) => l.trim() !== '') ?? 'Message');
    const { ticket } = createTicket(ctx, {
      title: line.length <= MAX_TITLE_LENGTH ? line : `${line.slice(0, MAX_TITLE_LENGTH - 1)}…`,
      description: row.body,
      origin: row.platform === 'email' ? 'email' : 'chat',
      requester: row.author,
      requesterPersonId: row.authorId,
      ...(department !== undefined ? { department } : {}),
    });
    answerThere(ctx, ticket.id, conversationPlace(row));
    decide(ctx, row, 'opened', ticket.id);
    return { ticketId: ticket.id, title: ticket.title, row };
  });
}

/** Where the requester of a pending message is answered: the thread of that message, or their mail. */
function conversationPlace(row: PendingRow): ConversationPlace {
  if (row.platform === 'email') return { platform: 'email', address: row.author, thread: row.messageId };
  return { platform: row.platform, channel: row.channel, thread: row.root ?? row.messageId };
}
