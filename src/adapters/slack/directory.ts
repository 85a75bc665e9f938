/**
 * What Slack says about a user, for the DESKOPS_STAFF rules: their own workspace (a Slack Connect
 * user belongs to another organisation even in our channel), Grid org and workspaces, guest,
 * deleted and bot flags, from users.info, cached briefly (adapters/directory-cache.ts).
 */
import type { WebClient } from '@slack/web-api';
import { LRUCache } from 'lru-cache';
import { hasRuleFor, type DirectoryFacts, type StaffRule } from '../../domain/access.js';
import type { Logger } from '../../log.js';
import { createDirectoryCache, type DirectoryCache } from '../directory-cache.js';

interface SlackUserInfo {
  id?: string;
  name?: string;
  real_name?: string;
  profile?: { display_name?: string; real_name?: string };
  team_id?: string;
  deleted?: boolean;
  is_bot?: boolean;
  is_app_user?: boolean;
  is_restricted?: boolean;
  is_ultra_restricted?: boolean;
  enterprise_user?: { enterprise_id?: string; teams?: string[] };
}

/** The facts in a users.info answer. */
export function slackFacts(user: SlackUserInfo): DirectoryFacts {
  return {
    platform: 'slack',
    teamId: user.team_id ?? null,
    enterpriseId: user.enterprise_user?.enterprise_id ?? null,
    teams: user.enterprise_user?.teams ?? [],
    guest: user.is_restricted === true || user.is_ultra_restricted === true,
    deleted: user.deleted === true,
    bot: user.is_bot === true || user.is_app_user === true,
    ...(user.name ? { handle: user.name } : {}),
    ...((user.profile?.real_name || user.real_name) ? { name: (user.profile?.real_name || user.real_name)! } : {}),
  };
}

export interface SlackDirectory {
  /**
   * Makes sure the user's facts are fresh (call it before the request runs). `userTeam` is the
   * payload's word on the user's own workspace, where it has one: when no rule names that
   * workspace, the user cannot be covered and Slack is not asked.
   */
  refresh(userId: string, userTeam?: string): Promise<void>;
  /** The facts for the request (undefined when no Slack rule exists: nothing to check). */
  facts(userId: string): DirectoryFacts | undefined;
}

/** The directory for `rules`; with no Slack rule it never calls Slack. */
export function createSlackDirectory(client: Pick<WebClient, 'users'>, rules: readonly StaffRule[], logger: Logger, ttlMs?: number): SlackDirectory {
  const relevant = hasRuleFor(rules, 'slack');
  const teams = new Set(rules.flatMap((rule) => (rule.platform === 'slack' ? [rule.team] : [])));
  const orgRule = [...teams].some((team) => team.startsWith('E'));
  const cache: DirectoryCache = createDirectoryCache(
    async (userId) => {
      const answer = await client.users.info({ user: userId });
      return slackFacts((answer.user ?? {}) as SlackUserInfo);
    },
    logger,
    ttlMs,
  );
  const outsiders = new LRUCache<string, DirectoryFacts>({ max: 20_000 });
  return {
    async refresh(userId, userTeam) {
      if (!relevant) return;
      if (userTeam && !orgRule && !teams.has(userTeam)) {
        // Another organisation's user (Slack Connect): no rule can cover them, no need to ask.
        outsiders.set(userId, { platform: 'slack', teamId: userTeam, enterpriseId: null, teams: [], guest: false, deleted: false, bot: false });
        return;
      }
      outsiders.delete(userId);
      await cache.lookup(userId);
    },
    facts(userId) {
      if (!relevant) return undefined;
      return outsiders.get(userId) ?? cache.cached(userId);
    },
  };
}
