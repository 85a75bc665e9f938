/**
 * Every 15 minutes: 3+ new tickets within 24 hours sharing an area and a type tag and not linked
 * to a known issue → suggest a known issue in the triage channel (once per cluster); a known
 * issue with 6+ linked tickets → suggest a status-page post (once per known issue). The 3 and the 6
 * are the team's known-issue thresholds (/settings known-issues).
 */
import { enqueue } from '../app/outbox.js';
import { knownIssueLabel } from '../domain/known-issues.js';
import { knownIssueThresholds } from '../app/known-issues.js';
import { formatTag } from '../app/tags.js';
import type { TicketTag } from '../store/repositories/reports.js';
import { warning } from '../views/reply.js';
import type { Job, JobContext, JobReport } from './job.js';

export const PATTERN_WATCH = 'pattern-watch';
const WINDOW_MS = 24 * 3_600_000;

interface Cluster {
  area: { family: string; name: string; slug: string };
  type: { family: string; name: string; slug: string };
  ticketIds: number[];
}

/** Groups recent unlinked tickets by every (area, type) pair they carry; clusters of at least `size`. */
function recentClusters(ctx: JobContext, now: Date, size: number): Cluster[] {
  const rows = ctx.store.reports.areaAndTypeTagsOfUnlinkedTicketsSince(new Date(now.getTime() - WINDOW_MS));
  const byTicket = new Map<number, { areas: TicketTag[]; types: TicketTag[] }>();
  for (const row of rows) {
    const entry = byTicket.get(row.ticketId) ?? { areas: [], types: [] };
    (row.family === 'area' ? entry.areas : entry.types).push(row);
    byTicket.set(row.ticketId, entry);
  }
  const clusters = new Map<string, Cluster>();
  for (const [ticketId, { areas, types }] of byTicket) {
    for (const area of areas) {
      for (const type of types) {
        const key = `${area.slug}:${type.slug}`;
        const cluster = clusters.get(key) ?? { area, type, ticketIds: [] };
        cluster.ticketIds.push(ticketId);
        clusters.set(key, cluster);
      }
    }
  }
  return [...clusters.values()].filter((c) => c.ticketIds.length >= size);
}

function alreadySuggested(ctx: JobContext, cluster: Cluster, now: Date): boolean {
  return ctx.store.reports.queuedWithKeyPrefixSince(`pattern:${cluster.area.slug}:${cluster.type.slug}:`, new Date(now.getTime() - WINDOW_MS));
}

function suggestKnownIssues(ctx: JobContext, now: Date): number {
  let queued = 0;
  const { tracked } = knownIssueThresholds(ctx);
  for (const cluster of recentClusters(ctx, now, tracked)) {
    if (alreadySuggested(ctx, cluster, now)) continue;
    const ids = cluster.ticketIds.sort((a, b) => a - b);
    const label = `${formatTag(cluster.area)} + ${formatTag(cluster.type)}`;
    const added = enqueue(ctx, {
      dedupeKey: `pattern:${cluster.area.slug}:${cluster.type.slug}:${ids[0]}`,
      audience: 'staff',
      channel: 'tier:triage',
      reply: warning(`${ids.length} new tickets in 24 h share ${label} and no known issue`, {
        visibility: 'channel',
        text: `${ids.map((id) => `#${id}`).join(', ')}. ${tracked} or more on the same problem call for a known issue: name the problem (like "${cluster.area.name} ${cluster.type.name.toLowerCase()}: <what fails>"), then link them with /known-issue link <n> ${ids.join(' ')}.`,
        // A template: only a person can name the problem (a prefilled title made "KI-1: Mobile bug:").
        buttons: [{ label: 'Create known issue', command: '/known-issue new', needs: '<title>' }],
      }),
    });
    if (added) queued++;
  }
  return queued;
}

function suggestStatusPage(ctx: JobContext): number {
  const crowded = ctx.store.reports
    .linkedTicketsOfUnresolvedKnownIssues()
    .filter((k) => k.linked >= knownIssueThresholds(ctx).statusPage);
  let queued = 0;
  for (const issue of crowded) {
    const added = enqueue(ctx, {
      dedupeKey: `ki-status-page:${issue.id}`,
      audience: 'staff',
      channel: 'tier:triage',
      reply: warning(`${knownIssueLabel(issue.id)} ${issue.title} has ${issue.linked} linked tickets: post it on the status page?`, {
        visibility: 'channel',
        text: 'Many clients are affected; known issues go public at about six tickets (more for severe or visible ones).',
        buttons: [{ label: 'Show known issue', command: `/known-issue show ${issue.id}` }],
      }),
    });
    if (added) queued++;
  }
  return queued;
}

export function runPatternWatch(ctx: JobContext, now: Date): JobReport {
  const queued = ctx.store.transaction(() => suggestKnownIssues(ctx, now) + suggestStatusPage(ctx));
  return { processed: 1, queued, failed: 0 };
}

export const patternWatchJob: Job = { name: PATTERN_WATCH, schedule: '*/15 * * * *', run: runPatternWatch };
