/**
 * /report: SLA compliance per tier for any period (bands, first-response and resolution times),
 * the known issues with their ticket counts, and the tags of the week's process review; and the
 * figures of the charts the digest and /report carry (views/reports.ts draws them).
 */
import { businessTimeBetween } from '../domain/calendar.js';
import { addCalendarDays, guardWeekStart, startOfDay } from '../domain/guard-week.js';
import { knownIssueLabel } from '../domain/known-issues.js';
import { spread } from '../domain/report-stats.js';
import { TIERS, type Tier } from '../domain/vocabulary.js';
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
  const rows = ctx.store.reports.clockEntries(period.from, period.to, period.tier);
  const replies = new Map<number, number[]>();
  for (const ids of chunks([...new Set(rows.map((r) => r.clock.ticketId))])) {
    for (const c of ctx.store.reports.publicStaffReplyTimes(ids)) replies.set(c.ticketId, [...(replies.get(c.ticketId) ?? []), c.at.getTime()]);
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
  const opened = ctx.store.reports.ticketsOpened(period.from, period.to, period.tier);
  for (const ids of chunks(opened)) {
    const resolved = ctx.store.reports.firstResolvedAt(ids.map((t) => t.id));
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
  const bounds = [...weeks, addCalendarDays(weeks.at(-1)!, 7)].map((day) => startOfDay(day, zone));
  // One grouped query: the week of each clock by the exact local week boundaries (DST included).
  const rows = ctx.store.reports.entriesByWeekAndBand(bounds, tier);
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
  return ctx.store.reports
    .unresolvedKnownIssueCounts()
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
  const processRows = ctx.store.reports.processTagsOfTicketsUpdated(period.from, period.to);
  const process = new Map<number, { ticketId: number; title: string; tags: string[] }>();
  for (const row of processRows) {
    const entry = process.get(row.ticketId) ?? { ticketId: row.ticketId, title: row.title, tags: [] };
    entry.tags.push(formatTag(row));
    process.set(row.ticketId, entry);
  }
  const top = ctx.store.tags
    .mostUsed(period.from, period.to, KNOWN_ISSUE_FAMILY, 10)
    .map((r) => ({ tag: formatTag(r), count: r.n }));
  return { process: [...process.values()], top };
}
