/**
 * What the requester receives goes through here: a message for their conversation (a public reply,
 * the Pending reminder, a receipt) is queued to `ticket:<id>` with the audience 'requester', in
 * the caller's transaction; the delivery resolves the conversation (chat thread, direct message or
 * email) when it sends, so a requester who last wrote by mail gets the answer by mail.
 */
import type { Reply } from '../views/reply.js';
import { actorLabel, type RequestContext } from './context.js';
import { conversationOf, type Conversation } from './conversations.js';
import { enqueue } from './outbox.js';

/** Queues `reply` for the requester of `ticketId`; returns where it will go ('none': nowhere, nothing queued). */
export function queueForRequester(ctx: RequestContext, ticketId: number, dedupeKey: string, reply: Reply): Conversation {
  const conversation = conversationOf(ctx, ticketId);
  if (conversation.kind === 'none') return conversation;
  enqueue(ctx, { dedupeKey, channel: `ticket:${ticketId}`, audience: 'requester', reply: { ...reply, audience: 'requester' }, ticketId });
  return conversation;
}

/** How the acting agent signs a public reply: "Alice Agent (support team)". */
export function signatureOf(ctx: RequestContext): string {
  const { actor } = ctx;
  if (actor.kind !== 'person') return 'Support team';
  const name = ctx.store.conversations.displayNameOf(actor.personId) ?? actorLabel(actor);
  return `${name} (support team)`;
}
