/**
 * Who is staff: the rules of DESKOPS_STAFF and DESKOPS_ADMINS, and what a platform's directory says
 * about a user, decided without I/O. Staff are chosen (a workspace, a chat role, a hand-made
 * grant), never assumed from having typed something; everyone else is a requester.
 */
import type { Platform, Role, StaffGrant } from './vocabulary.js';

/** What a person may do: a requester asks; staff (agent < lead < admin) work tickets. */
export type Access = 'requester' | Role;

const ACCESS_RANK: Record<Access, number> = { requester: -1, agent: 0, lead: 1, admin: 2 };

/** True when `access` is at least `needed` (admin > lead > agent > requester). */
export function hasAccess(access: Access, needed: Access): boolean {
  return ACCESS_RANK[access] >= ACCESS_RANK[needed];
}

export function isStaffAccess(access: Access): access is Role {
  return access !== 'requester';
}

/** One DESKOPS_STAFF rule: the members of a Slack workspace or Grid org, or holders of a Rocket.Chat role. */
export type StaffRule = { platform: 'slack'; team: string } | { platform: 'rocketchat'; role: string };

/** One DESKOPS_ADMINS entry: an immutable platform user id (a shell name on the shell). */
export interface AdminEntry {
  platform: 'slack' | 'rocketchat' | 'shell';
  id: string;
}

/**
 * What a platform's directory said about a user when deskops last asked (Slack users.info,
 * Rocket.Chat users.info), or that it could not be asked. Adapters gather it; rules read it.
 */
export type DirectoryFacts =
  | {
      platform: 'slack';
      /** The user's own workspace (not the one the command ran in: Slack Connect users belong to another). */
      teamId: string | null;
      enterpriseId: string | null;
      /** Grid: every workspace of the org the user belongs to. */
      teams: readonly string[];
      /** is_restricted / is_ultra_restricted: single- and multi-channel guests. */
      guest: boolean;
      deleted: boolean;
      bot: boolean;
      /** The user's handle and name as Slack shows them (for people deskops meets in events, which carry only an id). */
      handle?: string;
      name?: string;
    }
  | { platform: 'rocketchat'; roles: readonly string[]; active: boolean }
  | { platform: 'unavailable'; reason: string };

/** Slack ids are upper-case letters and digits after their kind's letter (U/W users, T workspaces, E orgs); handles are lower-case. */
const USER_ID_ON_SLACK = /^[UW][A-Z0-9]{2,}$/;
const TEAM_ID_ON_SLACK = /^[TE][A-Z0-9]+$/;
/** Rocket.Chat user ids are Meteor ids: 17 characters of an unambiguous alphabet (digits and letters). */
const ROCKETCHAT_USER_ID = /^[A-Za-z0-9]{17,32}$/;
const SHELL_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/i;
const ROLE_ON_ROCKETCHAT = /^[A-Za-z0-9._-]{1,64}$/;

/** Whether `id` has the form of a Slack user id (U… or W…), as a mention or a DESKOPS_ADMINS entry carries it. */
export function isSlackUserId(id: string): boolean {
  return USER_ID_ON_SLACK.test(id);
}

/** A DESKOPS_ADMINS entry, or why it is refused and what to write instead. */
export function parseAdminEntry(entry: string): AdminEntry | { problem: string } {
  const text = entry.trim();
  const colon = text.indexOf(':');
  if (colon < 0) {
    return {
      problem: `"${text}" names no platform. Write slack:<user id> (like slack:U0123ABC), rocketchat:<user _id> or shell:<name>; a bare entry would match a handle anyone can choose on any platform.`,
    };
  }
  const platform = text.slice(0, colon).toLowerCase();
  const id = text.slice(colon + 1);
  if (platform === 'slack') {
    if (isSlackUserId(id)) return { platform, id };
    return { problem: `"${text}" is not a Slack user id. Write the member id (like slack:U0123ABC: profile > ⋮ > Copy member ID), never a handle, which anyone can take.` };
  }
  if (platform === 'rocketchat') {
    if (ROCKETCHAT_USER_ID.test(id)) return { platform, id };
    return {
      problem: `"${text}" is not a Rocket.Chat user id. Write the user's _id (17 characters, like rocketchat:hw5DThnhQmxDWnavu: Administration > Users, or the users.info API), never a username, which anyone can register.`,
    };
  }
  if (platform === 'shell') {
    if (SHELL_NAME.test(id)) return { platform, id: id.toLowerCase() };
    return { problem: `"${text}" is not a shell user name (letters, digits, . _ -).` };
  }
  return { problem: `"${text}": unknown platform "${platform}". Use slack:, rocketchat: or shell:.` };
}

/** A DESKOPS_STAFF entry, or why it is refused. */
export function parseStaffRule(entry: string): StaffRule | { problem: string } {
  const text = entry.trim();
  const slack = /^slack:team:(.+)$/i.exec(text);
  if (slack) {
    const team = slack[1]!;
    if (TEAM_ID_ON_SLACK.test(team)) return { platform: 'slack', team };
    return { problem: `"${text}": a Slack workspace id starts with T (or E for an Enterprise Grid org), like slack:team:T0123ABC.` };
  }
  const role = /^rocketchat:role:(.+)$/i.exec(text);
  if (role) {
    const name = role[1]!;
    if (ROLE_ON_ROCKETCHAT.test(name)) return { platform: 'rocketchat', role: name };
    return { problem: `"${text}": a Rocket.Chat role is a name like support (letters, digits, . _ -).` };
  }
  return { problem: `"${text}" is not a staff rule. Write slack:team:<T… or E… id> or rocketchat:role:<role>.` };
}

/** Whether `admins` names this platform user, by immutable id only. */
export function isListedAdmin(admins: readonly AdminEntry[], platform: Platform, externalId: string): boolean {
  return admins.some((admin) => admin.platform === platform && (platform === 'shell' ? admin.id === externalId.toLowerCase() : admin.id === externalId));
}

/** Whether a rule makes this user staff, from what their directory says. Unknown facts grant nothing. */
export function ruleCovers(rules: readonly StaffRule[], platform: Platform, facts: DirectoryFacts | undefined): boolean {
  if (!facts || facts.platform !== platform) return false;
  if (facts.platform === 'slack') {
    if (facts.guest || facts.deleted || facts.bot) return false;
    return rules.some(
      (rule) =>
        rule.platform === 'slack' &&
        (rule.team.startsWith('E') ? rule.team === facts.enterpriseId : rule.team === facts.teamId || facts.teams.includes(rule.team)),
    );
  }
  if (facts.platform === 'rocketchat') {
    if (!facts.active) return false;
    return rules.some((rule) => rule.platform === 'rocketchat' && facts.roles.includes(rule.role));
  }
  return false;
}

/** Whether any rule is about `platform`: without one, only admins and hand-added people are staff there. */
export function hasRuleFor(rules: readonly StaffRule[], platform: Platform): boolean {
  return rules.some((rule) => rule.platform === platform);
}

/** Everything that decides one person's access, gathered by the caller. */
export interface AccessInput {
  platform: Platform;
  /** Named by DESKOPS_ADMINS, or the shell's local user. */
  admin: boolean;
  grant: StaffGrant | null;
  /** The role the person has while staff. */
  role: Role;
  /** A DESKOPS_STAFF rule covers them right now. */
  covered: boolean;
}

/**
 * The access a person has right now. An admin from the environment is always admin; the shell is
 * the operator's own terminal, so its people are staff; a hand-made grant beats the rules either
 * way; otherwise the rules decide, and nobody is staff by default.
 */
export function accessFor(input: AccessInput): Access {
  if (input.admin) return 'admin';
  if (input.grant === 'removed') return 'requester';
  if (input.platform === 'shell' || input.grant === 'added' || input.covered) return input.role;
  return 'requester';
}
