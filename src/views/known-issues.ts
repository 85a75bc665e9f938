/** Replies about known issues: the tracker list, one issue, links and thresholds, and match suggestions. */
import type { KnownIssueMatch, KnownIssueStatusResult, KnownIssueSummary, LinkResult, LinkedTicket } from '../app/known-issues.js';
import { DEFAULT_KNOWN_ISSUE_THRESHOLDS, knownIssueLabel, type KnownIssueMilestone, type KnownIssueThresholds } from '../domain/known-issues.js';
import { truncate } from '../domain/text.js';
import { KNOWN_ISSUE_STATUSES, KNOWN_ISSUE_STATUS_LABELS, PRIORITY_LABELS, STATUS_LABELS, TIER_LABELS, type Tier } from '../domain/vocabulary.js';
import { info, success, type Reply, type ReplyButton, type ReplySection } from './reply.js';

const tickets = (ids: readonly number[]): string => ids.map((id) => `#${id}`).join(', ');
const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** "*KI-3* Login loop after SSO update" */
export function knownIssueHeadline(issue: Pick<KnownIssueSummary, 'label' | 'title'>): string {
  return `*${issue.label}* ${issue.title}`;
}

/** What crossing a threshold means, in the handbook's words. */
export function milestoneLine(milestone: KnownIssueMilestone, count: number, thresholds: KnownIssueThresholds = DEFAULT_KNOWN_ISSUE_THRESHOLDS): string {
  return milestone === 'status-page'
    ? `${count} linked (${thresholds.statusPage}+): consider a status-page post.`
    : `Now ${count} linked: that makes it a tracked known issue (${thresholds.tracked}+ tickets).`;
}

/** The status moves that make sense from where an issue stands, as buttons. */
function statusButtons(issue: KnownIssueSummary): ReplyButton[] {
  if (issue.status === 'resolved') {
    return [{ label: 'Reopen', command: `/known-issue status ${issue.id} investigating` }];
  }
  const index = KNOWN_ISSUE_STATUSES.indexOf(issue.status);
  return KNOWN_ISSUE_STATUSES.slice(index + 1).map((status) => ({
    label: status === 'resolved' ? 'Resolve' : `Mark ${KNOWN_ISSUE_STATUS_LABELS[status].toLowerCase()}`,
    command: `/known-issue status ${issue.id} ${status}`,
  }));
}

/** The reply to `/known-issue new`. */
export function knownIssueCreatedReply(issue: KnownIssueSummary): Reply {
  return success(`Opened ${issue.label}: ${issue.title}`, {
    text: `Linked tickets get the tag \`${issue.tagName}\`. Link them with \`/known-issue link ${issue.id} <ticket>...\``,
    fields: [
      { label: 'Status', value: KNOWN_ISSUE_STATUS_LABELS[issue.status] },
      ...(issue.bugUrl ? [{ label: 'Bug', value: issue.bugUrl }] : []),
    ],
    buttons: [
      { label: 'Link a ticket', command: `/known-issue link ${issue.id}`, needs: '<ticket>...' },
      { label: `Show ${issue.label}`, command: `/known-issue show ${issue.id}` },
    ],
  });
}

/** The reply to `/known-issue list [all]`. */
export function knownIssueListReply(issues: readonly KnownIssueSummary[], all: boolean): Reply {
  if (issues.length === 0) {
    return info(all ? 'No known issues yet.' : 'No open known issues.', {
      text: all ? 'Open one with `/known-issue new <title>`.' : 'Resolved ones: `/known-issue list all`. New: `/known-issue new <title>`.',
    });
  }
  const lines = issues.map(
    (issue) =>
      `${knownIssueHeadline({ label: issue.label, title: truncate(issue.title, 80) })} — ${KNOWN_ISSUE_STATUS_LABELS[issue.status]}, ${plural(issue.linkedCount, 'ticket')}`,
  );
  return info(`${plural(issues.length, all ? 'known issue' : 'open known issue')}`, {
    sections: [{ lines }],
    ...(all ? {} : { footer: 'Resolved ones too: /known-issue list all' }),
  });
}

function ticketLine(ticket: LinkedTicket): string {
  return `#${ticket.id} ${truncate(ticket.title, 70)} — ${STATUS_LABELS[ticket.status]}, ${PRIORITY_LABELS[ticket.priority]}, ${TIER_LABELS[ticket.tier]}`;
}

/** The reply to `/known-issue show <n>`. */
export function knownIssueReply(issue: KnownIssueSummary, linked: readonly LinkedTicket[]): Reply {
  return info(`${issue.label}: ${issue.title}`, {
    fields: [
      { label: 'Status', value: KNOWN_ISSUE_STATUS_LABELS[issue.status] },
      { label: 'Tag', value: `\`${issue.tagName}\`` },
      { label: 'Linked tickets', value: String(issue.linkedCount) },
      ...(issue.bugUrl ? [{ label: 'Bug', value: issue.bugUrl }] : []),
    ],
    sections: [
      {
        heading: 'Linked tickets',
        lines: linked.length > 0 ? linked.map(ticketLine) : [`None yet: \`/known-issue link ${issue.id} <ticket>...\``],
      },
    ],
    buttons: [
      ...(issue.status === 'resolved' ? [] : [{ label: 'Link a ticket', command: `/known-issue link ${issue.id}`, needs: '<ticket>...' }]),
      ...statusButtons(issue),
    ],
  });
}

/** The reply to `/known-issue link`: what changed, and the threshold it crossed. */
export function linkReply(result: LinkResult): Reply {
  const { issue } = result;
  const lines: string[] = [];
  if (result.linked.length > 0) lines.push(`Linked ${tickets(result.linked)}.`);
  for (const move of result.moved) lines.push(`Moved #${move.ticketId} here from ${knownIssueLabel(move.from)} (its old tag is gone).`);
  const already = `${tickets(result.alreadyLinked)} ${result.alreadyLinked.length === 1 ? 'was' : 'were'} already linked`;
  if (result.alreadyLinked.length > 0) lines.push(`${already}.`);
  const changed = result.linked.length + result.moved.length;
  if (result.milestone) lines.push(`*${milestoneLine(result.milestone, result.after, result.thresholds)}*`);
  const title =
    changed > 0
      ? `${issue.label} (${truncate(issue.title, 60)}): ${plural(result.after, 'linked ticket')}`
      : `Nothing new: ${already} to ${issue.label}`;
  const reply =
    changed > 0
      ? success(title, { text: lines.join('\n') })
      : info(title, { text: `${issue.label} has ${plural(result.after, 'linked ticket')}.` });
  return {
    ...reply,
    footer: `Tag: ${issue.tagName}`,
    buttons: [{ label: `Show ${issue.label}`, command: `/known-issue show ${issue.id}` }],
  };
}

/** The reply to `/known-issue unlink`. */
export function unlinkReply(issue: KnownIssueSummary, ticketId: number): Reply {
  return success(`Unlinked #${ticketId} from ${issue.label}`, {
    text: `Its \`${issue.tagName}\` tag is gone; ${issue.label} has ${plural(issue.linkedCount, 'linked ticket')} left.`,
    ticketId,
  });
}

/** The reply to `/known-issue status`. */
export function knownIssueStatusReply(result: KnownIssueStatusResult): Reply {
  const { issue } = result;
  const lines = [`${KNOWN_ISSUE_STATUS_LABELS[result.before]} → *${KNOWN_ISSUE_STATUS_LABELS[issue.status]}*.`];
  if (issue.status === 'resolved') {
    lines.push(`The \`${issue.tagName}\` tag stays on its tickets but cannot be linked again.`);
    if (result.activeTickets.length > 0) {
      lines.push(`Still waiting for an answer: ${tickets(result.activeTickets)}. Let their requesters know.`);
    }
  } else if (result.before === 'resolved') {
    lines.push('Reopened: tickets can be linked again.');
  }
  return success(`${issue.label} ${issue.title}: ${KNOWN_ISSUE_STATUS_LABELS[issue.status]}`, {
    text: lines.join('\n'),
    buttons: [{ label: `Show ${issue.label}`, command: `/known-issue show ${issue.id}` }],
  });
}

/**
 * A section suggesting known issues a ticket matches, with a "Link to KI-n" button per match
 * (for /escalate and /ticket tag). Undefined when nothing matches.
 */
export function knownIssueSuggestion(ticketId: number, matches: readonly KnownIssueMatch[], limit = 3): { section: ReplySection; buttons: ReplyButton[] } | undefined {
  if (matches.length === 0) return undefined;
  const shown = matches.slice(0, limit);
  return {
    section: {
      heading: shown.length === 1 ? 'This looks like a known issue' : 'This looks like a known issue — one of these',
      lines: [
        ...shown.map(
          (m) =>
            `${knownIssueHeadline(m)} — ${KNOWN_ISSUE_STATUS_LABELS[m.status]}, ${plural(m.linkedCount, 'ticket')}; shares ${m.sharedTags.join(', ')}`,
        ),
        `Tag it instead of escalating: \`/known-issue link ${shown[0]!.id} ${ticketId}\``,
      ],
    },
    buttons: shown.map((m) => ({ label: `Link to ${m.label}`, command: `/known-issue link ${m.id} ${ticketId}` })),
  };
}

/**
 * A status note on known issue `issue`, for those working its linked active tickets: an agent (a DM
 * naming their tickets) or, for tickets nobody is assigned, the tier's channel.
 */
export function knownIssueUpdateNotice(issue: { id: number; title: string }, body: string, to: { tier?: Tier; ticketIds: readonly number[] }): Reply {
  const { tier, ticketIds } = to;
  const plural = ticketIds.length === 1 ? '' : 's';
  const list = ticketIds.map((id) => `#${id}`).join(', ');
  const buttons = [{ label: 'Show known issue', command: `/known-issue show ${issue.id}` }];
  const title = `Update on ${knownIssueLabel(issue.id)} ${issue.title}`;
  if (tier === undefined) return info(title, { text: body, footer: `Your linked ticket${plural}: ${list}`, buttons });
  return info(title, { visibility: 'channel', text: body, footer: `Unassigned linked ticket${plural} in ${TIER_LABELS[tier]}: ${list}`, buttons });
}
