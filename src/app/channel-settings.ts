/** Configuring where notifications go: map a logical channel (tier:t2) to a real one (#support-t2). */
import { channelMap, LOGICAL_CHANNELS, logicalChannelFor } from './channels.js';
import type { AppContext, RequestContext } from './context.js';
import { invalid } from './errors.js';
import { requireRole } from './people.js';
import { writeSetting } from './team-settings.js';
import { listIntakeChannels } from './intake.js';
import { closestMatches } from '../domain/text.js';

/** The short names people type for each logical channel: "t2", "helpdesk", "engagement". */
export const CHANNEL_NAMES: readonly string[] = LOGICAL_CHANNELS.map((c) => c.split(':')[1]!);

/** A mapping change: the logical channel, its real channel now and before. */
export interface ChannelChange {
  logical: string;
  channel: string;
  before: string | null;
  changed: boolean;
}

/** One logical channel and where it posts (null: not configured). */
export interface ChannelEntry {
  logical: string;
  channel: string | null;
}

const CHANNEL_LINK_PATTERN = /^<#([A-Z0-9]+)(?:\|[^>]*)?>$/i;
const PLATFORM_CHANNEL = /^(slack|rocketchat):([A-Za-z0-9_-]{1,64})$/i;
const CHANNEL_NAME = /^#?([a-z0-9][a-z0-9._-]{0,79})$/i;

/**
 * A real channel as stored: "#support-t2" (lower-cased), or a platform id "slack:C0123" (also from
 * Slack's <#C0123|name> link) or "rocketchat:<room id>"; undefined when it is none of these.
 */
export function normalizeChannel(raw: string): string | undefined {
  const text = raw.trim();
  const link = CHANNEL_LINK_PATTERN.exec(text);
  if (link) return `slack:${link[1]!.toUpperCase()}`;
  const platform = PLATFORM_CHANNEL.exec(text);
  if (platform) return `${platform[1]!.toLowerCase()}:${platform[2]}`;
  const name = CHANNEL_NAME.exec(text);
  return name ? `#${name[1]!.toLowerCase()}` : undefined;
}

function logicalOrThrow(name: string): string {
  const logical = logicalChannelFor(name);
  if (logical) return logical;
  const near = closestMatches(name.toLowerCase().replace(/^#/, ''), CHANNEL_NAMES, 1);
  throw invalid(`"${name}" is not one of deskops' channels.${near.length > 0 ? ` Did you mean ${near[0]}?` : ''}`, `Use one of: ${CHANNEL_NAMES.join(', ')}.`);
}

/** Maps a logical channel to a real one (leads and admins; audited as 'setting.changed' on "channels"). */
export function setChannel(ctx: RequestContext, input: { name: string; channel: string }): ChannelChange {
  return ctx.store.transaction(() => {
    requireRole(ctx, 'lead', 'configure channels');
    const logical = logicalOrThrow(input.name);
    const channel = normalizeChannel(input.channel);
    if (!channel) {
      throw invalid(`"${input.channel}" is not a channel.`, 'Type it as #support-t2, or as a platform id such as slack:C0123ABCD or rocketchat:<roomId>.');
    }
    refuseRequesterPlace(ctx, channel, logical);
    const map = channelMap(ctx);
    const before = map[logical] ?? null;
    if (before === channel) return { logical, channel, before, changed: false };
    writeSetting(ctx, 'channels', { ...map, [logical]: channel });
    return { logical, channel, before, changed: true };
  });
}

/**
 * A channel requesters read (an intake channel; one the platform says is shared with another
 * organisation or has members who are not staff) cannot take staff notifications: refused here,
 * as the sinks would refuse every message sent there.
 */
function refuseRequesterPlace(ctx: RequestContext, channel: string, logical: string): void {
  const short = logical.split(':')[1];
  const hint = `Pick a channel only the support team reads: /channel set ${short} #<internal-channel>.`;
  if (listIntakeChannels(ctx).includes(channel)) throw invalid(`${channel} is an intake channel: requesters read it, and ${logical} carries internal notes.`, hint);
  const place = ctx.places?.get(channel);
  if (place?.readers === 'requester') throw invalid(`${channel} is read by people outside the support team${place.why ? ` (${place.why})` : ''}, and ${logical} carries internal notes.`, hint);
}

/** Every logical channel in a fixed order, with its real channel or null. */
export function listChannels(ctx: AppContext): ChannelEntry[] {
  const map = channelMap(ctx);
  return LOGICAL_CHANNELS.map((logical) => ({ logical, channel: map[logical] ?? null }));
}
