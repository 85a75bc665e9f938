/**
 * Intake channels: rooms where customers write, whose messages agents turn into tickets (a
 * :ticket: reaction, Slack's message shortcut, Rocket.Chat's `!ticket from <link>`). One team
 * setting lists them as stored channels ("slack:C0123", "rocketchat:<roomId>", "#support").
 */
import { z } from 'zod';
import type { Platform } from '../domain/vocabulary.js';
import type { AppContext } from './context.js';
import { readSetting } from './team-settings.js';

export const INTAKE_SETTING = 'intake-channels';

const channelListSchema = z.array(z.string());

/** Every intake channel as stored. */
export function listIntakeChannels(ctx: AppContext): string[] {
  return readSetting(ctx, INTAKE_SETTING, channelListSchema, []);
}

/**
 * Whether a room is an intake channel: by its platform id, or by its name ("#support") when the
 * caller knows it (Rocket.Chat rooms are often configured by name).
 */
export function isIntakeChannel(ctx: AppContext, platform: Platform, channelId: string, channelName?: string): boolean {
  const listed = listIntakeChannels(ctx);
  return listed.includes(`${platform}:${channelId}`) || (channelName !== undefined && listed.includes(`#${channelName.toLowerCase()}`));
}

/** What a reaction on a chat message does (the same on every platform). */
export const REACTION_ACTIONS = ['create-ticket', 'assign', 'resolve'] as const;
export type ReactionAction = (typeof REACTION_ACTIONS)[number];

/** team_settings key: reaction name -> action, replacing the defaults as a whole (named when only Slack had reactions). */
export const REACTIONS_SETTING = 'slack-reactions';

export const DEFAULT_REACTIONS: Readonly<Record<string, ReactionAction>> = { ticket: 'create-ticket', eyes: 'assign', white_check_mark: 'resolve' };

const reactionMapSchema = z.record(z.string(), z.enum(REACTION_ACTIONS));

/**
 * The action a reaction stands for, if any, by its bare name ("ticket"; Rocket.Chat's ":ticket:"
 * and Slack's skin tones, "thumbsup::skin-tone-2", count as the base reaction).
 */
export function reactionAction(ctx: AppContext, reaction: string): ReactionAction | undefined {
  return reactionMap(ctx)[reactionName(reaction)];
}

/** What each reaction does: the team's map (/settings reaction), or the defaults. */
export function reactionMap(ctx: AppContext): Readonly<Record<string, ReactionAction>> {
  return readSetting(ctx, REACTIONS_SETTING, reactionMapSchema, DEFAULT_REACTIONS);
}

/** A reaction's bare name: ":ticket:" -> "ticket", "thumbsup::skin-tone-2" -> "thumbsup". */
export function reactionName(reaction: string): string {
  return reaction.replace(/^:/, '').split(':')[0]!;
}
