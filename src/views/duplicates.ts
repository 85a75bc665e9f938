/** The duplicate-answer detector's suggestion to the leads: the look-alike answers, and what to make of them. */
import { truncate } from '../domain/text.js';
import { warning, type Reply } from './reply.js';

/** A new cluster of near-identical hand-written answers (`members` oldest first), for the leads' channel. */
export function duplicateAnswersNotice(clusterId: number, members: readonly { ticketId: number; author: string; body: string }[]): Reply {
  const tickets = new Set(members.map((m) => m.ticketId));
  return warning(`${members.length} hand-written answers on ${tickets.size} tickets say the same thing`, {
    visibility: 'channel',
    text: 'Three near-identical answers on different tickets mean a macro or a doc is missing.',
    sections: members.map((m) => ({ heading: `#${m.ticketId} · ${m.author}`, lines: [`“${truncate(m.body.replace(/\s+/g, ' '), 280)}”`] })),
    buttons: [
      { label: 'Make a macro', command: `/duplicates macro ${clusterId}`, style: 'primary' },
      { label: 'Needs a doc', command: `/duplicates doc ${clusterId}` },
      { label: 'Not the same', command: `/duplicates dismiss ${clusterId}`, style: 'danger' },
    ],
  });
}
