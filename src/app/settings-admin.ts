/**
 * The workflow settings a lead may change without a deploy, in one place (/settings): the status
 * timers' days, when the weekly digest goes out, the known-issue thresholds, and what chat
 * reactions do. Each change is a team setting written with its audit event ('setting.changed').
 * The SLA policy, calendar, channels and on-call ladder keep their own commands.
 */
import { DEFAULT_KNOWN_ISSUE_THRESHOLDS, knownIssueThresholdsSchema, type KnownIssueThresholds } from '../domain/known-issues.js';
import { DEFAULT_TIMER_POLICY, nextStatusTimer, timerPolicySchema, type TimerPolicy } from '../domain/status-timers.js';
import { DEFAULT_DIGEST_SCHEDULE, digestScheduleSchema, type DigestSchedule } from '../domain/digest-schedule.js';
import type { AppContext, RequestContext } from './context.js';
import { invalid } from './errors.js';
import { DEFAULT_REACTIONS, REACTIONS_SETTING, reactionMap, reactionName, type ReactionAction } from './intake.js';
import { KNOWN_ISSUE_THRESHOLDS_SETTING, knownIssueThresholds } from './known-issues.js';
import { requireRole } from './people.js';
import { loadTimerPolicy, TIMER_SETTING } from './sla-policy.js';
import { readSetting, writeSetting } from './team-settings.js';

/** The team setting holding when the weekly digest goes out. */
export const DIGEST_SCHEDULE_SETTING = 'digest-schedule';

/** When the weekly digest goes out: an ISO weekday and an hour, team time (Monday 10:00 unless a lead changed it). */
export function digestSchedule(ctx: AppContext): DigestSchedule {
  return readSetting(ctx, DIGEST_SCHEDULE_SETTING, digestScheduleSchema, DEFAULT_DIGEST_SCHEDULE);
}

/** Every setting /settings shows, as they are now. */
export interface WorkflowSettings {
  timers: TimerPolicy;
  digest: DigestSchedule;
  knownIssues: KnownIssueThresholds;
  reactions: Readonly<Record<string, ReactionAction>>;
}

export function workflowSettings(ctx: AppContext): WorkflowSettings {
  return { timers: loadTimerPolicy(ctx), digest: digestSchedule(ctx), knownIssues: knownIssueThresholds(ctx), reactions: reactionMap(ctx) };
}

/** A change: the values before and after (equal when nothing changed). */
export interface SettingChange<T> {
  before: T;
  after: T;
  changed: boolean;
}

function save<T>(ctx: RequestContext, key: string, before: T, after: T): SettingChange<T> {
  if (JSON.stringify(before) === JSON.stringify(after)) return { before, after, changed: false };
  writeSetting(ctx, key, after);
  return { before, after, changed: true };
}

/** The first problem zod found, as a sentence. */
function problem(error: { issues: readonly { message: string; path: readonly PropertyKey[] }[] }): string {
  const issue = error.issues[0];
  return issue ? `${issue.path.length > 0 ? `${issue.path.join('.')}: ` : ''}${issue.message}` : 'not valid';
}

/**
 * Changes the status timers (days). Tickets waiting on a timer get their next one worked out again
 * with the new days, so a shorter wait takes effect for them too, not only for later changes.
 */
export function setStatusTimers(ctx: RequestContext, change: Partial<TimerPolicy>): SettingChange<TimerPolicy> {
  return ctx.store.transaction(() => {
    requireRole(ctx, 'lead', 'change the status timers');
    const before = loadTimerPolicy(ctx);
    const parsed = timerPolicySchema.safeParse({ ...before, ...change });
    if (!parsed.success) throw invalid(`Those timers are not valid: ${problem(parsed.error)}.`, 'Days go from 1 to 90 (Pending), 365 (Resolved, Waiting); /settings shows the current ones.');
    const result = save(ctx, TIMER_SETTING, before, parsed.data);
    if (result.changed) rescheduleTimers(ctx, parsed.data);
    return result;
  });
}

function rescheduleTimers(ctx: AppContext, policy: TimerPolicy): void {
  const waiting = ctx.store.settings.ticketsWithStatusTimers();
  for (const ticket of waiting) {
    const next = nextStatusTimer(ticket, policy, ctx.settings.timeZone)?.at ?? null;
    if (next?.getTime() !== ticket.statusTimerAt?.getTime()) ctx.store.settings.setStatusTimerAt(ticket.id, next);
  }
}

/** Changes when the weekly digest goes out (weekday 1–7 from Monday, hour 0–23, team time). */
export function setDigestSchedule(ctx: RequestContext, change: Partial<DigestSchedule>): SettingChange<DigestSchedule> {
  return ctx.store.transaction(() => {
    requireRole(ctx, 'lead', 'change when the digest goes out');
    const before = digestSchedule(ctx);
    const parsed = digestScheduleSchema.safeParse({ ...before, ...change });
    if (!parsed.success) throw invalid(`That digest time is not valid: ${problem(parsed.error)}.`, 'Example: /settings digest day:mon hour:10');
    return save(ctx, DIGEST_SCHEDULE_SETTING, before, parsed.data);
  });
}

/** Changes the known-issue thresholds (tracked, status page). */
export function setKnownIssueThresholds(ctx: RequestContext, change: Partial<KnownIssueThresholds>): SettingChange<KnownIssueThresholds> {
  return ctx.store.transaction(() => {
    requireRole(ctx, 'lead', 'change the known-issue thresholds');
    const before = knownIssueThresholds(ctx);
    const parsed = knownIssueThresholdsSchema.safeParse({ ...before, ...change });
    if (!parsed.success) throw invalid(`Those thresholds are not valid: ${problem(parsed.error)}.`, `Example: /settings known-issues tracked:${DEFAULT_KNOWN_ISSUE_THRESHOLDS.tracked} status-page:${DEFAULT_KNOWN_ISSUE_THRESHOLDS.statusPage}`);
    return save(ctx, KNOWN_ISSUE_THRESHOLDS_SETTING, before, parsed.data);
  });
}

/** A reaction name as chat platforms spell emoji: letters, digits, '_', '+', '-'. */
const REACTION_NAME = /^[a-z0-9_+-]{1,64}$/;

/** Makes a reaction do `action` on a chat message, or nothing (null). The map replaces the defaults as a whole. */
export function setReaction(ctx: RequestContext, reaction: string, action: ReactionAction | null): SettingChange<Readonly<Record<string, ReactionAction>>> {
  return ctx.store.transaction(() => {
    requireRole(ctx, 'lead', 'change what reactions do');
    const name = reactionName(reaction.trim().toLowerCase());
    if (!REACTION_NAME.test(name)) throw invalid(`"${reaction}" is not a reaction name.`, 'Name it as chat does, without the colons or with them: ticket, :eyes:, white_check_mark.');
    const before = reactionMap(ctx);
    const after: Record<string, ReactionAction> = { ...before };
    if (action === null) delete after[name];
    else after[name] = action;
    return save(ctx, REACTIONS_SETTING, before, after);
  });
}

/** The groups /settings reset puts back to their defaults. */
export const SETTING_GROUPS = ['timers', 'digest', 'known-issues', 'reactions'] as const;
export type SettingGroup = (typeof SETTING_GROUPS)[number];

/** Puts a group of settings back to the handbook's defaults (audited like any change). */
export function resetSettings(ctx: RequestContext, group: SettingGroup): SettingChange<unknown> {
  switch (group) {
    case 'timers':
      return setStatusTimers(ctx, DEFAULT_TIMER_POLICY);
    case 'digest':
      return setDigestSchedule(ctx, DEFAULT_DIGEST_SCHEDULE);
    case 'known-issues':
      return setKnownIssueThresholds(ctx, DEFAULT_KNOWN_ISSUE_THRESHOLDS);
    case 'reactions':
      return ctx.store.transaction(() => {
        requireRole(ctx, 'lead', 'change what reactions do');
        return save(ctx, REACTIONS_SETTING, reactionMap(ctx), { ...DEFAULT_REACTIONS });
      });
  }
}
