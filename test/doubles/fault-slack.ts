/**
 * A Slack workspace on top of the Web API stand-in, for the fault tests: chat.postMessage stores
 * messages (with their metadata, threads and broadcasts), conversations.history / .replies read
 * them back as Slack does (metadata only with include_all_metadata), and faults can be switched on
 * per call: 429 with Retry-After, HTTP 500, a Slack that never answers, or one that posts and then
 * loses its answer. It counts accepted posts per outbox dedupe key (the keys the sink puts in the
 * message metadata), which is what "delivered exactly once" is checked against.
 */
import { startSlackApi, type SlackApiStandIn, type SlackCall, type StandInResponse } from './slack-api.js';

/** A message Slack accepted. */
export interface StoredMessage {
  channel: string;
  ts: string;
  threadTs?: string;
  broadcast: boolean;
  text: string;
  metadata?: { event_type?: string; event_payload?: { dedupe_keys?: string } };
  /** Wall-clock ms when the stand-in accepted it. */
  at: number;
}

/** What the workspace does with one chat.postMessage call. */
export type PostFault =
  | { kind: 'ratelimit'; retryAfterSeconds: number }
  | { kind: 'error'; status: number }
  /** Never answers: the client's timeout fires. Nothing is posted. */
  | { kind: 'hang' }
  /** Posts the message, then answers 500 as if the answer was lost on the way back. */
  | { kind: 'post-then-error' };

/** A 429 the workspace gave, and until when the channel must be left alone. */
export interface RateLimitGiven {
  channel: string;
  at: number;
  until: number;
}

export interface SlackWorkspace {
  api: SlackApiStandIn;
  messages: StoredMessage[];
  /** Decides, per chat.postMessage call, whether to fail it; undefined answers normally. */
  faults: ((call: SlackCall) => PostFault | undefined) | undefined;
  /** How long an accepted post's answer takes (ms); the message is stored on arrival, as Slack would. */
  answerDelayMs: (() => number) | undefined;
  /** Every 429 given, with the earliest instant a post to that channel may come again. */
  rateLimits: RateLimitGiven[];
  /** Accepted posts per dedupe key (from the message metadata). */
  postsPerKey(): Map<string, number>;
  /** chat.postMessage calls that arrived before a Retry-After the workspace gave had passed. */
  earlyPosts(): SlackCall[];
  close(): Promise<void>;
}

function keysOf(message: Pick<StoredMessage, 'metadata'>): string[] {
  const keys = message.metadata?.event_payload?.dedupe_keys;
  return typeof keys === 'string' && keys !== '' ? keys.split('\n') : [];
}

function truthy(value: unknown): boolean {
  return value === true || value === 'true' || value === '1' || value === 1;
}

/** Starts a workspace whose channels all exist, are public and have the bot in them. */
export async function startSlackWorkspace(): Promise<SlackWorkspace> {
  const api = await startSlackApi();
  const messages: StoredMessage[] = [];
  const rateLimits: RateLimitGiven[] = [];
  let lastTs = 0;
  const nextTs = (): string => {
    // Slack's ts: seconds with six decimals, unique and increasing per workspace here.
    lastTs = Math.max(lastTs + 1, Date.now() * 1000);
    return (lastTs / 1_000_000).toFixed(6);
  };
  const workspace: SlackWorkspace = {
    api,
    messages,
    faults: undefined,
    answerDelayMs: undefined,
    rateLimits,
    postsPerKey() {
      const counts = new Map<string, number>();
      for (const message of messages) for (const key of keysOf(message)) counts.set(key, (counts.get(key) ?? 0) + 1);
      return counts;
    },
    earlyPosts() {
      return api.callsTo('chat.postMessage').filter((call) => rateLimits.some((limit) => limit.channel === call.args.channel && call.at > limit.at && call.at < limit.until));
    },
    close: () => api.close(),
  };

  const store = (call: SlackCall): StoredMessage => {
    const args = call.args;
    const message: StoredMessage = {
      channel: String(args.channel),
      ts: nextTs(),
      ...(args.thread_ts ? { threadTs: String(args.thread_ts) } : {}),
      broadcast: truthy(args.reply_broadcast),
      text: String(args.text ?? ''),
      ...(args.metadata && typeof args.metadata === 'object' ? { metadata: args.metadata as StoredMessage['metadata'] } : {}),
      at: call.at,
    };
    messages.push(message);
    return message;
  };

  api.on('chat.postMessage', (call): StandInResponse | Record<string, unknown> | Promise<StandInResponse | Record<string, unknown>> => {
    const fault = workspace.faults?.(call);
    switch (fault?.kind) {
      case 'ratelimit':
        rateLimits.push({ channel: String(call.args.channel), at: call.at, until: call.at + fault.retryAfterSeconds * 1000 });
        return { status: 429, headers: { 'retry-after': String(fault.retryAfterSeconds) }, body: { ok: false, error: 'ratelimited' } };
      case 'error':
        return { status: fault.status, body: { ok: false, error: 'internal_error' } };
      case 'hang':
        return new Promise<never>(() => undefined);
      case 'post-then-error':
        store(call);
        return { status: 500, body: { ok: false, error: 'internal_error' } };
      default: {
        const message = store(call);
        const answer = { ok: true, channel: message.channel, ts: message.ts, message: { text: message.text, ts: message.ts } };
        const delay = workspace.answerDelayMs?.() ?? 0;
        return delay > 0 ? new Promise((resolve) => setTimeout(() => resolve(answer), delay)) : answer;
      }
    }
  });
  api.on('conversations.info', (call) => ({ ok: true, channel: { id: call.args.channel, name: `chan-${String(call.args.channel).toLowerCase()}`, is_private: false, is_ext_shared: false, is_member: true } }));

  const view = (message: StoredMessage, withMetadata: boolean) => ({
    type: 'message',
    ts: message.ts,
    text: message.text,
    ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
    ...(withMetadata && message.metadata ? { metadata: message.metadata } : {}),
  });
  api.on('conversations.history', (call) => {
    const oldest = Number(call.args.oldest ?? 0);
    const found = messages
      .filter((m) => m.channel === call.args.channel && (!m.threadTs || m.broadcast) && Number(m.ts) > oldest)
      .reverse()
      .map((m) => view(m, truthy(call.args.include_all_metadata)));
    return { ok: true, messages: found, has_more: false, response_metadata: { next_cursor: '' } };
  });
  api.on('conversations.replies', (call) => {
    const parent = String(call.args.ts);
    const oldest = Number(call.args.oldest ?? 0);
    const found = messages
      .filter((m) => m.channel === call.args.channel && (m.ts === parent || (m.threadTs === parent && Number(m.ts) > oldest)))
      .map((m) => view(m, truthy(call.args.include_all_metadata)));
    if (found.length === 0) return { ok: false, error: 'thread_not_found' };
    return { ok: true, messages: found, has_more: false, response_metadata: { next_cursor: '' } };
  });
  return workspace;
}
