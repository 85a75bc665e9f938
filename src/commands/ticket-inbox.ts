/** /ticket inbox: requesters' new messages waiting for an agent to say which ticket they belong to. */
import { addPendingToTicket, listPendingMessages, openPendingAsTicket } from '../app/pending-messages.js';
import { oneLine } from '../views/format.js';
import { info, success } from '../views/reply.js';
import type { ArgReader } from './args.js';
import type { CommandRegistry } from './registry.js';
import { UsageError } from '../app/errors.js';

/** Characters of each message shown in the list. */
const EXCERPT = 120;

function messageNumber(args: ArgReader): number {
  const raw = args.word('the message number (from /ticket inbox)');
  const n = /^#?(\d{1,12})$/.exec(raw)?.[1];
  if (n === undefined) throw new UsageError(`"${raw}" is not a message number.`, '');
  return Number(n);
}

/** Registers /ticket inbox, /ticket inbox add and /ticket inbox new (call after registerTicketCommands). */
export function registerInboxCommands(registry: CommandRegistry): void {
  registry.define({
    path: ['ticket', 'inbox'],
    readsOnly: true,
    usage: '/ticket inbox',
    summary: "Requesters' new messages written while they had a ticket open there: add each to that ticket, or open a new one.",
    run(args, ctx) {
      args.end();
      const rows = listPendingMessages(ctx);
      if (rows.length === 0) return info('No messages are waiting.', { text: 'A requester who writes again while a ticket of theirs is open shows up here.' });
      return info(`${rows.length} message${rows.length === 1 ? '' : 's'} waiting`, {
        sections: rows.map((row) => {
          const text = oneLine(row.body);
          return { heading: `${row.id}. ${row.author}${row.candidateId ? ` (open: #${row.candidateId})` : ''}`, lines: [text.length > EXCERPT ? `${text.slice(0, EXCERPT - 1)}…` : text] };
        }),
        buttons: rows.slice(0, 5).flatMap((row) => [
          ...(row.candidateId ? [{ label: `${row.id}: add to #${row.candidateId}`, command: `/ticket inbox add ${row.id}` }] : []),
          { label: `${row.id}: new ticket`, command: `/ticket inbox new ${row.id}` },
        ]),
      });
    },
  });

  registry.define({
    path: ['ticket', 'inbox', 'add'],
    usage: '/ticket inbox add <message> [to:<ticket>]',
    summary: "Adds a waiting message to the ticket it was offered for (or another): it counts as the requester's reply there.",
    examples: ['/ticket inbox add 3', '/ticket inbox add 3 to:42'],
    run(args, ctx) {
      const id = messageNumber(args);
      const { options } = args.options({ to: (value) => value });
      args.end();
      const to = options.to === undefined ? undefined : Number(/^#?(\d{1,12})$/.exec(options.to)?.[1] ?? Number.NaN);
      if (to !== undefined && !Number.isInteger(to)) throw new UsageError(`"${options.to}" is not a ticket number.`, '');
      const { ticketId, row } = addPendingToTicket(ctx, id, to);
      return success(`${row.author}'s message added to #${ticketId}`, { text: 'It counts as their reply: a Pending, Waiting or Resolved ticket is Open again.', ticketId });
    },
  });

  registry.define({
    path: ['ticket', 'inbox', 'new'],
    usage: '/ticket inbox new <message>',
    summary: 'Opens a new ticket with a waiting message, answered where it was written.',
    examples: ['/ticket inbox new 3'],
    run(args, ctx) {
      const id = messageNumber(args);
      args.end();
      const { ticketId, title, row } = openPendingAsTicket(ctx, id);
      return success(`#${ticketId} opened from ${row.author}'s message: ${title}`, { ticketId, buttons: [{ label: `Show #${ticketId}`, command: `/ticket show ${ticketId}` }] });
    },
  });
}
