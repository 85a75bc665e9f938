/**
 * The outbox's Slack destination: resolves a logical channel to a Slack conversation, keeps each
 * ticket in one thread, pings mentioned people by Slack id, paces posts to about one per second
 * per channel, and turns every Slack failure into a DeliveryError the worker knows how to treat.
 *
 * It posts through its own WebClient with Slack's retries off (`retries: 0`) and rate-limited calls
 * rejected at once (`rejectRateLimitedCalls`): the SDK would otherwise retry silently for about
 * half an hour while holding the outbox lease. The outbox retries instead, visibly and bounded.
 *
 * Every post carries its rows' dedupe keys as message metadata. A row that was tried before (the
 * process died mid-post, or Slack's answer was lost) is first looked for in the conversation, and
 * only what Slack does not show yet is posted: exactly-once wherever deskops can read the history
 * (channels:history, groups:history), at-least-once where it cannot (DMs: no im:history).
 */
import { ErrorCode, WebClient, type ChatPostMessageArguments, type WebClientOptions } from '@slack/web-api';
import { isConfigurable, mentionedIds, staffOnlyRefusal, staffRows, UNMAPPED } from '../../delivery/rules.js';
import { DeliveryError, type DeliverySink, type OutboundMessage, type OutboxRow } from '../../delivery/sink.js';
import { coalesceReplies, isReply } from '../../views/delivery.js';
import type { Reply } from '../../views/reply.js';
import { boltLogger } from './bolt-logger.js';
import type { SlackDeps } from './deps.js';
import { renderBlocks } from './render.js';
import { uploadReplyChart } from './upload.js';
import { createSlackConversations, type ConversationInfo } from './conversations.js';
import { channelSetCommand, commonTicket, inviteHint, mustBroadcast, unmappedHint } from './sink-policy.js';

/** Options for the outbox's WebClient: no SDK retries, 429s rejected at once, a bounded wait. */
export const OUTBOX_CLIENT_OPTIONS = {
  retryConfig: { retries: 0 },
  rejectRateLimitedCalls: true,
  // Far inside the outbox lease (5 minutes), so a hung call never lets a second worker post too.
  timeout: 15_000,
} satisfies WebClientOptions;

export interface SlackSinkOptions {
  /** Least time between two posts to one channel (default 1000 ms: Slack's ~1 message/s/channel). */
  minIntervalMs?: number;
  /** Longest in-process wait for a channel's turn; beyond it the rows go back to the outbox (default 5000 ms). */
  maxWaitMs?: number;
  /** The client to post with; by default one derived from deps.client with OUTBOX_CLIENT_OPTIONS. */
  client?: WebClient;
}

/** The message metadata type every outbox post carries; its payload's `dedupe_keys` are the rows' keys, one per line. */
export const OUTBOX_METADATA_TYPE = 'deskops_outbox';
/** How far before a row was queued the look-up for an earlier post of it starts (clock skew, a slow first try). */
const EARLIER_POST_MARGIN_MS = 60_000;
/** Pages of history read when looking for an earlier post; a help desk channel rarely needs more than one. */
const EARLIER_POST_MAX_PAGES = 5;
/** Slack errors meaning the history cannot be read (a DM without im:history): post again, at-least-once. */
const HISTORY_UNREADABLE = new Set(['missing_scope', 'not_in_channel', 'channel_not_found', 'no_permission']);

interface HistoryMessage {
  ts?: string;
  thread_ts?: string;
  metadata?: { event_type?: string; event_payload?: { dedupe_keys?: unknown } };
}

/** Where one post goes. */
interface Target {
  /** Slack conversation id (C…, G…, D…). */
  channel: string;
  /** For people: "#support-t2 (tier:t2)", "a DM to @alice". */
  label: string;
  logical: string;
  /** The thread to post in, when the target itself is a thread. */
  threadTs?: string;
  /** The requester reads this conversation by definition (the ticket's own conversation). */
  requesterReads: boolean;
  /** A DM to this person. */
  personId?: number;
}


const CONVERSATION_ID_PATTERN = /^[CGD][A-Z0-9]{2,}$/;
/** Slack errors that no retry can fix; each needs a person to act. */
const PERMANENT_ERRORS = new Set([
  'channel_not_found',
  'is_archived',
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'missing_scope',
  'no_permission',
  'restricted_action',
  'ekm_access_denied',
  'invalid_blocks',
  'invalid_blocks_format',
  'msg_too_long',
  'no_text',
  'user_not_found',
  'cannot_dm_bot',
  'user_disabled',
]);

interface SlackErrorShape {
  code?: string;
  data?: { error?: string; needed?: string };
  retryAfter?: number;
}

function slackError(error: unknown): string | undefined {
  const shape = error as SlackErrorShape | undefined;
  return shape?.code === ErrorCode.PlatformError ? shape.data?.error : undefined;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));


/** The real Slack id in a stored channel ("slack:C123" or "C123"), or undefined for anything else. */
function slackId(stored: string | null | undefined): string | undefined {
  const id = stored?.replace(/^slack:/i, '');
  return id && CONVERSATION_ID_PATTERN.test(id) ? id : undefined;
}

/** A DeliverySink that posts Replies to Slack (see the module comment for what it guarantees). */
export function createSlackSink(deps: SlackDeps, options: SlackSinkOptions = {}): DeliverySink {
  const { engine } = deps;
  // A client of its own rather than deps.client: the no-silent-retry guarantee cannot be read off
  // a WebClient (its retry settings are private), so the sink makes sure of it here.
  const client =
    options.client ??
    new WebClient(deps.client.token ?? deps.slack.botToken, { slackApiUrl: deps.client.slackApiUrl, logger: boltLogger(deps.logger), ...OUTBOX_CLIENT_OPTIONS });
  // Looked up through the sink's own client too, so no lookup retries silently either.
  const conversations = createSlackConversations(engine, client, deps.logger);
  const minIntervalMs = options.minIntervalMs ?? 1000;
  const maxWaitMs = options.maxWaitMs ?? 5000;
  const nextAllowedAt = new Map<string, number>();
  const lastPostAt = new Map<string, number>();
  const nameCache = new Map<string, string>();
  const dmCache = new Map<string, string>();

  /** Waits for the channel's turn, or hands the rows back when the wait would be too long. */
  async function takeTurn(channel: string): Promise<void> {
    const now = Date.now();
    const at = Math.max(now, nextAllowedAt.get(channel) ?? 0);
    if (at - now > maxWaitMs) throw new DeliveryError(`pacing posts to ${channel}: next slot in ${at - now} ms`, { retryAfterMs: at - now, deferred: true });
    // Reserved before waiting, so concurrent posts to one channel queue up instead of colliding.
    nextAllowedAt.set(channel, at + minIntervalMs);
    if (at > now) await sleep(at - now);
    // A slot is a start time; a busy event loop can send the previous post late, so measure from it too.
    const sinceLast = Date.now() - (lastPostAt.get(channel) ?? Number.NEGATIVE_INFINITY);
    if (sinceLast < minIntervalMs) await sleep(minIntervalMs - sinceLast);
    lastPostAt.set(channel, Date.now());
  }

  /** Turns a failed Web API call into a DeliveryError; records a 429's Retry-After for the channel. */
  function failure(error: unknown, target: Target, what: string): DeliveryError {
    const shape = error as SlackErrorShape | undefined;
    if (shape?.code === ErrorCode.RateLimitedError) {
      const retryAfterMs = Math.max(1, shape.retryAfter ?? 1) * 1000;
      nextAllowedAt.set(target.channel, Date.now() + retryAfterMs);
      return new DeliveryError(`Slack rate-limited ${what} to ${target.label}; retry after ${retryAfterMs / 1000} s`, { retryAfterMs, cause: error });
    }
    const code = slackError(error);
    if (code === undefined) return new DeliveryError(`${what} to ${target.label} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    if (!PERMANENT_ERRORS.has(code)) return new DeliveryError(`${what} to ${target.label} failed: Slack said ${code}`, { cause: error });
    return new DeliveryError(`${what} to ${target.label} failed: Slack said ${code}. ${permanentHint(code, target, shape?.data?.needed)}`, { permanent: true, cause: error });
  }

  function permanentHint(code: string, target: Target, needed: string | undefined): string {
    const remap = isConfigurable(target.logical) ? ` or map another with ${channelSetCommand(target.logical)}` : '';
    switch (code) {
      case 'channel_not_found':
        return `It was deleted, or it is private and deskops is not in it: invite it there with /invite @deskops${remap}.`;
      case 'is_archived':
        return `The channel is archived: unarchive it${remap}.`;
      case 'missing_scope':
        return `The Slack app lacks the scope ${needed ?? '(see the manifest)'}: add it in the app's OAuth settings and reinstall.`;
      case 'invalid_auth':
      case 'not_authed':
      case 'account_inactive':
      case 'token_revoked':
      case 'token_expired':
        return 'The bot token is not valid: check SLACK_BOT_TOKEN and reinstall the Slack app.';
      default:
        return 'Retrying will not help; the rows are marked failed.';
    }
  }

  async function conversationInfo(target: Target): Promise<ConversationInfo> {
    try {
      return await conversations.info(target.channel);
    } catch (error) {
      throw failure(error, target, 'looking up');
    }
  }

  /**
   * Why a message for staff only must not go to `target`, or undefined when only staff read it:
   * the requester's conversation, a requester's DM, an intake, shared or direct conversation.
   */
  async function requesterReads(target: Target, info: ConversationInfo, threadTs: string | undefined): Promise<string | undefined> {
    if (target.personId !== undefined) return target.requesterReads ? `${target.label} is a requester's` : undefined;
    if (target.requesterReads) return `the requester reads ${target.label}`;
    if (info.shared) return `${target.label} is shared outside the workspace (Slack Connect)`;
    if ((await conversations.readers(target.channel, threadTs)) !== 'staff') return `requesters read ${target.label} (an intake, direct or shared conversation, or a requester's thread)`;
    return undefined;
  }

  /** "#support-t2" -> its id, from conversations.list (cached; Slack's methods take ids, not names). */
  async function channelIdByName(name: string, logical: string, prefix: string): Promise<string> {
    const bare = name.replace(/^#/, '').toLowerCase();
    const cached = nameCache.get(bare);
    if (cached) return cached;
    const lookup: Target = { channel: name, label: name, logical, requesterReads: false };
    let cursor: string | undefined;
    do {
      let page;
      try {
        page = await client.conversations.list({ types: 'public_channel,private_channel', exclude_archived: true, limit: 1000, ...(cursor ? { cursor } : {}) });
      } catch (error) {
        throw failure(error, lookup, 'finding the channel');
      }
      for (const channel of page.channels ?? []) if (channel.id && channel.name) nameCache.set(channel.name.toLowerCase(), channel.id);
      cursor = page.response_metadata?.next_cursor || undefined;
    } while (cursor && !nameCache.has(bare));
    const id = nameCache.get(bare);
    if (id) return id;
    throw new DeliveryError(
      `Slack has no channel ${name} that deskops can see (for ${logical}). Create it; if it is private, type /invite @deskops in it; or map another with ${channelSetCommand(logical)} (or ${prefix} ${channelSetCommand(logical).slice(1)}).`,
      { permanent: true },
    );
  }

  /** The DM channel with a Slack user (conversations.open, cached). */
  async function directChannel(userId: string, label: string, logical: string): Promise<string> {
    const cached = dmCache.get(userId);
    if (cached) return cached;
    let channel: string | undefined;
    try {
      channel = (await client.conversations.open({ users: userId })).channel?.id;
    } catch (error) {
      throw failure(error, { channel: userId, label, logical, requesterReads: false }, 'opening');
    }
    if (!channel) throw new DeliveryError(`Slack opened no ${label}`);
    dmCache.set(userId, channel);
    return channel;
  }

  /** The Slack conversation (and thread) an outbox channel leads to (see delivery/destinations.ts). */
  async function resolveTarget(logical: string): Promise<Target> {
    const destination = await engine.destination('slack', logical);
    switch (destination.kind) {
      case UNMAPPED:
        throw new DeliveryError(unmappedHint(logical, deps.slack.prefixCommand), { permanent: true });
      case 'person': {
        const channel = await directChannel(destination.userId, destination.label, logical);
        return { channel, label: destination.label, logical, requesterReads: destination.requester, personId: destination.personId };
      }
      case 'conversation': {
        const channel = slackId(destination.channel);
        if (!channel) throw new DeliveryError(`ticket #${destination.ticketId}'s conversation ${destination.channel} is not a Slack channel`, { drop: true });
        return { channel, label: destination.label, logical, ...(destination.thread ? { threadTs: destination.thread } : {}), requesterReads: true };
      }
      case 'named':
        return { channel: await channelIdByName(`#${destination.name}`, logical, deps.slack.prefixCommand), label: destination.label, logical, requesterReads: false };
      case 'room': {
        const channel = slackId(destination.id);
        if (!channel) throw new DeliveryError(`${destination.label} is not a Slack conversation id; map ${logical} again with ${channelSetCommand(logical)}`, { permanent: true });
        return { channel, label: destination.label, logical, requesterReads: false };
      }
    }
  }

  /** The Slack ids to ping for the rows' mentions (people without a Slack identity are not pinged). */
  async function mentions(rows: readonly OutboxRow[]): Promise<string[]> {
    const ids = mentionedIds(rows);
    return ids.length === 0 ? [] : (await engine.mentionedOn('slack', ids)).map((person) => person.userId);
  }

  /**
   * The ticket's thread in this channel, or whether this post should start it (tier channels only).
   * Looked up per channel: a ticket opened from a message already has a thread where that message
   * is, and a thread_ts from another channel would be rejected.
   */
  async function threadFor(target: Target, ticketId: number | undefined): Promise<{ threadTs?: string; startsThread: boolean }> {
    if (target.threadTs) return { threadTs: target.threadTs, startsThread: false };
    if (ticketId === undefined) return { startsThread: false };
    // The agents' thread for the ticket in this channel; never the requester's conversation.
    const thread = await engine.agentThread('slack', ticketId, target.channel);
    if (thread) return { threadTs: thread, startsThread: false };
    return { startsThread: target.logical.startsWith('tier:') };
  }

  /**
   * The dedupe keys already posted to the target (and the ts of the message that carried them),
   * read from the metadata of the conversation's recent messages, or of the thread's replies.
   * Undefined when Slack will not show us the history (a DM without im:history): the caller then
   * posts again and the guarantee for that target is at-least-once.
   */
  async function postedKeys(target: Target, threadTs: string | undefined, since: Date): Promise<Map<string, string> | undefined> {
    const found = new Map<string, string>();
    const oldest = ((since.getTime() - EARLIER_POST_MARGIN_MS) / 1000).toFixed(6);
    let cursor: string | undefined;
    for (let page = 0; page < EARLIER_POST_MAX_PAGES; page++) {
      let result: { messages?: HistoryMessage[]; response_metadata?: { next_cursor?: string } };
      try {
        const paging = { channel: target.channel, oldest, limit: 200, include_all_metadata: true, ...(cursor ? { cursor } : {}) };
        result = threadTs ? await client.conversations.replies({ ...paging, ts: threadTs }) : await client.conversations.history(paging);
      } catch (error) {
        const code = slackError(error);
        // No thread, no earlier post in it (posting there will say what is wrong).
        if (code === 'thread_not_found') return found;
        if (code !== undefined && HISTORY_UNREADABLE.has(code)) {
          deps.logger.warn({ channel: target.channel, logical: target.logical, error: code }, 'cannot read the history to check for an earlier post; posting again (at-least-once)');
          return undefined;
        }
        throw failure(error, target, 'checking for an earlier post');
      }
      for (const message of result.messages ?? []) {
        if (message.metadata?.event_type !== OUTBOX_METADATA_TYPE || !message.ts) continue;
        const keys = message.metadata.event_payload?.dedupe_keys;
        if (typeof keys === 'string') for (const key of keys.split('\n')) found.set(key, message.ts);
      }
      cursor = result.response_metadata?.next_cursor || undefined;
      if (!cursor) break;
    }
    return found;
  }

  async function postOnce(target: Target, args: ChatPostMessageArguments): Promise<string | undefined> {
    await takeTurn(target.channel);
    return (await client.chat.postMessage(args)).ts;
  }

  /** Posts; when the bot is not in the channel it joins (public) and tries once more. */
  async function postJoining(target: Target, info: ConversationInfo, args: ChatPostMessageArguments): Promise<string | undefined> {
    try {
      return await postOnce(target, args);
    } catch (error) {
      if (slackError(error) !== 'not_in_channel') throw failure(error, target, 'posting');
      const label = info.name ? `#${info.name}` : target.label;
      if (info.isPrivate) throw new DeliveryError(inviteHint(label), { permanent: true, cause: error });
      try {
        await client.conversations.join({ channel: target.channel });
      } catch (joinError) {
        throw new DeliveryError(`${inviteHint(label)} (joining failed: ${slackError(joinError) ?? String(joinError)})`, { permanent: true, cause: joinError });
      }
      deps.logger.info({ channel: target.channel, logical: target.logical }, 'joined a public Slack channel to deliver to it');
      try {
        return await postOnce(target, args);
      } catch (retryError) {
        throw failure(retryError, target, 'posting');
      }
    }
  }

  return {
    async post(logical: string, message: OutboundMessage, rows: readonly OutboxRow[]): Promise<void> {
      if (!isReply(message)) throw new DeliveryError(`not a Reply: the Slack sink cannot post it to ${logical}`, { permanent: true });
      const target = await resolveTarget(logical);
      const info = await conversationInfo(target);
      const ticketId = commonTicket(rows) ?? message.ticketId;
      const { threadTs, startsThread } = await threadFor(target, ticketId);
      const forStaff = staffRows(rows);
      if (forStaff.length > 0) {
        const where = await requesterReads(target, info, threadTs);
        if (where) throw staffOnlyRefusal(forStaff, target.logical, where, '#<internal-channel>');
      }
      let reply: Reply = message;
      let toPost = rows;
      if (rows.some((row) => row.attempts > 0)) {
        // Tried before: the post may have reached Slack just before the process stopped (or its answer
        // was lost). Post only what the conversation does not show yet, so a restart never repeats a message.
        const since = new Date(Math.min(...rows.map((row) => row.createdAt.getTime())));
        const posted = await postedKeys(target, threadTs, since);
        if (posted) {
          toPost = rows.filter((row) => !posted.has(row.dedupeKey));
          if (toPost.length < rows.length) {
            deps.logger.info({ channel: target.channel, dedupeKeys: rows.filter((row) => posted.has(row.dedupeKey)).map((row) => row.dedupeKey) }, 'found an earlier post of outbox rows; not posting them again');
          }
          if (toPost.length === 0) {
            if (startsThread && ticketId !== undefined) await recordThread(ticketId, target.channel, posted.get(rows[0]!.dedupeKey));
            return;
          }
          if (toPost.length < rows.length) reply = coalesceReplies(toPost.map((row) => row.payload).filter(isReply));
        }
      }
      const cc = await mentions(toPost);
      const rendered = renderBlocks(reply, { cc });
      const base = {
        channel: target.channel,
        text: rendered.text,
        blocks: rendered.blocks,
        // Our text is escaped already; Slack must not turn names into mentions or unfurl links.
        link_names: false,
        unfurl_links: false,
        unfurl_media: false,
        // The rows' keys travel with the message, so a retry after a crash can see it was posted.
        metadata: { event_type: OUTBOX_METADATA_TYPE, event_payload: { dedupe_keys: toPost.map((row) => row.dedupeKey).join('\n') } },
      };
      // reply_broadcast only when it is true: the form-encoded wire would carry a literal "false".
      const thread = threadTs ? (mustBroadcast(toPost) ? { thread_ts: threadTs, reply_broadcast: true } : { thread_ts: threadTs }) : {};
      const args: ChatPostMessageArguments = { ...base, ...thread };
      const ts = await postJoining(target, info, args);
      if (startsThread && ticketId !== undefined) await recordThread(ticketId, target.channel, ts);
      await uploadReplyChart(client, engine, reply, target.channel, threadTs ?? (startsThread ? ts : undefined), deps.logger);
    },
  };

  /** The first post about a ticket in a channel is the ticket's thread there from now on. */
  async function recordThread(ticketId: number, channel: string, ts: string | undefined): Promise<void> {
    if (!ts) return;
    try {
      await engine.recordAgentThread('slack', ticketId, channel, ts);
    } catch (error) {
      // Posted already: throwing would post it again. Later updates just start another thread.
      deps.logger.error({ err: error, ticketId, channel }, 'posted a ticket thread parent but could not record it');
    }
  }
}
