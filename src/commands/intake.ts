/** /channel intake list|add|remove: the rooms whose messages become tickets. */
import { addIntakeChannel, removeIntakeChannel } from '../app/intake-admin.js';
import { listIntakeChannels } from '../app/intake.js';
import { UsageError } from '../app/errors.js';
import { intakeChangeReply, intakeListReply } from '../views/intake.js';
import type { ArgReader } from './args.js';
import type { CommandRegistry } from './registry.js';
import { tokenSource } from './tokenize.js';

/** The channel argument exactly as typed ("rocketchat:abc" lexes as an option, "<#C1|x>" as a word). */
function channelArgument(args: ArgReader): string {
  const token = args.next();
  if (!token) throw new UsageError('Missing the channel: #support, here, or a platform id such as rocketchat:<roomId>.', '');
  return token.kind === 'quoted' ? token.value : tokenSource(args.source, token);
}

/** Registers the intake commands under /channel (call after registerChannelCommands). */
export function registerIntakeCommands(registry: CommandRegistry): void {
  registry.define({
    path: ['channel', 'intake', 'list'],
    readsOnly: true,
    usage: '/channel intake list',
    summary: 'The intake channels: rooms where a :ticket: reaction or !ticket from <link> turns a message into a ticket.',
    run(args, ctx) {
      args.end();
      return intakeListReply(listIntakeChannels(ctx));
    },
  });

  registry.define({
    path: ['channel', 'intake', 'add'],
    usage: '/channel intake add <#channel|here>',
    summary: "Make a room an intake channel: its messages can become tickets, their author the requester.",
    role: 'lead',
    examples: ['/channel intake add #support', '/channel intake add here', '/channel intake add rocketchat:GENERAL'],
    run(args, ctx) {
      const channel = channelArgument(args);
      args.end();
      return intakeChangeReply(addIntakeChannel(ctx, channel), 'add');
    },
  });

  registry.define({
    path: ['channel', 'intake', 'remove'],
    aliases: ['rm'],
    usage: '/channel intake remove <#channel|here>',
    summary: 'Stop treating a room as an intake channel.',
    role: 'lead',
    examples: ['/channel intake remove #support'],
    run(args, ctx) {
      const channel = channelArgument(args);
      args.end();
      return intakeChangeReply(removeIntakeChannel(ctx, channel), 'remove');
    },
  });
}
