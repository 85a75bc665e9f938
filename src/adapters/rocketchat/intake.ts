/**
 * Rocket.Chat messages as tickets: `!ticket from <message link>` and reactions. In an intake room
 * (/channel intake add), :ticket: or the command opens a ticket with the message's author as
 * requester, threaded under that message; :eyes: and :white_check_mark: on a ticket's message assign
 * and resolve it (the reaction mapping is the team's, shared with Slack). The server sends a
 * message again whenever its reactions change: each (message, reaction, person) acts once.
 */
import type { PlatformUser } from '../../app/people.js';
import type { Engine } from '../../engine/port.js';
import type { OpenedFromMessage } from '../../engine/ops/chat.js';
import { LRUCache } from 'lru-cache';
import type { RocketChatPeople } from './people.js';
import { failure, info, success, type Reply } from '../../views/reply.js';
import { normaliseMessage, type RocketChatMessage } from './bot.js';
import type { RocketChatRest, RocketChatRoomInfo } from './rest.js';

/** What opening tickets from messages needs from the adapter. */
export interface IntakeDeps {
  /** The engine: opening tickets, claims, the intake rooms and reactions of the team. */
  engine: Engine;
  rest: RocketChatRest;
  /** Room details (name for #name intake entries), cached by the caller. */
  room(rid: string): Promise<RocketChatRoomInfo>;
  /** Who people are: the staff rules read what the server says about them. */
  people: Pick<RocketChatPeople, 'refresh' | 'facts' | 'remember'>;
  /** Posts a reply for the requester in their conversation (the thread of their message), as it is. */
  confirm(rid: string, tmid: string, reply: Reply): void;
  /** Answers a person where they acted: in the thread when only staff read the room, else by direct message. */
  answer(rid: string, tmid: string, user: { id: string; username: string }, reply: Reply): void;
  self(): { id: string; username: string } | undefined;
}

/** `ticket from <link>` (any of /ticket's names), with the link or message id typed after it. */
const TICKET_FROM = /^\/?(?:ticket|tickets|t)\s+from(?:\s+(\S+))?\s*$/i;

/** The argument of a `ticket from` command, '' when it names none; undefined for any other command. */
export function ticketFromArgument(commandText: string): string | undefined {
  const match = TICKET_FROM.exec(commandText.trim());
  return match ? (match[1] ?? '') : undefined;
}

/**
 * The message id in a Rocket.Chat message link ("https://chat.example.com/channel/support?msg=ID",
 * as "Copy link" gives it, with or without <…> around it) or a bare message id.
 */
export function linkedMessageId(link: string): string | undefined {
  const text = link.trim().replace(/^<|>$/g, '');
  // Bare ids (17 random characters on real servers) carry digits; a word like "yesterday" is no id.
  if (/^[A-Za-z0-9_-]{6,64}$/.test(text) && /\d/.test(text)) return text;
  try {
    const id = new URL(text).searchParams.get('msg');
    return id && /^[A-Za-z0-9_-]{1,64}$/.test(id) ? id : undefined;
  } catch {
    return undefined;
  }
}

const HOW_TO_LINK = 'Copy the link from the message\'s menu ("Copy link") and type !ticket from <link>.';

/** The author of a command, with what the server says about them (refreshed before the command ran). */
function userOf(deps: IntakeDeps, message: RocketChatMessage): PlatformUser {
  const facts = deps.people.facts(message.u._id);
  return { externalId: message.u._id, handle: message.u.username, ...(message.u.name ? { displayName: message.u.name } : {}), ...(facts ? { facts } : {}) };
}

/** The author of a message as a platform user. */
function authorOf(message: RocketChatMessage): PlatformUser {
  return { externalId: message.u._id, handle: message.u.username, ...(message.u.name ? { displayName: message.u.name } : {}) };
}

async function isIntakeRoom(deps: IntakeDeps, rid: string): Promise<boolean> {
  if ((await deps.engine.roomFacts('rocketchat', rid)).intake) return true;
  const room = await deps.room(rid).catch(() => undefined);
  return room?.slug !== undefined && (await deps.engine.roomFacts('rocketchat', rid, null, room.slug)).intake;
}

/** Where a message's ticket thread is: the thread it belongs to, or the message itself. */
const threadOf = (message: RocketChatMessage) => message.tmid ?? message._id;

/**
 * Opens the ticket for `source` as `by`, unless the message (or its thread) already has one: one
 * transaction in the engine. One ticket per source message, whoever asks first; the request's own
 * claim key makes repeats no-ops.
 */
function openFrom(deps: IntakeDeps, source: RocketChatMessage, by: PlatformUser, where: { channel: string; thread: string }, claimKey: string): Promise<OpenedFromMessage> {
  return deps.engine.openFromMessage({
    platform: 'rocketchat',
    by,
    where,
    source: { channel: source.rid, message: source._id, ...(source.tmid ? { threadParent: source.tmid } : {}) },
    // The author is the requester: known to deskops as a person from now on, so their tickets are theirs.
    author: authorOf(source),
    // The engine makes the title from the message's first line.
    input: { title: '', description: source.msg, requester: `@${source.u.username}` },
    untitled: 'Rocket.Chat message',
    claim: claimKey,
  });
}

/** The line in the requester's thread that says their message is a ticket now. */
function conversationStarted(ticketId: number): Reply {
  return success(`Ticket #${ticketId} opened from this message`, { text: 'The support team answers in this thread.', ticketId, audience: 'requester' });
}

function openedReply(ticketId: number, title: string, author: string): Reply {
  return success(`Ticket #${ticketId} opened from @${author}'s message: ${title}`, { text: 'Updates follow in that message\'s thread.', ticketId });
}

/**
 * Runs `!ticket from <link>` typed in `command`: reads the linked message, checks its room is an
 * intake room and opens the ticket. Returns the reply for the command's thread.
 */
export async function ticketFromLink(deps: IntakeDeps, command: RocketChatMessage, argument: string): Promise<Reply> {
  const id = linkedMessageId(argument);
  if (!id) return failure(argument ? `"${argument}" is not a Rocket.Chat message link.` : 'Which message? The link is missing.', { hint: HOW_TO_LINK, usage: '!ticket from <message link>' });
  const source = normaliseMessage(await deps.rest.getMessage(id));
  if (!source) return failure('I cannot find that message: it was deleted, or I am not in its room.', { hint: `Invite me to the room, then try again. ${HOW_TO_LINK}` });
  // Only intake rooms: the bot may read rooms the person asking cannot, and must not copy them out.
  if (!(await isIntakeRoom(deps, source.rid))) {
    return failure('That message is not in an intake room, so it cannot become a ticket.', { hint: 'A lead makes a room an intake room by typing !channel intake add here in it.' });
  }
  const opened = await openFrom(deps, source, userOf(deps, command), { channel: command.rid, thread: threadOf(command) }, `rocketchat:intake:${source._id}`);
  if (opened.kind !== 'opened') {
    const ticketId = opened.kind === 'exists' ? opened.ticketId : ((await deps.engine.ticketForMessage('rocketchat', source.rid, source._id, source.tmid ?? null)) ?? undefined);
    return info(`That message is already ticket #${ticketId ?? '?'}.`, { text: `Type !ticket show ${ticketId ?? ''} to see it.`.trim(), ...(ticketId ? { ticketId } : {}) });
  }
  deps.confirm(source.rid, threadOf(source), conversationStarted(opened.ticketId));
  return openedReply(opened.ticketId, opened.title, source.u.username);
}

/** Usernames to user ids (reactions carry only usernames); the roles come fresh from the directory. */
const knownIds = new WeakMap<RocketChatRest, LRUCache<string, PlatformUser>>();

/** The reactor behind a username, with what the server says about them now. */
async function userByName(deps: IntakeDeps, username: string): Promise<PlatformUser> {
  let cache = knownIds.get(deps.rest);
  if (!cache) {
    cache = new LRUCache<string, PlatformUser>({ max: 5_000, ttl: 10 * 60_000 });
    knownIds.set(deps.rest, cache);
  }
  let person = cache.get(username);
  if (!person) {
    const user = await deps.rest.userByUsername(username);
    deps.people.remember(user);
    person = { externalId: user.id, handle: user.username || username, ...(user.name ? { displayName: user.name } : {}) };
    cache.set(username, person);
  } else await deps.people.refresh(person.externalId);
  const facts = deps.people.facts(person.externalId);
  return { ...person, ...(facts ? { facts } : {}) };
}

/**
 * Acts on the reactions a (re-sent) message carries; each (message, reaction, person) once. Staff
 * open, assign and resolve tickets with them; a requester's :white_check_mark: on their own
 * ticket's message says it is solved, and any other reaction of theirs does nothing.
 */
export async function handleReactions(deps: IntakeDeps, message: RocketChatMessage): Promise<void> {
  const { engine } = deps;
  const ticketOf = async () => (await engine.ticketForMessage('rocketchat', message.rid, message._id, message.tmid ?? null)) ?? undefined;
  for (const [emoji, { usernames = [] }] of Object.entries(message.reactions ?? {})) {
    const known = await engine.reaction(emoji);
    if (!known) continue;
    const { action, name } = known;
    for (const username of usernames) {
      if (username === deps.self()?.username) continue;
      const key = `rocketchat:reaction:${message._id}:${name}:${username}`;
      if (action === 'create-ticket' && (message.u._id === deps.self()?.id || (await ticketOf()) !== undefined)) continue;
      if (action === 'create-ticket' && !(await isIntakeRoom(deps, message.rid))) continue;
      // :eyes: and :white_check_mark: are everyday reactions: on messages without a ticket they mean nothing.
      const ticketId = action === 'create-ticket' ? undefined : await ticketOf();
      if (action !== 'create-ticket' && ticketId === undefined) continue;
      const reactor = await userByName(deps, username);
      const where = { channel: message.rid, thread: threadOf(message) };
      if (await engine.isRequester('rocketchat', reactor)) {
        if (action !== 'resolve' || ticketId === undefined) continue;
        // The claim and the change share one transaction in the engine.
        const solved = await engine.solvedByRequester('rocketchat', reactor, where, ticketId, key);
        if (solved) deps.confirm(message.rid, threadOf(message), success(`Thanks: #${ticketId} is marked solved.`, { text: 'Write here if it comes back.', ticketId, audience: 'requester' }));
        continue;
      }
      const asker = { id: reactor.externalId, username: reactor.handle };
      if (action === 'create-ticket') {
        const opened = await openFrom(deps, message, reactor, where, key);
        if (opened.kind === 'opened') {
          deps.confirm(message.rid, threadOf(message), conversationStarted(opened.ticketId));
          deps.answer(message.rid, threadOf(message), asker, openedReply(opened.ticketId, opened.title, message.u.username));
        }
        continue;
      }
      const command = action === 'assign' ? `/ticket assign ${ticketId} me` : `/ticket status ${ticketId} resolved`;
      // Claimed with the command, in one transaction: a re-sent message runs and answers nothing twice.
      const reply = await engine.handleOnce({ platform: 'rocketchat', user: reactor, channel: message.rid, thread: threadOf(message), text: command }, key);
      if (reply) deps.answer(message.rid, threadOf(message), asker, reply);
    }
  }
}
