/** The known-issue tracker: create, list, show, link tickets (tagging them "<n>-<words>"), status, matching. */
import {
  DEFAULT_KNOWN_ISSUE_THRESHOLDS,
  knownIssueThresholdsSchema,
  PROFILE_FAMILIES,
  knownIssueLabel,
  knownIssueTagName,
  rankProfileMatches,
  thresholdCrossed,
  type KnownIssueMilestone,
  type KnownIssueProfile,
  type KnownIssueThresholds,
} from '../domain/known-issues.js';
import { slugify } from '../domain/text.js';
import type { KnownIssueStatus, Priority, Status, Tier } from '../domain/vocabulary.js';
import { KNOWN_ISSUE_STATUS_LABELS } from '../domain/vocabulary.js';
import type { KnownIssueRow } from '../store/repositories/known-issues.js';
import { recordAudit } from './audit.js';
import { actorPersonId, type AppContext, type RequestContext } from './context.js';
import { conflict, invalid, notFound } from './errors.js';
import { KNOWN_ISSUE_FAMILY, attachTags, detachTags, ensureSystemTag, formatTag, tagsOfTicket, type TagRow } from './tags.js';
import { readSetting } from './team-settings.js';
import { changeTicket, requireTicket } from './ticket-records.js';
import type { TicketRow } from '../store/repositories/tickets.js';

export type { KnownIssueRow } from '../store/repositories/known-issues.js';


/** The team setting holding the known-issue thresholds. */
export const KNOWN_ISSUE_THRESHOLDS_SETTING = 'known-issue-thresholds';

/** The team's thresholds: tracked at 3 linked tickets and a status-page post at 6 unless a lead moved them. */
export function knownIssueThresholds(ctx: AppContext): KnownIssueThresholds {
  return readSetting(ctx, KNOWN_ISSUE_THRESHOLDS_SETTING, knownIssueThresholdsSchema, DEFAULT_KNOWN_ISSUE_THRESHOLDS);
}

/** A known issue with what every view shows beside it. */
export interface KnownIssueSummary extends KnownIssueRow {
  /** "KI-3" */
  label: string;
  /** The tag its tickets carry: "3-login-loop-sso". */
  tagName: string;
  linkedCount: number;
}

/** A ticket linked to a known issue, as `show` lists it. */
export interface LinkedTicket {
  id: number;
  title: string;
  status: Status;
  priority: Priority;
  tier: Tier;
}

const TITLE_MAX = 200;

function linkedCountOf(ctx: AppContext, id: number): number {
  return ctx.store.knownIssues.linkedCount(id);
}

function summarize(issue: KnownIssueRow, linkedCount: number): KnownIssueSummary {
  return { ...issue, label: knownIssueLabel(issue.id), tagName: knownIssueTagName(issue.id, issue.title), linkedCount };
}

/** The known issue numbered `n`, or a NOT_FOUND that says which numbers exist. */
export function requireKnownIssue(ctx: AppContext, n: number): KnownIssueRow {
  const issue = ctx.store.knownIssues.byId(n);
  if (issue) return issue;
  const highest = ctx.store.knownIssues.highestId();
  throw notFound(
    `There is no known issue ${knownIssueLabel(n)}.`,
    highest === null
      ? 'None yet: create one with /known-issue new <title>.'
      : `Known issues go from KI-1 to ${knownIssueLabel(highest)}; /known-issue list all shows them.`,
  );
}

/** The tag a known issue's tickets carry (created on first use). */
function knownIssueTag(ctx: AppContext, issue: KnownIssueRow): TagRow {
  return ensureSystemTag(ctx, KNOWN_ISSUE_FAMILY, knownIssueTagName(issue.id, issue.title));
}

/** Opens a known issue (status Investigating). Refuses a second unresolved issue with the same title. */
export function createKnownIssue(ctx: RequestContext, input: { title: string; bugUrl?: string }): KnownIssueSummary {
  return ctx.store.transaction(() => {
    // One line: control characters and line breaks would break list rows and tag names.
    // eslint-disable-next-line no-control-regex -- stripping control characters is the point
    const title = input.title.replace(/[\u0000-\u001f\u007f-\u009f\s]+/g, ' ').trim();
    if (!slugify(title)) {
      throw invalid('A known issue needs a title with words in it.', 'Type /known-issue new "Login loop after SSO update" [bug:<url>].');
    }
    if (title.length > TITLE_MAX) {
      throw invalid(`Known issue titles are at most ${TITLE_MAX} characters (this one has ${title.length}).`, 'Keep the title short; put details in the bug link.');
    }
    const bugUrl = input.bugUrl?.trim() || null;
    if (bugUrl !== null && !/^https?:\/\/\S+$/i.test(bugUrl)) {
      throw invalid(`"${bugUrl}" is not a link.`, 'Give the bug as bug:https://github.com/org/repo/issues/123.');
    }
    const slug = slugify(title);
    const twin = ctx.store.knownIssues.unresolvedBySlug(slug);
    if (twin) {
      throw conflict(
        `${knownIssueLabel(twin.id)} already tracks "${twin.title}".`,
        `Link tickets to it with /known-issue link ${twin.id} <ticket>..., or pick a more specific title.`,
      );
    }
    const now = ctx.clock.now();
    const issue = ctx.store.knownIssues.insertIssue({ title, slug, bugUrl, status: 'investigating', createdBy: actorPersonId(ctx.actor), createdAt: now, updatedAt: now });
    recordAudit(ctx, {
      entity: 'known_issue',
      entityId: issue.id,
      action: 'known_issue.created',
      after: { title, bugUrl, status: issue.status },
    });
    return summarize(issue, 0);
  });
}

/** Known issues, newest first, with their linked-ticket counts; resolved ones only when `all`. */
export function listKnownIssues(ctx: AppContext, options: { all?: boolean } = {}): KnownIssueSummary[] {
  const rows = ctx.store.knownIssues.listWithLinkedCounts(options.all ?? false);
  return rows.map((row) => summarize(row.issue, row.linkedCount));
}

/** One known issue with its linked tickets (oldest first). */
export function showKnownIssue(ctx: AppContext, n: number): { issue: KnownIssueSummary; tickets: LinkedTicket[] } {
  const issue = requireKnownIssue(ctx, n);
  const linked = ctx.store.knownIssues.linkedTickets(n);
  return { issue: summarize(issue, linked.length), tickets: linked };
}

/** What a link did, and the counts before and after so the reply can name a crossed threshold. */
export interface LinkResult {
  issue: KnownIssueSummary;
  /** Tickets that were not linked to any known issue before. */
  linked: number[];
  /** Tickets moved here from another known issue (their old tag was removed). */
  moved: { ticketId: number; from: number }[];
  /** Tickets that were linked to this issue already: reported, not an error. */
  alreadyLinked: number[];
  before: number;
  after: number;
  /** The threshold this link crossed, if any (by default 3: tracked, 6: status page). */
  milestone: KnownIssueMilestone | undefined;
  thresholds: KnownIssueThresholds;
}

/** Removes every known-issue tag from a ticket except `keep`. */
function dropOtherKnownIssueTags(ctx: AppContext, ticketId: number, keep: TagRow | undefined): void {
  const stale = tagsOfTicket(ctx, ticketId).filter((t) => t.family === KNOWN_ISSUE_FAMILY && t.id !== keep?.id);
  detachTags(ctx, ticketId, stale);
}

/**
 * Links tickets to known issue `n`: sets the ticket's known issue (audited as 'ticket.known_issue')
 * and tags it "<n>-<words>". A ticket on another known issue moves here and loses the old tag.
 * Any unknown ticket number fails the whole link (NOT_FOUND naming them); nothing is linked.
 */
export function linkTickets(ctx: RequestContext, n: number, ticketIds: readonly number[]): LinkResult {
  return ctx.store.transaction(() => {
    const issue = requireKnownIssue(ctx, n);
    if (issue.status === 'resolved') {
      throw conflict(
        `${knownIssueLabel(n)} is resolved, so new tickets cannot be linked to it.`,
        `If it is back, reopen it with /known-issue status ${n} investigating, or open a new one with /known-issue new <title>.`,
      );
    }
    const ids = [...new Set(ticketIds)];
    const found = ctx.store.knownIssues.ticketsToLink(ids);
    const byId = new Map(found.map((t) => [t.id, t]));
    const missing = ids.filter((id) => !byId.has(id));
    if (missing.length > 0) {
      const names = missing.map((id) => `#${id}`).join(', ');
      throw notFound(
        `There ${missing.length === 1 ? 'is no ticket' : 'are no tickets'} ${names}, so nothing was linked.`,
        `Check the numbers with /ticket list, then run /known-issue link ${n} again.`,
      );
    }
    const before = linkedCountOf(ctx, n);
    const tag = knownIssueTag(ctx, issue);
    const result: Pick<LinkResult, 'linked' | 'moved' | 'alreadyLinked'> = { linked: [], moved: [], alreadyLinked: [] };
    for (const id of ids) {
      const ticket = byId.get(id)!;
      if (ticket.knownIssueId === n) {
        result.alreadyLinked.push(id);
        attachTags(ctx, id, [tag]); // heals a tag removed by hand
        continue;
      }
      if (ticket.knownIssueId !== null) result.moved.push({ ticketId: id, from: ticket.knownIssueId });
      else result.linked.push(id);
      changeTicket(ctx, ticket, { knownIssueId: n }, 'ticket.known_issue');
      dropOtherKnownIssueTags(ctx, id, tag);
      attachTags(ctx, id, [tag]);
    }
    const after = linkedCountOf(ctx, n);
    const added = [...result.linked, ...result.moved.map((m) => m.ticketId)];
    if (added.length > 0) {
      ctx.store.knownIssues.touch(n, ctx.clock.now());
      recordAudit(ctx, {
        entity: 'known_issue',
        entityId: n,
        action: 'known_issue.linked',
        before: { linkedCount: before },
        after: { linkedCount: after, tickets: added },
      });
    }
    const thresholds = knownIssueThresholds(ctx);
    return { issue: summarize(requireKnownIssue(ctx, n), after), ...result, before, after, milestone: thresholdCrossed(before, after, thresholds), thresholds };
  });
}

/** Takes ticket `ticketId` off known issue `n` and removes its known-issue tag. */
export function unlinkTicket(ctx: RequestContext, n: number, ticketId: number): { issue: KnownIssueSummary; ticket: TicketRow } {
  return ctx.store.transaction(() => {
    requireKnownIssue(ctx, n);
    const ticket = requireTicket(ctx, ticketId);
    if (ticket.knownIssueId !== n) {
      throw conflict(
        `Ticket #${ticketId} is not linked to ${knownIssueLabel(n)}.`,
        ticket.knownIssueId === null
          ? `It has no known issue. /known-issue show ${n} lists the linked tickets.`
          : `It is linked to ${knownIssueLabel(ticket.knownIssueId)}: /known-issue unlink ${ticket.knownIssueId} ${ticketId}.`,
      );
    }
    const before = linkedCountOf(ctx, n);
    const updated = changeTicket(ctx, ticket, { knownIssueId: null }, 'ticket.known_issue');
    dropOtherKnownIssueTags(ctx, ticketId, undefined);
    ctx.store.knownIssues.touch(n, ctx.clock.now());
    recordAudit(ctx, {
      entity: 'known_issue',
      entityId: n,
      action: 'known_issue.unlinked',
      before: { linkedCount: before },
      after: { linkedCount: before - 1, tickets: [ticketId] },
    });
    return { issue: summarize(requireKnownIssue(ctx, n), before - 1), ticket: updated };
  });
}

/** The outcome of a status change; on resolve, the linked tickets still waiting for an answer. */
export interface KnownIssueStatusResult {
  issue: KnownIssueSummary;
  before: KnownIssueStatus;
  /** Linked tickets not yet Resolved or Closed (their requesters may want to hear the news). */
  activeTickets: number[];
}

/**
 * Moves a known issue through investigating / identified / monitoring / resolved (audited).
 * Resolving retires its tag (it stays on tickets, cannot be linked again); reopening restores it.
 */
export function setKnownIssueStatus(ctx: RequestContext, n: number, status: KnownIssueStatus): KnownIssueStatusResult {
  return ctx.store.transaction(() => {
    const issue = requireKnownIssue(ctx, n);
    if (issue.status === status) {
      throw conflict(`${knownIssueLabel(n)} is already ${KNOWN_ISSUE_STATUS_LABELS[status]}.`, `/known-issue show ${n} shows where it stands.`);
    }
    const now = ctx.clock.now();
    const updated = ctx.store.knownIssues.updateStatus(n, status, now);
    if (status === 'resolved' || issue.status === 'resolved') {
      const tag = knownIssueTag(ctx, issue);
      ctx.store.knownIssues.setIssueTagRetired(tag.id, status === 'resolved' ? now : null);
    }
    recordAudit(ctx, { entity: 'known_issue', entityId: n, action: 'known_issue.status', before: { status: issue.status }, after: { status } });
    const active = ctx.store.knownIssues.activeLinkedTicketIds(n);
    return { issue: summarize(updated, linkedCountOf(ctx, n)), before: issue.status, activeTickets: active };
  });
}

/** A known issue that looks like a ticket, with the tags they share ("area:Authentication"). */
export interface KnownIssueMatch extends KnownIssueSummary {
  sharedTags: string[];
}

/**
 * The unresolved known issues a ticket probably belongs to, best first (used by /escalate to
 * suggest tagging instead). An issue matches when the tags on its linked tickets include every
 * area tag of the ticket (which needs at least one); rank is the number of shared area, type and
 * special tags. The ticket's own known issue is left out. Read-only.
 */
export function findMatchingKnownIssues(ctx: AppContext, ticketId: number): KnownIssueMatch[] {
  const ticket = requireTicket(ctx, ticketId);
  const own = tagsOfTicket(ctx, ticketId).filter((t) => PROFILE_FAMILIES.has(t.family));
  if (!own.some((t) => t.family === 'area')) return [];
  const open = listKnownIssues(ctx).filter((issue) => issue.id !== ticket.knownIssueId && issue.linkedCount > 0);
  if (open.length === 0) return [];
  const rows = ctx.store.knownIssues.tagsOfLinkedTickets(open.map((i) => i.id), [...PROFILE_FAMILIES]);
  const profiles = new Map<number, KnownIssueProfile & { tags: Set<string> }>(
    open.map((issue) => [issue.id, { id: issue.id, linkedCount: issue.linkedCount, tags: new Set<string>() }]),
  );
  for (const row of rows) if (row.issueId !== null) profiles.get(row.issueId)?.tags.add(`${row.family}:${row.slug}`);
  const byKey = new Map(own.map((t) => [`${t.family}:${t.slug}`, t]));
  const issues = new Map(open.map((issue) => [issue.id, issue]));
  return rankProfileMatches([...byKey.keys()], [...profiles.values()]).map((match) => ({
    ...issues.get(match.id)!,
    sharedTags: match.shared.map((key) => formatTag(byKey.get(key)!)),
  }));
}
