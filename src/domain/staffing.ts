/**
 * The staffing rule of docs/workflow.md: "If on-call load makes T4 miss the green SLA by end of Tuesday, ask
 * leadership for an extra engineer." Pure: whether the check is due, and the verdict on a week's
 * figures (the worst SLA band of each ticket in T4 at any time since Monday, and on-call escalations since Monday).
 */
import { addCalendarDays } from './guard-week.js';

/** The first local day after which the week's check runs: Wednesday, i.e. once Tuesday has ended. */
export function staffingCheckDay(weekStart: string): string {
  return addCalendarDays(weekStart, 2);
}

export interface StaffingFigures {
  /** T4 SLA clocks running at any time this week, by the worst band each reached. */
  t4: { green: number; yellow: number; red: number };
  /** On-call escalations started this week. */
  oncallEscalations: number;
}

export interface StaffingVerdict {
  /** Whether to ask leadership for an extra engineer. */
  askForEngineer: boolean;
  /** T4 tickets that left green. */
  missed: number;
  total: number;
}

/**
 * T4 missed green when any of its tickets this week left green; the rule applies when on-call work
 * was there to cause it (at least one escalation this week). Without on-call load a T4 miss is a
 * queue problem, which the SLA warnings already raise.
 */
export function staffingVerdict(figures: StaffingFigures): StaffingVerdict {
  const { green, yellow, red } = figures.t4;
  const missed = yellow + red;
  return { askForEngineer: missed > 0 && figures.oncallEscalations > 0, missed, total: green + missed };
}
