/** Replies for /report: SLA compliance per tier, known issues, process tags. */
import type { KnownIssueReportRow, SlaReportRow, Spread, TagsReport } from '../app/reports.js';
import type { BusinessCalendar } from '../domain/calendar.js';
import { share } from '../domain/report-stats.js';
import { formatBusinessDuration } from '../domain/sla.js';
import { truncate } from '../domain/text.js';
import { KNOWN_ISSUE_STATUS_LABELS, TIER_LABELS, type KnownIssueStatus } from '../domain/vocabulary.js';
import { info, type Reply, type ReplyChart } from './reply.js';

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
