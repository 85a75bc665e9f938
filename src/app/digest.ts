/** Gathers the weekly Changing of the Guard from the store, for the digest job and /guard digest. */
import { buildDigest, type DigestData } from '../domain/digest.js';
import { addCalendarDays, guardWeekStart, parseTypedDate, previousWeek, startOfDay, weekContaining, weekEnd } from '../domain/guard-week.js';
import { knownIssueLabel } from '../domain/known-issues.js';
import type { Tier } from '../domain/vocabulary.js';
import { digestReply } from '../views/digest.js';
import { slaWeeksChart } from '../views/reports.js';
import { recordAudit } from './audit.js';
import type { AppContext, RequestContext } from './context.js';
import { weekFigures } from './digest-figures.js';
import { slaWeeks } from './reports.js';
import { forbidden, invalid } from './errors.js';
import { currentOnCall } from './oncall.js';
import { enqueue } from './outbox.js';
import { handleOf, hasRole } from './people.js';
import { KNOWN_ISSUE_FAMILY, formatTag } from './tags.js';

/** The week a digest sent at `now` reports on: the one before the current guard week. */
export function digestWeek(now: Date, zone: string): string {
  return previousWeek(guardWeekStart(now, zone));
}

function knownIssueChanges(ctx: AppContext, from: Date, to: Date): DigestData['knownIssues'] {
  const events = ctx.store.digest.knownIssueEvents(from, to);
  const changes = new Map<number, DigestData['knownIssues'][number]['change']>();
  for (const event of events) {
    const id = Number(event.entityId);
    const status = (event.after as { status?: string } | null)?.status;
    if (event.action.endsWith('created')) changes.set(id, 'opened');
    else if (status === 'resolved') changes.set(id, 'resolved');
    else if (event.action.endsWith('status') && changes.get(id) !== 'opened') changes.set(id, 'changed');
  }
  if (changes.size === 0) return [];
  const rows = ctx.store.digest.knownIssuesByIds([...changes.keys()]);
  return rows.map((row) => ({
    label: knownIssueLabel(row.id),
    title: row.title,
    status: row.status,
    change: changes.get(row.id)!,
    linked: ctx.store.digest.linkedTicketCount(row.id),
  }));
}

function topTags(ctx: AppContext, from: Date, to: Date): DigestData['topTags'] {
  return ctx.store.tags
    .mostUsed(from, to, KNOWN_ISSUE_FAMILY, 5)
    .map((r) => ({ tag: formatTag(r), count: r.n }));
}

/** Who was on call during the week reported on, and who is in the week after it (as of now at the latest). */
function onDuty(ctx: AppContext, lastWeekStart: Date, thisWeekAt: Date): DigestData['people'] {
  const who = (at: Date) => {
    const oncall = currentOnCall(ctx, at);
    return oncall?.current.personId ? handleOf(ctx, oncall.current.personId) : null;
  };
  const withTier = (tier: Tier) =>
    ctx.store.digest
      .peopleInTier(tier)
      .map((id) => handleOf(ctx, id)!)
      .sort();
  // Mid-week of last week: hand-offs happen early in the week, so the middle names the week's owner.
  const lastWeekMiddle = new Date(lastWeekStart.getTime() + 3.5 * 86_400_000);
  return { oncallLastWeek: who(lastWeekMiddle), oncallThisWeek: who(thisWeekAt), t3: withTier('t3'), t4: withTier('t4') };
}

/** Everything the digest shows for the week starting `weekStart`: its figures as the week ended, who is on duty as of `now`. */
export function gatherDigest(ctx: AppContext, weekStart: string, now: Date): DigestData {
  const zone = ctx.settings.timeZone;
  const from = startOfDay(weekStart, zone);
  const to = startOfDay(addCalendarDays(weekStart, 7), zone);
  const guard = ctx.store.digest.guardEntriesFor(weekStart);
  return {
    weekStart,
    weekEnd: weekEnd(weekStart),
    guard,
    knownIssues: knownIssueChanges(ctx, from, to),
    ...weekFigures(ctx, from, to),
    topTags: topTags(ctx, from, to),
    // "This week" is the week after the one reported on: mid-week for an old week, now for the last one.
    people: onDuty(ctx, from, new Date(Math.min(now.getTime(), to.getTime() + 3.5 * 86_400_000))),
  };
}

/** The digest for `weekStart`, ready to render. */
export function weeklyDigest(ctx: AppContext, weekStart: string, now: Date) {
  return buildDigest(gatherDigest(ctx, weekStart, now));
}

/** The dedupe key of a week's digest in the leads' channel: one per week, whoever or whatever posts it. */
export function digestKey(week: string): string {
  return `digest:${week}`;
}

/**
 * The week `typed` names for a digest: last week by default or for "last", the current one for
 * "this", else the week holding a YYYY-MM-DD date. A week that has not ended yet is refused: its
 * figures are not final.
 */
export function resolveDigestWeek(ctx: AppContext, typed: string | undefined, now: Date): string {
  const zone = ctx.settings.timeZone;
  const word = typed?.trim().toLowerCase();
  let week: string;
  if (word === undefined || word === 'last' || word === 'previous') week = digestWeek(now, zone);
  else if (word === 'this' || word === 'current') week = guardWeekStart(now, zone);
  else {
    const parsed = parseTypedDate(typed!);
    if (!parsed.ok) throw invalid(parsed.reason, 'Name the week as week:last or by a day in it, like week:2026-11-16.');
    week = weekContaining(parsed.day);
  }
  if (startOfDay(addCalendarDays(week, 7), zone).getTime() > now.getTime()) {
    throw invalid(`The week of ${week} has not ended yet (it ends Sunday ${weekEnd(week)}).`, 'Its digest comes on the Monday after. For last week: /guard digest preview week:last.');
  }
  return week;
}

/** What became of a request to post a week's digest. */
export type DigestPost =
  | { kind: 'queued'; week: string; digest: ReturnType<typeof buildDigest> }
  | { kind: 'already'; week: string; postedAt: Date; by: string };

/** When and by whom a week's digest was queued for the leads, if it was. */
function digestPosted(ctx: AppContext, week: string): { postedAt: Date; by: string } | undefined {
  const queuedAt = ctx.store.digest.queuedAt(digestKey(week));
  if (!queuedAt) return undefined;
  const event = ctx.store.digest.digestPostedEvent(digestKey(week));
  return { postedAt: event?.at ?? queuedAt, by: event?.by ?? 'system:weekly-digest' };
}

/**
 * Queues a week's digest for the leads' channel, once per week whatever asks: the scheduled job
 * and `/guard digest` (leads) share one dedupe key, and a second request says when it went.
 */
export function postWeeklyDigest(ctx: RequestContext, week: string, now: Date): DigestPost {
  if (ctx.actor.kind === 'person' && !hasRole(ctx.actor.role, 'lead')) {
    // The router audits the denial after the rollback.
    throw forbidden("Only leads and admins can post the weekly digest to the leads' channel.", 'You are an agent: /guard digest preview shows it to you alone; ask a lead to post it.');
  }
  // Gathered from a read snapshot before the write transaction (about a second on a million
  // tickets): the scheduled run then holds no command's commit that long. A command's own
  // transaction (/guard digest) is already open, so there it reads inside it.
  const gather = () => ({
    digest: weeklyDigest(ctx, week, now),
    // The 8 weeks up to the digest's week: measured from the Monday after it (noon UTC is on that Monday's week everywhere).
    weeks: slaWeeks(ctx, new Date(`${addCalendarDays(week, 7)}T12:00:00Z`), { includeCurrent: false }),
  });
  const gathered = ctx.store.read(() => (digestPosted(ctx, week) ? undefined : gather()));
  return ctx.store.transaction(() => {
    const posted = digestPosted(ctx, week);
    if (posted) return { kind: 'already', week, ...posted };
    const { digest, weeks } = gathered ?? gather();
    enqueue(ctx, {
      dedupeKey: digestKey(week),
      audience: 'staff',
      channel: 'role:leads',
      reply: digestReply(digest, 'channel', slaWeeksChart(weeks)),
    });
    recordAudit(ctx, { entity: 'guard', entityId: digestKey(week), action: 'digest.posted', after: { week, summary: digest.summary } });
    return { kind: 'queued', week, digest };
  });
}
