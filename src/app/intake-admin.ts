/**
 * Adding and removing intake channels (leads). Apart from src/app/intake.ts, which only reads them,
 * because the permission check reads them too (a requester is pointed to an intake channel).
 */
import { normalizeChannel } from './channel-settings.js';
import { channelMap } from './channels.js';
import type { RequestContext } from './context.js';
import { invalid } from './errors.js';
import { INTAKE_SETTING, listIntakeChannels } from './intake.js';
import { requireRole } from './people.js';
import { writeSetting } from './team-settings.js';

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
