/** /channel (alias /channels): where deskops posts each kind of notification. */
import { CHANNEL_NAMES, listChannels, setChannel } from '../app/channel-settings.js';
import { UsageError } from '../app/errors.js';
import { channelSetReply, channelsReply } from '../views/channels.js';
import type { ArgReader } from './args.js';
import type { CommandRegistry } from './registry.js';
import { tokenSource } from './tokenize.js';

/** The next argument exactly as typed: "tier:t2" and "slack:C0123" lex as options, "<#C0123|x>" as a word. */
function rawArgument(args: ArgReader, what: string): string {
  const token = args.next();
  if (!token) throw new UsageError(`Missing ${what}.`, '');
  return token.kind === 'quoted' ? token.value : tokenSource(args.source, token);
}

/** Registers the /channel family. */
export function registerChannelCommands(registry: CommandRegistry): void {
  registry.family({ name: 'channel', aliases: ['channels'], summary: 'where deskops posts: tier, role and team channels' });

  registry.define({
    path: ['channel', 'set'],
    usage: `/channel set ${CHANNEL_NAMES.join('|')} <#channel>`,
    summary: 'Post the notifications of one logical channel (a tier queue, helpdesk, leads, a team) to a real channel.',
    role: 'lead',
    examples: ['/channel set t2 #support-t2', '/channel set support-dev #support-dev', '/channel set leads slack:C0123ABCD', '/channel set t1 rocketchat:GENERAL'],
    run(args, ctx) {
      const name = rawArgument(args, `the logical channel (${CHANNEL_NAMES.join(', ')})`);
      const channel = rawArgument(args, 'the channel to post to (#name)');
      args.end();
      return channelSetReply(setChannel(ctx, { name, channel }));
    },
  });

  registry.define({
    path: ['channel', 'show'],
    readsOnly: true,
    aliases: ['list', 'ls'],
    usage: '/channel show',
    summary: 'Every logical channel and the real channel it posts to; unconfigured ones are flagged.',
    run(args, ctx) {
      args.end();
      return channelsReply(listChannels(ctx));
    },
  });
}
