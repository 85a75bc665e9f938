/** The reply for /ticket search: one line per ticket with the matching words in context. */
import type { SearchResult } from '../app/search.js';
import { truncate } from '../domain/text.js';
import { STATUS_LABELS, TIER_LABELS } from '../domain/vocabulary.js';
import { formatInstant } from './format.js';
import { info, type Reply } from './reply.js';

const WHERE = { ticket: 'ticket', public: 'reply', internal: 'internal note' } as const;

export function searchReply(result: SearchResult, timeZone: string): Reply {
  const words = result.terms.join(' ');
  if (result.hits.length === 0) {
    return info(`No tickets match "${truncate(words, 80)}"`, { text: 'Every word must appear (in any form: "loops" finds "loop"). Try fewer words, or drop status: and tag:.' });
  }
  const lines = result.hits.map(({ ticket, assignee, kind, snippet }) => {
    const head = `*#${ticket.id}* ${STATUS_LABELS[ticket.status]} · ${TIER_LABELS[ticket.tier]} · ${assignee ?? 'unassigned'} · ${formatInstant(ticket.createdAt, timeZone)} — ${truncate(ticket.title, 100)}`;
    return `${head}\n    _in the ${WHERE[kind]}:_ ${truncate(snippet.replace(/\s+/g, ' '), 240)}`;
  });
  return info(`${result.hits.length}${result.more ? '+' : ''} ticket${result.hits.length === 1 && !result.more ? '' : 's'} match "${truncate(words, 80)}"`, {
    sections: [{ lines }],
    buttons: result.hits.slice(0, 5).map((hit) => ({ label: `Show #${hit.ticket.id}`, command: `/ticket show ${hit.ticket.id}` })),
    ...(result.more ? { footer: 'Best matches first; add words, requester:, status: or tag: to narrow it down.' } : {}),
  });
}
