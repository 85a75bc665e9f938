/**
 * Every minute: SLA warnings for clocks whose next check is due (early warning before yellow,
 * yellow, red — each once per ticket, tier entry and band), and a warning for requesters left
 * without a reply for a business day. Reads only due rows, so its cost follows what is due.
 */
import { TIER_LABELS, PRIORITY_LABELS } from '../domain/vocabulary.js';
import { dueWarning, formatBusinessDuration, usedAt, type SlaWarning } from '../domain/sla.js';
import { enqueue } from '../app/outbox.js';
import { dueClocks, markWarned, refreshClock, slaSetup, type SlaClockRow, type SlaSetup } from '../app/sla.js';
import { findTicket } from '../app/ticket-records.js';
import type { TicketRow } from '../store/repositories/tickets.js';
import { formatInstant } from '../views/format.js';
import { warning as warningReply, type Reply } from '../views/reply.js';
import { forEachIsolated, type Job, type JobContext, type JobReport } from './job.js';

export const SLA_WATCH = 'sla-watch';

function warningText(ticket: TicketRow, clock: SlaClockRow, warning: SlaWarning, setup: SlaSetup, usedMs: number, leftMs: number): Reply {
  const where = `${TIER_LABELS[clock.tier]}, ${PRIORITY_LABELS[ticket.priority]}`;
  const used = formatBusinessDuration(usedMs, setup.calendar);
  const titles: Record<SlaWarning, string> = {
    'pre-yellow': `#${ticket.id} turns yellow in ${formatBusinessDuration(leftMs, setup.calendar)} (${where})`,
    yellow: `#${ticket.id} is yellow: ${used} of business time in ${TIER_LABELS[clock.tier]} (${where})`,
    red: `#${ticket.id} is red: ${used} of business time in ${TIER_LABELS[clock.tier]} (${where})`,
  };
  return warningReply(titles[warning], {
    visibility: 'channel',
    text: ticket.title,
    buttons: [
      { label: 'Assign to me', command: `/ticket assign ${ticket.id} me`, style: 'primary' },
      { label: 'Snooze 1h', command: `/sla snooze ${ticket.id} 1h` },
      { label: 'Show', command: `/ticket show ${ticket.id}` },
    ],
    ticketId: ticket.id,
  });
}

function checkClock(ctx: JobContext, setup: SlaSetup, clock: SlaClockRow, now: Date): number {
  const ticket = findTicket(ctx, clock.ticketId);
  const thresholds = ticket ? setup.thresholds(ticket) : null;
  if (!ticket || !thresholds) return 0;
  const state = { usedMs: clock.usedMs, runningSince: clock.runningSince, warned: clock.warned, snoozedUntil: clock.snoozedUntil };
  const due = dueWarning(state, thresholds, setup.calendar, now);
  if (!due) {
    refreshClock(ctx, setup, ticket, clock, now);
    return 0;
  }
  markWarned(ctx, setup, ticket, clock, due, now);
  const used = usedAt(state, setup.calendar, now);
  const queued = enqueue(ctx, {
    dedupeKey: `sla:${ticket.id}:${clock.id}:${due}`,
    audience: 'staff',
    channel: `tier:${clock.tier}`,
    reply: warningText(ticket, clock, due, setup, used, thresholds.yellowAfterMs - used),
    ticketId: ticket.id,
    validWhile: { kind: 'sla-clock', clockId: clock.id, warned: due, assigneeId: ticket.assigneeId },
    ...(ticket.assigneeId !== null ? { mentions: [ticket.assigneeId] } : {}),
  });
  return queued ? 1 : 0;
}

function checkReplyDue(ctx: JobContext, ticket: TicketRow, now: Date): number {
  if (!ticket.replyDueAt || ticket.replyWarnedAt) return 0;
  ctx.store.tickets.markReplyWarned(ticket.id, now);
  const since = ticket.lastRequesterMessageAt ?? ticket.createdAt;
  const queued = enqueue(ctx, {
    dedupeKey: `reply-due:${ticket.id}:${ticket.replyDueAt.getTime()}`,
    audience: 'staff',
    channel: `tier:${ticket.tier}`,
    reply: warningReply(`#${ticket.id}: the requester has waited a business day for a reply`, {
      visibility: 'channel',
      text: `${ticket.title}\nTheir last message: ${formatInstant(since, ctx.settings.timeZone)}. Even "we are looking into it" counts.`,
      buttons: [{ label: 'Send "still looking"', command: `/ticket reply ${ticket.id} We are still looking into this and will update you as soon as we know more.` }],
      ticketId: ticket.id,
    }),
    ticketId: ticket.id,
    validWhile: { kind: 'reply-due', ticketId: ticket.id, replyDueAt: ticket.replyDueAt.getTime() },
    ...(ticket.assigneeId !== null ? { mentions: [ticket.assigneeId] } : {}),
  });
  return queued ? 1 : 0;
}

/** One sweep as of `now`. */
export function runSlaWatch(ctx: JobContext, now: Date): JobReport {
  const setup = slaSetup(ctx);
  const clocks = forEachIsolated(ctx, SLA_WATCH, dueClocks(ctx, now), (c) => `clock ${c.id} of #${c.ticketId}`, (clock) => checkClock(ctx, setup, clock, now));
  const owed = ctx.store.tickets.repliesOverdue(now, 5_000);
  const replies = forEachIsolated(ctx, SLA_WATCH, owed, (t) => `reply due on #${t.id}`, (ticket) => checkReplyDue(ctx, ticket, now));
  return { processed: clocks.processed + replies.processed, queued: clocks.queued + replies.queued, failed: clocks.failed + replies.failed };
}

export const slaWatchJob: Job = { name: SLA_WATCH, schedule: '* * * * *', run: runSlaWatch };
