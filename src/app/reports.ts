/**
 * /report: SLA compliance per tier for any period (bands, first-response and resolution times),
 * the known issues with their ticket counts, and the tags of the week's process review; and the
 * figures of the charts the digest and /report carry (views/reports.ts draws them).
 */
import { and, eq, gte, inArray, isNotNull, lt, ne, sql } from 'drizzle-orm';
import { businessTimeBetween } from '../domain/calendar.js';
import { addCalendarDays, guardWeekStart, startOfDay } from '../domain/guard-week.js';
import { knownIssueLabel } from '../domain/known-issues.js';
import { ACTIVE_STATUSES } from '../domain/lifecycle.js';
import { spread } from '../domain/report-stats.js';
import { TIERS, type Tier } from '../domain/vocabulary.js';
import { auditEvents, comments, knownIssues, slaClocks, tags, tickets, ticketTags } from '../store/schema.js';
import type { AppContext } from './context.js';
import { knownIssueNotesOf } from './known-issue-notes.js';
import { slaSetup, worstBand } from './sla.js';
import { formatTag, KNOWN_ISSUE_FAMILY } from './tags.js';

const BANDS = ['green', 'yellow', 'red'] as const;
/** Tickets per IN (...) list: SQLite's variable limit is far above, this keeps statements small. */
const CHUNK = 500;

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

export interface Spread {
  median: number;
  p90: number;
  n: number;
}

export interface SlaReportRow {
  tier: Tier;
  green: number;
  yellow: number;
  red: number;
  /** Business time from entering the tier to the first public reply after it. */
  firstResponse: Spread | null;
  /** Business time from opening to the first Resolved, for tickets opened in the period, by their tier now. */
  resolution: Spread | null;
}

/** SLA compliance per tier for tier entries in [from, to). */
export function slaReport(ctx: AppContext, period: { from: Date; to: Date; tier?: Tier }, now: Date): SlaReportRow[] {
  const setup = slaSetup(ctx);
  const rows = ctx.store.db
    .select({ clock: slaClocks, priority: tickets.priority, department: tickets.department })
    .from(slaClocks)
    .innerJoin(tickets, eq(tickets.id, slaClocks.ticketId))
    .where(and(gte(slaClocks.enteredAt, period.from), lt(slaClocks.enteredAt, period.to), period.tier ? eq(slaClocks.tier, period.tier) : undefined))
    .all();
  const replies = new Map<number, number[]>();
  for (const ids of chunks([...new Set(rows.map((r) => r.clock.ticketId))])) {
    const found = ctx.store.db
      .select({ ticketId: comments.ticketId, at: comments.createdAt })
      .from(comments)
      .where(and(inArray(comments.ticketId, ids), eq(comments.visibility, 'public'), isNotNull(comments.authorId)))
      .all();
    for (const c of found) replies.set(c.ticketId, [...(replies.get(c.ticketId) ?? []), c.at.getTime()]);
  }
  const byTier = new Map<Tier, { green: number; yellow: number; red: number; firstResponse: number[]; resolution: number[] }>();
  const entry = (tier: Tier) => {
    const found = byTier.get(tier) ?? { green: 0, yellow: 0, red: 0, firstResponse: [], resolution: [] };
    byTier.set(tier, found);
    return found;
  };
  for (const { clock, priority, department } of rows) {
    const band = worstBand(setup, clock, { priority, department }, now);
    if (!band) continue;
    const e = entry(clock.tier);
    e[band]++;
    const until = clock.leftAt?.getTime() ?? Number.POSITIVE_INFINITY;
    const first = (replies.get(clock.ticketId) ?? []).filter((at) => at >= clock.enteredAt.getTime() && at < until).sort((a, b) => a - b)[0];
    if (first !== undefined) e.firstResponse.push(businessTimeBetween(setup.calendar, clock.enteredAt, new Date(first)));
  }
  const opened = ctx.store.db
    .select({ id: tickets.id, tier: tickets.tier, createdAt: tickets.createdAt })
    .from(tickets)
    .where(and(gte(tickets.createdAt, period.from), lt(tickets.createdAt, period.to), period.tier ? eq(tickets.tier, period.tier) : undefined))
    .all();
  for (const ids of chunks(opened)) {
    const resolved = ctx.store.db
      .select({ id: auditEvents.entityId, at: sql<number>`min(${auditEvents.at})` })
      .from(auditEvents)
      .where(and(eq(auditEvents.entity, 'ticket'), inArray(auditEvents.entityId, ids.map((t) => String(t.id))), sql`json_extract(${auditEvents.after}, '$.status') = 'resolved'`))
      .groupBy(auditEvents.entityId)
      .all();
    const at = new Map(resolved.map((r) => [Number(r.id), r.at]));
    for (const t of ids) {
      const when = at.get(t.id);
      if (when !== undefined) entry(t.tier).resolution.push(businessTimeBetween(setup.calendar, t.createdAt, new Date(when)));
    }
  }
  return TIERS.filter((t) => byTier.has(t)).map((tier) => {
    const e = byTier.get(tier)!;
    return { tier, green: e.green, yellow: e.yellow, red: e.red, firstResponse: spread(e.firstResponse), resolution: spread(e.resolution) };
  });
}

/** The local start dates of the last `weeks` guard weeks, oldest first: up to the current one, or the one before it. */
export function lastWeeks(now: Date, zone: string, weeks = 8, includeCurrent = true): string[] {
  const last = includeCurrent ? guardWeekStart(now, zone) : addCalendarDays(guardWeekStart(now, zone), -7);
  return Array.from({ length: weeks }, (_, i) => addCalendarDays(last, -7 * (weeks - 1 - i)));
}

/** Tier entries per guard week by the SLA band they reached (the stored worst band of each clock). */
export interface SlaWeeks {
  /** The one tier counted, or undefined for all of them. */
  tier?: Tier;
  /** The weeks' local start dates ('YYYY-MM-DD'), oldest first. */
  weeks: string[];
  /** Entries per week, by band. */
  bands: Record<(typeof BANDS)[number], number[]>;
  /** Per tier with entries, in ladder order: entries per week, and how many of them stayed green. */
  tiers: { tier: Tier; green: number[]; total: number[] }[];
  /** Entries in all the weeks. */
  total: number;
}

/**
 * The SLA bands of the last 8 weeks (this one so far included, unless not `includeCurrent`): tier
 * entries per week by band (all tiers, or one), and per tier. Bands are the stored worst band of
 * each clock (the sweep keeps it), so this costs one grouped query.
 */
export function slaWeeks(ctx: AppContext, now: Date, options: { tier?: Tier; includeCurrent?: boolean } = {}): SlaWeeks {
  const { tier } = options;
  const zone = ctx.settings.timeZone;
  const weeks = lastWeeks(now, zone, 8, options.includeCurrent ?? true);
  const starts = [...weeks, addCalendarDays(weeks.at(-1)!, 7)].map((day) => startOfDay(day, zone).getTime());
  // One grouped query: the week of each clock by the exact local week boundaries (DST included).
  const week = sql.join(
    starts.slice(1).map((end, i) => sql`WHEN ${slaClocks.enteredAt} < ${end} THEN ${i}`),
    sql` `,
  );
  const rows = ctx.store.db
    .select({ tier: slaClocks.tier, band: slaClocks.band, week: sql<number>`CASE ${week} END`, n: sql<number>`count(*)` })
    .from(slaClocks)
    .where(and(gte(slaClocks.enteredAt, new Date(starts[0]!)), lt(slaClocks.enteredAt, new Date(starts.at(-1)!)), tier ? eq(slaClocks.tier, tier) : undefined))
    .groupBy(sql`1, 2, 3`)
    .all();
  const bands = Object.fromEntries(BANDS.map((b) => [b, weeks.map(() => 0)])) as Record<(typeof BANDS)[number], number[]>;
  const perTier = new Map<Tier, { green: number[]; total: number[] }>();
  let total = 0;
  for (const row of rows) {
    const w = row.week;
    if (w === null || w < 0 || w >= weeks.length) continue;
    bands[row.band][w]! += row.n;
    total += row.n;
    const t = perTier.get(row.tier) ?? { green: weeks.map(() => 0), total: weeks.map(() => 0) };
    t.total[w]! += row.n;
    if (row.band === 'green') t.green[w]! += row.n;
    perTier.set(row.tier, t);
  }
  return { tier, weeks, bands, tiers: TIERS.filter((t) => perTier.has(t)).map((t) => ({ tier: t, ...perTier.get(t)! })), total };
}

export interface KnownIssueReportRow {
  id: number;
  label: string;
  title: string;
  status: string;
  partnerRef: string | null;
  active: number;
  total: number;
  lastNote: string | null;
}

/** Unresolved known issues with their active and total linked tickets, most active first. */
export function knownIssuesReport(ctx: AppContext): KnownIssueReportRow[] {
  const rows = ctx.store.db
    .select({
      id: knownIssues.id,
      title: knownIssues.title,
      status: knownIssues.status,
      partnerRef: knownIssues.partnerRef,
      total: sql<number>`count(${tickets.id})`,
      active: sql<number>`coalesce(sum(${tickets.status} IN (${sql.join(ACTIVE_STATUSES.map((s) => sql`${s}`), sql`, `)})), 0)`,
    })
    .from(knownIssues)
    .leftJoin(tickets, eq(tickets.knownIssueId, knownIssues.id))
    .where(ne(knownIssues.status, 'resolved'))
    .groupBy(knownIssues.id)
    .all();
  return rows
    .map((r) => ({ ...r, label: knownIssueLabel(r.id), lastNote: knownIssueNotesOf(ctx, r.id, 1)[0]?.body ?? null }))
    .sort((a, b) => b.active - a.active || b.total - a.total || b.id - a.id);
}

export interface TagsReport {
  /** Tickets carrying a process tag (Process Tweak, Missed Doc Review, Proposed … Doc), touched in the period. */
  process: { ticketId: number; title: string; tags: string[] }[];
  /** The most used tags on tickets opened in the period (known-issue tags left out). */
  top: { tag: string; count: number }[];
}

/** The weekly review of process-tagged tickets, and the period's top tags. */
export function tagsReport(ctx: AppContext, period: { from: Date; to: Date }): TagsReport {
  const processRows = ctx.store.db
    .select({ ticketId: tickets.id, title: tickets.title, family: tags.family, name: tags.name })
    .from(ticketTags)
    .innerJoin(tags, eq(tags.id, ticketTags.tagId))
    .innerJoin(tickets, eq(tickets.id, ticketTags.ticketId))
    .where(and(eq(tags.family, 'process'), gte(tickets.updatedAt, period.from), lt(tickets.updatedAt, period.to)))
    .orderBy(tickets.id)
    .all();
  const process = new Map<number, { ticketId: number; title: string; tags: string[] }>();
  for (const row of processRows) {
    const entry = process.get(row.ticketId) ?? { ticketId: row.ticketId, title: row.title, tags: [] };
    entry.tags.push(formatTag(row));
    process.set(row.ticketId, entry);
  }
  const top = ctx.store.db
    .select({ family: tags.family, name: tags.name, n: sql<number>`count(*)` })
    .from(ticketTags)
    .innerJoin(tags, eq(tags.id, ticketTags.tagId))
    .innerJoin(tickets, eq(tickets.id, ticketTags.ticketId))
    .where(and(gte(tickets.createdAt, period.from), lt(tickets.createdAt, period.to), ne(tags.family, KNOWN_ISSUE_FAMILY)))
    .groupBy(tags.id)
    .orderBy(sql`count(*) DESC`, tags.name)
    .limit(10)
    .all()
    .map((r) => ({ tag: formatTag(r), count: r.n }));
  return { process: [...process.values()], top };
}
