/** /settings: the workflow settings without a command of their own, shown to anyone and changed by leads. */
import type { RequestContext } from '../app/context.js';
import { UsageError } from '../app/errors.js';
import { REACTION_ACTIONS } from '../app/intake.js';
import {
  resetSettings,
  setDigestSchedule,
  setKnownIssueThresholds,
  setReaction,
  setStatusTimers,
  SETTING_GROUPS,
  workflowSettings,
  type SettingChange,
} from '../app/settings-admin.js';
import { parseWeekday } from '../domain/oncall.js';
import { settingChangedReply, settingsReply } from '../views/settings.js';
import { choice, wholeNumber, type OptionParser } from './args.js';
import type { CommandRegistry } from './registry.js';

const days = (max: number) => wholeNumber('number of days', 1, max);
const hour = wholeNumber('hour (0 to 23)', 0, 23);
const threshold = wholeNumber('number of linked tickets', 2, 1000);
const group = choice('settings group', SETTING_GROUPS, { timer: 'timers', 'status-timers': 'timers', 'known-issue': 'known-issues', ki: 'known-issues', reaction: 'reactions' });
const reactionAction = choice('reaction action', [...REACTION_ACTIONS, 'none'] as const, { ticket: 'create-ticket', create: 'create-ticket', new: 'create-ticket', off: 'none' });
const weekday: OptionParser<number> = (value) => {
  const parsed = parseWeekday(value);
  if (parsed === null) throw new UsageError(`"${value}" is not a weekday: use mon, tue, wed, thu, fri, sat or sun.`, '');
  return parsed;
};

/** The options a setter got, or a usage error naming the ones it takes. */
function given<T extends object>(options: T, names: string): T {
  if (Object.values(options).every((v) => v === undefined)) throw new UsageError(`Give at least one of ${names}.`, '');
  return options;
}

function changed(ctx: RequestContext, what: string, change: SettingChange<unknown>) {
  return settingChangedReply(what, change.changed, workflowSettings(ctx), ctx.settings.timeZone);
}

/** Registers the /settings family. */
export function registerSettingsCommands(registry: CommandRegistry): void {
  registry.family({ name: 'settings', aliases: ['setting'], summary: 'workflow settings: status-timer days, the digest time, known-issue thresholds, reactions (leads change them)' });

  registry.define({
    path: ['settings'],
    readsOnly: true,
    usage: '/settings',
    summary: 'Shows the status-timer days, when the weekly digest goes out, the known-issue thresholds and what reactions do, with how to change each.',
    run(args, ctx) {
      const next = args.peek();
      if (next) throw new UsageError(`/settings has no "${next.kind === 'option' ? `${next.key}:` : next.value}" command: try /settings help.`, '');
      return settingsReply(workflowSettings(ctx), ctx.settings.timeZone);
    },
  });

  registry.define({
    path: ['settings', 'timers'],
    usage: '/settings timers [pending-reminder:<days>] [pending-resolve:<days>] [resolved-close:<days>] [waiting-reopen:<days>]',
    summary: 'Changes the status timers: days of Pending before the reminder, from the reminder to Resolved, of Resolved before Closed, of Waiting on Customer before Open again. Waiting tickets follow the new days.',
    role: 'lead',
    examples: ['/settings timers pending-reminder:2 pending-resolve:5', '/settings timers resolved-close:7'],
    run(args, ctx) {
      const { options, extra } = args.options({ 'pending-reminder': days(90), 'pending-resolve': days(90), 'resolved-close': days(365), 'waiting-reopen': days(365) });
      if (extra[0]) throw new UsageError(`Unexpected "${extra[0].value}": give days as pending-reminder:3.`, '');
      const o = given(options, 'pending-reminder:, pending-resolve:, resolved-close: or waiting-reopen:');
      const change = setStatusTimers(ctx, {
        ...(o['pending-reminder'] !== undefined ? { pendingReminderDays: o['pending-reminder'] } : {}),
        ...(o['pending-resolve'] !== undefined ? { pendingResolveDays: o['pending-resolve'] } : {}),
        ...(o['resolved-close'] !== undefined ? { resolvedCloseDays: o['resolved-close'] } : {}),
        ...(o['waiting-reopen'] !== undefined ? { waitingReopenDays: o['waiting-reopen'] } : {}),
      });
      return changed(ctx, 'Status timers', change);
    },
  });

  registry.define({
    path: ['settings', 'digest'],
    usage: '/settings digest [day:mon|tue|...|sun] [hour:<0-23>]',
    summary: "Changes when the weekly Changing of the Guard goes to the leads' channel (team time); the first scheduled run at or after it posts it.",
    role: 'lead',
    examples: ['/settings digest day:mon hour:11', '/settings digest hour:9'],
    run(args, ctx) {
      const { options, extra } = args.options({ day: weekday, hour });
      if (extra[0]) throw new UsageError(`Unexpected "${extra[0].value}": use day:mon and hour:10.`, '');
      const o = given(options, 'day: or hour:');
      const change = setDigestSchedule(ctx, { ...(o.day !== undefined ? { weekday: o.day } : {}), ...(o.hour !== undefined ? { hour: o.hour } : {}) });
      return changed(ctx, 'Weekly digest', change);
    },
  });

  registry.define({
    path: ['settings', 'known-issues'],
    aliases: ['known-issue', 'ki'],
    usage: '/settings known-issues [tracked:<n>] [status-page:<n>]',
    summary: 'Changes the linked tickets that make a problem a tracked known issue (3) and that suggest a status-page post (6); the pattern watch and /known-issue link follow them.',
    role: 'lead',
    examples: ['/settings known-issues tracked:4 status-page:10', '/settings known-issues status-page:8'],
    run(args, ctx) {
      const { options, extra } = args.options({ tracked: threshold, 'status-page': threshold });
      if (extra[0]) throw new UsageError(`Unexpected "${extra[0].value}": use tracked:3 and status-page:6.`, '');
      const o = given(options, 'tracked: or status-page:');
      const change = setKnownIssueThresholds(ctx, { ...(o.tracked !== undefined ? { tracked: o.tracked } : {}), ...(o['status-page'] !== undefined ? { statusPage: o['status-page'] } : {}) });
      return changed(ctx, 'Known-issue thresholds', change);
    },
  });

  registry.define({
    path: ['settings', 'reaction'],
    aliases: ['reactions'],
    usage: '/settings reaction <emoji> create-ticket|assign|resolve|none',
    summary: 'Sets what a reaction on a chat message does (Slack and Rocket.Chat): create a ticket (in intake channels), assign it to whoever reacted, resolve it; none makes it do nothing.',
    role: 'lead',
    examples: ['/settings reaction raised_hands assign', '/settings reaction :eyes: none'],
    run(args, ctx) {
      const emoji = args.word('the reaction (like eyes or :eyes:)');
      const action = args.choice('what it does (create-ticket, assign, resolve or none)', reactionAction);
      args.end();
      return changed(ctx, 'Reactions', setReaction(ctx, emoji, action === 'none' ? null : action));
    },
  });

  registry.define({
    path: ['settings', 'reset'],
    usage: '/settings reset timers|digest|known-issues|reactions',
    summary: "Puts one group of settings back to the handbook's defaults (audited like any change).",
    role: 'lead',
    examples: ['/settings reset timers', '/settings reset reactions'],
    run(args, ctx) {
      const which = args.choice('the group (timers, digest, known-issues or reactions)', group);
      args.end();
      return changed(ctx, `Defaults for ${which}`, resetSettings(ctx, which));
    },
  });
}
