/**
 * Every 5 minutes: a T1 ticket assigned for 20 business minutes with no public reply since
 * (handbook: "taking longer than 20 minutes... escalate") gets its assignee a DM suggesting to
 * escalate, once per assignment.
 */
import { businessTimeBetween } from '../domain/calendar.js';
import { loadCalendar } from '../app/calendar.js';
import { enqueue } from '../app/outbox.js';
import { warning } from '../views/reply.js';
import type { Job, JobContext, JobReport } from './job.js';

export const T1_ESCALATION_HINT = 'escalation-hint';
/** Business time a T1 ticket may sit with its assignee, unanswered, before escalating is suggested. */
export const T1_LIMIT_MS = 20 * 60_000;

export function runT1EscalationHint(ctx: JobContext, now: Date): JobReport {
  // Which tickets are stuck is read from a snapshot first (an audit lookup per T1 ticket: a third of
  // a second on a big install); only the notices are written, in one short transaction. Each is
  // checked again before it is sent (validWhile), and its dedupe key makes a repeat a no-op.
  const { candidates, stuck } = ctx.store.read(() => {
    const candidates = ctx.store.oncall.assignedOpenT1Tickets();
    const calendar = loadCalendar(ctx);
    const stuck: { ticket: (typeof candidates)[number]; since: Date }[] = [];
    for (const ticket of candidates) {
      // When the ticket got its current assignee (the latest audit event that set it).
      const since = ctx.store.oncall.assignedAt(ticket.id, ticket.assigneeId!);
      if (!since) continue;
      if (ticket.lastPublicReplyAt && ticket.lastPublicReplyAt.getTime() >= since.getTime()) continue;
      if (businessTimeBetween(calendar, since, now) < T1_LIMIT_MS) continue;
      stuck.push({ ticket, since });
    }
    return { candidates, stuck };
  });
  if (stuck.length === 0) return { processed: candidates.length, queued: 0, failed: 0 };
  return ctx.store.transaction(() => {
    let queued = 0;
    for (const { ticket, since } of stuck) {
      const added = enqueue(ctx, {
        dedupeKey: `t1-stuck:${ticket.id}:${since.getTime()}`,
        audience: 'staff',
        channel: `person:${ticket.assigneeId}`,
        reply: warning(`#${ticket.id} has been yours for 20 business minutes without a reply: escalate it?`, {
          text: `T1 answers are documented ones (under 5 minutes to find, 5 to write). Taking longer means it belongs in T2: escalate with your questions.`,
          buttons: [
            { label: 'Escalate', command: `/escalate ${ticket.id} `, style: 'primary' },
            { label: 'Show ticket', command: `/ticket show ${ticket.id}` },
          ],
          ticketId: ticket.id,
        }),
        validWhile: { kind: 'status', ticketId: ticket.id, status: 'open', statusChangedAt: ticket.statusChangedAt.getTime() },
      });
      if (added) queued++;
    }
    return { processed: candidates.length, queued, failed: 0 };
  });
}

export const t1EscalationHintJob: Job = { name: T1_ESCALATION_HINT, schedule: '*/5 * * * *', run: runT1EscalationHint };
