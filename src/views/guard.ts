/** Replies for the guard log: a week grouped by kind with the numbers first, a new entry, a closed loop. */
import type { GuardEntry, GuardWeek } from '../app/guard.js';
import { formatDay } from '../domain/guard-week.js';
import type { GuardKind } from '../domain/vocabulary.js';
import { formatShortInstant } from './format.js';
import { info, success, type Reply, type ReplySection } from './reply.js';

const KIND_NOUNS: Record<GuardKind, [string, string]> = {
  hotfix: ['hotfix', 'hotfixes'],
  sql: ['SQL script', 'SQL scripts'],
  'known-issue': ['known-issue change', 'known-issue changes'],
  loop: ['open loop', 'open loops'],
};

const KIND_HEADINGS: Record<GuardKind, string> = {
  hotfix: 'Hotfixes',
  sql: 'SQL scripts',
  'known-issue': 'Known-issue changes',
  loop: 'Open loops',
};

const count = (n: number, [one, many]: [string, string]): string => `${n} ${n === 1 ? one : many}`;

/** "3 hotfixes, 1 SQL script, 2 open loops" (kinds with nothing are left out; closed loops counted apart). */
export function guardSummary(week: Pick<GuardWeek, 'byKind'>): string {
  const parts: string[] = [];
  for (const kind of ['hotfix', 'sql', 'known-issue'] as const) {
    const n = week.byKind[kind].length;
    if (n > 0) parts.push(count(n, KIND_NOUNS[kind]));
  }
  const loops = week.byKind.loop;
  const open = loops.filter((entry) => !entry.closedAt).length;
  if (open > 0) parts.push(count(open, KIND_NOUNS.loop));
  if (loops.length - open > 0) parts.push(count(loops.length - open, ['closed loop', 'closed loops']));
  return parts.length > 0 ? parts.join(', ') : 'Nothing logged';
}

/** "[12] Restarted the push gateway — @alice, Tue 3 Mar 2026" */
function entryLine(entry: GuardEntry, timeZone: string): string {
  const when = formatShortInstant(entry.createdAt, timeZone);
  const closed = entry.kind === 'loop' && entry.closedAt ? ' ✓ closed' : '';
  return `\`${entry.id}\` ${entry.body} — ${entry.author ?? 'someone'}, ${when}${closed}`;
}

/** The reply to `/guard show`. */
export function guardWeekReply(week: GuardWeek, timeZone: string): Reply {
  const sections: ReplySection[] = [];
  for (const kind of ['hotfix', 'sql', 'known-issue', 'loop'] as const) {
    const entries = week.byKind[kind];
    if (entries.length > 0) sections.push({ heading: KIND_HEADINGS[kind], lines: entries.map((e) => entryLine(e, timeZone)) });
  }
  if (week.carriedOver.length > 0) {
    sections.push({ heading: 'Still open from earlier weeks', lines: week.carriedOver.map((e) => entryLine(e, timeZone)) });
  }
  const label = week.isCurrent ? 'This week' : 'Week';
  const openLoops = [...week.byKind.loop, ...week.carriedOver].filter((e) => !e.closedAt);
  return info(`${label} ${formatDay(week.weekStart)} – ${formatDay(week.weekEnd)}: ${guardSummary(week)}`, {
    ...(sections.length > 0 ? { sections } : { text: 'Log with `/guard log hotfix|sql|known-issue|loop <text>`.' }),
    ...(openLoops.length > 0 ? { footer: 'Close a loop with /guard done <entry number>.' } : {}),
    buttons: week.isCurrent ? [{ label: 'Last week', command: '/guard show last' }] : [{ label: 'This week', command: '/guard show' }],
  });
}

/** The reply to `/guard log`. */
export function guardLoggedReply(entry: GuardEntry): Reply {
  return success(`Logged ${KIND_NOUNS[entry.kind][0]} \`${entry.id}\` for the week of ${formatDay(entry.weekStart)}`, {
    text: entry.body,
    ...(entry.kind === 'loop' ? { footer: `Close it with /guard done ${entry.id}.` } : {}),
    buttons: [{ label: 'Show the week', command: '/guard show' }],
  });
}

/** The reply to `/guard done`. */
export function guardClosedReply(entry: GuardEntry): Reply {
  return success(`Closed loop \`${entry.id}\``, { text: entry.body, buttons: [{ label: 'Show the week', command: '/guard show' }] });
}
