/**
 * The requester's side of a conversation in Slack: every message in a ticket's conversation
 * thread (from the requester: their reply; from staff: a public reply they have seen already),
 * new messages in a direct message to the bot or in an intake channel, and edits and deletions,
 * handed to the one requester-message use case. The newest message handled per channel is kept
 * (chat_cursors), so after downtime the open tickets' threads are read back once.
 */
import type { App } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { RequesterMessageOutcome } from '../../../app/requester-messages.js';
import type { ChatMessageIn } from '../../../engine/ops/chat.js';
import type { SlackDeps } from '../deps.js';
import { slackUser } from './common.js';
import { slackToPlain } from './messages.js';

/** A Slack message event, as much of it as deskops reads. */
export interface SlackMessageEvent {
  type?: string;
  subtype?: string;
  channel?: string;
  channel_type?: string;
  user?: string;
  bot_id?: string;
  text?: string;
  ts?: string;
  thread_ts?: string;
  /** message_changed: the message as it is now. */
  message?: { user?: string; bot_id?: string; text?: string; ts?: string; thread_ts?: string; subtype?: string };
  /** message_changed / message_deleted: the message as it was. */
  previous_message?: { user?: string; bot_id?: string; text?: string; ts?: string; thread_ts?: string };
  deleted_ts?: string;
}

/** How far back catch-up reads after downtime, and how many open tickets' threads it reads at most. */
export const CATCH_UP_MAX_AGE_MS = 24 * 60 * 60_000;
export const CATCH_UP_MAX_THREADS = 200;
/** Subtypes that are a person's message (others are joins, topic changes, bot posts...). */
const PERSON_SUBTYPES = new Set([undefined, 'file_share', 'thread_broadcast', 'me_message']);

/**
 * A message event as the engine takes it, or undefined for what is not a person's message (bots,
 * joins, our own posts). A new message in a channel is `place: 'room'`: the engine knows whether the
 * channel is an intake channel.
 */
export async function toRequesterMessage(deps: SlackDeps, event: SlackMessageEvent, botUserId: string | undefined): Promise<ChatMessageIn | undefined> {
  const channel = event.channel;
  if (!channel) return undefined;
  const own = (m: { user?: string; bot_id?: string } | undefined) => !m?.user || m.bot_id !== undefined || m.user === botUserId;
  const place = (thread: string | undefined, ts: string): ChatMessageIn['place'] => (thread && thread !== ts ? 'other' : event.channel_type === 'im' || /^D/.test(channel) ? 'direct' : 'room');
  if (event.subtype === 'message_changed') {
    const now = event.message;
    if (!now?.ts || own(now) || now.text === event.previous_message?.text) return undefined;
    return {
      platform: 'slack',
      author: await slackUser(deps, now.user!),
      messageId: `${channel}:${now.ts}`,
      root: now.ts,
      channel,
      thread: now.thread_ts && now.thread_ts !== now.ts ? now.thread_ts : null,
      place: place(now.thread_ts, now.ts),
      text: slackToPlain(now.text ?? ''),
      change: 'edited',
    };
  }
  if (event.subtype === 'message_deleted') {
    const was = event.previous_message;
    const ts = event.deleted_ts ?? was?.ts;
    if (!ts || own(was)) return undefined;
    return { platform: 'slack', author: await slackUser(deps, was!.user!), messageId: `${channel}:${ts}`, root: ts, channel, thread: was?.thread_ts ?? null, place: 'other', text: '', change: 'deleted' };
  }
  if (!PERSON_SUBTYPES.has(event.subtype) || !event.ts || own(event)) return undefined;
  const thread = event.thread_ts && event.thread_ts !== event.ts ? event.thread_ts : null;
  const text = slackToPlain(event.text ?? '').trim();
  if (!text) return undefined;
  return { platform: 'slack', author: await slackUser(deps, event.user!), messageId: `${channel}:${event.ts}`, root: event.ts, channel, thread, place: place(event.thread_ts, event.ts), text, acknowledge: true };
}

/** The instant of a Slack ts (seconds with microseconds), or undefined for one that is not a time. */
function tsInstant(ts: string | undefined): Date | undefined {
  const at = ts === undefined ? Number.NaN : Math.floor(Number(ts) * 1000);
  return Number.isFinite(at) ? new Date(at) : undefined;
}

/**
 * Hands one message event to the requester-message use case, in one call to the engine that also
 * keeps the newest message time handled in its channel (for catch-up); logs what it meant.
 */
export async function handleMessageEvent(deps: SlackDeps, event: SlackMessageEvent, botUserId: string | undefined): Promise<RequesterMessageOutcome | undefined> {
  const message = await toRequesterMessage(deps, event, botUserId);
  if (!message) return undefined;
  const at = message.change ? undefined : tsInstant(event.message?.ts ?? event.ts);
  const outcome = await deps.engine.receiveMessage(message, event.channel && at ? { room: event.channel, at } : null);
  deps.logger.debug({ channel: event.channel, outcome: outcome.kind, ...(outcome.kind === 'ignored' ? { why: outcome.why } : {}) }, 'slack message from the requester side');
  return outcome;
}

/** Registers the message listener (Bolt acknowledges events before listeners run). */
export function registerConversations(app: App, deps: SlackDeps): void {
  app.event('message', async ({ event, context }) => {
    await handleMessageEvent(deps, event as SlackMessageEvent, context.botUserId);
  });
}

interface HistoryMessage {
  user?: string;
  bot_id?: string;
  subtype?: string;
  text?: string;
  ts?: string;
  thread_ts?: string;
}

/**
 * After downtime: reads back the threads of tickets still being worked on whose conversation is in
 * Slack, since the last message handled in their channel (at most a day back, at most
 * CATCH_UP_MAX_THREADS threads), and hands each message on once (the use case dedupes by message).
 */
export async function catchUpConversations(deps: SlackDeps, client: WebClient, botUserId: string | undefined, now = Date.now()): Promise<number> {
  const open = await deps.engine.openConversationThreads('slack', CATCH_UP_MAX_THREADS);
  const cursors = await deps.engine.roomCursors('slack');
  let handled = 0;
  for (const { channel, thread } of open) {
    const since = Math.max(cursors.get(channel) ?? now - CATCH_UP_MAX_AGE_MS, now - CATCH_UP_MAX_AGE_MS);
    let replies: HistoryMessage[];
    try {
      const answer = await client.conversations.replies({ channel, ts: thread, oldest: (since / 1000).toFixed(6), limit: 200 });
      replies = (answer.messages ?? []) as HistoryMessage[];
    } catch (error) {
      deps.logger.warn({ err: error, channel, thread }, 'slack catch-up: could not read a conversation thread');
      continue;
    }
    for (const reply of replies) {
      // The thread's first message is the one the ticket came from; the rest are what was written since.
      if (reply.ts === thread || !reply.ts || Number(reply.ts) * 1000 <= since) continue;
      // What Slack says of the author now decides whether the message is the requester's or staff's.
      if (reply.user) await deps.directory.refresh(reply.user);
      if (await handleMessageEvent(deps, { type: 'message', channel, ...reply, thread_ts: reply.thread_ts ?? thread }, botUserId)) handled++;
    }
  }
  if (handled > 0) deps.logger.info({ handled }, 'slack catch-up: took in messages written while deskops was away');
  return handled;
}
