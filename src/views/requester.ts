/** Replies a requester reads: their own tickets, in their words (status as they see it, public replies only). */
import type { RequesterTicket, RequesterTicketDetail } from '../app/requester-view.js';
import type { Status } from '../domain/vocabulary.js';
import { cleanText, formatInstant, oneLine } from './format.js';
import { info, type Reply } from './reply.js';

/** The status as the requester understands it: whose turn it is. */
const STATUS_FOR_REQUESTER: Record<Status, string> = {
  open: 'open: the support team is on it',
  review: 'solved (a colleague is checking the answer)',
  pending: 'waiting for your reply',
  waiting: 'waiting for your reply',
  hold: 'on hold',
  resolved: 'solved',
  closed: 'closed',
};

/** Longest reply body shown in a list of replies; the whole text is in their conversation. */
const MAX_REPLY_CHARS = 1_500;

/** `/ticket list` for a requester. */
export function requesterListReply(rows: readonly RequesterTicket[], timeZone: string): Reply {
  if (rows.length === 0) {
    return info('You have no requests yet.', { audience: 'requester', text: 'Write your question in the support channel or a direct message, and a ticket is opened for you.' });
  }
  return info(`Your requests (${rows.length})`, {
    audience: 'requester',
    sections: [{ lines: rows.map((t) => `#${t.id} ${oneLine(t.title)} — ${STATUS_FOR_REQUESTER[t.status]} (opened ${formatInstant(t.createdAt, timeZone)})`) }],
    footer: 'Type /ticket show <number> to read one.',
  });
}

/** `/ticket show <id>` for a requester: status and the public replies. */
export function requesterTicketReply(ticket: RequesterTicketDetail, timeZone: string): Reply {
  const replies = ticket.replies.map((r) => {
    const body = cleanText(r.body);
    return `${r.author} · ${formatInstant(r.at, timeZone)}: ${body.length > MAX_REPLY_CHARS ? `${body.slice(0, MAX_REPLY_CHARS - 1)}…` : body}`;
  });
  return info(`#${ticket.id} ${oneLine(ticket.title)}`, {
    audience: 'requester',
    fields: [
      { label: 'Status', value: STATUS_FOR_REQUESTER[ticket.status] },
      { label: 'Opened', value: formatInstant(ticket.createdAt, timeZone) },
    ],
    sections: [{ heading: 'Replies', lines: replies.length > 0 ? replies : ['No replies yet: the support team answers in your conversation.'] }],
    ticketId: ticket.id,
  });
}
