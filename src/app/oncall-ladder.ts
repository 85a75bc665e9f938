/**
 * The acknowledgement ladder of on-call escalations: announce, page after an hour without an
 * acknowledgement (at once for a major outage), call on-call and backup 30 minutes later. The row
 * in oncall_escalations is the snapshot; ladderStep decides; every advance is a conditional update,
 * so a stale or concurrent run changes nothing and queues nothing.
 */
import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';
import { z } from 'zod';
import { DEFAULT_LADDER_POLICY, ladderStep, pageDueAt, STEP_AFTER, whoIsOnCall, type LadderPolicy, type LadderStepName } from '../domain/oncall.js';
import type { EscalationRow } from '../store/repositories/oncall.js';
import { ackNotice, announcementNotice, callNotice, formatDuration, pageNotice, type LadderPeople } from '../views/oncall.js';
import { recordAudit } from './audit.js';
import { actorLabel, actorPersonId, type AppContext, type RequestContext } from './context.js';
import { forbidden, notFound } from './errors.js';
import { contactsOf } from './oncall-contacts.js';
import { enqueueWebhook, incidentKey, PAGE_WEBHOOK_CHANNEL, type WebhookPerson } from './oncall-webhook.js';
import { currentOnCall, rotationFor } from './oncall.js';
import { enqueue } from './outbox.js';
import { handleOf, hasRole, requireRole } from './people.js';
import { readSetting, writeSetting } from './team-settings.js';
import { addComment, changeTicket, findTicket, requireTicket } from './ticket-records.js';
import type { TicketRow } from '../store/repositories/tickets.js';

export type { EscalationRow } from '../store/repositories/oncall.js';


/** The team setting holding the ladder's timing (minutes). */
export const LADDER_SETTING = 'oncall-ladder';
export const ladderPolicySchema = z.object({
  ackMinutes: z.number().int().min(1).max(24 * 60),
  callAfterPageMinutes: z.number().int().min(1).max(24 * 60),
});

/** The team's ladder timing (docs/workflow.md's 60 and 30 minutes unless a lead changed them). */
export function ladderPolicy(ctx: AppContext): LadderPolicy {
  return readSetting(ctx, LADDER_SETTING, ladderPolicySchema, DEFAULT_LADDER_POLICY);
}

/** Changes the ladder's timing (leads); the new values apply to escalations from now on. */
export function setLadderPolicy(ctx: RequestContext, change: Partial<LadderPolicy>): LadderPolicy {
  return ctx.store.transaction(() => {
    requireRole(ctx, 'lead', 'change the on-call ladder');
    const policy = ladderPolicySchema.parse({ ...ladderPolicy(ctx), ...change });
    writeSetting(ctx, LADDER_SETTING, policy);
    return policy;
  });
}

export interface StartLadderOptions {
  /** Major outage: page at once instead of waiting for the acknowledgement window. */
  major: boolean;
  /** The escalated questions, shown in the announcement. */
  questions?: readonly string[];
  rotation?: string;
}

export interface StartLadderResult {
  escalationId: number;
  oncall: number | null;
  backup: number | null;
  /** Whether the page is queued already (major). */
  paged: boolean;
  /** True when the ticket had an unacknowledged escalation, which was reused (and made major if asked). */
  existing: boolean;
}

function openEscalation(ctx: AppContext, ticketId: number): EscalationRow | undefined {
  return ctx.store.oncall.openEscalationOf(ticketId);
}

function peopleOf(ctx: AppContext, row: Pick<EscalationRow, 'oncallPersonId' | 'backupPersonId'>): LadderPeople {
  const person = (id: number | null) => (id === null ? null : { id, handle: handleOf(ctx, id)!, contacts: contactsOf(ctx, id) });
  return { oncall: person(row.oncallPersonId), backup: person(row.backupPersonId) };
}

/**
 * Starts the ladder for a ticket escalated to On-Call: stores the escalation with who is on call
 * and backup now, announces it in the helpdesk channel (with Show and Acknowledge buttons) and, when
 * major, queues the page at once. Runs in the caller's transaction when there is one. A ticket
 * with an unacknowledged escalation keeps it (a second announcement would be noise); asking for
 * major then pages it now.
 */
export function startOncallLadder(ctx: RequestContext, ticketId: number, options: StartLadderOptions): StartLadderResult {
  return ctx.store.transaction(() => {
    const ticket = requireTicket(ctx, ticketId);
    const now = ctx.clock.now();
    const policy = ladderPolicy(ctx);
    const open = openEscalation(ctx, ticketId);
    if (open) {
      if (options.major && !open.major) {
        const nextStepAt = open.step === 'announced' ? pageDueAt({ escalatedAt: open.escalatedAt, major: true }, policy) : open.nextStepAt;
        ctx.store.oncall.makeEscalationMajor(open.id, nextStepAt);
        recordAudit(ctx, { entity: 'oncall', entityId: open.id, action: 'oncall.major', before: { major: false }, after: { major: true } });
      }
      advanceLadder(ctx, open.id, now);
      const after = ctx.store.oncall.escalationById(open.id)!;
      return { escalationId: open.id, oncall: open.oncallPersonId, backup: open.backupPersonId, paged: after.step !== 'announced', existing: true };
    }
    const who = currentOnCall(ctx, now, options.rotation);
    const row = ctx.store.oncall.insertEscalation({
      ticketId,
      rotationId: who?.rotation.row.id ?? null,
      major: options.major,
      escalatedAt: now,
      escalatedBy: actorPersonId(ctx.actor),
      oncallPersonId: who?.current.personId ?? null,
      backupPersonId: who?.current.backupPersonId ?? null,
      step: 'announced',
      nextStepAt: pageDueAt({ escalatedAt: now, major: options.major }, policy),
    });
    recordAudit(ctx, {
      entity: 'oncall',
      entityId: row.id,
      action: 'oncall.escalated',
      after: { ticketId, major: row.major, oncall: row.oncallPersonId, backup: row.backupPersonId, nextStepAt: row.nextStepAt },
    });
    enqueue(ctx, {
      dedupeKey: `oncall:${row.id}:announce`,
      audience: 'staff',
      channel: 'role:helpdesk',
      reply: announcementNotice(ticket, row, peopleOf(ctx, row), options.questions ?? [], policy, !who),
      ticketId,
      // Nobody is mentioned for an escalation they made themselves.
      mentions: row.oncallPersonId === null || row.oncallPersonId === row.escalatedBy ? [] : [row.oncallPersonId],
    });
    advanceLadder(ctx, row.id, now);
    const after = ctx.store.oncall.escalationById(row.id)!;
    return { escalationId: row.id, oncall: row.oncallPersonId, backup: row.backupPersonId, paged: after.step !== 'announced', existing: false };
  });
}

/** Escalations whose next step is due at `now`, most overdue first (reads the next_step_at index). */
export function dueEscalations(ctx: AppContext, now: Date, limit = 500): Pick<EscalationRow, 'id' | 'ticketId'>[] {
  return ctx.store.oncall.dueEscalations(now, limit);
}

/** Why a ladder stops on its own: the ticket was settled or moved off On-Call since the escalation. */
function settledReason(ticket: TicketRow | undefined, row: EscalationRow): string | null {
  if (!ticket) return 'ticket missing';
  if (ticket.status === 'resolved' || ticket.status === 'closed') return `ticket ${ticket.status}`;
  if (ticket.tier !== 'oncall' && ticket.tierEnteredAt.getTime() > row.escalatedAt.getTime()) return `ticket moved to ${ticket.tier}`;
  return null;
}

/**
 * Who a ladder step firing at `at` goes to: the on-call person and backup of the escalation's
 * rotation at that instant. Without any rotation, whoever the escalation named (nobody).
 */
function onCallAsStepFires(ctx: AppContext, row: EscalationRow, at: Date): Pick<EscalationRow, 'oncallPersonId' | 'backupPersonId'> {
  const rotation = rotationFor(ctx, row.rotationId, at);
  if (!rotation) return { oncallPersonId: row.oncallPersonId, backupPersonId: row.backupPersonId };
  const now = whoIsOnCall(rotation.timing, rotation.members, rotation.overrides, at);
  return { oncallPersonId: now.personId, backupPersonId: now.backupPersonId };
}

/**
 * Takes every ladder step due at `now` for one escalation, each once: a tick three hours late pages
 * and calls in one go. Returns the number of outbox rows queued. Call inside a transaction.
 */
export function advanceLadder(ctx: RequestContext, escalationId: number, now: Date): number {
  let row = ctx.store.oncall.escalationById(escalationId);
  if (!row || row.acknowledgedAt !== null || row.nextStepAt === null || row.nextStepAt.getTime() > now.getTime()) return 0;
  const ticket = findTicket(ctx, row.ticketId);
  const reason = settledReason(ticket, row);
  if (reason || !ticket) {
    const stopped = ctx.store.oncall.updateIfUnchanged(row, { nextStepAt: null });
    if (stopped) recordAudit(ctx, { entity: 'oncall', entityId: row.id, action: 'oncall.stopped', before: { step: row.step }, after: { reason } });
    return 0;
  }
  const policy = ladderPolicy(ctx);
  let queued = 0;
  // At most two steps exist (page, call); the bound only guards against a policy loop.
  for (let round = 0; round < 3; round++) {
    const decision = ladderStep({ step: row.step, escalatedAt: row.escalatedAt, major: row.major, acknowledgedAt: row.acknowledgedAt }, now, policy);
    if (!decision.next) {
      if (decision.nextStepAt?.getTime() !== row.nextStepAt?.getTime()) {
        ctx.store.oncall.updateIfUnchanged(row, { nextStepAt: decision.nextStepAt });
      }
      break;
    }
    const step: LadderStepName = STEP_AFTER[decision.next];
    // Each step goes to whoever is on call as it fires: a hand-off or an override since the
    // escalation (or the step before) changes who is paged and called.
    const people = onCallAsStepFires(ctx, row, now);
    const patch = { step, nextStepAt: decision.nextStepAt, ...people, ...(decision.next === 'page' ? { pagedAt: now } : {}) };
    // Conditional on the step we read: a concurrent or repeated run finds no row and queues nothing.
    const advanced = ctx.store.oncall.advanceIfUnchanged(row, patch);
    if (!advanced) break;
    recordAudit(ctx, {
      entity: 'oncall',
      entityId: row.id,
      action: `oncall.${step}`,
      before: { step: row.step, oncall: row.oncallPersonId, backup: row.backupPersonId },
      after: { step, nextStepAt: decision.nextStepAt, oncall: advanced.oncallPersonId, backup: advanced.backupPersonId },
    });
    queued += decision.next === 'page' ? queuePage(ctx, advanced, ticket, policy) : queueCall(ctx, advanced, ticket);
    row = advanced;
  }
  return queued;
}

function webhookPerson(person: LadderPeople['oncall']): WebhookPerson | null {
  return person ? { handle: person.handle.replace(/^@/, ''), contacts: person.contacts } : null;
}

/** The page: a mention of the on-call person in support-dev, plus the webhook event. */
function queuePage(ctx: RequestContext, row: EscalationRow, ticket: TicketRow, policy: LadderPolicy): number {
  const people = peopleOf(ctx, row);
  const validWhile = { kind: 'ladder', escalationId: row.id, step: 'paged' } as const;
  const chat = enqueue(ctx, {
    dedupeKey: `oncall:${row.id}:page`,
    audience: 'staff',
    channel: 'role:support-dev',
    reply: pageNotice(ticket, row, people, policy),
    ticketId: ticket.id,
    validWhile,
    mentions: row.oncallPersonId === null ? [] : [row.oncallPersonId],
    urgent: true,
  });
  const hook = enqueueWebhook(ctx, {
    dedupeKey: `oncall:${row.id}:page:webhook`,
    channel: PAGE_WEBHOOK_CHANNEL,
    body: {
      event: 'deskops.page',
      dedupe_key: incidentKey(row.id),
      ticket: { id: ticket.id, title: ticket.title, priority: ticket.priority, severity: ticket.severity, ...(ticket.sourceLink ? { url: ticket.sourceLink } : {}) },
      oncall: webhookPerson(people.oncall),
      backup: webhookPerson(people.backup),
      major: row.major,
      escalated_at: row.escalatedAt.toISOString(),
      step: 'paged',
    },
    ticketId: ticket.id,
    validWhile,
  });
  return Number(chat) + Number(hook);
}

/** The call step: on-call and backup contacts in support-dev, for someone to phone them. */
function queueCall(ctx: RequestContext, row: EscalationRow, ticket: TicketRow): number {
  const people = peopleOf(ctx, row);
  const queued = enqueue(ctx, {
    dedupeKey: `oncall:${row.id}:call`,
    audience: 'staff',
    channel: 'role:support-dev',
    reply: callNotice(ticket, row, people),
    ticketId: ticket.id,
    validWhile: { kind: 'ladder', escalationId: row.id, step: 'called' },
    mentions: [row.oncallPersonId, row.backupPersonId].filter((id): id is number => id !== null),
    urgent: true,
  });
  return Number(queued);
}

export type AckResult =
  | { kind: 'acknowledged'; escalationId: number; ticketId: number; step: LadderStepName; afterMs: number; by: string | null; assigned: boolean }
  | { kind: 'already'; escalationId: number; ticketId: number; acknowledgedAt: Date; by: string | null };

/**
 * Who may say "seen it, handling it": the person on call now or the backup (of the escalation's
 * rotation), whoever the ladder last paged or called, and leads. Anyone else is refused; the
 * router audits the refusal.
 */
function requireMayAcknowledge(ctx: RequestContext, ticket: TicketRow, row: EscalationRow, now: Date): void {
  const { actor } = ctx;
  if (actor.kind !== 'person' || hasRole(actor.role, 'lead')) return;
  const current = onCallAsStepFires(ctx, row, now);
  const allowed = new Set([current.oncallPersonId, current.backupPersonId, row.oncallPersonId, row.backupPersonId]);
  if (allowed.has(actor.personId)) return;
  const who = [
    current.oncallPersonId === null ? null : `the person on call (${handleOf(ctx, current.oncallPersonId)})`,
    current.backupPersonId === null ? null : `the backup (${handleOf(ctx, current.backupPersonId)})`,
  ].filter((part): part is string => part !== null);
  const parties = [...who, 'a lead'];
  const list = parties.length === 1 ? parties[0]! : `${parties.slice(0, -1).join(', ')} or ${parties.at(-1)!}`;
  throw forbidden(
    `Only ${list} can acknowledge #${ticket.id}.`,
    `Acknowledging says "I am handling it": /oncall shows who is on call; ask them or a lead, or ask a lead to put you on call (/oncall override).`,
  );
}

/** The timeline note of an acknowledgement: who, when (team time) and how long after the page. */
function ackNote(handle: string, now: Date, row: EscalationRow, policy: LadderPolicy, timeZone: string): string {
  const at = format(new TZDate(now.getTime(), timeZone), 'HH:mm');
  const pagedAt = row.step === 'announced' ? null : (row.pagedAt ?? pageDueAt(row, policy));
  const since = pagedAt
    ? `${formatDuration(now.getTime() - pagedAt.getTime())} after the page`
    : `${formatDuration(now.getTime() - row.escalatedAt.getTime())} after the escalation (before the page)`;
  return `On-call: acknowledged by ${handle} at ${at} (${timeZone}), ${since}.`;
}

/**
 * Acknowledges a ticket's open on-call escalation ("seen it, handling it"): stops the ladder at
 * whatever step it is, writes who and when on the ticket as an internal note, takes the ticket if
 * nobody has it, tells the helpdesk channel, and tells the webhook when a page went out. Only the
 * people requireMayAcknowledge names may. A conditional update (acknowledged_at is null) makes a
 * repeat a no-op that says who was first.
 */
export function acknowledge(ctx: RequestContext, ticketId: number): AckResult {
  return ctx.store.transaction(() => {
    const ticket = requireTicket(ctx, ticketId);
    const now = ctx.clock.now();
    const open = openEscalation(ctx, ticketId);
    if (!open) {
      const last = ctx.store.oncall.latestEscalationOf(ticketId);
      if (!last?.acknowledgedAt) {
        throw notFound(`#${ticketId} has no on-call escalation to acknowledge.`, `Escalate it with /escalate ${ticketId} to:oncall <question>; /oncall shows who is on call.`);
      }
      return { kind: 'already', escalationId: last.id, ticketId, acknowledgedAt: last.acknowledgedAt, by: handleOf(ctx, last.acknowledgedBy) };
    }
    requireMayAcknowledge(ctx, ticket, open, now);
    const by = actorPersonId(ctx.actor);
    const acked = ctx.store.oncall.acknowledgeOpenEscalations(ticketId, now, by);
    const latest = acked[0]!;
    const handle = by === null ? null : handleOf(ctx, by);
    for (const row of acked) {
      recordAudit(ctx, { entity: 'oncall', entityId: row.id, action: 'oncall.acknowledged', before: { step: row.step }, after: { afterMs: now.getTime() - row.escalatedAt.getTime() } });
    }
    addComment(ctx, ticket.id, 'internal', ackNote(handle ?? actorLabel(ctx.actor), now, latest, ladderPolicy(ctx), ctx.settings.timeZone));
    const assigned = by !== null && ticket.assigneeId === null;
    if (assigned) changeTicket(ctx, requireTicket(ctx, ticket.id), { assigneeId: by }, 'ticket.assigned');
    const afterMs = now.getTime() - latest.escalatedAt.getTime();
    enqueue(ctx, {
      dedupeKey: `oncall:${latest.id}:ack`,
      audience: 'staff',
      channel: 'role:helpdesk',
      reply: ackNotice(ticket, handle, afterMs),
      ticketId,
    });
    if (latest.step !== 'announced') {
      enqueueWebhook(ctx, {
        dedupeKey: `oncall:${latest.id}:ack:webhook`,
        channel: PAGE_WEBHOOK_CHANNEL,
        body: { event: 'deskops.acknowledge', dedupe_key: incidentKey(latest.id), ticket: { id: ticket.id, title: ticket.title }, acknowledged_by: handle?.replace(/^@/, '') ?? null, acknowledged_at: now.toISOString() },
        ticketId,
      });
    }
    return { kind: 'acknowledged', escalationId: latest.id, ticketId, step: latest.step, afterMs, by: handle, assigned };
  });
}
