/**
 * Every minute: the public activity (replies to and from the requester) and status changes on
 * followed tickets since the last run, read from the audit trail, one DM per follower with every
 * ticket they follow that moved (coalesced), never for their own actions.
 */
import { FOLLOWER_CURSOR } from '../app/followers.js';
import { enqueue } from '../app/outbox.js';
import { truncate } from '../domain/text.js';
import { STATUS_LABELS, type Status } from '../domain/vocabulary.js';
import type { AuditEventRow } from '../store/repositories/followers.js';
import { info } from '../views/reply.js';
import type { Job, JobContext, JobReport } from './job.js';

export const FOLLOWER_UPDATES = 'follower-updates';
/** Audit events read per run; a busy minute is caught up over the next runs. */
const BATCH = 2_000;
const EXCERPT = 300;

interface Update {
  ticketId: number;
  line: string;
  actorId: number | null;
}

function statusLabel(value: unknown): string | undefined {
  return typeof value === 'string' && value in STATUS_LABELS ? STATUS_LABELS[value as Status] : undefined;
}

/** The line a follower reads for one audit event, or undefined when it is not public activity. */
function describe(ctx: JobContext, event: AuditEventRow): string | undefined {
  const after = (event.after ?? {}) as Record<string, unknown>;
  const before = (event.before ?? {}) as Record<string, unknown>;
  if (event.action === 'comment.reply' || event.action === 'comment.requester') {
    const commentId = typeof after.commentId === 'number' ? after.commentId : undefined;
    const comment = commentId === undefined ? undefined : ctx.store.followers.commentExcerpt(commentId);
    if (!comment) return undefined;
    const who = event.action === 'comment.reply' ? `Reply by ${event.actorLabel}` : `${comment.author} wrote`;
    return `${who}: ${truncate(comment.body.replace(/\s+/g, ' '), EXCERPT)}`;
  }
  const to = statusLabel(after.status);
  if (!to || event.action === 'ticket.created') return undefined;
  const from = statusLabel(before.status);
  return `Status: ${from ? `${from} → ` : ''}${to} (${event.actorLabel})`;
}

export function runFollowerUpdates(ctx: JobContext, now: Date): JobReport {
  void now;
  return ctx.store.transaction(() => {
    const position = ctx.store.jobRuns.cursorPosition(FOLLOWER_CURSOR);
    // No cursor: nobody has ever followed a ticket.
    if (position === undefined) return { processed: 0, queued: 0, failed: 0 };
    const events = ctx.store.followers.ticketEventsAfter(position, BATCH);
    if (events.length === 0) return { processed: 0, queued: 0, failed: 0 };
    const last = events.at(-1)!.id;
    ctx.store.jobRuns.moveCursor(FOLLOWER_CURSOR, last);
    const updates: Update[] = [];
    for (const event of events) {
      const line = describe(ctx, event);
      if (line) updates.push({ ticketId: Number(event.entityId), line, actorId: event.actorId });
    }
    const ticketIds = [...new Set(updates.map((u) => u.ticketId))];
    if (ticketIds.length === 0) return { processed: events.length, queued: 0, failed: 0 };
    const follows = ctx.store.followers.followersOfTickets(ticketIds);
    const titles = ctx.store.followers.ticketTitles(ticketIds);
    const byPerson = new Map<number, Map<number, string[]>>();
    for (const follow of follows) {
      const lines = updates.filter((u) => u.ticketId === follow.ticketId && u.actorId !== follow.personId).map((u) => u.line);
      if (lines.length === 0) continue;
      const tickets = byPerson.get(follow.personId) ?? new Map<number, string[]>();
      tickets.set(follow.ticketId, lines);
      byPerson.set(follow.personId, tickets);
    }
    let queued = 0;
    for (const [personId, perTicket] of byPerson) {
      const sections = [...perTicket.entries()].map(([ticketId, lines]) => ({ heading: `#${ticketId} ${titles.get(ticketId) ?? ''}`.trim(), lines: lines.map((l) => `• ${l}`) }));
      const only = perTicket.size === 1 ? [...perTicket.keys()][0] : undefined;
      const added = enqueue(ctx, {
        dedupeKey: `follow:${personId}:${last}`,
        audience: 'staff',
        channel: `person:${personId}`,
        reply: info(only !== undefined ? `Update on #${only}, which you follow` : `Updates on ${perTicket.size} tickets you follow`, {
          sections,
          buttons: [...perTicket.keys()].slice(0, 5).map((id) => ({ label: `Show #${id}`, command: `/ticket show ${id}` })).concat(only !== undefined ? [{ label: 'Unfollow', command: `/ticket unfollow ${only}` }] : []),
          ...(only !== undefined ? { ticketId: only } : {}),
        }),
      });
      if (added) queued++;
    }
    return { processed: events.length, queued, failed: 0 };
  });
}

export const followerUpdatesJob: Job = { name: FOLLOWER_UPDATES, schedule: '* * * * *', run: runFollowerUpdates };
