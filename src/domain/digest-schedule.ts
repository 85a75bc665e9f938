/** When the weekly Changing of the Guard goes out: a weekday and an hour in the team zone. */
import { TZDate } from '@date-fns/tz';
import { z } from 'zod';

export const digestScheduleSchema = z.object({
  /** ISO weekday, 1 = Monday. */
  weekday: z.number().int().min(1).max(7),
  hour: z.number().int().min(0).max(23),
});
export type DigestSchedule = z.infer<typeof digestScheduleSchema>;

/** The handbook's moment: Monday (after release planning), 10:00. */
export const DEFAULT_DIGEST_SCHEDULE: DigestSchedule = { weekday: 1, hour: 10 };

/** Whether the digest of the past week is due at `now` (on or after the digest hour this week). */
export function digestDue(now: Date, zone: string, schedule: DigestSchedule): boolean {
  const local = new TZDate(now.getTime(), zone);
  const weekday = ((local.getDay() + 6) % 7) + 1;
  return weekday > schedule.weekday || (weekday === schedule.weekday && local.getHours() >= schedule.hour);
}
