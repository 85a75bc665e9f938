/**
 * On-call hand-offs: when the person on call changes (the weekly hand-off, an override starting or
 * ending), the person taking over is told in support-dev which open, unacknowledged escalations
 * they inherit. Every ladder step after that goes to them (see oncall-ladder.ts).
 */
import { whoIsOnCall } from '../domain/oncall.js';
import { handoffNotice, type InheritedItem } from '../views/oncall.js';
import type { AppContext } from './context.js';
import { findRotation, rotationFor, type RotationRow } from './oncall.js';
import { enqueue } from './outbox.js';
import { outboxHasKey } from './outbox-keys.js';
import { handleOf } from './people.js';

/** Open escalations of a rotation not acknowledged yet, oldest first (the default rotation also holds those escalated without one). */
export function unacknowledgedItems(ctx: AppContext, rotation: RotationRow, isDefault: boolean): InheritedItem[] {
  return ctx.store.oncall.unacknowledgedEscalations(rotation.id, isDefault);
}

/**
 * Queues the hand-off notice of one rotation if the person on call at `now` took over from someone
 * else and nobody was told yet: once per hand-off (the dedupe key holds the instant it happened),
 * also when the tick comes late. The stretch a rotation starts with is not a hand-off. Returns the
 * number of rows queued.
 */
export function announceHandoff(ctx: AppContext, row: RotationRow, now: Date): number {
  const rotation = rotationFor(ctx, row.id, now);
  if (!rotation) return 0;
  const current = whoIsOnCall(rotation.timing, rotation.members, rotation.overrides, now);
  if (current.personId === null || current.from.getTime() <= row.anchorAt.getTime()) return 0;
  const before = whoIsOnCall(rotation.timing, rotation.members, rotation.overrides, new Date(current.from.getTime() - 1));
  if (before.personId === current.personId) return 0;
  const dedupeKey = `oncall:handoff:${row.id}:${current.from.getTime()}`;
  // The job runs every minute: the cheap look-up keeps it from gathering the items each time.
  if (outboxHasKey(ctx, dedupeKey)) return 0;
  const isDefault = findRotation(ctx, undefined, now)?.row.id === row.id;
  const items = unacknowledgedItems(ctx, row, isDefault);
  const queued = enqueue(ctx, {
    dedupeKey,
    audience: 'staff',
    channel: 'role:support-dev',
    reply: handoffNotice({
      rotation: row.name,
      taking: handleOf(ctx, current.personId)!,
      from: handleOf(ctx, before.personId),
      backup: handleOf(ctx, current.backupPersonId),
      until: current.until,
      items,
      now,
      timeZone: ctx.settings.timeZone,
    }),
    mentions: [current.personId],
  });
  return Number(queued);
}
