/**
 * Slack messages as ticket material: reading one back, its permalink, its text without Slack's
 * markup, the ticket that carries it, and opening a ticket that links back to it.
 */
import type { WebClient } from '@slack/web-api';
import type { CreateTicketInput } from '../../../app/ticket-create.js';
import type { PlatformUser } from '../../../app/people.js';
import type { SlackDeps } from '../deps.js';

/** How long a permalink may take before the ticket goes on without one. */
export const PERMALINK_TIMEOUT_MS = 1_500;

/** The parts of a Slack message deskops uses. */
export interface SlackMessage {
  ts: string;
  text: string;
  user?: string | undefined;
  threadTs?: string | undefined;
}

interface RawMessage {
  ts?: string;
  text?: string;
  user?: string;
  thread_ts?: string;
}

function toMessage(raw: RawMessage | undefined, ts: string): SlackMessage | undefined {
  if (!raw || raw.ts !== ts) return undefined;
  return { ts, text: raw.text ?? '', user: raw.user, threadTs: raw.thread_ts };
}

/**
 * One message by channel and ts. conversations.history finds top-level messages; a reply in a
 * thread is only returned by conversations.replies, so that is the second try.
 */
export async function fetchMessage(client: WebClient, channel: string, ts: string): Promise<SlackMessage | undefined> {
  const history = await client.conversations.history({ channel, latest: ts, inclusive: true, limit: 1 });
  const top = toMessage(history.messages?.[0] as RawMessage | undefined, ts);
  if (top) return top;
  const replies = await client.conversations.replies({ channel, ts, latest: ts, inclusive: true, limit: 1 });
  return toMessage((replies.messages as RawMessage[] | undefined)?.find((m) => m.ts === ts), ts);
}

/** The message's permalink, or undefined when Slack will not give one (the ticket is still useful without). */
export async function permalinkOf(deps: SlackDeps, client: WebClient, channel: string, ts: string, timeoutMs = PERMALINK_TIMEOUT_MS): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  // A shortcut's trigger id expires 3 s after the click: a slow permalink must not cost the modal.
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`chat.getPermalink took longer than ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    const result = await Promise.race([client.chat.getPermalink({ channel, message_ts: ts }), timeout]);
    return result.permalink;
  } catch (error) {
    deps.logger.warn({ err: error, channel, ts }, 'slack: no permalink for the message');
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

/** Slack's message markup as plain text: <@U1> -> @U1, <url|label> -> label (url), entities decoded. */
export function slackToPlain(text: string): string {
  return text
    .replace(/<@([A-Z0-9]+)(?:\|[^>]*)?>/gi, '@$1')
    .replace(/<#[A-Z0-9]+\|([^>]+)>/gi, '#$1')
    .replace(/<!(here|channel|everyone)(?:\|[^>]*)?>/g, '@$1')
    .replace(/<((?:https?|mailto):[^|>]+)\|([^>]+)>/g, '$2 ($1)')
    .replace(/<((?:https?|mailto):[^>]+)>/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}


/** The ticket whose Slack thread is this message (the message itself, or its thread's parent). */
export async function ticketForMessage(deps: SlackDeps, channel: string, ts: string, threadTs?: string): Promise<number | undefined> {
  return (await deps.engine.ticketForMessage('slack', channel, ts, threadTs ?? null)) ?? undefined;
}

/** Where a ticket opened from a message lives in Slack. */
export interface MessageLink {
  channel: string;
  ts: string;
  threadTs?: string | undefined;
  /** The message's author (a Slack user id): the ticket's requester. */
  author?: string | undefined;
}

/**
 * Opens a ticket from a Slack message as `user`, with the message as its ticket thread so updates
 * post under it (one transaction in the engine). `eventKey` is claimed in the same transaction: a
 * retried request returns undefined and creates nothing, as does a message that has a ticket.
 */
export async function openTicketFromMessage(deps: SlackDeps, user: PlatformUser, input: CreateTicketInput, link: MessageLink, eventKey: string, untitled = 'Slack message'): Promise<{ id: number; title: string } | undefined> {
  // A reply inside a thread belongs to that thread: Slack threads are keyed by the parent ts.
  const thread = link.threadTs ?? link.ts;
  const opened = await deps.engine.openFromMessage({
    platform: 'slack',
    by: user,
    where: { channel: link.channel, thread },
    source: { channel: link.channel, message: link.ts, ...(link.threadTs ? { threadParent: link.threadTs } : {}) },
    // The author is the requester: known to deskops as a person from now on, so their tickets are theirs.
    ...(link.author ? { author: { externalId: link.author, handle: link.author } } : {}),
    input,
    untitled,
    claim: eventKey,
  });
  return opened.kind === 'opened' ? { id: opened.ticketId, title: opened.title } : undefined;
}
