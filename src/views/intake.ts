/** Replies about intake channels: /channel intake list|add|remove. */
import type { IntakeChange } from '../app/intake-admin.js';
import { info, success, type Reply } from './reply.js';

const HOW = 'A :ticket: reaction on a message there opens a ticket with its author as requester; in Rocket.Chat, so does !ticket from <message link>.';

/** The reply to `/channel intake list`. */
export function intakeListReply(channels: readonly string[]): Reply {
  if (channels.length === 0) return info('No intake channels yet', { text: `Leads add one with /channel intake add #support (or "here" in the room itself). ${HOW}` });
  return info(`${channels.length} intake channel${channels.length === 1 ? '' : 's'}`, { sections: [{ lines: channels.map((c) => `• ${c}`) }], footer: HOW });
}

/** The reply to `/channel intake add|remove`. */
export function intakeChangeReply(change: IntakeChange, verb: 'add' | 'remove'): Reply {
  if (!change.changed) return info(verb === 'add' ? `${change.channel} is already an intake channel.` : `${change.channel} is not an intake channel.`);
  return success(verb === 'add' ? `${change.channel} is now an intake channel` : `${change.channel} is no longer an intake channel`, {
    text: verb === 'add' ? HOW : `Intake channels now: ${change.channels.join(', ') || 'none'}.`,
  });
}
