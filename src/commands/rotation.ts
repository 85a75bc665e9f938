/** /rotation: who staffs each tier (weekly rotations, round-robin with a cap) and who is away. */
import { UsageError } from '../app/errors.js';
import { handleOf } from '../app/people.js';
import { changeRouting, clearTierRotation, onDuty, routingSettings, setAway, setTierRotation, tierRotation } from '../app/routing.js';
import { parseTypedDate, startOfDay } from '../domain/guard-week.js';
import { parseWeekday, weekdayName } from '../domain/oncall.js';
import { TIER_ALIASES, TIER_LABELS, TIERS, type Tier } from '../domain/vocabulary.js';
import { formatInstant } from '../views/format.js';
import { info, success } from '../views/reply.js';
import { choice, wholeNumber, type ArgReader } from './args.js';
import type { CommandRegistry } from './registry.js';

const tier = choice('tier', TIERS, TIER_ALIASES);
const onOff = choice('on or off', ['on', 'off'] as const);
const weekday = (value: string) => {
  const day = parseWeekday(value);
  if (day === null) throw new UsageError(`"${value}" is not a weekday: use mon … sun.`, '');
  return day;
};
const tierArg = (args: ArgReader) => tier(args.word('the tier (triage, t1 … t5)'), 'tier');

export function registerRotationCommands(registry: CommandRegistry): void {
  registry.family({ name: 'rotation', aliases: ['rotations', 'routing'], summary: 'who staffs each tier: weekly rotations, round-robin with a cap, leave' });

  registry.define({
    path: ['rotation', 'set'],
    role: 'lead',
    usage: '/rotation set <tier> @user @user ... [handoff:mon] [at:10:00]',
    summary: "Sets a tier's weekly rotation: new tickets in the tier go to the person on duty (the first is on duty from now).",
    examples: ['/rotation set triage @alice @bob', '/rotation set t3 @carol @dave handoff:mon at:09:00'],
    run(args, ctx) {
      const which = tierArg(args);
      const { options, extra } = args.options({ handoff: weekday, at: (v) => v });
      const members = extra.map((t) => {
        if (t.kind !== 'mention') throw new UsageError(`"${t.value}" is not a person: mention them, like @alice.`, '');
        return t.value;
      });
      const rotation = setTierRotation(ctx, { tier: which, members, ...(options.handoff !== undefined ? { handoffWeekday: options.handoff } : {}), ...(options.at ? { handoffTime: options.at } : {}) });
      const duty = onDuty(ctx, which, ctx.clock.now());
      return success(`${TIER_LABELS[which]} rotation: ${rotation.members.map((id) => handleOf(ctx, id)).join(' → ')}`, {
        text: `Hands off ${weekdayName(rotation.handoffWeekday)} ${rotation.handoffTime} (team time). On duty now: ${duty ? handleOf(ctx, duty.personId) : 'nobody'}${duty ? ` until ${formatInstant(duty.until, ctx.settings.timeZone)}` : ''}.`,
      });
    },
  });

  registry.define({
    path: ['rotation', 'clear'],
    role: 'lead',
    usage: '/rotation clear <tier>',
    summary: "Removes a tier's rotation; its new tickets wait in the queue (or go round-robin if that is on).",
    examples: ['/rotation clear t3'],
    run(args, ctx) {
      const which = tierArg(args);
      args.end();
      clearTierRotation(ctx, which);
      return success(`${TIER_LABELS[which]} has no rotation now.`, { visibility: 'ephemeral' });
    },
  });

  registry.define({
    path: ['rotation', 'auto'],
    role: 'lead',
    usage: '/rotation auto <tier> on|off',
    summary: "Round-robin for a tier: new tickets go to the tier's agent working now with the fewest of its active tickets (under the cap), least recently given one first.",
    examples: ['/rotation auto t1 on', '/rotation auto t1 off'],
    run(args, ctx) {
      const which = tierArg(args);
      const value = args.choice('on or off', onOff);
      args.end();
      const settings = changeRouting(ctx, { tier: which, roundRobin: value === 'on' });
      return success(`Round-robin in ${TIER_LABELS[which]} is ${value}.`, { visibility: 'ephemeral', text: `Cap: ${settings.cap} active tickets per agent. Agents are the people with /people tier @user ${which}.` });
    },
  });

  registry.define({
    path: ['rotation', 'cap'],
    role: 'lead',
    usage: '/rotation cap <n>',
    summary: 'The most active tickets in a tier that routing gives one person (default 8).',
    examples: ['/rotation cap 6'],
    run(args, ctx) {
      const cap = wholeNumber('cap', 1, 500)(args.word('the cap'), 'cap');
      args.end();
      changeRouting(ctx, { cap });
      return success(`Routing gives nobody more than ${cap} active tickets in a tier.`, { visibility: 'ephemeral' });
    },
  });

  registry.define({
    path: ['rotation', 'away'],
    usage: '/rotation away @user|me until:<YYYY-MM-DD>|off',
    summary: 'On leave until a day (team time): routing skips them. Yourself, or anyone as a lead; off ends it.',
    examples: ['/rotation away me until:2026-12-28', '/rotation away @bob off'],
    run(args, ctx) {
      const mention = args.optionalMention() ?? args.word('@user or me');
      const { options, extra } = args.options({ until: (v) => v });
      const off = extra.length === 1 && extra[0]!.value.toLowerCase() === 'off';
      if (!off && extra.length > 0) throw new UsageError(`"${extra[0]!.value}" is not an option here: use until:<YYYY-MM-DD> or off.`, '');
      if (!off && !options.until) throw new UsageError('Say until when: until:2026-12-28, or off.', '');
      let until: Date | null = null;
      if (!off) {
        const typed = parseTypedDate(options.until!);
        if (!typed.ok) throw new UsageError(typed.reason, '');
        until = startOfDay(typed.day, ctx.settings.timeZone);
      }
      const result = setAway(ctx, mention, until);
      return success(result.until ? `@${result.handle} is away until ${formatInstant(result.until, ctx.settings.timeZone)}` : `@${result.handle} is back`, { visibility: 'ephemeral' });
    },
  });

  registry.define({
    path: ['rotation', 'show'],
    readsOnly: true,
    aliases: ['list'],
    usage: '/rotation show',
    summary: 'Every tier: its rotation and who is on duty, round-robin and the cap, and who is away.',
    run(args, ctx) {
      args.end();
      const now = ctx.clock.now();
      const settings = routingSettings(ctx);
      const zone = ctx.settings.timeZone;
      const lines = TIERS.filter((t: Tier) => t !== 'oncall').map((t) => {
        const rotation = tierRotation(ctx, t);
        const duty = rotation ? onDuty(ctx, t, now) : null;
        const parts = [
          rotation ? `rotation ${rotation.members.map((id) => handleOf(ctx, id)).join(' → ')}, on duty ${duty ? handleOf(ctx, duty.personId) : 'nobody'}` : 'no rotation',
          settings.roundRobin.includes(t) ? 'round-robin on' : 'round-robin off',
        ];
        return `*${TIER_LABELS[t]}*: ${parts.join(' · ')}`;
      });
      const away = ctx.store.people.awayAfter(now);
      return info('Ticket routing', {
        sections: [
          { lines },
          { heading: `Cap: ${settings.cap} active tickets per person and tier`, lines: away.length > 0 ? away.map((p) => `${handleOf(ctx, p.id)} away until ${formatInstant(p.until!, zone)}`) : ['Nobody is away.'] },
        ],
        footer: 'De-escalated tickets go back to the engineer who escalated them. The on-call rotation is /oncall.',
      });
    },
  });
}
