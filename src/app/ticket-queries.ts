/** Read models: the ticket list with its filters and pages, and everything a ticket card shows. */
import { conversationOf } from './conversations.js';
import { bouncing } from './mail-senders.js';
import type { RequesterFilter, TicketCriteria, TicketRow } from '../store/repositories/tickets.js';
import { slaSetup, ticketSla, type TicketSla } from './sla.js';
import type { BusinessCalendar } from '../domain/calendar.js';
import type { Department, HandoffTeam, Priority, Status, Tier } from '../domain/vocabulary.js';
import { slugify } from '../domain/text.js';
import type { RequestContext, AppContext } from './context.js';
import { AppError, invalid } from './errors.js';
import { findMentioned, handleOf } from './people.js';
import { commentsOf, requireTicket, type CommentRow } from './ticket-records.js';
import { resolveTagRefs, tagsOfTicket, type TagRef, type TagRow } from './tags.js';

export interface TicketFilter {
  scope?: 'mine' | 'unassigned';
  tier?: Tier;
  /** A status, or 'all'; by default the active ones (not Resolved or Closed). */
  status?: Status | 'all';
  /** `family:name`, or a bare name matched in any family. */
  tag?: TagRef | string;
  priority?: Priority;
  team?: HandoffTeam;
  department?: Department;
  knownIssue?: number;
  /** An email address or @handle, as normalizeRequester gives it. */
  requester?: RequesterFilter;
  page?: number;
}

export type { RequesterFilter } from '../store/repositories/tickets.js';
export { EARLIER_TICKETS_COUNTED } from '../store/repositories/tickets.js';

/**
 * `requester:` as typed (an email address, "@alice" or Slack's <@U123>) -> what tickets store:
 * emails lower-cased, people by their handle (and id, when they have used deskops).
 */
export function normalizeRequester(ctx: RequestContext, raw: string): RequesterFilter {
  const value = raw.trim().replace(/^<@([A-Z0-9]+)(?:\|[^>]*)?>$/i, '@$1');
  if (value.startsWith('@')) {
    try {
      const person = findMentioned(ctx, value);
      return { text: `@${person.handle}`, personId: person.id };
    } catch (error) {
      if (error instanceof AppError && error.code === 'NOT_FOUND') return { text: value, personId: null };
      throw error;
    }
  }
  if (/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)) return { text: value.toLowerCase(), personId: null };
  throw invalid(`"${value.slice(0, 80)}" is not an email address or an @mention.`, 'Use requester:jane@example.com or requester:@jane.');
}

export interface TicketListRow {
  ticket: TicketRow;
  assignee: string | null;
}

/** A list counts its tickets up to this many past the page asked for, then says "1,000+". */
export const LIST_COUNTED_AHEAD = 1_000;

export interface TicketPage {
  rows: TicketListRow[];
  /** The tickets that match, counted up to LIST_COUNTED_AHEAD past the page asked for. */
  total: number;
  /** More match than `total` (and `pages`) says. */
  more: boolean;
  /** The page shown: the one asked for, or the last when it asked past the end. */
  page: number;
  pages: number;
  pageSize: number;
  /** The page asked for (page:5 of a 2-page list shows page 2 and says so). */
  requested: number;
}

/** Tag ids a tag filter stands for; a bare name may match a tag in several families. */
export function tagIdsFor(ctx: AppContext, tag: TagRef | string): number[] {
  if (typeof tag !== 'string') return resolveTagRefs(ctx, [tag]).map((t) => t.id);
  const ids = ctx.store.tags.idsWithSlug(slugify(tag));
  if (ids.length === 0) throw invalid(`No tag is called "${tag}".`, 'Use tag:<family>:<name>, e.g. tag:area:Authentication; /ticket tags lists them.');
  return ids;
}

/** Tickets matching `filter`, newest first, one page at a time, with the total count. */
export function listTickets(ctx: RequestContext, filter: TicketFilter): TicketPage {
  const criteria: TicketCriteria = {};
  if (filter.scope === 'mine') {
    if (ctx.actor.kind !== 'person') throw invalid('A scheduled job has no tickets of its own.');
    criteria.assigneeId = ctx.actor.personId;
  }
  if (filter.scope === 'unassigned') criteria.unassigned = true;
  if (filter.tier) criteria.tier = filter.tier;
  // A tier's queue holds what the tier works on: tickets handed off to a team are in that team's.
  if (filter.tier && !filter.team) criteria.withoutTeam = true;
  if (filter.status === undefined) criteria.status = 'active';
  else if (filter.status !== 'all') criteria.status = filter.status;
  if (filter.priority) criteria.priority = filter.priority;
  if (filter.team) criteria.team = filter.team;
  if (filter.department) criteria.department = filter.department;
  if (filter.knownIssue !== undefined) criteria.knownIssueId = filter.knownIssue;
  if (filter.requester !== undefined) criteria.requester = filter.requester;
  if (filter.tag !== undefined) criteria.tagIds = tagIdsFor(ctx, filter.tag);
  const pageSize = ctx.settings.pageSize;
  // Counted up to LIST_COUNTED_AHEAD past the page asked for: counting all 30,000 active tickets of
  // a million took a millisecond per list, most of its time.
  const countUpTo = (Math.max(1, filter.page ?? 1) - 1) * pageSize + LIST_COUNTED_AHEAD;
  const counted = ctx.store.tickets.countMatching(criteria, countUpTo + 1);
  const more = counted > countUpTo;
  const total = Math.min(counted, countUpTo);
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const page = Math.min(Math.max(1, filter.page ?? 1), pages);
  const offset = (page - 1) * pageSize;
  const rows =
    filter.scope === 'mine'
      ? // The day's work: what waits on you first (Open), then the longest waiting in its tier.
        ctx.store.tickets.workQueuePage(criteria, pageSize, offset)
      : filter.status === undefined
      ? // Newest first through the partial index of active tickets (TicketRepository.activePage says why).
        ctx.store.tickets.activePage(criteria, pageSize, offset)
      : ctx.store.tickets.newestPage(criteria, pageSize, offset);
  return {
    rows: rows.map((ticket) => ({ ticket, assignee: handleOf(ctx, ticket.assigneeId) })),
    total,
    more,
    page,
    pages,
    pageSize,
    requested: filter.page ?? 1,
  };
}

export interface TicketDetail {
  ticket: TicketRow;
  assignee: string | null;
  createdBy: string | null;
  tags: TagRow[];
  knownIssue: { id: number; title: string; status: string } | null;
  /** The ticket it came from: split out of it, or a follow-up of it after it was closed. */
  parent: { id: number; title: string; kind: 'split' | 'follow-up' } | null;
  children: { id: number; title: string; status: Status; kind: 'split' | 'follow-up' }[];
  comments: (CommentRow & { author: string })[];
  /** The SLA of its current tier entry (null for On-Call, which has the ladder instead). */
  sla: TicketSla | null;
  /** The calendar the SLA counts in, for showing business durations. */
  calendar: BusinessCalendar;
  /** An on-call escalation is waiting for its acknowledgement. */
  awaitingAck: boolean;
  /** Tickets the same requester opened before this one, counted up to EARLIER_TICKETS_COUNTED (a robot's address may have thousands). */
  earlierFromRequester: number;
  /** The address the requester is answered at, when their conversation is by mail, and whether mail to it bounces. */
  mail?: { address: string; bouncing: { reason: string; bounces: number } | null };
}

/** Everything `/ticket show` needs about one ticket, read from one snapshot. */
export function ticketDetail(ctx: AppContext, ticketId: number): TicketDetail {
  return ctx.store.read(() => readTicketDetail(ctx, ticketId));
}

function readTicketDetail(ctx: AppContext, ticketId: number): TicketDetail {
  const ticket = requireTicket(ctx, ticketId);
  const { tickets } = ctx.store;
  const knownIssue = ticket.knownIssueId ? (tickets.knownIssueSummary(ticket.knownIssueId) ?? null) : null;
  const parentRow = ticket.parentId ? tickets.titleById(ticket.parentId) : undefined;
  const parent = parentRow ? { ...parentRow, kind: ticket.parentKind ?? 'split' } : null;
  const children = tickets.childrenOf(ticket.id);
  const setup = slaSetup(ctx);
  return {
    ticket,
    assignee: handleOf(ctx, ticket.assigneeId),
    createdBy: handleOf(ctx, ticket.createdBy),
    tags: tagsOfTicket(ctx, ticket.id),
    knownIssue,
    parent,
    children,
    comments: commentsOf(ctx, ticket.id).map((c) => ({ ...c, author: c.authorLabel })),
    sla: ticketSla(ctx, setup, ticket, ctx.clock.now()),
    calendar: setup.calendar,
    awaitingAck: tickets.awaitingAcknowledgement(ticket.id),
    earlierFromRequester: ticket.requester ? tickets.earlierFromRequester(ticket.requester, ticket.id) : 0,
    ...mailOf(ctx, ticket.id),
  };
}

/** The requester's mail address (by the conversation) and its bounces, for the card. */
function mailOf(ctx: AppContext, ticketId: number): Pick<TicketDetail, 'mail'> {
  const conversation = conversationOf(ctx, ticketId);
  if (conversation.kind !== 'email') return {};
  const bounce = bouncing(ctx, conversation.address);
  return { mail: { address: conversation.address, bouncing: bounce ? { reason: bounce.reason, bounces: bounce.bounces } : null } };
}
