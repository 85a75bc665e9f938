/**
 * What the interactive surfaces share: who the Slack user is to deskops, running a command as
 * them, quoting free text for the command lexer, the seen-events claim, and answering in Slack.
 * Everything that needs the database asks the engine (deps.engine).
 */
import type { WebClient } from '@slack/web-api';
import type { PlatformUser } from '../../../app/people.js';
import { AppError } from '../../../app/errors.js';
import { correlationId } from '../../../log.js';
import { failure, type Reply } from '../../../views/reply.js';
import type { SlackDeps } from '../deps.js';
import { mayShowInChannel } from '../answer.js';
import { renderBlocks } from '../render.js';

/** Where an answer goes: the person, and the channel/thread it came from when there is one. */
export interface ReplyTarget {
  userId: string;
  channel?: string | undefined;
  threadTs?: string | undefined;
}

/**
 * The deskops view of a Slack user. Events carry only the user id, so the handle comes from the
 * identity deskops already has, then from the payload's name; the id is the last resort (it is
 * still a working @mention, since mentions also match platform ids).
 */
export async function slackUser(deps: SlackDeps, userId: string, name?: string): Promise<PlatformUser> {
  const facts = deps.directory.facts(userId);
  const withFacts = facts ? { facts } : {};
  if (name) return { externalId: userId, handle: name, ...withFacts };
  // Events carry only the id: Slack's directory answer names them, when deskops asked it.
  if (facts?.platform === 'slack' && facts.handle) return { externalId: userId, handle: facts.handle, ...(facts.name ? { displayName: facts.name } : {}), ...withFacts };
  const known = await deps.engine.knownHandle('slack', userId);
  return { externalId: userId, handle: known ?? userId, ...withFacts };
}

/** The person behind an interactive payload's `user` (Slack sends the handle as username, older payloads as name). */
export function payloadUser(deps: SlackDeps, user: { id: string; name?: string; username?: string }): Promise<PlatformUser> {
  return slackUser(deps, user.id, user.username ?? user.name);
}

/** Runs a command through the engine as a Slack user, exactly as if they had typed it. */
export function runAs(
  deps: SlackDeps,
  user: PlatformUser,
  text: string,
  where: { channel?: string | undefined; thread?: string | undefined; idempotencyKey?: string } = {},
): Promise<Reply> {
  return deps.engine.handle({
    platform: 'slack',
    user,
    channel: where.channel ?? null,
    thread: where.thread ?? null,
    text,
    ...(where.idempotencyKey ? { idempotencyKey: where.idempotencyKey } : {}),
  });
}

/** Whether this Slack user is a requester right now (the staff rules, read without writing). */
export function isRequesterUser(deps: SlackDeps, user: PlatformUser): Promise<boolean> {
  return deps.engine.isRequester('slack', user);
}

/**
 * A requester who reached a staff-only surface (a shortcut, a form, a button): the router refuses
 * `command` for them with its one friendly line, and audits the attempt.
 */
export function refusal(deps: SlackDeps, user: PlatformUser, command: string, channel?: string): Promise<Reply> {
  return runAs(deps, user, command, { ...(channel ? { channel } : {}) });
}

// The lexer's closing quotes: each needs a backslash inside a quoted argument.
const QUOTE_CHARS = /["“”\\]/g;

/** Free text as one quoted command argument, so quotes, colons and @s in it stay text. */
export function quoteArg(text: string): string {
  return `"${text.replace(QUOTE_CHARS, (ch) => `\\${ch}`)}"`;
}

/**
 * Claims `key` in seen_events; false when it was claimed before (a retried or replayed event).
 * Claiming before the slow work means a retry that arrives mid-way is already refused.
 */
export function claimEvent(deps: SlackDeps, key: string): Promise<boolean> {
  return deps.engine.claim(key);
}

/** Gives a claim back after a failure, so Slack's retry can do the work. */
export function releaseEvent(deps: SlackDeps, key: string): Promise<void> {
  return deps.engine.release(key);
}

export { cut, plain } from './blocks.js';

/**
 * Answers the person: ephemeral replies privately in the channel they came from, channel replies
 * in that channel (in the thread, if any) when its readers may see them; with no channel, or when
 * posting there fails (the bot is not a member), as a direct message, so no answer is lost.
 */
export async function deliverReply(deps: SlackDeps, client: WebClient, target: ReplyTarget, reply: Reply): Promise<void> {
  const { text, blocks } = renderBlocks(reply);
  const thread = target.threadTs ? { thread_ts: target.threadTs } : {};
  if (target.channel) {
    try {
      // Staff text where a requester reads (an intake or shared channel, their thread): to the asker alone.
      if (await mayShowInChannel(deps, reply, target.channel, target.threadTs)) await client.chat.postMessage({ channel: target.channel, text, blocks, ...thread });
      else await client.chat.postEphemeral({ channel: target.channel, user: target.userId, text, blocks, ...thread });
      return;
    } catch (error) {
      deps.logger.warn({ err: error, channel: target.channel }, 'slack: answering in the channel failed; sending a direct message');
    }
  }
  try {
    await client.chat.postMessage({ channel: target.userId, text, blocks });
  } catch (error) {
    deps.logger.error({ err: error, user: target.userId }, 'slack: could not deliver an answer');
  }
}

/** Parses a view's private_metadata written by this module; `{}` when absent or foreign. */
export function readMetadata(raw: string | undefined): Record<string, unknown> {
  if (!raw) return {};
  try {
    const value: unknown = JSON.parse(raw);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** A string field of parsed metadata, or undefined. */
export function metaString(meta: Record<string, unknown>, key: string): string | undefined {
  const value = meta[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The answer for a use case that threw: its own message for refusals, a short apology with a ref otherwise. */
export function failureFor(deps: SlackDeps, error: unknown, what: string): Reply {
  if (error instanceof AppError) return failure(error.message, error.hint ? { hint: error.hint } : {});
  const ref = correlationId();
  deps.logger.error({ err: error, ref }, `slack: ${what} failed`);
  return failure(`Sorry, something went wrong on our side (ref ${ref}).`, { hint: 'Nothing was changed. Try again, and give the ref to your admin if it keeps happening.' });
}
