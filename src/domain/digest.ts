/**
 * The weekly "Changing of the Guard" report as data: short sections, numbers first, readable in
 * chat at a glance. Pure: it formats what the app gathered.
 */
import { GUARD_KINDS, LADDER_TIERS, TIER_LABELS, type GuardKind, type Tier } from './vocabulary.js';

export interface DigestData {
  /** Local dates "YYYY-MM-DD": the week reported on [weekStart, weekEnd). */
  weekStart: string;
  weekEnd: string;
  guard: { id: number; kind: GuardKind; body: string; closed: boolean }[];
  knownIssues: { label: string; title: string; status: string; change: 'opened' | 'changed' | 'resolved'; linked: number }[];
  /** The week's tier entries by the band each had reached at the week's end. */
  sla: { tier: Tier; green: number; yellow: number; red: number }[];
  /** Opened by the tier a ticket was opened in, resolved by its tier then, open at the week's end. */
  tickets: { tier: Tier; opened: number; resolved: number; open: number }[];
  topTags: { tag: string; count: number }[];
  /** On-call escalations still open at the week's end, acknowledged or not ("acknowledged by @x" / "not acknowledged"). */
  openOncall: { ticketId: number; title: string; state: string; since: string }[];
  people: { oncallLastWeek: string | null; oncallThisWeek: string | null; t3: string[]; t4: string[] };
}

export interface DigestSection {
  heading: string;
  lines: string[];
}

const KIND_WORDS: Record<GuardKind, [string, string]> = {
  hotfix: ['hotfix', 'hotfixes'],
  sql: ['SQL script', 'SQL scripts'],
  'known-issue': ['known-issue change', 'known-issue changes'],
  loop: ['open loop', 'open loops'],
};

const plural = (n: number, [one, many]: [string, string]) => `${n} ${n === 1 ? one : many}`;
const percent = (part: number, whole: number) => (whole === 0 ? '—' : `${Math.round((part / whole) * 100)}%`);

/** The report's sections, in reading order; empty parts say so in one line rather than vanish. */
export function buildDigest(data: DigestData): { title: string; summary: string; sections: DigestSection[] } {
  const opened = data.tickets.reduce((n, t) => n + t.opened, 0);
  const resolved = data.tickets.reduce((n, t) => n + t.resolved, 0);
  const open = data.tickets.reduce((n, t) => n + t.open, 0);
  const slaTotal = data.sla.reduce((n, s) => n + s.green + s.yellow + s.red, 0);
  const slaGreen = data.sla.reduce((n, s) => n + s.green, 0);
  const summary = `${opened} opened · ${resolved} resolved · ${open} still open · ${percent(slaGreen, slaTotal)} within SLA · ${data.openOncall.length} open on-call item${data.openOncall.length === 1 ? '' : 's'}`;

  const guardCounts = GUARD_KINDS.map((k) => [k, data.guard.filter((g) => g.kind === k).length] as const).filter(([, n]) => n > 0);
  const guardLines =
    data.guard.length === 0
      ? ['Nothing logged. (On-call and T4 log with /guard log.)']
      : [
          guardCounts.map(([k, n]) => plural(n, KIND_WORDS[k])).join(', '),
          ...data.guard.map((g) => `• ${KIND_WORDS[g.kind][0]}${g.kind === 'loop' ? (g.closed ? ' (closed)' : ' (open)') : ''}: ${g.body}`),
        ];

  const kiLines =
    data.knownIssues.length === 0
      ? ['No changes.']
      : [
          ['opened', 'changed', 'resolved'].map((c) => `${data.knownIssues.filter((k) => k.change === c).length} ${c}`).join(', '),
          ...data.knownIssues.map((k) => `• ${k.label} ${k.title}: ${k.change === 'changed' ? k.status : k.change} (${k.linked} ticket${k.linked === 1 ? '' : 's'})`),
        ];

  const slaLines = data.sla
    .filter((s) => s.green + s.yellow + s.red > 0)
    .map((s) => {
      const total = s.green + s.yellow + s.red;
      return `${TIER_LABELS[s.tier]}: ${percent(s.green, total)} green — ${s.green} green, ${s.yellow} yellow, ${s.red} red`;
    });

  const ticketLines = LADDER_TIERS.concat([])
    .map((tier) => data.tickets.find((t) => t.tier === tier))
    .filter((t): t is DigestData['tickets'][number] => !!t && t.opened + t.resolved + t.open > 0)
    .map((t) => `${TIER_LABELS[t.tier]}: ${t.opened} opened, ${t.resolved} resolved, ${t.open} open`);
  const oncallTickets = data.tickets.find((t) => t.tier === 'oncall');
  if (oncallTickets && oncallTickets.opened + oncallTickets.resolved + oncallTickets.open > 0) {
    ticketLines.push(`${TIER_LABELS.oncall}: ${oncallTickets.opened} opened, ${oncallTickets.resolved} resolved, ${oncallTickets.open} open`);
  }

  const who = data.people;
  const peopleLines = [
    `On-call: ${who.oncallThisWeek ?? 'nobody scheduled'} this week (last week: ${who.oncallLastWeek ?? 'nobody'})`,
    `T3 (Eng1): ${who.t3.length > 0 ? who.t3.join(', ') : 'nobody set'} · T4 (Eng2): ${who.t4.length > 0 ? who.t4.join(', ') : 'nobody set'}`,
  ];

  return {
    title: `Changing of the Guard: week of ${data.weekStart}`,
    summary,
    sections: [
      { heading: 'Who is on duty', lines: peopleLines },
      { heading: 'SLA by tier (tier entries that week, bands at its end)', lines: slaLines.length > 0 ? slaLines : ['No tickets entered a tier with an SLA.'] },
      { heading: 'Tickets by tier (open: at the end of the week)', lines: ticketLines.length > 0 ? ticketLines : ['No ticket activity.'] },
      { heading: 'Open on-call items (at the end of the week)', lines: data.openOncall.length > 0 ? data.openOncall.map((o) => `• #${o.ticketId} ${o.title} — ${o.state}, escalated ${o.since}`) : ['None.'] },
      { heading: 'Guard log', lines: guardLines },
      { heading: 'Known issues', lines: kiLines },
      { heading: 'Top tags', lines: data.topTags.length > 0 ? [data.topTags.map((t) => `${t.tag} (${t.count})`).join(', ')] : ['No tagged tickets.'] },
    ],
  };
}
