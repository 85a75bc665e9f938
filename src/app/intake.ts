/**
 * Intake channels: rooms where customers write, whose messages agents turn into tickets (a
 * :ticket: reaction, Slack's message shortcut, Rocket.Chat's `!ticket from <link>`). One team
 * setting lists them as stored channels ("slack:C0123", "rocketchat:<roomId>", "#support").
 */
import { z } from 'zod';
import type { Platform } from '../domain/vocabulary.js';
import { normalizeChannel } from './channel-settings.js';
import { channelMap } from './channels.js';
import type { AppContext, RequestContext } from './context.js';
import { invalid } from './errors.js';
import { requireRole } from './people.js';
import { readSetting, writeSetting } from './team-settings.js';

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

/** The change an add or remove made. */
export interface IntakeChange {
  channel: string;
  changed: boolean;
  channels: string[];
}

/**
 * The channel a lead typed, as stored. "here" is the room the command was typed in, which is how
 * Rocket.Chat users name a room without looking up its id.
 */
function intakeChannelFrom(ctx: RequestContext, raw: string): string {
  if (raw.trim().toLowerCase() === 'here') {
    const { platform, channel } = ctx.origin;
    if (platform === 'shell' || !channel) throw invalid('"here" means the chat room you type in; the shell has none.', 'Name the room: /channel intake add rocketchat:<roomId> or slack:C0123ABCD.');
    return `${platform}:${channel}`;
  }
  const channel = normalizeChannel(raw);
  if (!channel) throw invalid(`"${raw}" is not a channel.`, 'Type it as #support, here, or a platform id such as slack:C0123ABCD or rocketchat:<roomId>.');
  return channel;
}

/** Adds an intake channel (leads and admins; audited as a setting change). */
export function addIntakeChannel(ctx: RequestContext, raw: string): IntakeChange {
  return ctx.store.transaction(() => {
    requireRole(ctx, 'lead', 'configure intake channels');
    const channel = intakeChannelFrom(ctx, raw);
    const channels = listIntakeChannels(ctx);
    if (channels.includes(channel)) return { channel, changed: false, channels };
    // A channel for staff notifications (a tier queue, the leads) must not become a room customers write in.
    const mapped = Object.entries(channelMap(ctx)).find(([, real]) => real === channel);
    if (mapped) {
      const short = mapped[0].split(':')[1];
      throw invalid(`${channel} is where deskops posts ${mapped[0]} notifications, which carry internal notes.`, `Map ${short} to another channel first (/channel set ${short} #<internal-channel>), or pick another room for requesters.`);
    }
    const next = [...channels, channel];
    writeSetting(ctx, INTAKE_SETTING, next);
    return { channel, changed: true, channels: next };
  });
}

/** Removes an intake channel (leads and admins; audited as a setting change). */
export function removeIntakeChannel(ctx: RequestContext, raw: string): IntakeChange {
  return ctx.store.transaction(() => {
    requireRole(ctx, 'lead', 'configure intake channels');
    const channel = intakeChannelFrom(ctx, raw);
    const channels = listIntakeChannels(ctx);
    if (!channels.includes(channel)) return { channel, changed: false, channels };
    const next = channels.filter((c) => c !== channel);
    writeSetting(ctx, INTAKE_SETTING, next);
    return { channel, changed: true, channels: next };
  });
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
