/** Replies about tags: a ticket's tags after a change, the taxonomy, and taxonomy edits. */
import type { KnownIssueMatch } from '../app/known-issues.js';
import { formatTag, type TagRow } from '../app/tags.js';
import type { TicketTagChange } from '../app/ticket-tagging.js';
import { knownIssueSuggestion } from './known-issues.js';
import { info, success, type Reply } from './reply.js';

const list = (tags: readonly TagRow[]): string => tags.map(formatTag).join(', ');

/** The reply to `/ticket tag` and `/ticket untag`, with a known-issue suggestion when one matches. */
export function ticketTagsReply(change: TicketTagChange, verb: 'tag' | 'untag', matches: readonly KnownIssueMatch[] = []): Reply {
  const id = change.ticket.id;
  const lines: string[] = [];
  if (change.unchanged.length > 0) {
    lines.push(verb === 'tag' ? `Already there: ${list(change.unchanged)}.` : `Not on #${id}: ${list(change.unchanged)}.`);
  }
  const fields = [{ label: 'Tags', value: change.tags.length > 0 ? list(change.tags) : 'none' }];
  const suggestion = knownIssueSuggestion(id, matches);
  const extras = {
    ...(lines.length > 0 ? { text: lines.join('\n') } : {}),
    fields,
    ...(suggestion ? { sections: [suggestion.section], buttons: suggestion.buttons } : {}),
    ticketId: id,
  };
  if (change.changed.length === 0) return info(verb === 'tag' ? `#${id} has those tags already` : `#${id} did not have those tags`, extras);
  return success(verb === 'tag' ? `Tagged #${id} ${list(change.changed)}` : `Removed ${list(change.changed)} from #${id}`, extras);
}

/** The reply to `/ticket tags [family]`. */
export function taxonomyReply(groups: readonly { family: string; tags: TagRow[] }[]): Reply {
  const total = groups.reduce((n, g) => n + g.tags.length, 0);
  const single = groups.length === 1 ? groups[0] : undefined;
  return info(single ? `${single.family} tags (${single.tags.length})` : `Tags: ${total} in ${groups.length} families`, {
    sections: groups.map((g) => ({
      ...(single ? {} : { heading: `${g.family} (${g.tags.length})` }),
      lines: [g.tags.map((t) => (/\s/.test(t.name) ? `"${t.name}"` : t.name)).join(' · ') || '(none)'],
    })),
    footer: 'Tag a ticket: /ticket tag <id> area:Authentication type:Bug. Quote names with spaces: area:"Data Import / Export".',
  });
}

/** The reply to `/ticket tags add`. */
export function tagAddedReply(result: { tag: TagRow; changed: boolean; restored: boolean }): Reply {
  const name = formatTag(result.tag);
  if (!result.changed) return info(`${name} is in the taxonomy already.`);
  return success(result.restored ? `Brought back ${name}` : `Added ${name} to the taxonomy`, {
    text: `Agents can now use it: \`/ticket tag <id> ${name}\`.`,
  });
}

/** The reply to `/ticket tags remove`. */
export function tagRemovedReply(result: { tag: TagRow; stillOnTickets: number }): Reply {
  const name = formatTag(result.tag);
  return success(`Retired ${name}`, {
    text:
      result.stillOnTickets > 0
        ? `It stays on the ${result.stillOnTickets} ticket${result.stillOnTickets === 1 ? '' : 's'} that have it but cannot be added again. \`/ticket tags add ${name}\` brings it back.`
        : `It can no longer be added. \`/ticket tags add ${name}\` brings it back.`,
  });
}
