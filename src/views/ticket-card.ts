/** Reply builders for tickets: the card, the timeline and list rows, shared by every adapter. */
import type { RequestContext } from '../app/context.js';
import type { TicketSla } from '../app/sla.js';
import { EARLIER_TICKETS_COUNTED, type TicketDetail, type TicketPage } from '../app/ticket-queries.js';
import type { BusinessCalendar } from '../domain/calendar.js';
import { formatBusinessDuration } from '../domain/sla.js';
import type { TicketRow } from '../store/repositories/tickets.js';
import { formatTag } from '../app/tags.js';
import { knownIssueLabel } from '../domain/known-issues.js';
import { nextStatuses } from '../domain/lifecycle.js';
import { truncate } from '../domain/text.js';
import {
  DEPARTMENT_LABELS,
  KNOWN_ISSUE_STATUS_LABELS,
  PRIORITY_LABELS,
  SEVERITY_LABELS,
  STATUS_LABELS,
  TEAM_LABELS,
  TIER_LABELS,
  type KnownIssueStatus,
} from '../domain/vocabulary.js';
import { formatInstant, formatWhen } from './format.js';
import { info, type Reply, type ReplyButton, type ReplyField } from './reply.js';

/** How many comments a card shows before it says how many earlier ones there are. */
export const TIMELINE_LIMIT = 20;

/** "Hold (until Thu 26 Nov 2026 10:00 UTC)" for held tickets, the plain label otherwise. */
export function statusText(ticket: TicketRow, timeZone: string): string {
  if (ticket.status === 'hold' && ticket.holdUntil) return `Hold (until ${formatInstant(ticket.holdUntil, timeZone)})`;
  return STATUS_LABELS[ticket.status];
}

/** The buttons that make sense for this ticket and this person right now. */
export function ticketButtons(ticket: TicketRow, viewerId: number | null, awaitingAck = false): ReplyButton[] {
  if (ticket.status === 'closed') return [{ label: 'Reopen', command: `/ticket status ${ticket.id} open` }];
  const buttons: ReplyButton[] = [];
  if (ticket.team) buttons.push({ label: `Back from ${TEAM_LABELS[ticket.team]}`, command: `/ticket handoff ${ticket.id} back` });
  if (awaitingAck) buttons.push({ label: 'Acknowledge', command: `/oncall ack ${ticket.id}`, style: 'danger' });
  if (ticket.assigneeId !== viewerId) buttons.push({ label: 'Assign to me', command: `/ticket assign ${ticket.id} me`, style: 'primary' });
  if (ticket.tier !== 't5' && ticket.tier !== 'oncall') buttons.push({ label: 'Escalate', command: `/escalate ${ticket.id}`, needs: '<question>' });
  if (nextStatuses(ticket.status).includes('pending')) buttons.push({ label: 'Mark pending', command: `/ticket status ${ticket.id} pending` });
  if (nextStatuses(ticket.status).includes('resolved')) buttons.push({ label: 'Resolve', command: `/ticket status ${ticket.id} resolved` });
  return buttons;
}

/** The fields of a ticket card. */
/** "🟡 Yellow · 3 h to red" / "🟢 Green · paused" / "🔴 Red · 2 h over". */
export function slaText(sla: TicketSla, calendar: BusinessCalendar): string {
  const { band, next, running } = sla.status;
  const label = { green: '🟢 Green', yellow: '🟡 Yellow', red: '🔴 Red' }[band];
  if (!next) return `${label} · ${formatBusinessDuration(sla.status.usedMs - sla.thresholds.redAfterMs, calendar)} over`;
  return `${label} · ${formatBusinessDuration(next.leftMs, calendar)} to ${next.band}${running ? '' : ' (paused)'}`;
}

export function ticketFields(
  detail: Pick<TicketDetail, 'ticket' | 'assignee' | 'tags' | 'knownIssue' | 'parent' | 'children' | 'sla' | 'mail'>,
  timeZone: string,
  calendar: BusinessCalendar,
): ReplyField[] {
  const { ticket } = detail;
  const fields: ReplyField[] = [
    { label: 'Status', value: statusText(ticket, timeZone) },
    { label: 'Priority', value: PRIORITY_LABELS[ticket.priority] },
    { label: 'Tier', value: TIER_LABELS[ticket.tier] },
    { label: 'Assignee', value: detail.assignee ?? 'unassigned' },
  ];
  if (detail.sla) fields.push({ label: 'SLA', value: slaText(detail.sla, calendar) });
  if (ticket.severity) fields.push({ label: 'Severity', value: SEVERITY_LABELS[ticket.severity] });
  if (ticket.team) fields.push({ label: 'Handed off to', value: `${TEAM_LABELS[ticket.team]} (out of the ${TIER_LABELS[ticket.tier]} queue, SLA clock paused)` });
  fields.push({ label: 'Department', value: DEPARTMENT_LABELS[ticket.department] });
  fields.push({ label: 'Requester', value: `${ticket.requester ?? '—'} (via ${ticket.origin})` });
  if (detail.mail) {
    const { address, bouncing } = detail.mail;
    fields.push({ label: 'Mail', value: bouncing ? `${address}: bounces (${bouncing.reason}; ${bouncing.bounces} time${bouncing.bounces === 1 ? '' : 's'}); our replies may not arrive` : `${address} (replies go out by mail)` });
  }
  if (detail.tags.length > 0) fields.push({ label: 'Tags', value: detail.tags.map(formatTag).join(' ') });
  if (detail.knownIssue) {
    const status = KNOWN_ISSUE_STATUS_LABELS[detail.knownIssue.status as KnownIssueStatus] ?? detail.knownIssue.status;
    fields.push({ label: 'Known issue', value: `${knownIssueLabel(detail.knownIssue.id)} ${detail.knownIssue.title} (${status})` });
  }
  if (detail.parent) fields.push({ label: detail.parent.kind === 'follow-up' ? 'Follow-up of' : 'Split from', value: `#${detail.parent.id} ${detail.parent.title}` });
  const splits = detail.children.filter((c) => c.kind === 'split');
  const followUps = detail.children.filter((c) => c.kind === 'follow-up');
  if (splits.length > 0) fields.push({ label: 'Split into', value: splits.map((c) => `#${c.id}`).join(', ') });
  if (followUps.length > 0) fields.push({ label: 'Followed up in', value: followUps.map((c) => `#${c.id}`).join(', ') });
  return fields;
}

/** The full card: fields, description, timeline (newest last) and actions, instants in `zone` (the reader's). */
export function ticketCard(ctx: RequestContext, detail: TicketDetail, zone: string): Reply {
  const { ticket } = detail;
  const now = ctx.clock.now();
  const sections = [];
  if (ticket.description) sections.push({ heading: 'Description', lines: [truncate(ticket.description, 2_000)] });
  const shown = detail.comments.slice(-TIMELINE_LIMIT);
  const hidden = detail.comments.length - shown.length;
  const timeline = shown.map((c) => {
    const kind = c.visibility === 'public' ? 'Reply' : 'Internal note';
    return `*${kind}* by ${c.author} · ${formatInstant(c.createdAt, zone)}\n${truncate(c.body, 1_500)}`;
  });
  if (hidden > 0) timeline.unshift(`_${hidden} earlier comment${hidden === 1 ? '' : 's'} not shown_`);
  sections.push({ heading: `Timeline (${detail.comments.length})`, lines: timeline.length > 0 ? timeline : ['_No replies or notes yet._'] });
  const viewerId = ctx.actor.kind === 'person' ? ctx.actor.personId : null;
  const fields = ticketFields(detail, zone, detail.calendar);
  // Handbook: "read the ticket history with that person before replying".
  if (detail.earlierFromRequester > 0) {
    const earlier = detail.earlierFromRequester >= EARLIER_TICKETS_COUNTED ? `${EARLIER_TICKETS_COUNTED}+` : String(detail.earlierFromRequester);
    fields.push({ label: 'History', value: `${earlier} earlier ticket${detail.earlierFromRequester === 1 ? '' : 's'} from this requester` });
  }
  if (ticket.mergedIntoId !== null) fields.push({ label: 'Merged into', value: `#${ticket.mergedIntoId}` });
  const buttons = ticketButtons(ticket, viewerId, detail.awaitingAck);
  if (ticket.status !== 'closed') buttons.push({ label: 'Reply with a macro', command: `/macro pick ${ticket.id}` });
  if (detail.earlierFromRequester > 0 && ticket.requester) {
    buttons.push({ label: 'Earlier tickets', command: `/ticket list requester:${ticket.requester} status:all` });
  }
  return info(`#${ticket.id} ${ticket.title}`, {
    fields,
    sections,
    buttons,
    footer: `Opened ${formatWhen(ticket.createdAt, now, zone)} by ${detail.createdBy ?? 'unknown'} · updated ${formatWhen(ticket.updatedAt, now, zone)}`,
    ticketId: ticket.id,
  });
}

/** One line of a ticket list: "#42 High · Open · T2 · @alice — Login fails". */
export function ticketListLine(row: TicketPage['rows'][number]): string {
  const { ticket } = row;
  return `*#${ticket.id}* ${PRIORITY_LABELS[ticket.priority]} · ${STATUS_LABELS[ticket.status]} · ${TIER_LABELS[ticket.tier]} · ${row.assignee ?? 'unassigned'} — ${truncate(ticket.title, 120)}`;
}

/** "There is no page 5: the list has 2 pages; this is page 2." */
export function pastTheEnd(requested: number, pages: number, total: number): string {
  if (total === 0) return `There is no page ${requested}: the list is empty.`;
  return `There is no page ${requested}: the list has ${pages} page${pages === 1 ? '' : 's'}; this is page ${pages}.`;
}

/** A page of tickets with the total, and how to see the next page. */
export function ticketListReply(page: TicketPage, describeFilter: string, nextPageCommand: string | null): Reply {
  const noun = page.total === 1 && !page.more ? 'ticket' : 'tickets';
  const plus = page.more ? '+' : '';
  const title = page.total === 0 ? `No ${describeFilter} tickets` : `${page.total}${plus} ${describeFilter} ${noun}${page.pages > 1 ? ` (page ${page.page} of ${page.pages}${plus})` : ''}`;
  return info(title.replace(/\s+/g, ' '), {
    ...(page.requested > page.pages ? { text: pastTheEnd(page.requested, page.pages, page.total) } : {}),
    sections: page.rows.length > 0 ? [{ lines: page.rows.map(ticketListLine) }] : [],
    ...(nextPageCommand ? { footer: `Next page: ${nextPageCommand}`, buttons: [{ label: 'Next page', command: nextPageCommand }] } : {}),
  });
}
