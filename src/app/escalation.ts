/** Moving tickets up and down the tier ladder, with the transition comment the handbook asks for. */
import { escalationComment, isUpward, tierAbove, tierBelow } from '../domain/escalation.js';
import { knownIssueLabel } from '../domain/known-issues.js';
import { TIER_LABELS, type Tier } from '../domain/vocabulary.js';
import { cleanText } from '../views/format.js';
import { deescalatedNotice, escalatedNotice } from '../views/ticket-notices.js';
import { recordAudit } from './audit.js';
import { actorLabel, type RequestContext } from './context.js';
import { conflict, forbidden, invalid } from './errors.js';
import { isWorkingInstant } from '../domain/calendar.js';
import { loadCalendar } from './calendar.js';
import { hasRole } from './people.js';
import { findMatchingKnownIssues, linkTickets } from './known-issues.js';
import { startOncallLadder, type StartLadderResult } from './oncall-ladder.js';
import { enqueue } from './outbox.js';
import { addComment, changeTicket, requireTicket } from './ticket-records.js';
import { attachTags, resolveTagRefs } from './tags.js';
import type { TicketRow } from '../store/repositories/tickets.js';


/** Requesters should hear from us at least once a business day; this is the calendar-day proxy until SLAs land. */
const REQUESTER_SILENCE_MS = 24 * 60 * 60 * 1000;

export interface EscalateInput {
  to?: Tier;
  questions: readonly string[];
  /** Escalate even though a known issue matches the ticket's tags. */
  force?: boolean;
  /** On-call only: a major outage pages at once. */
  major?: boolean;
}

export type EscalateResult =
  | {
      kind: 'escalated';
      ticket: TicketRow;
      from: Tier;
      to: Tier;
      /** Set when the requester has not heard from us for a day: time for a "still looking" note. */
      requesterWaitingSince: Date | null;
      /** Set for on-call escalations: the acknowledgement ladder that started. */
      ladder: StartLadderResult | null;
    }
  | { kind: 'known-issue-suggested'; ticket: TicketRow; matches: ReturnType<typeof findMatchingKnownIssues> };

/** Tiers whose people may send a ticket to On-Call during work hours without asking first. */
const CONFIRMING_TIERS: ReadonlySet<Tier> = new Set(['t2', 't3', 't4', 't5', 'oncall']);

/**
 * During work hours a lead or T2 confirms an on-call escalation first (docs/workflow.md); outside them
 * anyone may wake On-Call. Confirming means a lead or T2 and above runs the escalation.
 */
function requireOncallConfirmation(ctx: RequestContext, ticketId: number): void {
  const { actor } = ctx;
  if (actor.kind !== 'person' || hasRole(actor.role, 'lead') || (actor.tier && CONFIRMING_TIERS.has(actor.tier))) return;
  if (!isWorkingInstant(loadCalendar(ctx), ctx.clock.now())) return;
  throw forbidden(
    'During work hours a lead or T2 confirms on-call escalations first.',
    `Ask a lead or a T2 agent to run /escalate ${ticketId} to:oncall <what is broken>, or escalate to T2 first.`,
  );
}

/**
 * Moves a ticket up one tier (or to `to`), clears the assignee and writes the transition comment
 * with one bold ESCALATED QUESTION header per question. When a known issue matches the ticket's
 * tags, nothing changes and the result suggests tagging instead (unless `force`).
 */
export function escalateTicket(ctx: RequestContext, ticketId: number, input: EscalateInput): EscalateResult {
  return ctx.store.transaction(() => {
    const ticket = requireTicket(ctx, ticketId);
    if (ticket.status === 'closed') throw conflict(`Ticket #${ticket.id} is closed; it cannot be escalated.`, `Open a linked ticket with /ticket split ${ticket.id} <title>.`);
    const questions = input.questions.map(cleanText).filter(Boolean);
    if (questions.length === 0) {
      throw invalid('An escalation needs at least one question for the next tier.', `Example: /escalate ${ticketId} Why does SSO loop after the update? | Which log shows the token error?`);
    }
    const from = ticket.tier;
    const to = input.to ?? tierAbove(from);
    if (!to) throw conflict(`${TIER_LABELS[from]} is the top of the ladder.`, `For a system-wide incident use /escalate ${ticketId} to:oncall <question>.`);
    if (to === from) throw conflict(`Ticket #${ticket.id} is already at ${TIER_LABELS[to]}.`);
    if (input.major && to !== 'oncall') throw invalid('"major" is for on-call escalations.', `Use /escalate ${ticketId} to:oncall major <what is down>.`);
    if (!isUpward(from, to)) throw conflict(`${TIER_LABELS[to]} is below ${TIER_LABELS[from]}.`, `Use /deescalate ${ticketId} to:${to} <comment> to move it down.`);
    if (to === 'oncall') requireOncallConfirmation(ctx, ticket.id);
    if (!input.force) {
      const matches = findMatchingKnownIssues(ctx, ticket.id);
      if (matches.length > 0) return { kind: 'known-issue-suggested', ticket, matches };
    }
    const now = ctx.clock.now();
    addComment(ctx, ticket.id, 'internal', escalationComment(from, to, actorLabel(ctx.actor), questions));
    const statusPatch = ticket.status === 'open' ? {} : { status: 'open' as const, statusChangedAt: now, holdUntil: null };
    // Moving along the ladder brings a handed-off ticket back to support, in the new tier's queue.
    const updated = changeTicket(ctx, requireTicket(ctx, ticket.id), { tier: to, tierEnteredAt: now, assigneeId: null, team: null, ...statusPatch }, 'ticket.escalated');
    const lastHeard = ticket.lastPublicReplyAt ?? ticket.createdAt;
    const requesterWaitingSince = now.getTime() - lastHeard.getTime() >= REQUESTER_SILENCE_MS ? lastHeard : null;
    // On-call escalations are announced in the helpdesk channel by the ladder; the rest go to the tier's queue.
    const ladder = to === 'oncall' ? startOncallLadder(ctx, ticket.id, { major: input.major ?? false, questions }) : null;
    if (!ladder) enqueue(ctx, {
      dedupeKey: `escalated:${ticket.id}:${to}:${now.getTime()}`,
      audience: 'staff',
      channel: `tier:${to}`,
      reply: escalatedNotice(ticket, to, questions),
    });
    return { kind: 'escalated', ticket: updated, from, to, requesterWaitingSince, ladder };
  });
}

export interface DeescalateInput {
  to?: Tier;
  knownIssue?: number;
  missedDocUrl?: string;
  comment: string;
}

export interface DeescalateResult {
  ticket: TicketRow;
  from: Tier;
  to: Tier;
  linkedKnownIssue: number | null;
}

/**
 * Moves a ticket down one tier (or to `to`) with an internal note; can link the known issue that
 * explains it, or tag "Missed Doc Review" with the doc that would have answered it.
 */
export function deescalateTicket(ctx: RequestContext, ticketId: number, input: DeescalateInput): DeescalateResult {
  return ctx.store.transaction(() => {
    const ticket = requireTicket(ctx, ticketId);
    if (ticket.status === 'closed') throw conflict(`Ticket #${ticket.id} is closed; it cannot be moved.`);
    const comment = cleanText(input.comment);
    if (!comment) throw invalid('Say why it goes down, for the tier that gets it.', `Example: /deescalate ${ticketId} known:12 This is the SSO loop, answer with the workaround.`);
    const from = ticket.tier;
    const to = input.to ?? tierBelow(from);
    if (!to) throw conflict(`Ticket #${ticket.id} is at ${TIER_LABELS[from]}, the bottom of the ladder.`, `To move it up instead: /escalate ${ticket.id} <question>.`);
    if (to === from) throw conflict(`Ticket #${ticket.id} is already at ${TIER_LABELS[to]}.`);
    if (isUpward(from, to)) throw conflict(`${TIER_LABELS[to]} is above ${TIER_LABELS[from]}.`, `Use /escalate ${ticketId} to:${to} <question> to move it up.`);
    const lines = [`De-escalated from ${TIER_LABELS[from]} to ${TIER_LABELS[to]} by ${actorLabel(ctx.actor)}.`, comment];
    if (input.missedDocUrl) {
      const added = attachTags(ctx, ticket.id, resolveTagRefs(ctx, [{ family: 'process', value: 'Missed Doc Review' }]));
      if (added.length > 0) recordAudit(ctx, { entity: 'ticket', entityId: ticket.id, action: 'ticket.tags', after: { added: ['process:Missed Doc Review'], doc: input.missedDocUrl } });
      lines.push(`*Missed doc review*: this doc would have answered it: ${input.missedDocUrl}`);
    }
    if (input.knownIssue !== undefined) {
      linkTickets(ctx, input.knownIssue, [ticket.id]);
      lines.push(`${knownIssueLabel(input.knownIssue)} explains it.`);
    }
    addComment(ctx, ticket.id, 'internal', lines.join('\n'));
    const now = ctx.clock.now();
    const updated = changeTicket(ctx, requireTicket(ctx, ticket.id), { tier: to, tierEnteredAt: now, assigneeId: null, team: null }, 'ticket.deescalated');
    enqueue(ctx, {
      dedupeKey: `deescalated:${ticket.id}:${to}:${now.getTime()}`,
      audience: 'staff',
      channel: `tier:${to}`,
      reply: deescalatedNotice(ticket, to, comment),
    });
    return { ticket: updated, from, to, linkedKnownIssue: input.knownIssue ?? null };
  });
}
