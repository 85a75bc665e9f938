/** /sla: a ticket's SLA band and time left, the queue ordered by time left, snoozing, the policy. */
import { UsageError } from '../app/errors.js';
import { loadSlaPolicy } from '../app/sla-policy.js';
import { saveSlaPolicy } from '../app/sla-policy-admin.js';
import { slaQueue, slaSetup, snoozeClock, ticketSla } from '../app/sla.js';
import { requireTicket } from '../app/ticket-records.js';
import { recordAudit } from '../app/audit.js';
import { describeCalendar } from '../domain/calendar.js';
import { businessDurationMs, businessDurationSchema, formatBusinessDuration, type Band, type SlaPolicy } from '../domain/sla.js';
import { DEPARTMENT_ALIASES, DEPARTMENTS, LADDER_TIERS, PRIORITIES, PRIORITY_LABELS, STATUS_LABELS, TEAM_LABELS, TIER_ALIASES, TIER_LABELS, TIERS } from '../domain/vocabulary.js';
import { truncate } from '../domain/text.js';
import { info, success } from '../views/reply.js';
import { formatShortInstant } from '../views/format.js';
import { viewerZone } from '../app/people-admin.js';
import { choice } from './args.js';
import type { CommandRegistry } from './registry.js';

const tier = choice('tier', TIERS, TIER_ALIASES);
const ladderTier = choice('tier', LADDER_TIERS, TIER_ALIASES as Record<string, (typeof LADDER_TIERS)[number]>);
const priority = choice('priority', PRIORITIES);
const department = choice('department', DEPARTMENTS, DEPARTMENT_ALIASES);
/** The longest SLA threshold accepted, per unit: 100 business days. */
const MAX_THRESHOLD: Record<string, number> = { m: 100 * 24 * 60, h: 100 * 24, d: 100 };
const businessDuration = (value: string, key: string): string => {
  const parsed = businessDurationSchema.safeParse(value);
  if (!parsed.success) throw new UsageError(`${key}: "${value}" is not a business duration: use 30m, 2h or 1d.`, '');
  const [, amount, unit] = /^(\d+(?:\.\d+)?)\s*(m|h|d)$/i.exec(parsed.data)!;
  if (Number(amount) > MAX_THRESHOLD[unit!.toLowerCase()]!) throw new UsageError(`${key}: "${value}" is too long for an SLA threshold: at most 100d.`, '');
  return parsed.data;
};

const BAND_LABEL: Record<Band, string> = { green: '🟢 Green', yellow: '🟡 Yellow', red: '🔴 Red' };

/** Wall-clock snooze length: "30m", "2h", "1d" (at most a week). */
function snoozeMs(text: string): number {
  const match = /^(\d{1,4})\s*(m|min|h|d)$/i.exec(text.trim());
  const unit = match?.[2]?.toLowerCase();
  const ms = match ? Number(match[1]) * (unit === 'd' ? 86_400_000 : unit === 'h' ? 3_600_000 : 60_000) : NaN;
  if (!match || ms <= 0 || ms > 7 * 86_400_000) throw new UsageError(`"${text}" is not a snooze length: use 30m, 2h or 1d (at most 7d).`, '');
  return ms;
}

/** "Mon 23 Nov 10:50 America/New_York": in the reader's own zone (/people zone), named. */
function localTime(instant: Date, zone: string): string {
  return `${formatShortInstant(instant, zone)} ${zone}`;
}

function policyLines(policy: SlaPolicy): string[] {
  const tiers = LADDER_TIERS.map((t) => `${TIER_LABELS[t]}: yellow after ${policy.tiers[t]?.yellowAfter ?? '—'}, red after ${policy.tiers[t]?.redAfter ?? '—'}`);
  const factors = [
    `Priority factors: ${PRIORITIES.map((p) => `${PRIORITY_LABELS[p]} ×${policy.priorityFactor[p] ?? 1}`).join(', ')}`,
    `Department factors: ${DEPARTMENTS.map((d) => `${d} ×${policy.departmentFactor[d] ?? 1}`).join(', ')}`,
    `Early warning: ${policy.preYellowMinutes} business minutes before yellow`,
  ];
  const overrides = policy.overrides.map((o) => `Override ${[o.tier ? TIER_LABELS[o.tier] : 'any tier', o.priority ?? 'any priority', o.department ?? 'any department'].join(' · ')}: yellow after ${o.yellowAfter}, red after ${o.redAfter}`);
  return [...tiers, ...factors, ...overrides];
}

export function registerSlaCommands(registry: CommandRegistry): void {
  registry.family({ name: 'sla', summary: 'response-time SLAs in business hours: bands, time left, the queue' });

  registry.define({
    path: ['sla'],
    readsOnly: true,
    usage: '/sla <id>',
    summary: "A ticket's SLA in its current tier: band, business time used and left, and when the next band starts in your time.",
    examples: ['/sla 42', '/sla #42'],
    run(args, ctx) {
      const id = args.ticketId();
      args.end();
      const ticket = requireTicket(ctx, id);
      const now = ctx.clock.now();
      const setup = slaSetup(ctx);
      const sla = ticketSla(ctx, setup, ticket, now);
      if (!sla) return info(`#${id} is with ${TIER_LABELS[ticket.tier]}, which has no response SLA.`, { text: 'On-call escalations follow the acknowledgement ladder instead: /oncall.', ticketId: id });
      const { status, thresholds } = sla;
      const zone = viewerZone(ctx);
      const fields = [
        { label: 'Band', value: BAND_LABEL[status.band] },
        { label: 'Used', value: `${formatBusinessDuration(status.usedMs, setup.calendar)} of business time in ${TIER_LABELS[ticket.tier]}` },
        { label: 'Clock', value: status.running ? 'running' : ticket.team ? `paused (handed off to ${TEAM_LABELS[ticket.team]}; /ticket handoff ${id} back resumes it)` : `paused (${STATUS_LABELS[ticket.status]})` },
        { label: 'Thresholds', value: `yellow after ${formatBusinessDuration(thresholds.yellowAfterMs, setup.calendar)}, red after ${formatBusinessDuration(thresholds.redAfterMs, setup.calendar)}` },
      ];
      if (status.next) {
        const when = status.next.at ? `, at ${localTime(status.next.at, zone)}` : ' (paused: the clock resumes when the ticket is Open again)';
        fields.push({ label: `Until ${status.next.band}`, value: `${formatBusinessDuration(status.next.leftMs, setup.calendar)}${when}` });
      }
      if (sla.clock.snoozedUntil && sla.clock.snoozedUntil > now) fields.push({ label: 'Snoozed', value: `warnings wait until ${localTime(sla.clock.snoozedUntil, zone)}` });
      return info(`SLA of #${id} ${truncate(ticket.title, 80)}`, { fields, ticketId: id });
    },
  });

  registry.define({
    path: ['sla', 'queue'],
    readsOnly: true,
    usage: '/sla queue [tier:<tier>]',
    summary: 'Open tickets ordered by business time left before red, worst first.',
    examples: ['/sla queue', '/sla queue tier:t2'],
    run(args, ctx) {
      const { options } = args.options({ tier });
      const now = ctx.clock.now();
      const queue = slaQueue(ctx, now, options.tier);
      const setup = slaSetup(ctx);
      const shown = queue.slice(0, 25);
      const lines = shown.map(({ ticket, status, thresholds }) => {
        const left = thresholds.redAfterMs - status.usedMs;
        const when = left > 0 ? `${formatBusinessDuration(left, setup.calendar)} to red` : `red for ${formatBusinessDuration(-left, setup.calendar)}`;
        return `${BAND_LABEL[status.band]} *#${ticket.id}* ${TIER_LABELS[ticket.tier]} · ${PRIORITY_LABELS[ticket.priority]} · ${when} — ${truncate(ticket.title, 80)}`;
      });
      const where = options.tier ? ` in ${TIER_LABELS[options.tier]}` : '';
      return info(queue.length === 0 ? `No open tickets with a running SLA${where}` : `${queue.length} open ticket${queue.length === 1 ? '' : 's'}${where} by time left`, {
        sections: lines.length > 0 ? [{ lines }] : [],
        ...(queue.length > shown.length ? { footer: `${queue.length - shown.length} more not shown` } : {}),
      });
    },
  });

  registry.define({
    path: ['sla', 'snooze'],
    usage: '/sla snooze <id> <30m|2h|1d>',
    summary: "Holds back a ticket's SLA warnings for a while (the clock keeps running; at most 7 days).",
    examples: ['/sla snooze 42 2h'],
    run(args, ctx) {
      const id = args.ticketId();
      const ms = snoozeMs(args.word('a snooze length like 2h'));
      args.end();
      const ticket = requireTicket(ctx, id);
      const now = ctx.clock.now();
      const until = new Date(now.getTime() + ms);
      const clock = snoozeClock(ctx, ticket, until, now);
      if (!clock) return info(`#${id} has no SLA clock to snooze (${TIER_LABELS[ticket.tier]}).`, { ticketId: id });
      recordAudit(ctx, { entity: 'ticket', entityId: id, action: 'sla.snoozed', after: { until: until.toISOString() } });
      return success(`SLA warnings for #${id} snoozed until ${localTime(until, viewerZone(ctx))}.`, { ticketId: id });
    },
  });

  registry.define({
    path: ['sla', 'policy'],
    readsOnly: true,
    usage: '/sla policy',
    summary: 'The SLA policy: thresholds per tier in business time, priority and department factors, overrides, and the calendar they count in.',
    run(args, ctx) {
      args.end();
      const setup = slaSetup(ctx);
      return info('SLA policy', {
        sections: [
          { heading: 'Thresholds (business time; 1d = one business day)', lines: policyLines(loadSlaPolicy(ctx)) },
          { heading: 'Business calendar', lines: describeCalendar(setup.calendar) },
        ],
      });
    },
  });

  registry.define({
    path: ['sla', 'policy', 'set'],
    usage: '/sla policy set tier:<tier> [priority:<p>] [dept:<d>] yellow:<2h> red:<1d>',
    summary: 'Sets the thresholds for a tier, or an override for one priority and/or department of it.',
    role: 'lead',
    examples: ['/sla policy set tier:t1 yellow:2h red:1d', '/sla policy set tier:t2 priority:high yellow:2h red:4h'],
    run(args, ctx) {
      const { options } = args.options({ tier: ladderTier, priority, dept: department, yellow: businessDuration, red: businessDuration });
      if (!options.tier || !options.yellow || !options.red) throw new UsageError('Give the tier and both thresholds: tier:, yellow: and red:.', '');
      const { calendar } = slaSetup(ctx);
      const policy = loadSlaPolicy(ctx);
      if (businessDurationMs(options.yellow, calendar) >= businessDurationMs(options.red, calendar)) throw new UsageError('yellow: must come before red:.', '');
      const entry = { yellowAfter: options.yellow, redAfter: options.red };
      let next: SlaPolicy;
      if (!options.priority && !options.dept) next = { ...policy, tiers: { ...policy.tiers, [options.tier]: entry } };
      else {
        const rest = policy.overrides.filter((o) => !(o.tier === options.tier && o.priority === options.priority && o.department === options.dept));
        next = { ...policy, overrides: [...rest, { ...entry, tier: options.tier, ...(options.priority ? { priority: options.priority } : {}), ...(options.dept ? { department: options.dept } : {}) }] };
      }
      saveSlaPolicy(ctx, next);
      const scope = [TIER_LABELS[options.tier], options.priority ? PRIORITY_LABELS[options.priority] : '', options.dept ?? ''].filter(Boolean).join(' · ');
      return success(`SLA for ${scope}: yellow after ${options.yellow}, red after ${options.red}.`, { text: 'Running clocks use it from their next check.' });
    },
  });
}
