/**
 * The weekly Changing of the Guard, posted to the leads' channel on the team's digest day and
 * hour (default Monday 10:00 team time; /settings digest changes it). The job runs hourly and posts once per week (the dedupe
 * key carries the week, shared with a lead's /guard digest), so a bot that was down at 10:00 posts
 * when it comes back, and a digest a lead posted earlier is not posted again.
 */
import { digestKey, digestWeek, postWeeklyDigest } from '../app/digest.js';
import { addCalendarDays, startOfDay } from '../domain/guard-week.js';
import { outboxHasKey } from '../app/outbox-keys.js';
import { digestSchedule } from '../app/settings-admin.js';
import { digestDue } from '../domain/digest-schedule.js';
import { systemContext, type Job, type JobContext, type JobReport } from './job.js';

export const WEEKLY_DIGEST = 'weekly-digest';

function hadActivityBefore(ctx: JobContext, instant: Date): boolean {
  return ctx.store.digest.hasActivityBefore(instant);
}

export function runWeeklyDigest(ctx: JobContext, now: Date): JobReport {
  const schedule = digestSchedule(ctx);
  if (!digestDue(now, ctx.settings.timeZone, schedule)) return { processed: 0, queued: 0, failed: 0 };
  const week = digestWeek(now, ctx.settings.timeZone);
  // Checked before gathering: the job runs hourly, and gathering a week costs seconds on a big store.
  if (outboxHasKey(ctx, digestKey(week))) return { processed: 1, queued: 0, failed: 0 };
  // A team that started using deskops this week has no last week to report on.
  if (!hadActivityBefore(ctx, startOfDay(addCalendarDays(week, 7), ctx.settings.timeZone))) return { processed: 1, queued: 0, failed: 0 };
  // The job acts at `now` (a tick may run "as of" another instant), so its audit and outbox stamps use it.
  const acting = { ...systemContext(ctx, WEEKLY_DIGEST), clock: { now: () => new Date(now.getTime()) } };
  const posted = postWeeklyDigest(acting, week, now);
  return { processed: 1, queued: posted.kind === 'queued' ? 1 : 0, failed: 0 };
}

export const weeklyDigestJob: Job = { name: WEEKLY_DIGEST, schedule: '5 * * * *', run: runWeeklyDigest };
