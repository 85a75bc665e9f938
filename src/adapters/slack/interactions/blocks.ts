/** Block Kit text helpers shared by the views built on either side (the adapter's forms, the engine's Home tab). */
import type { types } from '@slack/bolt';

/** A Block Kit plain_text object, cut to `max` characters (Slack rejects longer ones). */
export function plain(text: string, max = 3000): types.PlainTextElement {
  return { type: 'plain_text', text: cut(text, max), emoji: true };
}

/** `text` cut to `max` characters with a trailing ellipsis. */
export function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}
