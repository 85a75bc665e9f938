/**
 * Who a Rocket.Chat user is to deskops, and who reads a room: users.info gives a user's roles for
 * the DESKOPS_STAFF rule (cached briefly, adapters/directory-cache.ts), and a room's members say
 * whether anyone but staff reads it. Rooms people outside the team read (intake rooms, livechat,
 * federated rooms, a team's main room, rooms with any member who is not staff, very large rooms)
 * never get staff-only text.
 */
import { LRUCache } from 'lru-cache';
import type { Settings } from '../../config.js';
import type { EnginePort } from '../../engine/port.js';
import { hasRuleFor, type DirectoryFacts } from '../../domain/access.js';
import type { Logger } from '../../log.js';
import { createDirectoryCache, type DirectoryCache } from '../directory-cache.js';
import type { RocketChatRest, RocketChatRoomInfo, RocketChatUser } from './rest.js';

/** Rooms with more members than this are treated as read by outsiders (checking each is too costly). */
export const MAX_CHECKED_MEMBERS = 200;
/** Users.info calls one room check may make for members deskops knows nothing about. */
const LOOKUPS_PER_CHECK = 10;
/** How long a room's readers are trusted. */
const ROOM_TTL_MS = 60_000;

/** A room's readers: whether only staff read it, and who its members are (the bot left out). */
export interface RoomReaders {
  staffOnly: boolean;
  memberIds: readonly string[];
}

export interface RocketChatPeople {
  /** Makes the user's facts fresh before their request runs (no call when no Rocket.Chat rule exists). */
  refresh(userId: string): Promise<void>;
  facts(userId: string): DirectoryFacts | undefined;
  /** Keeps what a users.info by username said (reactions name people by username). */
  remember(user: RocketChatUser): void;
  /** Who reads `rid`; throws the server's error when it cannot say (callers treat that as "not only staff"). */
  readers(rid: string): Promise<RoomReaders>;
}

export function rocketChatFacts(user: Pick<RocketChatUser, 'roles' | 'active'>): DirectoryFacts {
  return { platform: 'rocketchat', roles: user.roles, active: user.active };
}

/** Rooms read outside the agents by their nature: livechat (a visitor), federated, a team's main room. */
export function isExternalRoom(info: RocketChatRoomInfo): boolean {
  return info.type === 'l' || info.federated || info.teamMain;
}

export interface RocketChatPeopleDeps {
  /** The engine: who is staff (the stored grants), which rooms are intake rooms. */
  engine: Pick<EnginePort, 'isRequester' | 'roomFacts'>;
  /** The staff rules (DESKOPS_STAFF): whether Rocket.Chat's roles matter at all. */
  settings: Pick<Settings, 'staffRules'>;
  rest: RocketChatRest;
  logger: Logger;
  /** The bot's own user id, once logged in. */
  botId: () => string | undefined;
  /** Room details, cached by the caller. */
  roomInfo(rid: string): Promise<RocketChatRoomInfo>;
}

export function createRocketChatPeople(deps: RocketChatPeopleDeps, ttlMs?: number): RocketChatPeople {
  const { engine, rest, logger } = deps;
  const relevant = hasRuleFor(deps.settings.staffRules, 'rocketchat');
  const directory: DirectoryCache = createDirectoryCache(async (userId) => rocketChatFacts(await rest.userById(userId)), logger, ttlMs);
  // A room's members, cached with its slug; whether it is an intake room is read fresh every time
  // (a lead's /channel intake add applies at once, even to a room checked a moment before).
  const rooms = new LRUCache<string, { readers: RoomReaders; slug?: string }>({ max: 2_000, ttl: ROOM_TTL_MS });
  const outsiders: RoomReaders = { staffOnly: false, memberIds: [] };
  const isIntake = async (rid: string, slug?: string) => (await engine.roomFacts('rocketchat', rid, null, slug ?? null)).intake;

  /** Whether a member is staff as far as deskops can tell (admins, grants, the rule), asking the server within `budget`. */
  async function isStaffMember(userId: string, budget: { left: number }): Promise<boolean> {
    if (relevant && directory.cached(userId) === undefined && budget.left > 0) {
      budget.left--;
      await directory.lookup(userId);
    }
    return !(await engine.isRequester('rocketchat', { externalId: userId, handle: userId, ...(relevant ? withFacts(directory.cached(userId)) : {}) }));
  }

  async function check(rid: string): Promise<{ readers: RoomReaders; slug?: string }> {
    const info = await deps.roomInfo(rid);
    const slug = info.slug ? { slug: info.slug } : {};
    if (isExternalRoom(info)) return { readers: outsiders, ...slug };
    const { members, total } = await rest.roomMembers(rid, info.type, MAX_CHECKED_MEMBERS + 1);
    const bot = deps.botId();
    const memberIds = members.map((m) => m.id).filter((id) => id !== bot);
    if (total > MAX_CHECKED_MEMBERS) return { readers: { staffOnly: false, memberIds }, ...slug };
    const budget = { left: LOOKUPS_PER_CHECK };
    for (const id of memberIds) if (!(await isStaffMember(id, budget))) return { readers: { staffOnly: false, memberIds }, ...slug };
    return { readers: { staffOnly: true, memberIds }, ...slug };
  }

  return {
    async refresh(userId) {
      if (relevant) await directory.lookup(userId);
    },
    facts: (userId) => (relevant ? directory.cached(userId) : undefined),
    remember(user) {
      directory.remember(user.id, rocketChatFacts(user));
    },
    async readers(rid) {
      if (await isIntake(rid)) return outsiders;
      let answer = rooms.get(rid);
      if (!answer) {
        answer = await check(rid);
        rooms.set(rid, answer);
      }
      return (await isIntake(rid, answer.slug)) ? outsiders : answer.readers;
    },
  };
}

function withFacts(facts: DirectoryFacts | undefined): { facts?: DirectoryFacts } {
  return facts ? { facts } : {};
}
