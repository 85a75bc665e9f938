/** How the shell names where a post went, read from the team's channel map and the ticket's conversation (engine side). */
import { channelMap, type ChannelMap } from '../app/channels.js';
import type { AppContext } from '../app/context.js';
import { handleOf } from '../app/people.js';
import { conversationOf } from '../app/conversations.js';

/** "#support-t2 (tier:t2)" when the team mapped the channel, else the logical name itself. */
export function channelLabel(map: ChannelMap, channel: string): string {
  const real = map[channel];
  return real && real !== channel ? `${real} (${channel})` : channel;
}

/** Where a message for a ticket's requester goes: "email:jane@example.com (ticket #5's requester)". */
export function conversationLabel(ctx: AppContext, channel: string): string | undefined {
  const ticket = /^ticket:(\d+)$/.exec(channel);
  if (!ticket) return undefined;
  const conversation = conversationOf(ctx, Number(ticket[1]));
  const whose = `ticket #${ticket[1]}'s requester`;
  switch (conversation.kind) {
    case 'email':
      return `email:${conversation.address} (${whose})`;
    case 'thread':
      return `${conversation.platform}:${conversation.channel}${conversation.thread ? ` thread ${conversation.thread}` : ''} (${whose})`;
    case 'direct':
      return `${conversation.platform}:direct message to ${handleOf(ctx, conversation.personId) ?? conversation.userId} (${whose})`;
    case 'none':
      return `${channel}: nowhere (${conversation.why})`;
  }
}

/** Where the shell says a post to `channel` went: the requester's conversation, the mapped room, or the logical name. */
export function shellPostLabel(ctx: AppContext, channel: string): string {
  return conversationLabel(ctx, channel) ?? channelLabel(channelMap(ctx), channel);
}
