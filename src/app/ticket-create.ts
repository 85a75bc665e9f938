/** Opening tickets: from a command or a message, and by splitting an unrelated question out. */
import { z } from 'zod';
import type { CompleteTicketRow, TicketRow } from '../store/repositories/tickets.js';
import type { Department, Origin, Priority, Severity } from '../domain/vocabulary.js';
import { cleanText, oneLine } from '../views/format.js';
import { newTicketNotice } from '../views/ticket-notices.js';
import { recordAudit } from './audit.js';
import { actorLabel, actorPersonId, type RequestContext } from './context.js';
import { invalid } from './errors.js';
import { enqueue } from './outbox.js';
import { findMentioned } from './people.js';
import { addComment, requireTicket } from './ticket-records.js';
import { attachTags, resolveTagRefs, type TagRef, type TagRow } from './tags.js';
import { derivedFields, syncDerivedState } from './ticket-derived.js';
import { slaSetup } from './sla.js';
import { AppError, unavailable } from './errors.js';

/** Titles longer than this are shortened; the full text moves into the description. */
export const MAX_TITLE_LENGTH = 200;
export const MAX_BODY_LENGTH = 30_000;

export interface CreateTicketInput {
  title: string;
  description?: string;
  priority?: Priority;
  severity?: Severity;
  department?: Department;
  /** An email address or a chat mention ("@alice"). */
  requester?: string;
  /** The requester's person, when the caller knows it (a ticket opened from their own message). */
  requesterPersonId?: number;
  origin?: Origin;
  tags?: readonly TagRef[];
  /** A link to the chat message the ticket came from. */
  sourceLink?: string;
}

export interface CreatedTicket {
  ticket: TicketRow;
  tags: TagRow[];
  titleShortened: boolean;
}

const emailSchema = z.email();

/** Normalises a requester: "@alice" (a chat user) or an email address. */
export function parseRequester(ctx: RequestContext, raw: string): { requester: string; personId: number | null } {
  const value = raw.trim();
  if (value.startsWith('@')) {
    try {
      const person = findMentioned(ctx, value);
      return { requester: `@${person.handle}`, personId: person.id };
    } catch (error) {
      // Requesters are often customers deskops has never seen: keep the handle as typed.
      if (error instanceof AppError && error.code === 'NOT_FOUND') return { requester: value, personId: null };
      throw error;
    }
  }
  if (emailSchema.safeParse(value).success) return { requester: value.toLowerCase(), personId: null };
  throw invalid(`"${value}" is not an email address or an @mention.`, 'Use requester:jane@example.com or requester:@jane.');
}

/** Cuts an over-long title at a word boundary, so nothing typed is lost: the full text goes to the description. */
function fitTitle(title: string): { title: string; shortened: boolean } {
  if (title.length <= MAX_TITLE_LENGTH) return { title, shortened: false };
  const cut = title.slice(0, MAX_TITLE_LENGTH - 1);
  const space = cut.lastIndexOf(' ');
  return { title: `${space > MAX_TITLE_LENGTH / 2 ? cut.slice(0, space) : cut}…`, shortened: true };
}

/** Creates a ticket in Triage, Open, with its audit event and the triage notification. */
export function createTicket(ctx: RequestContext, input: CreateTicketInput): CreatedTicket {
  return ctx.store.transaction(() => {
    limitTicketCreation(ctx);
    const typedTitle = oneLine(input.title);
    if (!typedTitle) throw invalid('A ticket needs a title.', 'Example: /ticket new "Login fails after SSO change" priority:high');
    const { title, shortened } = fitTitle(typedTitle);
    const description = cleanText([shortened ? typedTitle : '', input.description ?? ''].filter(Boolean).join('\n\n'));
    if (description.length > MAX_BODY_LENGTH) {
      throw invalid(`The description is ${description.length} characters; the limit is ${MAX_BODY_LENGTH}.`, 'Add the rest as comments with /ticket note.');
    }
    const tagRows = resolveTagRefs(ctx, input.tags ?? []);
    const parsed = input.requester ? parseRequester(ctx, input.requester) : defaultRequester(ctx);
    const requester = input.requesterPersonId !== undefined ? { ...parsed, personId: input.requesterPersonId } : parsed;
    const now = ctx.clock.now();
    // The derived columns (reply deadline, status timer) go in with the row; syncDerivedState
    // then opens the SLA clock and finds them in step.
    const derived = derivedFields(ctx, slaSetup(ctx), null, {
      status: 'open',
      statusChangedAt: now,
      pendingRemindedAt: null,
      holdUntil: null,
      lastRequesterMessageAt: now,
      lastPublicReplyAt: null,
      replyDueAt: null,
      replyWarnedAt: null,
    });
    // The whole row is written, so the stored ticket is known without reading it back.
    const row: CompleteTicketRow = {
      title,
      description,
      requester: requester.requester,
      requesterPersonId: requester.personId,
      origin: input.origin ?? 'chat',
      department: input.department ?? ctx.settings.defaultDepartment,
      // Tickets from email default to Medium like every other; the explicit default keeps that visible.
      priority: input.priority ?? 'medium',
      severity: input.severity ?? null,
      tier: 'triage',
      status: 'open',
      holdUntil: null,
      assigneeId: null,
      team: null,
      knownIssueId: null,
      parentId: null,
      mergedIntoId: null,
      parentKind: null,
      chatPlatform: ctx.origin.platform,
      chatChannel: ctx.origin.channel,
      chatThread: ctx.origin.thread,
      sourceLink: input.sourceLink ?? null,
      createdBy: actorPersonId(ctx.actor),
      createdAt: now,
      updatedAt: now,
      tierEnteredAt: now,
      statusChangedAt: now,
      lastPublicReplyAt: null,
      lastRequesterMessageAt: now,
      statusTimerAt: derived.statusTimerAt,
      pendingRemindedAt: null,
      replyDueAt: derived.replyDueAt,
      replyWarnedAt: derived.replyWarnedAt,
    };
    const ticket: TicketRow = { id: ctx.store.tickets.insertComplete(row), ...row };
    syncDerivedState(ctx, null, ticket, derived);
    if (tagRows.length > 0) attachTags(ctx, ticket.id, tagRows);
    recordAudit(ctx, {
      entity: 'ticket',
      entityId: ticket.id,
      action: 'ticket.created',
      after: { ...snapshot(ticket), tags: tagRows.map((t) => `${t.family}:${t.name}`) },
    });
    announceNewTicket(ctx, ticket);
    return { ticket, tags: tagRows, titleShortened: shortened };
  });
}

/** Refuses a new ticket when its creator has opened too many too fast (the shell, the operator's own terminal, is exempt). */
function limitTicketCreation(ctx: RequestContext): void {
  if (ctx.actor.kind !== 'person' || ctx.actor.platform === 'shell') return;
  const wait = ctx.limits?.ticket(`${ctx.actor.platform}:${ctx.actor.personId}`);
  if (wait === undefined) return;
  const minutes = Math.max(1, Math.ceil(wait / 60_000));
  throw unavailable(
    `You have opened ${ctx.limits?.ticketBurst ?? 0} tickets in a short time, so this one was not opened.`,
    `Nothing was changed. Wait ${minutes} min and try again${ctx.actor.role === 'requester' ? '' : ', or add to an existing ticket with /ticket note'}.`,
  );
}

/** A ticket typed by an agent for a chat user defaults to that user as requester. */
function defaultRequester(ctx: RequestContext): { requester: string | null; personId: number | null } {
  return ctx.actor.kind === 'person' ? { requester: actorLabel(ctx.actor), personId: ctx.actor.personId } : { requester: null, personId: null };
}

/** The fields worth keeping in the creation audit event. */
function snapshot(ticket: TicketRow): Record<string, unknown> {
  return {
    title: ticket.title,
    priority: ticket.priority,
    severity: ticket.severity,
    department: ticket.department,
    origin: ticket.origin,
    requester: ticket.requester,
    tier: ticket.tier,
    status: ticket.status,
    parentId: ticket.parentId,
  };
}

/** Triage reads every new ticket: queue a notice for the triage channel. */
function announceNewTicket(ctx: RequestContext, ticket: TicketRow): void {
  enqueue(ctx, {
    dedupeKey: `ticket-new:${ticket.id}`,
    audience: 'staff',
    channel: 'tier:triage',
    reply: newTicketNotice(ticket),
  });
}

export interface SplitResult {
  parent: TicketRow;
  child: TicketRow;
}

interface LinkedTicketSpec {
  kind: 'split' | 'follow-up';
  title: string;
  description?: string;
  audit: Record<string, unknown>;
  childNote: string;
  parentNote: (child: TicketRow) => string;
  parentAction: string;
}

/** A new Triage ticket, unassigned, linked to `parent` (same requester), with a note on both. */
function openLinkedTicket(ctx: RequestContext, parent: TicketRow, spec: LinkedTicketSpec): TicketRow {
  const { title, shortened } = fitTitle(oneLine(spec.title));
  const now = ctx.clock.now();
  const child = ctx.store.tickets.insert({
    title,
    description: cleanText([shortened ? oneLine(spec.title) : '', spec.description ?? ''].filter(Boolean).join('\n\n')),
    requester: parent.requester,
    requesterPersonId: parent.requesterPersonId,
    origin: parent.origin,
    department: parent.department,
    priority: parent.priority,
    tier: 'triage',
    status: 'open',
    parentId: parent.id,
    parentKind: spec.kind,
    chatPlatform: parent.chatPlatform,
    chatChannel: parent.chatChannel,
    createdBy: actorPersonId(ctx.actor),
    createdAt: now,
    updatedAt: now,
    tierEnteredAt: now,
    statusChangedAt: now,
    lastRequesterMessageAt: parent.lastRequesterMessageAt ?? now,
  });
  syncDerivedState(ctx, null, child);
  recordAudit(ctx, { entity: 'ticket', entityId: child.id, action: 'ticket.created', after: { ...snapshot(child), ...spec.audit } });
  recordAudit(ctx, { entity: 'ticket', entityId: parent.id, action: spec.parentAction, after: { childId: child.id } });
  addComment(ctx, child.id, 'internal', spec.childNote);
  addComment(ctx, parent.id, 'internal', spec.parentNote(child));
  announceNewTicket(ctx, child);
  return requireTicket(ctx, child.id);
}

/**
 * Splits an unrelated question out of a ticket: a new ticket back in Triage, unassigned, linked
 * to its parent, with an internal note on both explaining the split.
 */
export function splitTicket(ctx: RequestContext, parentId: number, title: string): SplitResult {
  return ctx.store.transaction(() => {
    const parent = requireTicket(ctx, parentId);
    if (!oneLine(title)) throw invalid('The new ticket needs a title.', `Example: /ticket split ${parentId} "Question about invoices"`);
    const by = actorLabel(ctx.actor);
    const child = openLinkedTicket(ctx, parent, {
      kind: 'split',
      title,
      audit: { splitFrom: parent.id },
      childNote: `Split from #${parent.id} ("${parent.title}") by ${by}: an unrelated question, back to Triage.`,
      parentNote: (c) => `Split out #${c.id} ("${c.title}") by ${by}: that question is handled there, starting from Triage.`,
      parentAction: 'ticket.split',
    });
    return { parent: requireTicket(ctx, parent.id), child };
  });
}

/**
 * A requester wrote again on a Closed ticket: closed stays closed for them, so their message opens
 * a follow-up ticket linked to the old one (docs/workflow.md), with the message as its description.
 * (Staff may reopen the Closed ticket itself with /ticket status <id> open.)
 */
export function openFollowUp(ctx: RequestContext, closed: TicketRow, message: string): TicketRow {
  const requester = closed.requester ?? 'the requester';
  return openLinkedTicket(ctx, closed, {
    kind: 'follow-up',
    title: closed.title.startsWith('Re: ') ? closed.title : `Re: ${closed.title}`,
    description: message,
    audit: { followUpOf: closed.id },
    childNote: `${requester} wrote again on closed ticket #${closed.id}; this ticket continues it.`,
    parentNote: (c) => `${requester} wrote again after closing: continued in #${c.id}.`,
    parentAction: 'ticket.followed_up',
  });
}
