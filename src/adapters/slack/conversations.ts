/**
 * Who reads a Slack conversation: the support team only, or requesters too. Intake channels,
 * channels shared with other organisations (Slack Connect), direct and group messages, and the
 * thread a ticket was opened from are read by requesters; staff-only text never goes there. The
 * conversation's details come from conversations.info, cached; when Slack cannot say, the answer
 * is "requesters read it" (fail closed).
 */
import type { WebClient } from '@slack/web-api';
import { LRUCache } from 'lru-cache';
import type { EnginePort } from '../../engine/port.js';
import type { Audience } from '../../domain/vocabulary.js';
import type { Logger } from '../../log.js';
import type { PlaceFacts } from '../../commands/invocation.js';

export interface ConversationInfo {
  name?: string;
  isPrivate: boolean;
  /** Shared with another workspace or organisation (Slack Connect): treated as external. */
  shared: boolean;
  /** A direct or group direct message. */
  direct: boolean;
}

/** How long a conversation's details are trusted (sharing a channel is rare, but it happens). */
const INFO_TTL_MS = 5 * 60_000;

export interface SlackConversations {
  /** conversations.info, cached; throws Slack's error. */
  info(channel: string): Promise<ConversationInfo>;
  /** Who reads `channel` (and `thread` in it): 'staff' only when no requester can. */
  readers(channel: string, thread?: string | null): Promise<Audience>;
  /** The same, with why requesters read it, in words. */
  describe(channel: string, thread?: string | null): Promise<PlaceFacts>;
  /** Forgets what is cached about a channel (Slack said it changed). */
  forget(channel: string): void;
}

export function createSlackConversations(engine: Pick<EnginePort, 'roomFacts'>, client: Pick<WebClient, 'conversations'>, logger: Logger): SlackConversations {
  const cache = new LRUCache<string, ConversationInfo>({ max: 5_000, ttl: INFO_TTL_MS });

  async function info(channel: string): Promise<ConversationInfo> {
    const cached = cache.get(channel);
    if (cached) return cached;
    const result = await client.conversations.info({ channel });
    const c = result.channel ?? {};
    const details: ConversationInfo = {
      ...(c.name ? { name: c.name } : {}),
      isPrivate: c.is_private === true,
      shared: c.is_ext_shared === true || c.is_shared === true || c.is_pending_ext_shared === true,
      direct: c.is_im === true || c.is_mpim === true,
    };
    cache.set(channel, details);
    return details;
  }

  async function describe(channel: string, thread?: string | null): Promise<PlaceFacts> {
    if (/^D/.test(channel)) return { readers: 'requester', why: 'a direct message' };
    const facts = await engine.roomFacts('slack', channel, thread ?? null);
    if (facts.intake) return { readers: 'requester', why: 'an intake channel' };
    if (facts.conversationTicket !== null) return { readers: 'requester', why: "a requester's thread" };
    try {
      const details = await info(channel);
      if (details.shared) return { readers: 'requester', why: 'shared with another organisation (Slack Connect)' };
      if (details.direct) return { readers: 'requester', why: 'a group direct message' };
      return { readers: 'staff' };
    } catch (error) {
      logger.warn({ err: error, channel }, 'could not tell who reads a Slack conversation; treating it as read by requesters');
      return { readers: 'requester', why: 'Slack would not say who is in it' };
    }
  }

  return {
    info,
    describe,
    readers: async (channel, thread) => (await describe(channel, thread)).readers,
    forget: (channel) => void cache.delete(channel),
  };
}
