/** Replies about channel configuration: /channel set and /channel show. */
import type { ChannelChange, ChannelEntry } from '../app/channel-settings.js';
import { info, success, warning, type Reply } from './reply.js';

/** The reply to `/channel set`. */
export function channelSetReply(change: ChannelChange): Reply {
  if (!change.changed) return info(`${change.logical} already posts to ${change.channel}.`);
  return success(`${change.logical} now posts to ${change.channel}`, {
    visibility: 'ephemeral',
    text: change.before ? `Was ${change.before}.` : 'It was not configured before.',
  });
}

/** The reply to `/channel show`: every logical channel, unconfigured ones flagged. */
export function channelsReply(entries: readonly ChannelEntry[]): Reply {
  const missing = entries.filter((e) => e.channel === null).length;
  const width = Math.max(...entries.map((e) => e.logical.length));
  // Padding outside the code span: a span ending in a space would not close.
  const lines = entries.map((e) => `\`${e.logical}\`${' '.repeat(width - e.logical.length)}  ${e.channel ?? '⚠ not configured'}`);
  const title = missing === 0 ? `All ${entries.length} channels are configured` : `${missing} of ${entries.length} channels not configured`;
  const extras = {
    sections: [{ lines }],
    footer: 'Leads map them with /channel set <name> <#channel>, e.g. /channel set t2 #support-t2. Notifications for an unconfigured channel show its logical name.',
  };
  return missing === 0 ? info(title, extras) : warning(title, extras);
}
