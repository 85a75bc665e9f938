/** Replies for /report: SLA compliance per tier, known issues, process tags; and the charts the digest and /report carry. */
import type { KnownIssueReportRow, SlaReportRow, SlaWeeks, Spread, TagsReport } from '../app/reports.js';
import type { BusinessCalendar } from '../domain/calendar.js';
import { share } from '../domain/report-stats.js';
import { formatBusinessDuration, type Band } from '../domain/sla.js';
import { truncate } from '../domain/text.js';
import { KNOWN_ISSUE_STATUS_LABELS, TIER_LABELS, type KnownIssueStatus, type Tier } from '../domain/vocabulary.js';
import { info, type Reply, type ReplyChart } from './reply.js';

const BANDS: readonly Band[] = ['green', 'yellow', 'red'];
const BAND_COLORS: Record<Band, string> = { green: '#2e7d32', yellow: '#f9a825', red: '#c62828' };
const TIER_COLORS: Record<Tier, string> = { triage: '#6a1b9a', t1: '#1565c0', t2: '#00838f', t3: '#ef6c00', t4: '#4e342e', t5: '#37474f', oncall: '#ad1457' };

/** The SLA bands of the weeks as a chart: tier entries per week stacked by band, and per tier the share that stayed green, as lines. */
export function slaWeeksChart({ tier, weeks, bands, tiers, total }: SlaWeeks): ReplyChart {
  const lines = tiers.map((counts) => ({
    label: `${TIER_LABELS[counts.tier]} % green`,
    values: counts.total.map((total, i) => (total === 0 ? null : Math.round((counts.green[i]! / total) * 100))),
    color: TIER_COLORS[counts.tier],
    type: 'line' as const,
    axis: 'right' as const,
  }));
  const green = bands.green.reduce((a, b) => a + b, 0);
  return {
    title: `SLA bands${tier ? ` in ${TIER_LABELS[tier]}` : ' per tier'}, last 8 weeks`,
    alt: total === 0 ? 'No ticket entered a tier with an SLA in the last 8 weeks.' : `${total} tier entries in 8 weeks, ${Math.round((green / total) * 100)}% green; bars: entries per week by band; lines: share green per tier.`,
    filename: `sla-8-weeks${tier ? `-${tier}` : ''}-${weeks.at(-1)}.png`,
    kind: 'bar',
    stacked: true,
    labels: weeks.map((w) => `wk ${w.slice(5)}`),
    leftLabel: 'tier entries',
    rightLabel: '% green',
    series: [
      ...BANDS.map((band) => ({ label: band, values: bands[band], color: BAND_COLORS[band] })),
      ...lines,
    ],
  };
}

function spreadText(spread: Spread | null, calendar: BusinessCalendar): string {
  if (!spread) return '—';
  return `median ${formatBusinessDuration(spread.median, calendar)}, p90 ${formatBusinessDuration(spread.p90, calendar)} (${spread.n})`;
}

export function slaReportReply(rows: readonly SlaReportRow[], period: { from: string; to: string; tier?: string }, calendar: BusinessCalendar, chart: ReplyChart): Reply {
  const total = rows.reduce((n, r) => n + r.green + r.yellow + r.red, 0);
  const green = rows.reduce((n, r) => n + r.green, 0);
  const title = `SLA ${period.from} to ${period.to}${period.tier ? ` in ${period.tier}` : ''}: ${share(green, total)} green of ${total} tier entries`;
  return info(title, {
    sections: rows.length === 0
      ? [{ lines: ['No ticket entered a tier with an SLA in this period.'] }]
      : rows.map((r) => {
          const n = r.green + r.yellow + r.red;
          return {
            heading: TIER_LABELS[r.tier],
            lines: [
              `🟢 ${r.green} (${share(r.green, n)}) · 🟡 ${r.yellow} (${share(r.yellow, n)}) · 🔴 ${r.red} (${share(r.red, n)})`,
              `First response: ${spreadText(r.firstResponse, calendar)}`,
              `Resolution: ${spreadText(r.resolution, calendar)}`,
            ],
          };
        }),
    footer: 'Times are business time (the team calendar). First response: from entering the tier to the first public reply; resolution: from opening to Resolved.',
    chart,
  });
}

export function knownIssuesReportReply(rows: readonly KnownIssueReportRow[], chart: ReplyChart): Reply {
  if (rows.length === 0) return info('No unresolved known issues', { text: 'Open one with /known-issue new <title>.' });
  return info(`${rows.length} unresolved known issue${rows.length === 1 ? '' : 's'}: ${rows.reduce((n, r) => n + r.active, 0)} active tickets`, {
    sections: [
      {
        lines: rows.map((r) => {
          const status = KNOWN_ISSUE_STATUS_LABELS[r.status as KnownIssueStatus] ?? r.status;
          const partner = r.partnerRef ? ` · partner ${r.partnerRef}` : '';
          const note = r.lastNote ? `\n    _latest note:_ ${truncate(r.lastNote.replace(/\s+/g, ' '), 160)}` : '';
          return `*${r.label}* ${truncate(r.title, 80)} — ${status} · ${r.active} active of ${r.total}${partner}${note}`;
        }),
      },
    ],
    chart,
  });
}

export function tagsReportReply(report: TagsReport, period: { from: string; to: string }): Reply {
  return info(`Tags ${period.from} to ${period.to}`, {
    sections: [
      {
        heading: `Process review (${report.process.length} ticket${report.process.length === 1 ? '' : 's'})`,
        lines: report.process.length > 0 ? report.process.map((p) => `*#${p.ticketId}* ${truncate(p.title, 80)} — ${p.tags.join(', ')}`) : ['No ticket with a process tag changed in this period.'],
      },
      { heading: 'Top tags on new tickets', lines: report.top.length > 0 ? [report.top.map((t) => `${t.tag} (${t.count})`).join(', ')] : ['No tagged tickets.'] },
    ],
  });
}

/** Known-issue ticket counts as a horizontal bar chart (the 15 with most active tickets). */
export function knownIssuesChart(rows: readonly KnownIssueReportRow[]): ReplyChart {
  const shown = rows.slice(0, 15);
  return {
    title: 'Tickets per known issue (unresolved)',
    alt: shown.length === 0 ? 'No unresolved known issues.' : shown.map((r) => `${r.label} ${r.active} active of ${r.total}`).join('; '),
    filename: 'known-issues.png',
    kind: 'bar',
    horizontal: true,
    labels: shown.map((r) => `${r.label} ${r.title.length > 40 ? `${r.title.slice(0, 39)}…` : r.title}`),
    leftLabel: 'tickets',
    series: [
      { label: 'active', values: shown.map((r) => r.active), color: '#c62828' },
      { label: 'all linked', values: shown.map((r) => r.total), color: '#90a4ae' },
    ],
  };
}
