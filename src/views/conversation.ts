/** Messages to a requester in their conversation: a public reply signed by the agent, a reminder, a receipt, a merge. */
import { info, type Reply } from './reply.js';

/** A public reply as the requester reads it: the text, signed with the agent's name (the bot posts it). */
export function publicReplyMessage(ticketId: number, body: string, signature: string): Reply {
  return info(signature, { visibility: 'channel', audience: 'requester', text: body, footer: `Request #${ticketId}`, ticketId });
}

/** The requester of a ticket merged into another: where their request goes on. */
export function mergedRequestNotice(from: { id: number; title: string }, into: { id: number; title: string }): Reply {
  return info(`Your request #${from.id} continues in #${into.id}`, {
    visibility: 'channel',
    text: `We are handling "${from.title}" together with "${into.title}" as ticket #${into.id}. You will hear from us there; nothing you sent is lost.`,
  });
}

/** A message deskops itself sends the requester (the Pending reminder, a receipt): marked automatic. */
export function supportMessage(ticketId: number, body: string): Reply {
  return info('Support team', { visibility: 'channel', audience: 'requester', text: body, footer: `Request #${ticketId}`, ticketId, automatic: true });
}
