/**
 * The outbox's Rocket.Chat destination: resolves a logical channel to a room, keeps each ticket in
 * one thread per room, pings mentioned people by username, paces posts to the server's rate
 * limiter, and never posts internal notes where the requester or outsiders read. Every failure is
 * a DeliveryError the worker knows how to treat. It posts through the REST client (rest.ts), not
 * the SDK, whose send path leaks a listener per message.
 */
import { isConfigurable, mentionedIds, staffOnlyRefusal, staffRows, UNMAPPED } from '../../delivery/rules.js';
import type { EnginePort } from '../../engine/port.js';
import { DeliveryError, type DeliverySink, type OutboundMessage, type OutboxRow } from '../../delivery/sink.js';
import type { Logger } from '../../log.js';
import { isReply } from '../../views/delivery.js';
import { uploadReplyChart } from './upload.js';
import { channelSetCommand, commonTicket, mustBroadcast } from '../slack/sink-policy.js';
import type { RocketChatPeople } from './people.js';
import { createPacer, type Pacer, type PacingOptions } from './pacing.js';
import { renderMessage } from './render.js';
import { RocketChatApiError, type RocketChatRest } from './rest.js';

/** What the Rocket.Chat sink needs. */
export interface RocketChatSinkDeps {
  /** Where logical channels lead, the ticket threads, whom to mention, charts: the engine's lookups. */
  engine: Pick<EnginePort, 'destination' | 'agentThread' | 'recordAgentThread' | 'mentionedOn' | 'renderChart'>;
  rest: RocketChatRest;
  logger: Logger;
  /** The command prefix (DESKOPS_ROCKETCHAT_PREFIX), for buttons and hints. */
  prefix: string;
  /** The server's Message_MaxAllowedSize (default 5000). */
  maxMessageLength?: number;
  /** Pacing; the default posts at most 10 messages a minute (the limiter's default for bots). */
  pacing?: PacingOptions | Pacer;
  /** Who reads a room: staff-only rows go only where nobody else does. */
  people: Pick<RocketChatPeople, 'readers'>;
}

/** Where one post goes. */
interface Target {
  rid: string;
  /** For people: "tier:t2 (rocketchat:abc)", "a DM to @alice". */
  label: string;
  logical: string;
  /** The thread to post in, when the target itself is a thread. */
  tmid?: string;
  /** The requester reads this room by definition (the ticket's own conversation). */
  requesterReads: boolean;
  /** A direct message with one person: no room lookup needed. */
  direct: boolean;
  /** The person a direct message goes to. */
  personId?: number;
}

const ROOM_ID = /^[A-Za-z0-9_-]{1,64}$/;
const ROOM_PLACEHOLDER = 'rocketchat:<roomId>';


/** The room id in a stored channel ("rocketchat:abc" or a bare id), or undefined for anything else. */
function roomId(stored: string | null | undefined): string | undefined {
  if (!stored || /^(slack:|#)/i.test(stored)) return undefined;
  const id = stored.replace(/^rocketchat:/i, '');
  return ROOM_ID.test(id) ? id : undefined;
}

/** Why an unmapped logical channel cannot be delivered, and what a lead types in either place. */
export function unmappedRoomHint(logical: string, prefix: string): string {
  const command = channelSetCommand(logical, ROOM_PLACEHOLDER);
  return `No Rocket.Chat room is set for ${logical}. A lead types: ${command} (in Rocket.Chat: ${prefix}${command.slice(1)}); manifests/rocketchat.md shows how to find a room's id.`;
}

/** A DeliverySink that posts Replies to Rocket.Chat (see the module comment for what it guarantees). */
export function createRocketChatSink(deps: RocketChatSinkDeps): DeliverySink {
  const { engine, rest, logger, prefix } = deps;
  const pacer: Pacer = deps.pacing && 'take' in deps.pacing ? deps.pacing : createPacer(deps.pacing);
  const dmCache = new Map<string, string>();
  const nameCache = new Map<string, string>();

  /** A REST failure with the instruction a lead needs; records a rate limit with the pacer. */
  function explain(error: unknown, target: Target): unknown {
    if (!(error instanceof RocketChatApiError)) return error;
    // The limiter counts per endpoint: a limit on im.create or rooms.info does not stop posting.
    if (error.kind === 'rate-limited' && error.endpoint === 'chat.sendMessage' && error.retryAfterMs !== undefined) pacer.blockFor(error.retryAfterMs);
    if (error.kind !== 'room-not-found' && error.kind !== 'not-allowed') return error;
    const remap = isConfigurable(target.logical) ? `, or map another room with ${channelSetCommand(target.logical, ROOM_PLACEHOLDER)}` : '';
    const fix = target.direct ? 'Check that the user exists and that deskops may create direct messages (create-d).' : `Invite the bot into the room (/invite @<bot user>)${remap}.`;
    return new DeliveryError(`${error.message} (${target.label}). ${fix}`, { permanent: true, cause: error });
  }

  /** The bot's direct-message room with a username (im.create, cached). */
  async function directRoom(username: string, label: string, logical: string): Promise<string> {
    const cached = dmCache.get(username);
    if (cached) return cached;
    let rid: string;
    try {
      rid = (await rest.createDirectMessage(username)).rid;
    } catch (error) {
      throw explain(error, { rid: username, label, logical, requesterReads: false, direct: true });
    }
    dmCache.set(username, rid);
    return rid;
  }

  /**
   * Why a message for staff only must not go to `target`, or undefined when only staff read it:
   * the requester's conversation, a requester's DM, or a room anyone but staff reads.
   */
  async function requesterReads(target: Target): Promise<string | undefined> {
    if (target.requesterReads) return target.direct ? `${target.label} is a requester's` : `the requester reads ${target.label}`;
    if (target.direct) return undefined;
    let readers;
    try {
      readers = await deps.people.readers(target.rid);
    } catch (error) {
      // Not knowing who reads the room is no reason to post staff text there: retry, or say what is wrong.
      throw explain(error, target);
    }
    return readers.staffOnly ? undefined : `${target.label} is read by people outside the support team (an intake, livechat, federated or team room, or a member who is not staff)`;
  }

  /** The room (and thread) an outbox channel leads to (see delivery/destinations.ts). */
  async function resolveTarget(logical: string): Promise<Target> {
    const destination = await engine.destination('rocketchat', logical);
    switch (destination.kind) {
      case UNMAPPED:
        throw new DeliveryError(unmappedRoomHint(logical, prefix), { permanent: true });
      case 'person': {
        const rid = await directRoom(destination.username, destination.label, logical);
        return { rid, label: destination.label, logical, requesterReads: destination.requester, direct: true, personId: destination.personId };
      }
      case 'conversation': {
        const rid = roomId(destination.channel);
        if (!rid) throw new DeliveryError(`ticket #${destination.ticketId}'s conversation ${destination.channel} is not a Rocket.Chat room`, { drop: true });
        return { rid, label: destination.label, logical, ...(destination.thread ? { tmid: destination.thread } : {}), requesterReads: true, direct: false };
      }
      case 'named':
        return { rid: await ridByName(destination.name, logical, destination.label), label: destination.label, logical, requesterReads: false, direct: false };
      case 'room': {
        const rid = roomId(destination.id);
        if (!rid) throw new DeliveryError(`${destination.label} is not a Rocket.Chat room id; map ${logical} again with ${channelSetCommand(logical, ROOM_PLACEHOLDER)}`, { permanent: true });
        return { rid, label: destination.label, logical, requesterReads: false, direct: false };
      }
    }
  }

  /** "support-t2" -> its room id, from rooms.info?roomName= (cached). */
  async function ridByName(name: string, logical: string, label: string): Promise<string> {
    const cached = nameCache.get(name);
    if (cached) return cached;
    let info;
    try {
      info = await rest.roomByName(name);
    } catch (error) {
      throw explain(error, { rid: name, label, logical, requesterReads: false, direct: false });
    }
    nameCache.set(name, info.id);
    return info.id;
  }

  /**
   * The usernames to ping for the rows' mentions. People without a Rocket.Chat identity are not
   * pinged: a handle from another platform could ping the wrong person here.
   */
  async function mentions(rows: readonly OutboxRow[]): Promise<string[]> {
    const ids = mentionedIds(rows);
    return ids.length === 0 ? [] : (await engine.mentionedOn('rocketchat', ids)).map((person) => person.username);
  }

  /** The ticket's thread in this room, or whether this post starts it (tier rooms only, as in Slack). */
  async function threadFor(target: Target, ticketId: number | undefined): Promise<{ tmid?: string; startsThread: boolean }> {
    if (target.tmid) return { tmid: target.tmid, startsThread: false };
    if (ticketId === undefined) return { startsThread: false };
    const tmid = await engine.agentThread('rocketchat', ticketId, target.rid);
    if (tmid) return { tmid, startsThread: false };
    return { startsThread: target.logical.startsWith('tier:') };
  }

  return {
    async post(logical: string, message: OutboundMessage, rows: readonly OutboxRow[]): Promise<void> {
      if (!isReply(message)) throw new DeliveryError(`not a Reply: the Rocket.Chat sink cannot post it to ${logical}`, { permanent: true });
      const target = await resolveTarget(logical);
      const forStaff = staffRows(rows);
      if (forStaff.length > 0) {
        // Looked up only when it matters: the room's members and info are rate-limited like every other endpoint.
        const where = await requesterReads(target);
        if (where) throw staffOnlyRefusal(forStaff, target.logical, where, ROOM_PLACEHOLDER);
      }
      const ticketId = commonTicket(rows) ?? message.ticketId;
      const { tmid, startsThread } = await threadFor(target, ticketId);
      const reply = message;
      const usernames = await mentions(rows);
      const rendered = renderMessage(reply, { mentions: usernames, prefix, ...(deps.maxMessageLength ? { maxLength: deps.maxMessageLength } : {}) });
      await pacer.take(target.rid);
      let sent;
      try {
        sent = await rest.sendMessage({ rid: target.rid, ...rendered, ...(tmid ? { tmid, ...(mustBroadcast(rows) ? { tshow: true } : {}) } : {}) });
      } catch (error) {
        throw explain(error, target);
      }
      await uploadReplyChart(rest, engine, reply, target.rid, tmid, logger);
      if (startsThread && ticketId !== undefined) {
        // The first post about a ticket in a room is the ticket's thread there from now on.
        try {
          await engine.recordAgentThread('rocketchat', ticketId, target.rid, sent.id);
        } catch (error) {
          // Posted already: throwing would post it again. Later updates just start another thread.
          logger.error({ err: error, ticketId, room: target.rid }, 'posted a Rocket.Chat ticket thread parent but could not record it');
        }
      }
    },
  };
}
