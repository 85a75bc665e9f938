/**
 * `/oncall check` (and `deskops doctor`): what would make the on-call ladder fail when it is needed:
 * no rotation, gaps, no backup, people without contacts, channels nobody mapped, stuck ladders.
 */
import { rotationGaps, whoIsOnCall, type RotationProblem } from '../domain/oncall.js';
import { formatInstant } from '../views/format.js';
import { formatDuration } from '../views/oncall.js';
import type { AppContext } from './context.js';
import { unconfiguredChannels } from './channels.js';
import { contactsOf } from './oncall-contacts.js';
import { findRotation, listRotations, type LoadedRotation } from './oncall.js';
import { handleOf } from './people.js';

const WEEK_MS = 7 * 24 * 60 * 60 * 1000;
/** A due ladder step this late means the scheduler is not ticking. */
const OVERDUE_MS = 5 * 60 * 1000;
/** The channels the ladder posts to. */
export const LADDER_CHANNELS = ['role:helpdesk', 'role:support-dev'] as const;

/** One finding: what is wrong and what to type about it. */
export interface CheckFinding {
  text: string;
  hint?: string;
}

export interface OncallCheck {
  warnings: CheckFinding[];
  /** What was checked and found fine, so an empty warning list is not mistaken for "not checked". */
  checked: string[];
}

function problemFinding(ctx: AppContext, rotation: LoadedRotation, problem: RotationProblem): CheckFinding {
  const name = `Rotation "${rotation.row.name}"`;
  const when = (d: Date) => formatInstant(d, ctx.settings.timeZone);
  switch (problem.kind) {
    case 'no-members':
      return { text: `${name} has no participants: outside overrides, pages reach nobody.`, hint: 'Set them with /oncall rotation set @alice @bob @carol.' };
    case 'no-backup':
      return { text: `${name} has one participant: the call step has no backup to call.`, hint: 'Add a second person with /oncall rotation set @alice @bob.' };
    case 'uncovered':
      return { text: `Nobody is on call from ${when(problem.start)} to ${when(problem.end)}.`, hint: 'Cover it with /oncall override @user <from> <to>.' };
    case 'backup-missing':
      return {
        text: `No backup from ${when(problem.start)} to ${when(problem.end)}: ${handleOf(ctx, problem.personId)} covers and nobody else is in line.`,
        hint: 'Add someone to the rotation, or let another person cover.',
      };
    case 'override-ineffective': {
      const o = rotation.overrides.find((x) => x.id === problem.overrideId);
      const who = o ? `${handleOf(ctx, o.personId)} from ${when(o.startsAt)} to ${when(o.endsAt)}` : `#${problem.overrideId}`;
      return {
        text: problem.reason === 'same-person' ? `The override for ${who} changes nothing: the rotation has them on call then anyway.` : `The override for ${who} is hidden by later overrides.`,
      };
    }
  }
}

/** Checks the on-call setup as of `now`, looking `weeks` ahead. */
export function checkOncall(ctx: AppContext, now: Date, weeks = 8): OncallCheck {
  const warnings: CheckFinding[] = [];
  const checked: string[] = [];
  const until = new Date(now.getTime() + weeks * WEEK_MS);
  const rows = listRotations(ctx);
  if (rows.length === 0) {
    warnings.push({ text: 'There is no on-call rotation: an escalation to On-Call pages nobody.', hint: 'A lead sets one up with /oncall rotation set @alice @bob @carol [handoff:mon] [at:10:00].' });
  }
  const participants = new Set<number>();
  for (const row of rows) {
    const rotation = findRotation(ctx, row.name, now)!;
    const all = rotationGaps(rotation.timing, rotation.members, rotation.overrides, now, until);
    // Without participants every shift is uncovered; one warning says so, not one per week.
    const problems = all.some((p) => p.kind === 'no-members') ? all.filter((p) => p.kind !== 'uncovered') : all;
    warnings.push(...problems.map((p) => problemFinding(ctx, rotation, p)));
    if (problems.length === 0) checked.push(`Rotation "${row.name}" is covered for the next ${weeks} weeks, with a backup throughout.`);
    rotation.members.forEach((id) => participants.add(id));
    rotation.overrides.filter((o) => o.endsAt.getTime() > now.getTime() && o.startsAt.getTime() < until.getTime()).forEach((o) => participants.add(o.personId));
    // The call step right now: if neither on-call nor backup has a contact, it can reach nobody.
    const current = whoIsOnCall(rotation.timing, rotation.members, rotation.overrides, now);
    const reachable = [current.personId, current.backupPersonId].filter((id): id is number => id !== null && contactsOf(ctx, id).length > 0);
    if (current.personId !== null && reachable.length === 0) {
      warnings.push({ text: `The call step of "${row.name}" can reach nobody right now: neither ${handleOf(ctx, current.personId)} nor the backup has a contact on file.` });
    }
  }
  const missing = [...participants].filter((id) => contactsOf(ctx, id).length === 0);
  for (const id of missing) {
    const handle = handleOf(ctx, id);
    warnings.push({ text: `${handle} has no emergency contacts: the call step has nothing to call for them.`, hint: `${handle} can type /oncall contacts set phone <number>.` });
  }
  if (participants.size > 0 && missing.length === 0) checked.push('Everyone on the rotation has an emergency contact.');
  const unmapped = unconfiguredChannels(ctx).filter((c) => (LADDER_CHANNELS as readonly string[]).includes(c));
  for (const channel of unmapped) {
    const purpose = channel === 'role:helpdesk' ? 'announcements and acknowledgements' : 'pages and the call step';
    warnings.push({ text: `Channel ${channel} is not configured: ${purpose} go to a channel nobody reads.`, hint: `A lead maps it with /channel set ${channel.split(':')[1]} #<channel>.` });
  }
  if (unmapped.length === 0) checked.push(`Channels ${LADDER_CHANNELS.join(' and ')} are configured.`);
  const overdue = ctx.store.oncall.overdueEscalations(new Date(now.getTime() - OVERDUE_MS));
  for (const e of overdue) {
    warnings.push({ text: `The ladder of #${e.ticketId} is ${formatDuration(now.getTime() - e.nextStepAt!.getTime())} overdue: is the scheduler running?`, hint: 'Start deskops with its scheduler, or run deskops tick.' });
  }
  return { warnings, checked };
}
