/** Read models: the ticket list with its filters and pages, and everything a ticket card shows. */
import { conversationOf } from './conversations.js';
import { bouncing } from './mail-senders.js';
import { and, asc, count, desc, eq, inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import { ACTIVE_STATUS_CONDITION, tags, tickets, ticketTags, type TicketRow } from '../store/schema.js';
import { preparedStatement } from '../store/prepared.js';
import { slaSetup, ticketSla, type TicketSla } from './sla.js';
import type { BusinessCalendar } from '../domain/calendar.js';
import type { Department, HandoffTeam, Priority, Status, Tier } from '../domain/vocabulary.js';
import { slugify } from '../domain/text.js';
import type { RequestContext, AppContext } from './context.js';
import { AppError, invalid } from './errors.js';
import { findMentioned, handleOf } from './people.js';
import { commentsOf, findTicket, requireTicket, type CommentRow } from './ticket-records.js';
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

/** A requester to filter on: the stored text, and the person it names when deskops knows them. */
export interface RequesterFilter {
  text: string;
  personId: number | null;
}

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

/** The condition for tickets from `requester`, through the requester index. */
export function requesterCondition(requester: RequesterFilter): SQL {
  return requester.personId === null
    ? eq(tickets.requester, requester.text)
    : or(eq(tickets.requester, requester.text), eq(tickets.requesterPersonId, requester.personId))!;
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
  const rows = ctx.store.db.select({ id: tags.id }).from(tags).where(eq(tags.slug, slugify(tag))).all();
  if (rows.length === 0) throw invalid(`No tag is called "${tag}".`, 'Use tag:<family>:<name>, e.g. tag:area:Authentication; /ticket tags lists them.');
  return rows.map((r) => r.id);
}

/** Tickets matching `filter`, newest first, one page at a time, with the total count. */
/**
 * A page of active tickets, newest first, walking the partial index of active tickets in id order
 * (the planner would rather sort every active ticket: milliseconds per list at a million tickets).
 */
function activePage(ctx: RequestContext, where: SQL, limit: number, offset: number): TicketRow[] {
  const ids = ctx.store.db
    .all<{ id: number }>(sql`SELECT ${tickets.id} AS id FROM ${tickets} INDEXED BY tickets_active_id WHERE ${where} ORDER BY ${tickets.id} DESC LIMIT ${limit} OFFSET ${offset}`)
    .map((row) => row.id);
  // A page is ten or so point reads through one prepared statement (building an IN query cost more).
  return ids.map((id) => findTicket(ctx, id)).filter((ticket): ticket is TicketRow => ticket !== undefined);
}

export function listTickets(ctx: RequestContext, filter: TicketFilter): TicketPage {
  const conditions: SQL[] = [];
  if (filter.scope === 'mine') {
    if (ctx.actor.kind !== 'person') throw invalid('A scheduled job has no tickets of its own.');
    conditions.push(eq(tickets.assigneeId, ctx.actor.personId));
  }
  if (filter.scope === 'unassigned') conditions.push(isNull(tickets.assigneeId));
  if (filter.tier) conditions.push(eq(tickets.tier, filter.tier));
  // A tier's queue holds what the tier works on: tickets handed off to a team are in that team's.
  if (filter.tier && !filter.team) conditions.push(isNull(tickets.team));
  if (filter.status === undefined) conditions.push(ACTIVE_STATUS_CONDITION);
  else if (filter.status !== 'all') conditions.push(eq(tickets.status, filter.status));
  if (filter.priority) conditions.push(eq(tickets.priority, filter.priority));
  if (filter.team) conditions.push(eq(tickets.team, filter.team));
  if (filter.department) conditions.push(eq(tickets.department, filter.department));
  if (filter.knownIssue !== undefined) conditions.push(eq(tickets.knownIssueId, filter.knownIssue));
  if (filter.requester !== undefined) conditions.push(requesterCondition(filter.requester));
  if (filter.tag !== undefined) {
    const ids = tagIdsFor(ctx, filter.tag);
    const tagged = ctx.store.db.select({ id: ticketTags.ticketId }).from(ticketTags).where(inArray(ticketTags.tagId, ids));
    conditions.push(inArray(tickets.id, tagged));
  }
  const where = conditions.length > 0 ? and(...conditions) : undefined;
  const pageSize = ctx.settings.pageSize;
  // Counted up to LIST_COUNTED_AHEAD past the page asked for: counting all 30,000 active tickets of
  // a million took a millisecond per list, most of its time.
  const countUpTo = (Math.max(1, filter.page ?? 1) - 1) * pageSize + LIST_COUNTED_AHEAD;
  const matching = ctx.store.db.select({ one: sql`1` }).from(tickets).where(where).limit(countUpTo + 1).as('matching');
  const counted = ctx.store.db.select({ n: count() }).from(matching).get()?.n ?? 0;
  const more = counted > countUpTo;
  const total = Math.min(counted, countUpTo);
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const page = Math.min(Math.max(1, filter.page ?? 1), pages);
  const offset = (page - 1) * pageSize;
  const rows =
    filter.scope === 'mine'
      ? // The day's work: what waits on you first (Open), then the longest waiting in its tier.
        ctx.store.db.select().from(tickets).where(where).orderBy(sql`${tickets.status} <> 'open'`, asc(tickets.tierEnteredAt), asc(tickets.id)).limit(pageSize).offset(offset).all()
      : filter.status === undefined
      ? activePage(ctx, where!, pageSize, offset)
      : ctx.store.db.select().from(tickets).where(where).orderBy(desc(tickets.id)).limit(pageSize).offset(offset).all();
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

const knownIssueById = preparedStatement('SELECT id, title, status FROM known_issues WHERE id = ?');
const ticketTitleById = preparedStatement('SELECT id, title FROM tickets WHERE id = ?');
const childrenOf = preparedStatement("SELECT id, title, status, coalesce(parent_kind, 'split') AS kind FROM tickets WHERE parent_id = ? ORDER BY id");
const openEscalationOf = preparedStatement('SELECT id FROM oncall_escalations WHERE ticket_id = ? AND acknowledged_at IS NULL LIMIT 1');
/** The card counts a requester's earlier tickets up to this many ("100+"): counting all of a monitoring address's thousands would cost every card a millisecond. */
export const EARLIER_TICKETS_COUNTED = 100;
const earlierOfRequester = preparedStatement(`SELECT count(*) FROM (SELECT 1 FROM tickets INDEXED BY tickets_requester WHERE requester = ? AND id < ? LIMIT ${EARLIER_TICKETS_COUNTED})`);

/** Everything `/ticket show` needs about one ticket, read from one snapshot. */
export function ticketDetail(ctx: AppContext, ticketId: number): TicketDetail {
  return ctx.store.read(() => readTicketDetail(ctx, ticketId));
}

function readTicketDetail(ctx: AppContext, ticketId: number): TicketDetail {
  const ticket = requireTicket(ctx, ticketId);
  const { store } = ctx;
  // Plain columns only (no instants or JSON): the rows need no decoding.
  const knownIssue = ticket.knownIssueId ? ((knownIssueById(store).raw(false).get(ticket.knownIssueId) as TicketDetail['knownIssue'] | undefined) ?? null) : null;
  const parentRow = ticket.parentId ? (ticketTitleById(store).raw(false).get(ticket.parentId) as { id: number; title: string } | undefined) : undefined;
  const parent = parentRow ? { ...parentRow, kind: ticket.parentKind ?? 'split' } : null;
  const children = childrenOf(store).raw(false).all(ticket.id) as TicketDetail['children'];
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
    awaitingAck: openEscalationOf(store).raw(false).get(ticket.id) !== undefined,
    earlierFromRequester: ticket.requester ? ((earlierOfRequester(store).raw(true).get(ticket.requester, ticket.id) as [number])[0] ?? 0) : 0,
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
