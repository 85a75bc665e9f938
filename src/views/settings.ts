/** Replies for /settings: the workflow settings as sentences, with the command that changes each. */
import type { WorkflowSettings } from '../app/settings-admin.js';
import { weekdayName } from '../domain/oncall.js';
import { info, success, type Reply, type ReplySection } from './reply.js';

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

const ACTION_WORDS: Record<string, string> = { 'create-ticket': 'creates a ticket (in intake channels)', assign: 'assigns the ticket to whoever reacted', resolve: 'resolves the ticket' };

function sections(settings: WorkflowSettings, timeZone: string): ReplySection[] {
  const { timers, digest, knownIssues, reactions } = settings;
  // By name: the setting is a JSON object, whose key order PostgreSQL's jsonb does not keep.
  const reactionLines = Object.entries(reactions)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, action]) => `:${name}: ${ACTION_WORDS[action] ?? action}`);
  return [
    {
      heading: 'Status timers (/settings timers)',
      lines: [
        `Pending: a reminder to the requester after ${plural(timers.pendingReminderDays, 'day')}, Resolved ${plural(timers.pendingResolveDays, 'day')} after it`,
        `Resolved: Closed after ${plural(timers.resolvedCloseDays, 'day')}`,
        `Waiting on Customer: back to Open after ${plural(timers.waitingReopenDays, 'day')}`,
      ],
    },
    { heading: 'Weekly digest (/settings digest)', lines: [`${weekdayName(digest.weekday)}s from ${String(digest.hour).padStart(2, '0')}:00 (${timeZone}), to the leads' channel`] },
    {
      heading: 'Known issues (/settings known-issues)',
      lines: [`Tracked at ${plural(knownIssues.tracked, 'linked ticket')}; a status-page post suggested at ${knownIssues.statusPage}`],
    },
    { heading: 'Reactions (/settings reaction)', lines: reactionLines.length > 0 ? reactionLines : ['No reaction does anything.'] },
  ];
}

const FOOTER = 'Leads change these; /settings reset <group> brings back the defaults. Elsewhere: /sla policy, /calendar, /oncall ladder, /channel.';

/** The reply to `/settings`. */
export function settingsReply(settings: WorkflowSettings, timeZone: string): Reply {
  return info('Workflow settings', { sections: sections(settings, timeZone), footer: FOOTER });
}

/** The reply to a change: what changed (or that nothing did), and the settings as they are now. */
export function settingChangedReply(what: string, changed: boolean, settings: WorkflowSettings, timeZone: string): Reply {
  return changed
    ? success(`${what} updated`, { sections: sections(settings, timeZone), footer: FOOTER })
    : info(`${what}: nothing changed, they are set so already.`, { sections: sections(settings, timeZone) });
}
