/** Gathers the weekly Changing of the Guard from the store, for the digest job and /guard digest. */
import { TZDate } from '@date-fns/tz';
import { and, count, desc, eq, gte, inArray, isNull, lt, ne, sql } from 'drizzle-orm';
import { buildDigest, type DigestData } from '../domain/digest.js';
import { addCalendarDays, guardWeekStart, previousWeek, weekEnd } from '../domain/guard-week.js';
import { knownIssueLabel } from '../domain/known-issues.js';
import { ACTIVE_STATUSES } from '../domain/lifecycle.js';
import { bandOf, usedAt } from '../domain/sla.js';
import { TIERS, type Tier } from '../domain/vocabulary.js';
import { auditEvents, guardEntries, knownIssues, oncallEscalations, people, slaClocks, tags, tickets, ticketTags } from '../store/schema.js';
import { formatInstant } from '../views/format.js';
import type { AppContext } from './context.js';
import { currentOnCall } from './oncall.js';
import { handleOf } from './people.js';
import { slaSetup } from './sla.js';
import { KNOWN_ISSUE_FAMILY, formatTag } from './tags.js';

/** Local midnight of a "YYYY-MM-DD" day in `zone`, as an instant. */
export function startOfDay(day: string, zone: string): Date {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(new TZDate(y, m - 1, d, 0, 0, 0, zone).getTime());
}

/** The week a digest sent at `now` reports on: the one before the current guard week. */
export function digestWeek(now: Date, zone: string): string {
  return previousWeek(guardWeekStart(now, zone));
}

function slaByTier(ctx: AppContext, from: Date, to: Date, now: Date): DigestData['sla'] {
  const setup = slaSetup(ctx);
  const rows = ctx.store.db
    .select({ clock: slaClocks, ticket: tickets })
    .from(slaClocks)
    .innerJoin(tickets, eq(tickets.id, slaClocks.ticketId))
    .where(and(gte(slaClocks.enteredAt, from), lt(slaClocks.enteredAt, to)))
    .all();
  const byTier = new Map<Tier, { green: number; yellow: number; red: number }>();
  for (const { clock, ticket } of rows) {
    const band = worstBand(setup, clock, ticket, now);
    if (!band) continue;
    const entry = byTier.get(clock.tier) ?? { green: 0, yellow: 0, red: 0 };
    entry[band]++;
    byTier.set(clock.tier, entry);
  }
  return [...byTier.entries()].map(([tier, counts]) => ({ tier, ...counts }));
}

const BANDS = ['green', 'yellow', 'red'] as const;

/**
 * The worst band an SLA clock reached by `now` (or when it stopped), undefined when its tier has no
 * SLA. A clock not swept since its last change may be worse than stored: the worse of the two.
 */
export function worstBand(
  setup: ReturnType<typeof slaSetup>,
  clock: typeof slaClocks.$inferSelect,
  ticket: Pick<typeof tickets.$inferSelect, 'priority' | 'department'>,
  now: Date,
): (typeof BANDS)[number] | undefined {
  const thresholds = setup.thresholds({ tier: clock.tier, priority: ticket.priority, department: ticket.department });
  if (!thresholds) return undefined;
  const live = bandOf(usedAt(clock, setup.calendar, clock.leftAt ?? now), thresholds);
  return BANDS.indexOf(live) > BANDS.indexOf(clock.band) ? live : clock.band;
}

function ticketsByTier(ctx: AppContext, from: Date, to: Date): DigestData['tickets'] {
  const { db } = ctx.store;
  const opened = db.select({ tier: tickets.tier, n: count() }).from(tickets).where(and(gte(tickets.createdAt, from), lt(tickets.createdAt, to))).groupBy(tickets.tier).all();
  const resolved = db
    .select({ tier: tickets.tier, n: sql<number>`count(distinct ${tickets.id})` })
    .from(auditEvents)
    .innerJoin(tickets, sql`${tickets.id} = cast(${auditEvents.entityId} as integer)`)
    .where(and(eq(auditEvents.entity, 'ticket'), eq(auditEvents.action, 'ticket.status'), sql`json_extract(${auditEvents.after}, '$.status') = 'resolved'`, gte(auditEvents.at, from), lt(auditEvents.at, to)))
    .groupBy(tickets.tier)
    .all();
  const open = db.select({ tier: tickets.tier, n: count() }).from(tickets).where(inArray(tickets.status, [...ACTIVE_STATUSES])).groupBy(tickets.tier).all();
  const find = (rows: { tier: Tier; n: number }[], tier: Tier) => rows.find((r) => r.tier === tier)?.n ?? 0;
  return TIERS.map((tier) => ({ tier, opened: find(opened, tier), resolved: find(resolved, tier), open: find(open, tier) }));
}

function knownIssueChanges(ctx: AppContext, from: Date, to: Date): DigestData['knownIssues'] {
  const events = ctx.store.db
    .select({ entityId: auditEvents.entityId, action: auditEvents.action, after: auditEvents.after })
    .from(auditEvents)
    .where(and(eq(auditEvents.entity, 'known_issue'), gte(auditEvents.at, from), lt(auditEvents.at, to)))
    .orderBy(auditEvents.id)
    .all();
  const changes = new Map<number, DigestData['knownIssues'][number]['change']>();
  for (const event of events) {
    const id = Number(event.entityId);
    const status = (event.after as { status?: string } | null)?.status;
    if (event.action.endsWith('created')) changes.set(id, 'opened');
    else if (status === 'resolved') changes.set(id, 'resolved');
    else if (event.action.endsWith('status') && changes.get(id) !== 'opened') changes.set(id, 'changed');
  }
  if (changes.size === 0) return [];
  const rows = ctx.store.db.select().from(knownIssues).where(inArray(knownIssues.id, [...changes.keys()])).all();
  return rows.map((row) => ({
    label: knownIssueLabel(row.id),
    title: row.title,
    status: row.status,
    change: changes.get(row.id)!,
    linked: ctx.store.db.select({ n: count() }).from(tickets).where(eq(tickets.knownIssueId, row.id)).get()?.n ?? 0,
  }));
}

function topTags(ctx: AppContext, from: Date, to: Date): DigestData['topTags'] {
  return ctx.store.db
    .select({ family: tags.family, name: tags.name, n: count() })
    .from(ticketTags)
    .innerJoin(tags, eq(tags.id, ticketTags.tagId))
    .innerJoin(tickets, eq(tickets.id, ticketTags.ticketId))
    .where(and(gte(tickets.createdAt, from), lt(tickets.createdAt, to), ne(tags.family, KNOWN_ISSUE_FAMILY)))
    .groupBy(tags.id)
    .orderBy(desc(count()), tags.name)
    .limit(5)
    .all()
    .map((r) => ({ tag: formatTag(r), count: r.n }));
}

function openOncall(ctx: AppContext): DigestData['openOncall'] {
  return ctx.store.db
    .select({ ticketId: oncallEscalations.ticketId, title: tickets.title, step: oncallEscalations.step, since: oncallEscalations.escalatedAt })
    .from(oncallEscalations)
    .innerJoin(tickets, eq(tickets.id, oncallEscalations.ticketId))
    .where(and(isNull(oncallEscalations.acknowledgedAt), inArray(tickets.status, [...ACTIVE_STATUSES])))
    .orderBy(oncallEscalations.escalatedAt)
    .all()
    .map((r) => ({ ticketId: r.ticketId, title: r.title, step: r.step, since: formatInstant(r.since, ctx.settings.timeZone) }));
}

function onDuty(ctx: AppContext, lastWeekStart: Date, now: Date): DigestData['people'] {
  const who = (at: Date) => {
    const oncall = currentOnCall(ctx, at);
    return oncall?.current.personId ? handleOf(ctx, oncall.current.personId) : null;
  };
  const withTier = (tier: Tier) =>
    ctx.store.db
      .select({ id: people.id })
      .from(people)
      .where(eq(people.tier, tier))
      .all()
      .map((p) => handleOf(ctx, p.id)!)
      .sort();
  // Mid-week of last week: hand-offs happen early in the week, so the middle names the week's owner.
  const lastWeekMiddle = new Date(lastWeekStart.getTime() + 3.5 * 86_400_000);
  return { oncallLastWeek: who(lastWeekMiddle), oncallThisWeek: who(now), t3: withTier('t3'), t4: withTier('t4') };
}

/** Everything the digest shows for the week starting `weekStart`, as of `now`. */
export function gatherDigest(ctx: AppContext, weekStart: string, now: Date): DigestData {
  const zone = ctx.settings.timeZone;
  const from = startOfDay(weekStart, zone);
  const to = startOfDay(addCalendarDays(weekStart, 7), zone);
  const guard = ctx.store.db
    .select()
    .from(guardEntries)
    .where(sql`${guardEntries.weekStart} = ${weekStart} OR (${guardEntries.kind} = 'loop' AND ${guardEntries.closedAt} IS NULL AND ${guardEntries.weekStart} < ${weekStart})`)
    .orderBy(guardEntries.id)
    .all()
    .map((g) => ({ id: g.id, kind: g.kind, body: g.body, closed: g.closedAt !== null }));
  return {
    weekStart,
    weekEnd: weekEnd(weekStart),
    guard,
    knownIssues: knownIssueChanges(ctx, from, to),
    sla: slaByTier(ctx, from, to, now),
    tickets: ticketsByTier(ctx, from, to),
    topTags: topTags(ctx, from, to),
    openOncall: openOncall(ctx),
    people: onDuty(ctx, from, now),
  };
}

/** The digest for `weekStart`, ready to render. */
export function weeklyDigest(ctx: AppContext, weekStart: string, now: Date) {
  return buildDigest(gatherDigest(ctx, weekStart, now));
}
