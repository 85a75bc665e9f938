/**
 * On-call rotations: set one up, cover it with overrides, ask who is on call and when. Contacts
 * live in ./oncall-contacts.ts, the acknowledgement ladder in ./oncall-ladder.ts.
 */
import {
  holdersBetween,
  lastHandoff,
  parseClockTime,
  schedule,
  whoIsOnCall,
  type OnCallAt,
  type RotationOverride,
  type RotationTiming,
  type Segment,
} from '../domain/oncall.js';
import { parseTypedInstant } from '../domain/zoned-time.js';
import type { RotationRow } from '../store/repositories/oncall.js';
import { recordAudit } from './audit.js';
import { actorPersonId, type AppContext, type RequestContext } from './context.js';
import { forbidden, invalid, notFound } from './errors.js';
import { findStaff, handleOf, hasRole, requireRole } from './people.js';

export type { RotationRow } from '../store/repositories/oncall.js';

/** The rotation `/oncall` means when none is named. */
export const DEFAULT_ROTATION = 'primary';
/** Longest override accepted; longer cover is a rotation change, not an override. */
export const MAX_OVERRIDE_DAYS = 90;

const DAY_MS = 24 * 60 * 60 * 1000;
/** Overrides that ended this long ago cannot affect the current or any later shift. */
const OVERRIDE_LOOKBACK_MS = 15 * DAY_MS;

/** A rotation with what the domain needs: timing in the team zone, participants in order, overrides. */
export interface LoadedRotation {
  row: RotationRow;
  timing: RotationTiming;
  members: number[];
  overrides: RotationOverride[];
}

function load(ctx: AppContext, row: RotationRow, overridesFrom: Date): LoadedRotation {
  const members = ctx.store.oncall.rotationMemberIds(row.id);
  const overrides = ctx.store.oncall.overridesEndingAfter(row.id, overridesFrom);
  const timing = { handoffWeekday: row.handoffWeekday, handoffTime: row.handoffTime, anchorAt: row.anchorAt, timeZone: ctx.settings.timeZone };
  return { row, timing, members, overrides };
}

/** All rotations, oldest first. */
export function listRotations(ctx: AppContext): RotationRow[] {
  return ctx.store.oncall.rotations();
}

/**
 * The rotation called `name`, or by default 'primary' (else the oldest one), with overrides that
 * can still matter from `at` on. Null when there is none.
 */
export function findRotation(ctx: AppContext, name?: string, at: Date = ctx.clock.now()): LoadedRotation | null {
  const row = name
    ? ctx.store.oncall.rotationByName(name.toLowerCase())
    : (ctx.store.oncall.rotationByName(DEFAULT_ROTATION) ?? listRotations(ctx)[0]);
  return row ? load(ctx, row, new Date(at.getTime() - OVERRIDE_LOOKBACK_MS)) : null;
}

/**
 * The rotation an on-call escalation belongs to (by id), or the default one when it was escalated
 * without a rotation or its rotation is gone; null when there is none at all.
 */
export function rotationFor(ctx: AppContext, rotationId: number | null, at: Date = ctx.clock.now()): LoadedRotation | null {
  const row = rotationId === null ? undefined : ctx.store.oncall.rotationById(rotationId);
  return row ? load(ctx, row, new Date(at.getTime() - OVERRIDE_LOOKBACK_MS)) : findRotation(ctx, undefined, at);
}

/** Like findRotation, but a missing rotation is a NOT_FOUND that says how to set one up. */
export function requireRotation(ctx: AppContext, name?: string, at?: Date): LoadedRotation {
  const found = findRotation(ctx, name, at);
  if (found) return found;
  const names = listRotations(ctx).map((r) => r.name);
  throw notFound(
    name ? `There is no on-call rotation called "${name}".` : 'There is no on-call rotation yet.',
    names.length > 0 ? `Rotations: ${names.join(', ')}.` : 'A lead sets one up with /oncall rotation set @alice @bob @carol [handoff:mon] [at:10:00].',
  );
}

export interface SetRotationInput {
  name?: string;
  /** Participants in order: person ids or mentions ("@alice", "me"). */
  members: readonly (number | string)[];
  /** 1 = Monday … 7 = Sunday; defaults to the current value, else Monday. */
  handoffWeekday?: number;
  /** "HH:mm" in the team zone; defaults to the current value, else 10:00. */
  handoffTime?: string;
}

export interface SetRotationResult {
  rotation: LoadedRotation;
  created: boolean;
  now: OnCallAt;
}

/**
 * Creates or replaces a rotation (leads). The first participant's shift starts at the most recent
 * hand-off at or before now, so the person listed first is on call from this moment. Existing
 * overrides stay.
 */
export function setRotation(ctx: RequestContext, input: SetRotationInput): SetRotationResult {
  return ctx.store.transaction(() => {
    requireRole(ctx, 'lead', 'set up on-call rotations');
    const name = (input.name ?? DEFAULT_ROTATION).trim().toLowerCase();
    if (!/^[a-z0-9][a-z0-9_-]{0,39}$/.test(name)) throw invalid(`"${input.name}" is not a rotation name: use letters, digits and dashes, like primary or db-oncall.`);
    if (input.members.length === 0) throw invalid('A rotation needs at least one person.', 'Example: /oncall rotation set @alice @bob @carol');
    if (input.members.length > 52) throw invalid('A rotation has at most 52 people (one year of weekly shifts).');
    const memberIds = input.members.map((m) => (typeof m === 'number' ? m : findStaff(ctx, m).id));
    const repeated = memberIds.find((id, i) => memberIds.indexOf(id) !== i);
    if (repeated !== undefined) throw invalid(`${handleOf(ctx, repeated)} is listed twice.`, 'List each person once, in the order they take the week.');
    const existing = ctx.store.oncall.rotationByName(name);
    const weekday = input.handoffWeekday ?? existing?.handoffWeekday ?? 1;
    const time = input.handoffTime ?? existing?.handoffTime ?? '10:00';
    if (!Number.isInteger(weekday) || weekday < 1 || weekday > 7) throw invalid(`Hand-off weekday ${weekday} does not exist: use mon … sun.`);
    const clock = parseClockTime(time);
    if (!clock) throw invalid(`"${time}" is not a time of day: use HH:mm, like 10:00.`);
    const handoffTime = `${String(clock.hours).padStart(2, '0')}:${String(clock.minutes).padStart(2, '0')}`;
    const now = ctx.clock.now();
    const anchorAt = lastHandoff({ handoffWeekday: weekday, handoffTime, timeZone: ctx.settings.timeZone }, now);
    const before = existing ? { handoffWeekday: existing.handoffWeekday, handoffTime: existing.handoffTime, anchorAt: existing.anchorAt, members: load(ctx, existing, now).members } : null;
    const row = existing
      ? ctx.store.oncall.updateRotationTiming(existing.id, { handoffWeekday: weekday, handoffTime, anchorAt })
      : ctx.store.oncall.insertRotation({ name, handoffWeekday: weekday, handoffTime, anchorAt, createdAt: now });
    ctx.store.oncall.replaceRotationMembers(row.id, memberIds);
    recordAudit(ctx, { entity: 'rotation', entityId: row.id, action: existing ? 'rotation.changed' : 'rotation.created', before, after: { name, handoffWeekday: weekday, handoffTime, anchorAt, members: memberIds } });
    const rotation = load(ctx, row, new Date(now.getTime() - OVERRIDE_LOOKBACK_MS));
    return { rotation, created: !existing, now: whoIsOnCall(rotation.timing, rotation.members, rotation.overrides, now) };
  });
}

export interface AddOverrideInput {
  /** Who covers: "@alice" or "me". */
  mention: string;
  /** 'now', 'YYYY-MM-DD', 'YYYY-MM-DDTHH:mm' (team zone) or an ISO instant. */
  from: string;
  /** As `from`; a date alone means the end of that day (the range includes it). */
  to: string;
  rotation?: string;
}

export interface AddOverrideResult {
  override: RotationOverride;
  rotation: LoadedRotation;
}

function typedInstant(ctx: AppContext, text: string, dateMeans: 'start' | 'end', what: string): Date {
  if (text.trim().toLowerCase() === 'now') return ctx.clock.now();
  const parsed = parseTypedInstant(text, ctx.settings.timeZone, dateMeans);
  if (!parsed.ok) throw invalid(`${what}: ${parsed.reason}`, 'Example: /oncall override @alice 2026-03-09 2026-03-13 (whole days) or 2026-03-09T18:00 2026-03-10T08:00.');
  return parsed.instant;
}

/**
 * Only a lead, or the person being replaced, changes who is on call: an agent may hand their own
 * shift to someone (or a part of it), never take or give away someone else's.
 */
function requireReplaceable(ctx: RequestContext, rotation: LoadedRotation, startsAt: Date, endsAt: Date, coverId: number): void {
  const { actor } = ctx;
  if (actor.kind !== 'person' || hasRole(actor.role, 'lead')) return;
  const holders = holdersBetween(rotation.timing, rotation.members, rotation.overrides, startsAt, endsAt);
  // A stretch nobody covers replaces nobody: anyone may fill a gap.
  const replaced = holders.filter((id): id is number => id !== null && id !== actor.personId);
  if (replaced.length === 0) {
    if (coverId === actor.personId && holders.every((id) => id === actor.personId)) {
      throw invalid('You are on call for that whole period already.', 'To hand it over, name who covers: /oncall override @someone <from> <to>.');
    }
    return;
  }
  const names = replaced.map((id) => handleOf(ctx, id)!);
  const who = names.length === 1 ? `${names[0]} is` : `${names.slice(0, -1).join(', ')} and ${names.at(-1)} are`;
  throw forbidden(
    `Only leads, or the person on call then, can change who is on call: ${who} on call for that period.`,
    `Ask ${names.join(' or ')} to hand it over (/oncall override @you <from> <to>), or ask a lead.`,
  );
}

/**
 * Puts someone on call for a period: leads for anyone, anyone else only over their own shift (the
 * person being replaced). The latest override wins.
 */
export function addOverride(ctx: RequestContext, input: AddOverrideInput): AddOverrideResult {
  return ctx.store.transaction(() => {
    const person = findStaff(ctx, input.mention);
    const rotation = requireRotation(ctx, input.rotation);
    const startsAt = typedInstant(ctx, input.from, 'start', 'From');
    const endsAt = typedInstant(ctx, input.to, 'end', 'To');
    if (endsAt.getTime() <= startsAt.getTime()) throw invalid('The override ends before it starts.', 'Give the start first, then the end: /oncall override @alice 2026-03-09 2026-03-13.');
    if (endsAt.getTime() - startsAt.getTime() > MAX_OVERRIDE_DAYS * DAY_MS) {
      throw invalid(`An override covers at most ${MAX_OVERRIDE_DAYS} days.`, 'For longer changes set the rotation again with /oncall rotation set.');
    }
    const now = ctx.clock.now();
    if (endsAt.getTime() <= now.getTime()) throw invalid('That period is already over.', 'Overrides cover now or the future.');
    requireReplaceable(ctx, rotation, startsAt, endsAt, person.id);
    const row = ctx.store.oncall.insertOverride({ rotationId: rotation.row.id, personId: person.id, startsAt, endsAt, createdBy: actorPersonId(ctx.actor), createdAt: now });
    recordAudit(ctx, { entity: 'rotation', entityId: rotation.row.id, action: 'rotation.override', after: { overrideId: row.id, personId: person.id, startsAt, endsAt } });
    const override = { id: row.id, personId: row.personId, startsAt: row.startsAt, endsAt: row.endsAt };
    return { override, rotation: { ...rotation, overrides: [...rotation.overrides, override] } };
  });
}

/** What `/oncall override remove` took away. */
export interface RemovedOverride {
  id: number;
  personId: number;
  startsAt: Date;
  endsAt: Date;
}

/**
 * Removes an override: by the person it puts on call, by whoever created it, or by a lead. One
 * already over stays as history (the schedule's past is not rewritten).
 */
export function removeOverride(ctx: RequestContext, id: number): RemovedOverride {
  return ctx.store.transaction(() => {
    const row = ctx.store.oncall.overrideById(id);
    if (!row) throw notFound(`There is no override #${id}.`, 'The override numbers are in /oncall schedule.');
    const actorId = actorPersonId(ctx.actor);
    const own = actorId !== null && (actorId === row.personId || actorId === row.createdBy);
    if (!own && ctx.actor.kind === 'person' && !hasRole(ctx.actor.role, 'lead')) {
      throw forbidden("Only leads can remove someone else's override.", 'Ask a lead, or the person it puts on call.');
    }
    if (row.endsAt.getTime() <= ctx.clock.now().getTime()) throw invalid(`Override #${id} is already over.`, 'Only current and future overrides can be removed.');
    ctx.store.oncall.deleteOverride(id);
    recordAudit(ctx, {
      entity: 'rotation',
      entityId: row.rotationId,
      action: 'rotation.override.removed',
      before: { overrideId: row.id, personId: row.personId, startsAt: row.startsAt, endsAt: row.endsAt },
    });
    return { id: row.id, personId: row.personId, startsAt: row.startsAt, endsAt: row.endsAt };
  });
}

/** Who is on call now and who is next, for one rotation. */
export interface OnCallNow {
  rotation: LoadedRotation;
  current: OnCallAt;
  /** The next person to take over (after `current.until`), or null when it stays the same. */
  next: OnCallAt | null;
}

/** Who is on call at `now` in the default (or named) rotation, and who takes over next; null without a rotation. */
export function currentOnCall(ctx: AppContext, now: Date = ctx.clock.now(), name?: string): OnCallNow | null {
  const rotation = findRotation(ctx, name, now);
  if (!rotation) return null;
  const current = whoIsOnCall(rotation.timing, rotation.members, rotation.overrides, now);
  const next = whoIsOnCall(rotation.timing, rotation.members, rotation.overrides, current.until);
  return { rotation, current, next: next.personId === current.personId ? null : next };
}

/** The next `weeks` shifts from the one holding `now`, overrides applied. */
export function rotationSchedule(ctx: AppContext, weeks: number, name?: string): { rotation: LoadedRotation; segments: Segment[] } {
  const now = ctx.clock.now();
  const rotation = requireRotation(ctx, name, now);
  return { rotation, segments: schedule(rotation.timing, rotation.members, rotation.overrides, now, weeks) };
}
