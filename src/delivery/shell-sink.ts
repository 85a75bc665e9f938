/**
 * The terminal's stand-in for a chat platform: each posted message is handed on as text-ready
 * data, headed by the real channel it would go to ("→ #support-t2 (tier:t2)", looked up in the
 * engine: delivery/shell-labels.ts).
 */
import type { EnginePort } from '../engine/port.js';
import { mentionedIds, staffOnlyRefusal, staffRows } from './rules.js';
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

/** The post as terminal text: an arrow line naming the channel, then the rendered message. */
export function postText(post: ShellPost, style: TextStyle): string {
  const body = isReply(post.message) ? renderText(post.message, style) : JSON.stringify(post.message);
  return `→ ${post.label}\n${body}`;
}

/** A sink that hands every post to `emit` (print it, or collect it for one reply). Never fails. */
export class ShellSink implements DeliverySink {
  constructor(
    private readonly engine: Pick<EnginePort, 'shellPost'>,
    /** Prints or collects the post; the post is done when what it returns is. */
    private readonly emit: (post: ShellPost) => void | Promise<void>,
  ) {}

  async post(channel: string, message: OutboundMessage, rows: readonly OutboxRow[] = []): Promise<void> {
    // The requester reads their conversation: staff-only rows never go there, on any platform, the shell's stand-in included.
    const forStaff = staffRows(rows);
    if (forStaff.length > 0 && /^(ticket|email):/.test(channel)) throw staffOnlyRefusal(forStaff, channel, `the requester reads ${channel}`, '#<internal-channel>');
    // Mentions are the platform's to render: the terminal shows them as a plain "cc @alice" line.
    const { label, handles } = await this.engine.shellPost(channel, mentionedIds(rows));
    const shown = isReply(message) ? withCc(message, handles) : message;
    await this.emit({ channel, label, message: shown });
  }
}
