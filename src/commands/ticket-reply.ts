/** /ticket reply: a public reply, from a macro or typed, that can set the status in the same command. */
import { UsageError } from '../app/errors.js';
import { replyToTicket } from '../app/ticket-reply.js';
import { describeConversation } from '../app/conversations.js';
import { PRIORITY_LABELS, STATUS_LABELS } from '../domain/vocabulary.js';
import { success } from '../views/reply.js';
import { macroEffects } from './macro.js';
import type { CommandDefinition } from './registry.js';
import { holdDaysOption, replyStatusOption } from './reply-options.js';

export const ticketReplyCommand: CommandDefinition = {
  path: ['ticket', 'reply'],
  usage: '/ticket reply <id> [macro:<name>] [status:pending|resolved|waiting|review|open|hold:<N>d] <text>',
  summary:
    "Adds a public reply to the requester. macro: sends a macro (with its placeholders filled; any text after it is added below) and applies what it sets; status: or hold: moves the ticket in the same step.",
  examples: [
    '/ticket reply 42 Thanks, we can reproduce it and are on it.',
    '/ticket reply 42 status:pending The fix is in 6.5.1; does it work for you?',
    '/ticket reply 42 macro:trial-offer',
    '/ticket reply 42 hold:3d We will check back once the release is out.',
  ],
  run(args, ctx) {
    const id = args.ticketId();
    const options = args.leadingOptions({
      macro: (value) => value,
      status: (value, key) => replyStatusOption(value, key),
      hold: (value, key) => holdDaysOption(value, key),
    });
    if (options.status !== undefined && options.hold !== undefined) throw new UsageError('Give status: or hold:, not both.', '');
    const text = args.restText();
    if (!text && options.macro === undefined) throw new UsageError('Add the reply text after the ticket number (or macro:<name>).', '');
    const outcome = replyToTicket(ctx, {
      ticketId: id,
      text,
      ...(options.macro !== undefined ? { macro: options.macro } : {}),
      ...(options.hold !== undefined ? { status: 'hold' as const, holdDays: options.hold } : options.status !== undefined ? { status: options.status } : {}),
    });
    const done: string[] = [];
    if (outcome.statusSet) done.push(outcome.statusSet.status === 'hold' ? `on Hold for ${outcome.statusSet.holdDays} day${outcome.statusSet.holdDays === 1 ? '' : 's'}` : `now ${STATUS_LABELS[outcome.statusSet.status]}`);
    if (outcome.prioritySet) done.push(`priority ${PRIORITY_LABELS[outcome.ticket.priority]}`);
    if (outcome.tagsAdded.length > 0) done.push(`tagged ${outcome.tagsAdded.map((t) => `${t.family}:${t.name}`).join(', ')}`);
    const title = `Reply added to #${id}${outcome.macro ? ` from macro ${outcome.macro.name}` : ''}${done.length > 0 ? `; ${done.join(', ')}` : ''}`;
    const buttons = outcome.ticket.status === 'open' ? [{ label: 'Mark pending', command: `/ticket status ${id} pending` }] : [];
    const delivered =
      outcome.delivery.kind === 'none'
        ? `Not sent to the requester: ${outcome.delivery.why}. Record an address they read: /ticket edit ${id} requester <email>.`
        : `Sent to the requester ${describeConversation(outcome.delivery)}.`;
    return success(title, { text: delivered, buttons, ticketId: id, ...(outcome.macro && macroEffects(outcome.macro) ? { footer: `Macro ${outcome.macro.name}: ${macroEffects(outcome.macro)}` } : {}) });
  },
};
