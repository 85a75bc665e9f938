/** Ticket statuses and the transitions the workflow allows (docs/workflow.md), with the reason for each refusal. */
import { STATUS_LABELS, type Status } from './vocabulary.js';

/** Statuses that count as work still to do (lists show these by default). */
export const ACTIVE_STATUSES: readonly Status[] = ['open', 'pending', 'waiting', 'hold', 'review'];

const ALLOWED: Record<Status, readonly Status[]> = {
  open: ['pending', 'waiting', 'hold', 'review', 'resolved'],
  pending: ['open', 'waiting', 'hold', 'resolved'],
  waiting: ['open', 'pending', 'hold', 'resolved'],
  hold: ['open', 'pending', 'waiting', 'resolved'],
  review: ['open', 'resolved'],
  resolved: ['open', 'closed'],
  // Staff reopen a Closed ticket; a requester writing on one opens a follow-up ticket instead.
  closed: ['open'],
};

export type TransitionCheck = { allowed: true } | { allowed: false; reason: string; hint?: string };

/** Whether `from` -> `to` is allowed, and if not, why, in words an agent understands. */
export function checkTransition(from: Status, to: Status): TransitionCheck {
  if (from === to) {
    if (to === 'hold') return { allowed: true }; // re-holding changes the number of days
    return { allowed: false, reason: `The ticket is already ${STATUS_LABELS[to]}.` };
  }
  if (ALLOWED[from].includes(to)) return { allowed: true };
  if (from === 'closed') {
    return {
      allowed: false,
      reason: 'A Closed ticket can only be reopened.',
      hint: 'Reopen it with /ticket status <id> open, then move it on from Open.',
    };
  }
  if (to === 'closed') {
    return {
      allowed: false,
      reason: `Only a Resolved ticket can be closed (this one is ${STATUS_LABELS[from]}).`,
      hint: 'Resolve it first with /ticket status <id> resolved; it closes by itself after 4 days.',
    };
  }
  if (from === 'review') {
    return {
      allowed: false,
      reason: 'A ticket in Review must be reviewed first: mark it Resolved, or Open to keep working on it.',
    };
  }
  if (to === 'review') {
    return {
      allowed: false,
      reason: `Only an Open ticket goes to Review (this one is ${STATUS_LABELS[from]}).`,
      hint: 'Move it to open first.',
    };
  }
  return { allowed: false, reason: `A ${STATUS_LABELS[from]} ticket cannot move to ${STATUS_LABELS[to]}.`, hint: `From ${STATUS_LABELS[from]} it can go to: ${ALLOWED[from].map((s) => STATUS_LABELS[s]).join(', ')}.` };
}

/** The statuses reachable from `from`, for buttons and help. */
export function nextStatuses(from: Status): readonly Status[] {
  return ALLOWED[from];
}
