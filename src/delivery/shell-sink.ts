/**
 * The terminal's stand-in for a chat platform: each posted message is handed on as text-ready
 * data, headed by the real channel it would go to ("→ #support-t2 (tier:t2)").
 */
import { channelMap, type ChannelMap } from '../app/channels.js';
import type { AppContext } from '../app/context.js';
import { handleOf } from '../app/people.js';
import { conversationOf } from '../app/conversations.js';
import { staffOnlyRefusal, staffRows } from './destinations.js';
import { isReply, withCc } from '../views/delivery.js';
import { renderText, type TextStyle } from '../views/render-text.js';
import type { DeliverySink, OutboundMessage, OutboxRow } from './sink.js';

/** One message the shell "posted". */
export interface ShellPost {
  /** The logical channel ("tier:t2", "webhook:page"). */
  channel: string;
  /** Where it went, for people: "#support-t2 (tier:t2)", or the logical name when unmapped. */
  label: string;
  message: OutboundMessage;
}

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

/** The post as terminal text: an arrow line naming the channel, then the rendered message. */
export function postText(post: ShellPost, style: TextStyle): string {
  const body = isReply(post.message) ? renderText(post.message, style) : JSON.stringify(post.message);
  return `→ ${post.label}\n${body}`;
}

/** A sink that hands every post to `emit` (print it, or collect it for one reply). Never fails. */
export class ShellSink implements DeliverySink {
  constructor(
    private readonly ctx: AppContext,
    private readonly emit: (post: ShellPost) => void,
  ) {}

  async post(channel: string, message: OutboundMessage, rows: readonly OutboxRow[] = []): Promise<void> {
    // The requester reads their conversation: staff-only rows never go there, on any platform, the shell's stand-in included.
    const forStaff = staffRows(rows);
    if (forStaff.length > 0 && /^(ticket|email):/.test(channel)) throw staffOnlyRefusal(forStaff, channel, `the requester reads ${channel}`, '#<internal-channel>');
    // Mentions are the platform's to render: the terminal shows them as a plain "cc @alice" line.
    const handles = rows.flatMap((row) => (row.mentions ?? []).map((id) => handleOf(this.ctx, id))).filter((h): h is string => h?.startsWith('@') === true);
    const shown = isReply(message) ? withCc(message, handles) : message;
    this.emit({ channel, label: conversationLabel(this.ctx, channel) ?? channelLabel(channelMap(this.ctx), channel), message: shown });
  }
}
