/** The audit trail as people read it: one line per event, who did what and what changed. */
import type { AuditPage, AuditRow } from '../app/audit-log.js';
import { knownIssueLabel } from '../domain/known-issues.js';
import { truncate } from '../domain/text.js';
import { DEPARTMENT_LABELS, PRIORITY_LABELS, SEVERITY_LABELS, STATUS_LABELS, TEAM_LABELS, TIER_LABELS } from '../domain/vocabulary.js';
import { formatShortInstant, oneLine } from './format.js';
import { info, type Reply } from './reply.js';
import { pastTheEnd } from './ticket-card.js';

/** Turns a person id into "@alice". */
export type PersonName = (id: unknown) => string;

const ACTION_LABELS: Record<string, string> = {
  'ticket.created': 'opened',
  'ticket.status': 'status changed',
  'ticket.assigned': 'assigned',
  'ticket.unassigned': 'unassigned',
  'ticket.escalated': 'escalated',
  'ticket.deescalated': 'de-escalated',
  'ticket.handoff': 'handed off',
  'ticket.handoff.back': 'back from the team',
  'ticket.notified': 'notified a team',
  'ticket.edited': 'edited',
  'ticket.priority': 'priority changed',
  'ticket.severity': 'severity changed',
  'ticket.tags': 'tags changed',
  'ticket.known_issue': 'known issue changed',
  'ticket.split': 'split a ticket out',
  'ticket.followed_up': 'followed up in a new ticket',
  'ticket.reminder': 'reminder sent',
  'comment.reply': 'public reply',
  'comment.note': 'internal note',
  'comment.requester': 'requester wrote',
  'sla.snoozed': 'SLA warnings snoozed',
  'oncall.escalated': 'on-call escalation',
  'oncall.paged': 'on-call paged',
  'oncall.called': 'on-call call step',
  'oncall.acknowledged': 'on-call acknowledged',
  'oncall.stopped': 'on-call ladder stopped',
  'access.denied': 'refused',
};

/** Fields worth showing, with how their values read. */
const FIELDS: Record<string, { label: string; value: (v: unknown, name: PersonName) => string }> = {
  status: { label: 'status', value: (v) => STATUS_LABELS[v as keyof typeof STATUS_LABELS] ?? String(v) },
  tier: { label: 'tier', value: (v) => TIER_LABELS[v as keyof typeof TIER_LABELS] ?? String(v) },
  priority: { label: 'priority', value: (v) => PRIORITY_LABELS[v as keyof typeof PRIORITY_LABELS] ?? String(v) },
  severity: { label: 'severity', value: (v) => (v === null ? 'none' : (SEVERITY_LABELS[v as keyof typeof SEVERITY_LABELS] ?? String(v))) },
  department: { label: 'department', value: (v) => DEPARTMENT_LABELS[v as keyof typeof DEPARTMENT_LABELS] ?? String(v) },
  team: { label: 'team', value: (v) => (v === null ? 'none' : (TEAM_LABELS[v as keyof typeof TEAM_LABELS] ?? String(v))) },
  assigneeId: { label: 'assignee', value: (v, name) => name(v) },
  knownIssueId: { label: 'known issue', value: (v) => (typeof v === 'number' ? knownIssueLabel(v) : 'none') },
  title: { label: 'title', value: (v) => `"${truncate(oneLine(String(v ?? '')), 60)}"` },
  description: { label: 'description', value: (v) => `"${truncate(oneLine(String(v ?? '')), 60)}"` },
  requester: { label: 'requester', value: (v) => (v === null ? 'none' : String(v)) },
  role: { label: 'role', value: (v) => String(v) },
  reason: { label: 'reason', value: (v) => `"${truncate(oneLine(String(v ?? '')), 80)}"` },
  command: { label: 'command', value: (v) => `/${String(v)}` },
};

const when = formatShortInstant;

/** "#42", "KI-3", "on-call escalation 7": what an event is about. */
function subject(row: AuditRow, name: PersonName): string {
  switch (row.entity) {
    case 'ticket':
      return `#${row.entityId}`;
    case 'known_issue':
      return knownIssueLabel(Number(row.entityId));
    case 'oncall':
      return `on-call escalation ${row.entityId}`;
    case 'person':
      return name(Number(row.entityId));
    default:
      return `${row.entity} ${row.entityId}`;
  }
}

/** "status: Open → Pending, assignee: nobody → @alice" (or, for a creation, what it was created as). */
function changes(row: AuditRow, name: PersonName): string {
  const before = (row.before ?? null) as Record<string, unknown> | null;
  const after = (row.after ?? {}) as Record<string, unknown>;
  if (row.action === 'ticket.created') {
    const labels = [FIELDS.tier!.value(after.tier, name), FIELDS.priority!.value(after.priority, name)].filter((label) => label !== 'undefined');
    return `${FIELDS.title!.value(after.title, name)}${labels.length > 0 ? ` (${labels.join(', ')})` : ''}`;
  }
  const parts: string[] = [];
  for (const [key, value] of Object.entries(after)) {
    const field = FIELDS[key];
    if (!field) continue;
    parts.push(before && key in before ? `${field.label}: ${field.value(before[key], name)} → ${field.value(value, name)}` : `${field.label}: ${field.value(value, name)}`);
  }
  return parts.join(', ');
}

/** One event: "Mon 23 Nov 10:00 · @alice · #1 status changed: status: Open → Pending". */
export function auditLine(row: AuditRow, name: PersonName, timeZone: string, options: { subject: boolean }): string {
  const action = ACTION_LABELS[row.action] ?? row.action.replace(/[._]/g, ' ');
  const what = changes(row, name);
  const about = options.subject ? `${subject(row, name)} ` : row.entity === 'ticket' ? '' : `${subject(row, name)}: `;
  return `${when(row.at, timeZone)} · ${row.actorLabel} · ${about}${action}${what ? `: ${what}` : ''}`;
}

function pageFooter(page: AuditPage, command: string, timeZone: string): string {
  const more = page.page < page.pages ? ` Next: ${command} page:${page.page + 1}` : '';
  const past = page.requested > page.pages ? `${pastTheEnd(page.requested, page.pages, page.total)} ` : '';
  return `${past}Page ${page.page} of ${page.pages}, ${page.total} event${page.total === 1 ? '' : 's'}; times in ${timeZone}.${more}`;
}

/** The reply to `/ticket history`. */
export function historyReply(ticket: { id: number; title: string }, page: AuditPage, name: PersonName, timeZone: string): Reply {
  return info(`History of #${ticket.id} ${truncate(oneLine(ticket.title), 80)}`, {
    sections: [{ lines: page.rows.length > 0 ? page.rows.map((row) => auditLine(row, name, timeZone, { subject: false })) : ['No events recorded.'] }],
    footer: pageFooter(page, `/ticket history ${ticket.id}`, timeZone),
    ...(page.page < page.pages ? { buttons: [{ label: 'Next page', command: `/ticket history ${ticket.id} page:${page.page + 1}` }] } : {}),
    ticketId: ticket.id,
  });
}

/** The reply to `/audit`. */
export function auditReply(title: string, command: string, page: AuditPage, name: PersonName, timeZone: string): Reply {
  return info(title, {
    sections: [{ lines: page.rows.length > 0 ? page.rows.map((row) => auditLine(row, name, timeZone, { subject: true })) : ['Nothing recorded in that time.'] }],
    footer: pageFooter(page, command, timeZone),
    ...(page.page < page.pages ? { buttons: [{ label: 'Next page', command: `${command} page:${page.page + 1}` }] } : {}),
  });
}
