/** Replies for /oncall and the messages the acknowledgement ladder posts (announce, page, call, ack). */
import type { Contact } from '../app/oncall-contacts.js';
import type { OnCallNow } from '../app/oncall.js';
import { weekdayName, type LadderPolicy, type OnCallAt, type Segment } from '../domain/oncall.js';
import { PRIORITY_LABELS, SEVERITY_LABELS, type Priority, type Severity } from '../domain/vocabulary.js';
import { formatInstant, formatRelative, formatShortInstant, oneLine } from './format.js';
import { info, success, warning, type Reply, type ReplyButton, type ReplySection } from './reply.js';

/** Turns a person id into "@alice" (or "nobody"). */
export type NameOf = (personId: number | null) => string;

/** A ladder participant as the messages show them. */
export interface LadderPerson {
  id: number;
  handle: string;
  contacts: Contact[];
}

export interface LadderPeople {
  oncall: LadderPerson | null;
  backup: LadderPerson | null;
}

interface TicketLike {
  id: number;
  title: string;
  priority: Priority;
  severity: Severity | null;
  sourceLink: string | null;
}

interface EscalationLike {
  major: boolean;
  escalatedAt: Date;
}

/** "less than a minute", "12 min", "1 h 5 min", "3 days". */
export function formatDuration(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return 'less than a minute';
  if (minutes < 60) return `${minutes} min`;
  if (minutes < 48 * 60) return `${Math.floor(minutes / 60)} h${minutes % 60 > 0 ? ` ${minutes % 60} min` : ''}`;
  return `${Math.floor(minutes / (24 * 60))} days`;
}

/** "Mon 2 Mar 10:00" in the reader's zone (the zone is named once, in the reply's footer). */
const shortInstant = formatShortInstant;

function ladderButtons(ticketId: number): ReplyButton[] {
  return [
    { label: 'Acknowledge', command: `/oncall ack ${ticketId}`, style: 'primary' },
    { label: 'Show ticket', command: `/ticket show ${ticketId}` },
  ];
}

function contactLines(person: LadderPerson | null, role: string): ReplySection {
  if (!person) return { heading: role, lines: [role === 'Backup' ? 'No backup in the rotation.' : 'Nobody is on call.'] };
  const lines = person.contacts.length > 0 ? person.contacts.map((c) => `${c.kind}: ${c.value}`) : [`No contacts on file (${person.handle} can add them with /oncall contacts set phone <number>).`];
  return { heading: `${role}: ${person.handle}`, lines };
}

/** The helpdesk announcement of a new on-call escalation. */
export function announcementNotice(ticket: TicketLike, escalation: EscalationLike, people: LadderPeople, questions: readonly string[], policy: LadderPolicy, noRotation: boolean): Reply {
  const lines: string[] = [];
  const oncall = people.oncall?.handle;
  if (oncall) lines.push(`${oncall} is on call${people.backup ? ` (backup ${people.backup.handle})` : ''}.`);
  else lines.push(noRotation ? 'Nobody is on call: there is no rotation yet (a lead sets one up with /oncall rotation set).' : 'Nobody is on call in the rotation right now.');
  lines.push(
    escalation.major
      ? `Major outage: paging ${oncall ?? 'support-dev'} now.`
      : `Acknowledge within ${policy.ackMinutes} minutes, or ${oncall ?? 'support-dev'} gets paged.`,
  );
  questions.forEach((q, i) => lines.push(`*ESCALATED QUESTION ${i + 1}*\n${q}`));
  if (ticket.sourceLink) lines.push(`Source: ${ticket.sourceLink}`);
  return warning(`On-call escalation${escalation.major ? ' (major)' : ''}: #${ticket.id} ${oneLine(ticket.title)}`, {
    visibility: 'channel',
    text: lines.join('\n'),
    buttons: ladderButtons(ticket.id),
    ticketId: ticket.id,
  });
}

/** The page in support-dev: "@alice, please acknowledge #42". */
export function pageNotice(ticket: TicketLike, escalation: EscalationLike, people: LadderPeople, policy: LadderPolicy): Reply {
  const who = people.oncall?.handle;
  const why = escalation.major ? 'Major outage, paged at once.' : `Escalated to On-Call and not acknowledged within ${policy.ackMinutes} minutes.`;
  return warning(who ? `${who}, please acknowledge #${ticket.id}` : `Nobody is on call: someone please acknowledge #${ticket.id}`, {
    visibility: 'channel',
    text: `*#${ticket.id} ${oneLine(ticket.title)}*\n${why}`,
    fields: [
      { label: 'Priority', value: PRIORITY_LABELS[ticket.priority] },
      ...(ticket.severity ? [{ label: 'Severity', value: SEVERITY_LABELS[ticket.severity] }] : []),
      { label: 'Backup', value: people.backup?.handle ?? 'none' },
    ],
    buttons: ladderButtons(ticket.id),
    ticketId: ticket.id,
  });
}

/** The call step in support-dev: on-call and backup contacts, to phone them. */
export function callNotice(ticket: TicketLike, escalation: EscalationLike, people: LadderPeople): Reply {
  return warning(`Call now: #${ticket.id} is still not acknowledged`, {
    visibility: 'channel',
    text: `*#${ticket.id} ${oneLine(ticket.title)}* was paged and nobody acknowledged it. Call the on-call person, then the backup.`,
    sections: [contactLines(people.oncall, 'On call'), contactLines(people.backup, 'Backup')],
    buttons: ladderButtons(ticket.id),
    ticketId: ticket.id,
  });
}

/** The helpdesk notice that someone acknowledged. */
export function ackNotice(ticket: Pick<TicketLike, 'id' | 'title'>, by: string | null, afterMs: number): Reply {
  return success(`#${ticket.id} acknowledged by ${by ?? 'a scheduled job'} after ${formatDuration(afterMs)}`, {
    visibility: 'channel',
    text: oneLine(ticket.title),
    buttons: [{ label: 'Show ticket', command: `/ticket show ${ticket.id}` }],
    ticketId: ticket.id,
  });
}

/** An open, unacknowledged on-call escalation, as a hand-off lists it. */
export interface InheritedItem {
  ticketId: number;
  title: string;
  step: 'announced' | 'paged' | 'called';
  escalatedAt: Date;
  pagedAt: Date | null;
}

/** What a hand-off notice needs to say. */
export interface HandoffNoticeInput {
  rotation: string;
  /** "@dave": who is on call from now. */
  taking: string;
  /** "@carol", or null when nobody was on call before. */
  from: string | null;
  backup: string | null;
  until: Date;
  items: readonly InheritedItem[];
  now: Date;
  timeZone: string;
}

/** At most this many Acknowledge buttons on a hand-off (the list names the rest). */
const HANDOFF_BUTTONS = 3;

function itemLine(item: InheritedItem, now: Date): string {
  const ago = (at: Date) => `${formatDuration(now.getTime() - at.getTime())} ago`;
  const where =
    item.step === 'announced' ? `escalated ${ago(item.escalatedAt)}, not paged yet` : item.step === 'paged' ? `paged ${ago(item.pagedAt ?? item.escalatedAt)}` : `paged and called, escalated ${ago(item.escalatedAt)}`;
  return `#${item.ticketId} ${oneLine(item.title)} — ${where}`;
}

/** The support-dev notice of a hand-off: who takes over from whom, and the open items they inherit. */
export function handoffNotice(input: HandoffNoticeInput): Reply {
  const { items } = input;
  const lines =
    items.length === 0
      ? ['No open on-call items to take over.']
      : [`${input.taking} inherits ${items.length} open on-call item${items.length === 1 ? '' : 's'} nobody acknowledged; the next ladder steps go to ${input.taking}:`, ...items.map((item) => `• ${itemLine(item, input.now)}`)];
  return info(`On-call hand-off: ${input.taking} takes over from ${input.from ?? 'nobody'}`, {
    visibility: 'channel',
    text: lines.join('\n'),
    fields: [
      { label: 'Until', value: formatInstant(input.until, input.timeZone) },
      { label: 'Backup', value: input.backup ?? 'none' },
    ],
    buttons: [
      ...items.slice(0, HANDOFF_BUTTONS).map((item) => ({ label: `Acknowledge #${item.ticketId}`, command: `/oncall ack ${item.ticketId}`, style: 'primary' as const })),
      { label: 'Who is on call', command: `/oncall${input.rotation === 'primary' ? '' : ` rotation:${input.rotation}`}` },
    ],
  });
}

/** Where a reply shows instants (the reader's zone) and the team zone hand-offs are set in. */
export interface Zones {
  shown: string;
  team: string;
}

function rotationFooter(now: OnCallNow['rotation'], zones: Zones): string {
  const handoff = `hand-off ${weekdayName(now.row.handoffWeekday)}s at ${now.row.handoffTime}`;
  return zones.shown === zones.team
    ? `Rotation "${now.row.name}": ${handoff}, times in ${zones.team}.`
    : `Rotation "${now.row.name}": ${handoff} team time (${zones.team}); times shown in ${zones.shown}, your zone.`;
}

function coverLine(at: OnCallAt, nameOf: NameOf): string {
  const person = nameOf(at.personId);
  if (!at.viaOverride) return person;
  return at.scheduledPersonId !== null && at.scheduledPersonId !== at.personId ? `${person} (covering for ${nameOf(at.scheduledPersonId)})` : `${person} (override)`;
}

/** The reply to bare `/oncall`: who is on call, backup, until when, and who is next. */
export function onCallNowReply(now: OnCallNow | null, instant: Date, zones: Zones, nameOf: NameOf): Reply {
  const timeZone = zones.shown;
  if (!now) {
    return warning('There is no on-call rotation yet.', { text: 'A lead sets one up with `/oncall rotation set @alice @bob @carol [handoff:mon] [at:10:00]`.' });
  }
  const { current, next } = now;
  const fields = [
    { label: 'Backup', value: nameOf(current.backupPersonId) },
    { label: 'Until', value: `${formatInstant(current.until, timeZone)} (${formatRelative(current.until, instant)})` },
  ];
  if (next) fields.push({ label: 'Next', value: `${coverLine(next, nameOf)} from ${shortInstant(next.from, timeZone)}, backup ${nameOf(next.backupPersonId)}` });
  return info(current.personId === null ? 'Nobody is on call right now' : `On call now: ${coverLine(current, nameOf)}`, {
    fields,
    footer: rotationFooter(now.rotation, zones),
    buttons: [{ label: 'Schedule', command: '/oncall schedule' }],
  });
}

/** The reply to `/oncall schedule`: one line per shift, and per part of a shift an override splits off. */
export function scheduleReply(rotation: OnCallNow['rotation'], segments: readonly Segment[], zones: Zones, nameOf: NameOf): Reply {
  const timeZone = zones.shown;
  const lines = segments.map((s) => {
    const who =
      s.overrideId !== null
        ? `${nameOf(s.personId)} (override #${s.overrideId}${s.personId !== s.scheduledPersonId ? ` for ${nameOf(s.scheduledPersonId)}` : ''})`
        : nameOf(s.personId);
    return `${shortInstant(s.start, timeZone)} → ${shortInstant(s.end, timeZone)}  *${who}*, backup ${nameOf(s.backupPersonId)}`;
  });
  const weeks = new Set(segments.map((s) => s.shift.index)).size;
  return info(`On-call schedule, next ${weeks} week${weeks === 1 ? '' : 's'}`, {
    sections: [{ lines }],
    footer: rotationFooter(rotation, zones),
  });
}

/** The reply to `/oncall rotation set`. */
export function rotationSetReply(result: { rotation: OnCallNow['rotation']; created: boolean; now: OnCallAt }, zones: Zones, nameOf: NameOf): Reply {
  const timeZone = zones.shown;
  const { rotation, now } = result;
  return success(`${result.created ? 'Rotation' : 'Rotation updated'}: ${rotation.members.map(nameOf).join(' → ')}`, {
    text: `${nameOf(now.personId)} is on call now until ${formatInstant(now.until, timeZone)}; backup ${nameOf(now.backupPersonId)}.`,
    footer: rotationFooter(rotation, zones),
    buttons: [{ label: 'Schedule', command: '/oncall schedule' }],
  });
}

/** The reply to `/oncall override`. */
export function overrideReply(overrideId: number, personId: number, startsAt: Date, endsAt: Date, timeZone: string, nameOf: NameOf): Reply {
  return success(`${nameOf(personId)} is on call from ${shortInstant(startsAt, timeZone)} to ${shortInstant(endsAt, timeZone)}`, {
    text: `This override (#${overrideId}) wins over the rotation (and over earlier overrides) for that period. /oncall override remove ${overrideId} takes it back.`,
    footer: `Times in ${timeZone}.`,
    buttons: [{ label: 'Schedule', command: '/oncall schedule' }],
  });
}

/** The reply to `/oncall override remove`. */
export function overrideRemovedReply(removed: { id: number; personId: number; startsAt: Date; endsAt: Date }, timeZone: string, nameOf: NameOf): Reply {
  return success(`Override #${removed.id} removed`, {
    text: `${nameOf(removed.personId)} was on call from ${shortInstant(removed.startsAt, timeZone)} to ${shortInstant(removed.endsAt, timeZone)}; the rotation covers that period again.`,
    footer: `Times in ${timeZone}.`,
    buttons: [{ label: 'Schedule', command: '/oncall schedule' }],
  });
}

/** The reply to `/oncall contacts [@user]`. */
export function contactsReply(handle: string, contacts: readonly Contact[], self: boolean): Reply {
  if (contacts.length === 0) {
    return info(`${self ? 'You have' : `${handle} has`} no emergency contacts.`, {
      text: self ? 'Add one with `/oncall contacts set phone +49 30 1234567` (phone, email, sms, pager or other).' : `${handle} can add them with /oncall contacts set.`,
    });
  }
  return info(`Emergency contacts of ${handle}`, { fields: contacts.map((c) => ({ label: c.kind, value: c.value })) });
}

/** The reply to `/oncall ack`. */
export function ackReply(
  result: { kind: 'acknowledged'; ticketId: number; afterMs: number; by: string | null; step: string; assigned: boolean } | { kind: 'already'; ticketId: number; acknowledgedAt: Date; by: string | null },
  now: Date,
): Reply {
  if (result.kind === 'already') {
    return info(`#${result.ticketId} was already acknowledged by ${result.by ?? 'a scheduled job'} ${formatRelative(result.acknowledgedAt, now)}.`, { ticketId: result.ticketId });
  }
  const stage = result.step === 'announced' ? 'before the page' : result.step === 'paged' ? 'after the page; the call step is off' : 'after the call step';
  return success(`#${result.ticketId} acknowledged by ${result.by ?? 'a scheduled job'} after ${formatDuration(result.afterMs)}`, {
    text: `The ladder stopped ${stage}. The helpdesk channel is told, and an internal note on the ticket says who and when.${result.assigned ? ` #${result.ticketId} is assigned to ${result.by ?? 'you'}.` : ''}`,
    buttons: [{ label: 'Show ticket', command: `/ticket show ${result.ticketId}` }],
    ticketId: result.ticketId,
  });
}
