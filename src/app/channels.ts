/**
 * Logical channels: where deskops posts, named by purpose ("tier:t2", "role:helpdesk"), mapped
 * to real chat channels per team. Adapters resolve them; unmapped ones fall back to the logical
 * name (which the shell prints as is).
 */
import { z } from 'zod';
import { TIERS, HANDOFF_TEAMS } from '../domain/vocabulary.js';
import type { AppContext } from './context.js';
import { readSetting } from './team-settings.js';

/** Channels deskops needs configured for its notifications to reach people. */
export const LOGICAL_CHANNELS = [
  ...TIERS.map((t) => `tier:${t}`),
  'role:helpdesk',
  'role:support-dev',
  'role:leads',
  ...HANDOFF_TEAMS.map((t) => `team:${t}`),
] as const;

/** Short names people type: "t2", "helpdesk", "engagement" -> the logical channel. */
export function logicalChannelFor(name: string): string | undefined {
  const lowered = name.toLowerCase().replace(/^#/, '');
  return LOGICAL_CHANNELS.find((c) => c === lowered || c.split(':')[1] === lowered);
}

export const channelMapSchema = z.record(z.string(), z.string().min(1));
export type ChannelMap = z.infer<typeof channelMapSchema>;

/** The configured map from logical channel to real channel ("tier:t2" -> "#support-t2"). */
export function channelMap(ctx: AppContext): ChannelMap {
  return readSetting(ctx, 'channels', channelMapSchema, {});
}

/** The logical channels with no real channel configured. */
export function unconfiguredChannels(ctx: AppContext): string[] {
  const map = channelMap(ctx);
  return LOGICAL_CHANNELS.filter((c) => !map[c]);
}
