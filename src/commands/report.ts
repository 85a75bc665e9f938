/** /report: SLA compliance per tier for any period, known issues and tags, with charts. */
import { UsageError } from '../app/errors.js';
import { knownIssuesReport, slaReport, slaWeeks, tagsReport } from '../app/reports.js';
import { slaSetup } from '../app/sla.js';
import { addCalendarDays, parseTypedDate, startOfDay } from '../domain/guard-week.js';
import { TIER_ALIASES, TIER_LABELS, TIERS } from '../domain/vocabulary.js';
import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';
import { knownIssuesChart, knownIssuesReportReply, slaReportReply, slaWeeksChart, tagsReportReply } from '../views/reports.js';
import { choice, type ArgReader } from './args.js';
import type { RequestContext } from '../app/context.js';
import type { CommandRegistry } from './registry.js';

const tier = choice('tier', TIERS, TIER_ALIASES);
const day = (value: string) => {
  const typed = parseTypedDate(value);
  if (!typed.ok) throw new UsageError(typed.reason, '');
  return typed.day;
};

/** from:/to: as local days (to included), by default the last 7 days up to today. */
function period(args: ArgReader, ctx: RequestContext, extraSpec: { tier?: boolean } = {}) {
  const { options, extra } = args.options({ from: day, to: day, tier });
  if (!extraSpec.tier && options.tier !== undefined) throw new UsageError('tier: is for /report sla.', '');
  if (extra[0]) throw new UsageError(`"${extra[0].value}" is not a report option: use from:<YYYY-MM-DD> to:<YYYY-MM-DD>${extraSpec.tier ? ' tier:<t>' : ''}.`, '');
  const zone = ctx.settings.timeZone;
  const today = format(new TZDate(ctx.clock.now().getTime(), zone), 'yyyy-MM-dd');
  const to = options.to ?? today;
  const from = options.from ?? addCalendarDays(to, -6);
  if (from > to) throw new UsageError(`from:${from} is after to:${to}.`, '');
  if (addCalendarDays(from, 366) < to) throw new UsageError('A report covers at most a year.', '');
  const range = { from: startOfDay(from, zone), to: startOfDay(addCalendarDays(to, 1), zone) };
  return { days: { from, to }, range, tier: options.tier };
}

export function registerReportCommands(registry: CommandRegistry): void {
  registry.family({ name: 'report', aliases: ['reports'], summary: 'SLA compliance, known issues and tags, with charts' });

  registry.define({
    path: ['report', 'sla'],
    readsOnly: true,
    usage: '/report sla [from:<YYYY-MM-DD>] [to:<YYYY-MM-DD>] [tier:<t>]',
    summary: 'SLA compliance per tier for a period (the last 7 days unless you say): green/yellow/red counts and shares, first-response and resolution times (median, p90), and a chart of the last 8 weeks.',
    examples: ['/report sla', '/report sla from:2026-11-01 to:2026-11-30', '/report sla tier:t2'],
    run(args, ctx) {
      const { days, range, tier: only } = period(args, ctx, { tier: true });
      const rows = slaReport(ctx, { ...range, ...(only ? { tier: only } : {}) }, ctx.clock.now());
      return slaReportReply(rows, { ...days, ...(only ? { tier: TIER_LABELS[only] } : {}) }, slaSetup(ctx).calendar, slaWeeksChart(slaWeeks(ctx, ctx.clock.now(), only ? { tier: only } : {})));
    },
  });

  registry.define({
    path: ['report', 'known-issues'],
    readsOnly: true,
    aliases: ['ki'],
    usage: '/report known-issues',
    summary: 'Unresolved known issues with their active and linked tickets, partner refs and latest notes, and a chart of the counts.',
    run(args, ctx) {
      args.end();
      const rows = knownIssuesReport(ctx);
      return knownIssuesReportReply(rows, knownIssuesChart(rows));
    },
  });

  registry.define({
    path: ['report', 'tags'],
    readsOnly: true,
    usage: '/report tags [from:<YYYY-MM-DD>] [to:<YYYY-MM-DD>]',
    summary: "The weekly review: tickets with process tags (Process Tweak, Missed Doc Review, Proposed User/Internal Doc) changed in the period, and the period's top tags.",
    examples: ['/report tags', '/report tags from:2026-11-16 to:2026-11-22'],
    run(args, ctx) {
      const { days, range } = period(args, ctx);
      return tagsReportReply(tagsReport(ctx, range), days);
    },
  });
}
