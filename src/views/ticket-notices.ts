/**
 * The notices ticket use cases queue for staff in the same transaction as the change (a new
 * ticket for Triage, an escalation for the next tier, a hand-off for a team, an assignment for
 * the assignee): the use case decides who and when, these say it.
 */
import type { RoutingChoice } from '../domain/routing.js';
import { TEAM_LABELS, TIER_LABELS, type HandoffTeam, type Tier } from '../domain/vocabulary.js';
import type { TicketRow } from '../store/repositories/tickets.js';
import { oneLine } from './format.js';
import { info, success, warning, type Reply } from './reply.js';

type TicketRef = Pick<TicketRow, 'id' | 'title'>;

/** Triage reads every new ticket. */
export function newTicketNotice(ticket: TicketRef & Pick<TicketRow, 'priority' | 'requester'>): Reply {
  return success(`New ticket #${ticket.id}: ${ticket.title}`, {
    fields: [
      { label: 'Priority', value: ticket.priority },
      { label: 'Requester', value: ticket.requester ?? '—' },
    ],
    buttons: [{ label: 'Assign to me', command: `/ticket assign ${ticket.id} me`, style: 'primary' }],
    ticketId: ticket.id,
  });
}

/** The next tier's queue gets the ticket with the escalated questions, one bold header each. */
export function escalatedNotice(ticket: TicketRef, to: Tier, questions: readonly string[]): Reply {
  return warning(`Escalated to ${TIER_LABELS[to]}: #${ticket.id} ${ticket.title}`, {
    visibility: 'channel',
    text: questions.map((q, i) => `*ESCALATED QUESTION ${i + 1}*\n${q}`).join('\n'),
    buttons: [
      { label: 'Assign to me', command: `/ticket assign ${ticket.id} me`, style: 'primary' },
      { label: 'Show ticket', command: `/ticket show ${ticket.id}` },
    ],
    ticketId: ticket.id,
  });
}

/** The lower tier's queue gets the ticket back, with why. */
export function deescalatedNotice(ticket: TicketRef, to: Tier, comment: string): Reply {
  return info(`Back to ${TIER_LABELS[to]}: #${ticket.id} ${ticket.title}`, {
    visibility: 'channel',
    text: comment,
    buttons: [{ label: 'Assign to me', command: `/ticket assign ${ticket.id} me`, style: 'primary' }],
    ticketId: ticket.id,
  });
}

/** To the new assignee, when someone else assigned them. */
export function assignedNotice(ticket: TicketRef): Reply {
  return info(`You were assigned #${ticket.id}: ${ticket.title}`, {
    buttons: [{ label: 'Show ticket', command: `/ticket show ${ticket.id}` }],
    ticketId: ticket.id,
  });
}

const ROUTING_REASONS: Record<NonNullable<RoutingChoice>['reason'], string> = {
  original: 'you escalated it from this tier',
  'on-duty': `you are on duty in this tier's rotation`,
  'round-robin': 'it was your turn',
};

/** To the agent routing assigned the ticket to, with why it was them. */
export function routedNotice(ticket: TicketRef & Pick<TicketRow, 'tier'>, reason: NonNullable<RoutingChoice>['reason']): Reply {
  return info(`#${ticket.id} is yours: ${ticket.title}`, {
    text: `Assigned in ${TIER_LABELS[ticket.tier]} because ${ROUTING_REASONS[reason]}.`,
    buttons: [{ label: 'Show ticket', command: `/ticket show ${ticket.id}` }],
    ticketId: ticket.id,
  });
}

/** The team's channel gets a handed-off ticket (`ticket` as it was, in its tier's queue). */
export function handedOffNotice(ticket: TicketRef & Pick<TicketRow, 'tier'>, team: HandoffTeam, why: string): Reply {
  return info(`Handed to ${TEAM_LABELS[team]}: #${ticket.id} ${ticket.title}`, {
    visibility: 'channel',
    text: `${why}\nIt left the ${TIER_LABELS[ticket.tier]} queue and its SLA clock is paused; /ticket handoff ${ticket.id} back returns it.`,
    buttons: [
      { label: 'Show ticket', command: `/ticket show ${ticket.id}` },
      { label: 'Assign to me', command: `/ticket assign ${ticket.id} me`, style: 'primary' },
      { label: `Back to ${TIER_LABELS[ticket.tier]}`, command: `/ticket handoff ${ticket.id} back` },
    ],
    ticketId: ticket.id,
  });
}

/** The tier's channel gets the ticket back from a team, with what the team said (`said`, maybe empty). */
export function handedBackNotice(ticket: TicketRef & Pick<TicketRow, 'tier'>, from: HandoffTeam, said: string): Reply {
  return info(`Back from ${TEAM_LABELS[from]}: #${ticket.id} ${ticket.title}`, {
    visibility: 'channel',
    text: said || `${TEAM_LABELS[from]} handed it back to the ${TIER_LABELS[ticket.tier]} queue.`,
    buttons: [
      { label: 'Assign to me', command: `/ticket assign ${ticket.id} me`, style: 'primary' },
      { label: 'Show ticket', command: `/ticket show ${ticket.id}` },
    ],
    ticketId: ticket.id,
  });
}

/** A team told about a ticket that stays where it is (the handbook's "Notify Product"). */
export function teamNotice(ticket: TicketRef & Pick<TicketRow, 'tier' | 'team'>, team: HandoffTeam, message: string): Reply {
  return info(`For ${TEAM_LABELS[team]}: #${ticket.id} ${ticket.title}`, {
    visibility: 'channel',
    text: message,
    fields: [{ label: 'Stays with', value: ticket.team ? TEAM_LABELS[ticket.team] : `${TIER_LABELS[ticket.tier]} (nothing to do unless you take it)` }],
    buttons: [{ label: 'Show ticket', command: `/ticket show ${ticket.id}` }],
    ticketId: ticket.id,
  });
}

/** Characters of a requester's message shown in the offer. */
const EXCERPT = 300;

/** The candidate ticket's tier decides whether a requester's new message belongs to it or is a new request. */
export function pendingMessageOffer(pendingId: number, author: string, text: string, candidate: TicketRef): Reply {
  const excerpt = oneLine(text);
  return warning(`${author} wrote again while #${candidate.id} is open: same request, or a new one?`, {
    visibility: 'channel',
    text: excerpt.length > EXCERPT ? `${excerpt.slice(0, EXCERPT - 1)}…` : excerpt,
    fields: [{ label: 'Open ticket', value: `#${candidate.id} ${candidate.title}` }],
    buttons: [
      { label: `Add to #${candidate.id}`, command: `/ticket inbox add ${pendingId}`, style: 'primary' },
      { label: 'Open a new ticket', command: `/ticket inbox new ${pendingId}` },
    ],
    ticketId: candidate.id,
  });
}

/** Mail to a ticket's requester bounced: `text` is the internal note written on the ticket. */
export function bounceNotice(ticketId: number, text: string): Reply {
  return info(`Mail to the requester of #${ticketId} bounced`, { visibility: 'channel', text, ticketId, buttons: [{ label: 'Show ticket', command: `/ticket show ${ticketId}` }] });
}
