/** What a tick by hand shows: `deskops tick` prints a report, the shell's `:tick` answers with one reply. */
import type { ShellPost } from '../delivery/shell-sink.js';
import type { DeliveryReport } from '../delivery/worker.js';
import type { JobRunReport } from '../jobs/runs.js';
import type { TickResult } from '../jobs/tick.js';
import { isReply, markedTitle, replyBodyLines } from './delivery.js';
import { formatInstant } from './format.js';
import type { Reply, ReplySection } from './reply.js';

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** "looked at 3, queued 2" or "failed: <error>". */
function jobLine(report: JobRunReport): string {
  if (report.error !== undefined) return `failed: ${report.error}`;
  return `looked at ${report.processed}, queued ${report.queued}${report.failed > 0 ? `, ${report.failed} failed (see the log)` : ''}`;
}

/** "posted 2 messages (3 notifications), dropped 1 stale", or "nothing due". */
export function deliverySummary(delivery: DeliveryReport): string {
  const parts: string[] = [];
  if (delivery.messages > 0) {
    parts.push(`posted ${plural(delivery.messages, 'message')}${delivery.sent !== delivery.messages ? ` (${plural(delivery.sent, 'notification')})` : ''}`);
  }
  if (delivery.dropped > 0) parts.push(`dropped ${delivery.dropped} (${delivery.drops?.length ? 'see below' : 'stale or nowhere to go'})`);
  if (delivery.retrying > 0) parts.push(`${delivery.retrying} to retry`);
  if (delivery.failed > 0) parts.push(`${delivery.failed} failed (see the log)`);
  return parts.length > 0 ? parts.join(', ') : 'nothing due';
}

/** One line per dropped row: "webhook:page oncall:3:page:webhook — nowhere to deliver it: no webhook configured". */
function dropLines(delivery: DeliveryReport): string[] {
  return (delivery.drops ?? []).map((drop) => `${drop.channel} ${drop.dedupeKey} — ${drop.reason}`);
}

/** The report `deskops tick` prints before the posted messages. */
export function tickReportText(result: TickResult, timeZone: string): string {
  const names = Object.keys(result.jobs);
  const width = Math.max(0, ...names.map((n) => n.length));
  const lines = [`Tick as of ${result.at.toISOString()} (${formatInstant(result.at, timeZone)})`];
  if (names.length === 0) lines.push('  no jobs registered');
  for (const name of names) lines.push(`  ${name.padEnd(width)}  ${jobLine(result.jobs[name]!)}`);
  lines.push(`Delivery: ${deliverySummary(result.delivery)}`);
  for (const line of dropLines(result.delivery)) lines.push(`  dropped ${line}`);
  return lines.join('\n');
}

function postSection(post: ShellPost): ReplySection {
  if (!isReply(post.message)) return { heading: `→ ${post.label}`, lines: [`\`${JSON.stringify(post.message)}\``] };
  return { heading: `→ ${post.label}`, lines: [markedTitle(post.message), ...replyBodyLines(post.message).map((line) => `  ${line}`)] };
}

function dropSection(delivery: DeliveryReport): ReplySection[] {
  const lines = dropLines(delivery);
  return lines.length > 0 ? [{ heading: 'Dropped, not sent', lines }] : [];
}

/** The shell's `:tick` answer: what was posted, where, what was dropped and why, and a line per job. */
export function tickReply(result: TickResult, posts: readonly ShellPost[], timeZone: string): Reply {
  const troubled = Object.values(result.jobs).some((r) => r.error !== undefined || r.failed > 0) || result.delivery.failed > 0;
  const when = formatInstant(result.at, timeZone);
  const names = Object.keys(result.jobs);
  return {
    tone: troubled ? 'warning' : 'info',
    visibility: 'ephemeral',
    audience: 'staff',
    title: posts.length > 0 ? `Tick at ${when}: posted ${plural(posts.length, 'message')}` : `Tick at ${when}: ${result.delivery.dropped > 0 ? 'nothing posted' : 'nothing due'}`,
    ...(posts.length > 0 || result.delivery.drops?.length ? { sections: [...posts.map(postSection), ...dropSection(result.delivery)] } : {}),
    footer: [
      names.length > 0 ? `Jobs: ${names.map((name) => `${name} ${jobLine(result.jobs[name]!)}`).join(' · ')}` : 'No jobs are registered.',
      `Delivery: ${deliverySummary(result.delivery)}`,
    ].join('\n'),
  };
}
