/**
 * The outbox's Rocket.Chat destination: resolves a logical channel to a room, keeps each ticket in
 * one thread per room, pings mentioned people by username, paces posts to the server's rate
 * limiter, and never posts internal notes where the requester or outsiders read. Every failure is
 * a DeliveryError the worker knows how to treat. It posts through the REST client (rest.ts), not
 * the SDK, whose send path leaks a listener per message.
 */
import { and, eq, inArray } from 'drizzle-orm';
import type { AppContext } from '../../app/context.js';
import { channelMap } from '../../app/channels.js';
import { handleOf } from '../../app/people.js';
import { DeliveryError, type DeliverySink, type OutboundMessage, type OutboxRow } from '../../delivery/sink.js';
import type { Logger } from '../../log.js';
import { identities, ticketThreads, tickets } from '../../store/schema.js';
import { isReply } from '../../views/delivery.js';
import { uploadReplyChart } from './upload.js';
import { carriesInternalNotes, channelSetCommand, commonTicket, mustBroadcast } from '../slack/sink-policy.js';
import { createPacer, type Pacer, type PacingOptions } from './pacing.js';
import { renderMessage } from './render.js';
import { RocketChatApiError, type RocketChatRest, type RocketChatRoomInfo } from './rest.js';

/** What the Rocket.Chat sink needs. */
export interface RocketChatSinkDeps {
  ctx: AppContext;
  rest: RocketChatRest;
  logger: Logger;
  /** The command prefix (DESKOPS_ROCKETCHAT_PREFIX), for buttons and hints. */
  prefix: string;
  /** The server's Message_MaxAllowedSize (default 5000). */
  maxMessageLength?: number;
  /** Pacing; the default posts at most 10 messages a minute (the limiter's default for bots). */
  pacing?: PacingOptions | Pacer;
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
  /** A direct message with one agent: no room lookup needed. */
  direct: boolean;
}

const ROOM_ID = /^[A-Za-z0-9_-]{1,64}$/;
const ROOM_PLACEHOLDER = 'rocketchat:<roomId>';

/** Logical channels a lead maps with /channel set (not people, tickets or raw platform ids). */
function isConfigurable(logical: string): boolean {
  return /^(tier|role|team):/.test(logical);
}

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

/** Rooms that people outside the agents read: livechat (a visitor), federated, a team's main room. */
function isExternal(info: RocketChatRoomInfo): boolean {
  return info.type === 'l' || info.federated || info.teamMain;
}

/** A DeliverySink that posts Replies to Rocket.Chat (see the module comment for what it guarantees). */
export function createRocketChatSink(deps: RocketChatSinkDeps): DeliverySink {
  const { ctx, rest, logger, prefix } = deps;
  const { db } = ctx.store;
  const pacer: Pacer = deps.pacing && 'take' in deps.pacing ? deps.pacing : createPacer(deps.pacing);
  const infoCache = new Map<string, RocketChatRoomInfo>();
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

  async function roomInfo(target: Target): Promise<RocketChatRoomInfo> {
    const cached = infoCache.get(target.rid);
    if (cached) return cached;
    let info;
    try {
      info = await rest.roomInfo(target.rid);
    } catch (error) {
      throw explain(error, target);
    }
    infoCache.set(target.rid, info);
    return info;
  }

  async function personTarget(logical: string, personId: number): Promise<Target> {
    const identity = db
      .select({ username: identities.handle })
      .from(identities)
      .where(and(eq(identities.platform, 'rocketchat'), eq(identities.personId, personId)))
      .get();
    const who = handleOf(ctx, personId) ?? `person ${personId}`;
    if (!identity) throw new DeliveryError(`${who} has no Rocket.Chat identity: nothing to deliver to on Rocket.Chat`, { drop: true });
    const label = `a DM to @${identity.username}`;
    let rid = dmCache.get(identity.username);
    if (!rid) {
      try {
        rid = (await rest.createDirectMessage(identity.username)).rid;
      } catch (error) {
        throw explain(error, { rid: identity.username, label, logical, requesterReads: false, direct: true });
      }
      dmCache.set(identity.username, rid);
    }
    return { rid, label, logical, requesterReads: false, direct: true };
  }

  /** The ticket's thread in `rid`, if one is recorded. */
  function storedThread(ticketId: number, rid: string): string | undefined {
    return db
      .select({ thread: ticketThreads.thread })
      .from(ticketThreads)
      .where(and(eq(ticketThreads.platform, 'rocketchat'), eq(ticketThreads.ticketId, ticketId), inArray(ticketThreads.channel, [rid, `rocketchat:${rid}`])))
      .get()?.thread;
  }

  /** The requester's conversation about a ticket: its room, in the thread it came from when known. */
  function ticketTarget(logical: string, ticketId: number): Target {
    const ticket = db.select({ platform: tickets.chatPlatform, channel: tickets.chatChannel, thread: tickets.chatThread }).from(tickets).where(eq(tickets.id, ticketId)).get();
    const rid = ticket?.platform === 'rocketchat' ? roomId(ticket.channel) : undefined;
    if (!ticket || !rid) throw new DeliveryError(`ticket #${ticketId} has no Rocket.Chat room: nothing to deliver to on Rocket.Chat`, { drop: true });
    const tmid = storedThread(ticketId, rid) ?? ticket.thread ?? undefined;
    return { rid, label: `ticket #${ticketId}'s conversation`, logical, ...(tmid ? { tmid } : {}), requesterReads: true, direct: false };
  }

  async function resolveTarget(logical: string): Promise<Target> {
    const person = /^person:(\d+)$/.exec(logical);
    if (person) return personTarget(logical, Number(person[1]));
    const ticket = /^ticket:(\d+)$/.exec(logical);
    if (ticket) return ticketTarget(logical, Number(ticket[1]));
    const mapped = logical.startsWith('rocketchat:') ? logical : channelMap(ctx)[logical];
    if (!mapped) throw new DeliveryError(unmappedRoomHint(logical, prefix), { permanent: true });
    const label = `${logical} (${mapped})`;
    // A #name reaches this sink only when Rocket.Chat is the primary platform (see platform-sink).
    if (mapped.startsWith('#')) return { rid: await ridByName(mapped.slice(1), logical, label), label, logical, requesterReads: false, direct: false };
    const rid = mapped.startsWith('rocketchat:') ? roomId(mapped) : undefined;
    // Mapped to Slack (slack:…): the Slack sink delivers it.
    if (!rid) throw new DeliveryError(`${logical} is mapped to ${mapped}, not to a Rocket.Chat room`, { drop: true });
    return { rid, label, logical, requesterReads: false, direct: false };
  }

  /** "support-t2" -> its room id, from rooms.info?roomName= (cached, with the room's info). */
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
    infoCache.set(info.id, info);
    return info.id;
  }

  /**
   * The usernames to ping for the rows' mentions. People without a Rocket.Chat identity are not
   * pinged: a handle from another platform could ping the wrong person here.
   */
  function mentions(rows: readonly OutboxRow[]): string[] {
    const ids = [...new Set(rows.flatMap((row) => row.mentions ?? []))];
    if (ids.length === 0) return [];
    const usernames = db
      .select({ personId: identities.personId, username: identities.handle })
      .from(identities)
      .where(and(eq(identities.platform, 'rocketchat'), inArray(identities.personId, ids)))
      .all()
      .map((r) => r.username);
    return usernames;
  }

  /** The ticket's thread in this room, or whether this post starts it (tier rooms only, as in Slack). */
  function threadFor(target: Target, ticketId: number | undefined): { tmid?: string; startsThread: boolean } {
    if (target.tmid) return { tmid: target.tmid, startsThread: false };
    if (ticketId === undefined) return { startsThread: false };
    const tmid = storedThread(ticketId, target.rid);
    if (tmid) return { tmid, startsThread: false };
    return { startsThread: target.logical.startsWith('tier:') };
  }

  return {
    async post(logical: string, message: OutboundMessage, rows: readonly OutboxRow[]): Promise<void> {
      if (!isReply(message)) throw new DeliveryError(`not a Reply: the Rocket.Chat sink cannot post it to ${logical}`, { permanent: true });
      const target = await resolveTarget(logical);
      const internal = rows.filter(carriesInternalNotes);
      if (internal.length > 0) {
        // Looked up only when it matters: rooms.info is rate-limited like every other endpoint.
        const info = target.direct || target.requesterReads ? undefined : await roomInfo(target);
        if (target.requesterReads || (info && isExternal(info))) {
          const where = target.requesterReads ? `the requester reads ${target.label}` : `${target.label} is read outside the team (livechat, federated or a team's main room)`;
          const fix = isConfigurable(target.logical) ? ` Map ${target.logical} to an internal room: ${channelSetCommand(target.logical, ROOM_PLACEHOLDER)}.` : '';
          throw new DeliveryError(`Not posted: ${internal.map((r) => r.dedupeKey).join(', ')} may quote internal notes and ${where}.${fix}`, { permanent: true });
        }
      }
      const ticketId = commonTicket(rows) ?? message.ticketId;
      const { tmid, startsThread } = threadFor(target, ticketId);
      const reply = message;
      const usernames = mentions(rows);
      const rendered = renderMessage(reply, { mentions: usernames, prefix, ...(deps.maxMessageLength ? { maxLength: deps.maxMessageLength } : {}) });
      await pacer.take(target.rid);
      let sent;
      try {
        sent = await rest.sendMessage({ rid: target.rid, ...rendered, ...(tmid ? { tmid, ...(mustBroadcast(rows) ? { tshow: true } : {}) } : {}) });
      } catch (error) {
        throw explain(error, target);
      }
      await uploadReplyChart(rest, reply, target.rid, tmid, logger);
      if (startsThread && ticketId !== undefined) {
        // The first post about a ticket in a room is the ticket's thread there from now on.
        try {
          db.insert(ticketThreads).values({ platform: 'rocketchat', ticketId, channel: target.rid, thread: sent.id, createdAt: ctx.clock.now() }).onConflictDoNothing().run();
        } catch (error) {
          // Posted already: throwing would post it again. Later updates just start another thread.
          logger.error({ err: error, ticketId, room: target.rid }, 'posted a Rocket.Chat ticket thread parent but could not record it');
        }
      }
    },
  };
}
