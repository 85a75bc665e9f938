/**
 * Routing new tickets in a tier: tier rotations ("Triage staffed by one T2 person in a rotation",
 * "T3 designee for this week"), round-robin among the tier's agents working now with a cap per
 * agent, leave, and de-escalations going back to the engineer who escalated.
 */
import { z } from 'zod';
import { isWorkingInstant } from '../domain/calendar.js';
import { lastHandoff, parseClockTime, whoIsOnCall } from '../domain/oncall.js';
import { pickAssignee, type RoutingChoice } from '../domain/routing.js';
import { TIERS, TIER_LABELS, type Tier } from '../domain/vocabulary.js';
import type { RoutedTicket } from '../store/repositories/rotations.js';
import { routedNotice } from '../views/ticket-notices.js';
import { recordAudit } from './audit.js';
import type { AppContext, RequestContext } from './context.js';
import { forbidden, invalid, notFound } from './errors.js';
import { loadCalendar } from './calendar.js';
import { enqueue } from './outbox.js';
import { findMentioned, findStaff, handleOf, hasRole, requireRole } from './people.js';
import { readSetting, writeSetting } from './team-settings.js';
import { changeTicket } from './ticket-records.js';

export const routingSchema = z.object({
  /** Tiers whose new tickets go round-robin to the tier's agents (tiers with a rotation go to the person on duty). */
  roundRobin: z.array(z.enum(TIERS)).default([]),
  /** Most active tickets in a tier that routing gives one person. */
  cap: z.number().int().min(1).max(500).default(8),
});
export type RoutingSettings = z.infer<typeof routingSchema>;
const ROUTING = 'routing';
export const DEFAULT_ROUTING: RoutingSettings = { roundRobin: [], cap: 8 };

export function routingSettings(ctx: AppContext): RoutingSettings {
  return readSetting(ctx, ROUTING, routingSchema, DEFAULT_ROUTING);
}

export interface TierRotation {
  tier: Tier;
  handoffWeekday: number;
  handoffTime: string;
  anchorAt: Date;
  members: number[];
}

export function tierRotation(ctx: AppContext, tier: Tier): TierRotation | null {
  const row = ctx.store.rotations.byTier(tier);
  if (!row) return null;
  const members = ctx.store.rotations.memberIds(tier);
  return { tier, handoffWeekday: row.handoffWeekday, handoffTime: row.handoffTime, anchorAt: row.anchorAt, members };
}

/** Who is on duty in the tier's rotation at `at`, and until when; null without a rotation. */
export function onDuty(ctx: AppContext, tier: Tier, at: Date): { personId: number; until: Date } | null {
  const rotation = tierRotation(ctx, tier);
  if (!rotation || rotation.members.length === 0) return null;
  const now = whoIsOnCall({ ...rotation, timeZone: ctx.settings.timeZone }, rotation.members, [], at);
  return now.personId === null ? null : { personId: now.personId, until: now.until };
}

/** Sets a tier's weekly rotation (leads): the first person is on duty from the last hand-off. Audited as 'tier_rotation.set'. */
export function setTierRotation(ctx: RequestContext, input: { tier: Tier; members: readonly string[]; handoffWeekday?: number; handoffTime?: string }): TierRotation {
  return ctx.store.transaction(() => {
    requireRole(ctx, 'lead', 'set tier rotations');
    if (input.tier === 'oncall') throw invalid('On-call has its own rotation with the acknowledgement ladder.', 'Use /oncall rotation set @a @b ….');
    if (input.members.length === 0) throw invalid('A rotation needs at least one person.', `Example: /rotation set ${input.tier} @alice @bob`);
    if (input.members.length > 52) throw invalid('A rotation has at most 52 people (one year of weekly shifts).');
    const ids = input.members.map((m) => findStaff(ctx, m).id);
    const twice = ids.find((id, i) => ids.indexOf(id) !== i);
    if (twice !== undefined) throw invalid(`${handleOf(ctx, twice)} is listed twice.`, 'List each person once, in the order they take the week.');
    const existing = ctx.store.rotations.byTier(input.tier);
    const weekday = input.handoffWeekday ?? existing?.handoffWeekday ?? 1;
    const clock = parseClockTime(input.handoffTime ?? existing?.handoffTime ?? '10:00');
    if (!clock) throw invalid(`"${input.handoffTime}" is not a time of day: use HH:mm, like 10:00.`);
    const handoffTime = `${String(clock.hours).padStart(2, '0')}:${String(clock.minutes).padStart(2, '0')}`;
    const now = ctx.clock.now();
    const anchorAt = lastHandoff({ handoffWeekday: weekday, handoffTime, timeZone: ctx.settings.timeZone }, now);
    const before = tierRotation(ctx, input.tier);
    ctx.store.rotations.upsert({ tier: input.tier, handoffWeekday: weekday, handoffTime, anchorAt, createdAt: now });
    ctx.store.rotations.replaceMembers(input.tier, ids);
    recordAudit(ctx, { entity: 'rotation', entityId: `tier:${input.tier}`, action: 'tier_rotation.set', before, after: { handoffWeekday: weekday, handoffTime, members: ids } });
    return tierRotation(ctx, input.tier)!;
  });
}

/** Removes a tier's rotation (leads). Audited as 'tier_rotation.cleared'. */
export function clearTierRotation(ctx: RequestContext, tier: Tier): void {
  ctx.store.transaction(() => {
    requireRole(ctx, 'lead', 'clear tier rotations');
    const before = tierRotation(ctx, tier);
    if (!before) throw notFound(`${TIER_LABELS[tier]} has no rotation.`, '/rotation show lists them.');
    ctx.store.rotations.remove(tier);
    recordAudit(ctx, { entity: 'rotation', entityId: `tier:${tier}`, action: 'tier_rotation.cleared', before });
  });
}

/** Turns round-robin on or off for a tier, or sets the cap (leads). Audited as a setting change. */
export function changeRouting(ctx: RequestContext, change: { tier: Tier; roundRobin: boolean } | { cap: number }): RoutingSettings {
  return ctx.store.transaction(() => {
    requireRole(ctx, 'lead', 'change ticket routing');
    const current = routingSettings(ctx);
    let next: RoutingSettings;
    if ('cap' in change) {
      if (!Number.isInteger(change.cap) || change.cap < 1 || change.cap > 500) throw invalid('The cap is a whole number from 1 to 500.', 'Example: /rotation cap 8');
      next = { ...current, cap: change.cap };
    } else {
      const tiers = new Set(current.roundRobin);
      if (change.roundRobin) tiers.add(change.tier);
      else tiers.delete(change.tier);
      next = { ...current, roundRobin: TIERS.filter((t) => tiers.has(t)) };
    }
    writeSetting(ctx, ROUTING, next);
    return next;
  });
}

/** Puts someone on leave until an instant (or back with null): yourself, or anyone as a lead. Audited as 'person.away'. */
export function setAway(ctx: RequestContext, mention: string, until: Date | null): { handle: string; until: Date | null } {
  return ctx.store.transaction(() => {
    const person = findMentioned(ctx, mention);
    const self = ctx.actor.kind === 'person' && ctx.actor.personId === person.id;
    if (!self && ctx.actor.kind === 'person' && !hasRole(ctx.actor.role, 'lead')) {
      throw forbidden('Only leads and admins can put someone else on leave.', 'Set your own with /rotation away me until:<YYYY-MM-DD>.');
    }
    if (until !== null && until.getTime() <= ctx.clock.now().getTime()) throw invalid('That date is in the past.', 'Give the first day back, like until:2026-12-01.');
    const before = ctx.store.people.awayUntil(person.id);
    ctx.store.people.setAwayUntil(person.id, until);
    recordAudit(ctx, { entity: 'person', entityId: person.id, action: 'person.away', before: { awayUntil: before }, after: { awayUntil: until } });
    return { handle: person.handle, until };
  });
}

function isAway(ctx: AppContext, personId: number, now: Date): boolean {
  const until = ctx.store.people.awayUntil(personId);
  return until !== null && until.getTime() > now.getTime();
}

function activeInTier(ctx: AppContext, tier: Tier, personIds: readonly number[]): Map<number, number> {
  if (personIds.length === 0) return new Map();
  const rows = ctx.store.rotations.activeCountsInTier(tier, personIds);
  return new Map(rows.map((r) => [r.personId!, r.n]));
}

/** When routing last gave each person a ticket (from the audit trail). */
function lastRouted(ctx: AppContext, personIds: readonly number[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const id of personIds) {
    const at = ctx.store.audit.lastRoutedTo(id);
    if (at) out.set(id, at.getTime());
  }
  return out;
}

/** The person who escalated this ticket out of `tier` most recently, when it came back down to it. */
export function originalEscalator(ctx: AppContext, ticket: RoutedTicket): number | null {
  const last = ctx.store.audit.lastTierMove(ticket.id);
  if (last?.action !== 'ticket.deescalated') return null;
  return ctx.store.audit.escalatorOutOf(ticket.id, ticket.tier);
}

/** Where routing would send `ticket` now, without changing anything. */
export function routeFor(ctx: AppContext, ticket: RoutedTicket, now: Date): RoutingChoice {
  const settings = routingSettings(ctx);
  const original = originalEscalator(ctx, ticket);
  const duty = onDuty(ctx, ticket.tier, now);
  const roundRobin = settings.roundRobin.includes(ticket.tier);
  if (original === null && duty === null && !roundRobin) return null;
  const agents = roundRobin ? ctx.store.people.idsInTier(ticket.tier) : [];
  const ids = [...new Set([...agents, ...(duty ? [duty.personId] : [])])];
  const active = activeInTier(ctx, ticket.tier, ids);
  const routed = lastRouted(ctx, agents);
  return pickAssignee({
    original: original === null ? null : { personId: original, away: isAway(ctx, original, now) },
    onDuty: duty ? { personId: duty.personId, away: isAway(ctx, duty.personId, now), active: active.get(duty.personId) ?? 0 } : null,
    candidates: agents.map((id) => ({ personId: id, active: active.get(id) ?? 0, lastRoutedAt: routed.get(id) ?? null, away: isAway(ctx, id, now) })),
    working: isWorkingInstant(loadCalendar(ctx), now),
    cap: settings.cap,
  });
}

/** Assigns `ticket` where routing sends it (audited 'ticket.routed', the assignee told by DM); false when nobody fits. */
export function routeTicket(ctx: RequestContext, ticket: RoutedTicket, now: Date): boolean {
  const choice = routeFor(ctx, ticket, now);
  if (!choice) return false;
  changeTicket(ctx, ticket, { assigneeId: choice.personId }, 'ticket.routed');
  enqueue(ctx, {
    dedupeKey: `routed:${ticket.id}:${ticket.tierEnteredAt.getTime()}`,
    audience: 'staff',
    channel: `person:${choice.personId}`,
    reply: routedNotice(ticket, choice.reason),
  });
  return true;
}
