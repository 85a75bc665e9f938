/** Managing the people deskops knows: list them, change roles (admins) and tiers (leads), and "who am I". */
import { isSlackUserId, type Access } from '../domain/access.js';
import type { Platform, Role, Tier } from '../domain/vocabulary.js';
import { recordAudit } from './audit.js';
import type { AppContext, RequestContext } from './context.js';
import { conflict, forbidden, invalid, notFound } from './errors.js';
import { findMentioned, hasRole, isConfiguredAdmin, requireRole, type PersonRow } from './people.js';
import { resolveTimeZone } from '../domain/calendar.js';

/** A role or tier change: the person after it, and what they had before (equal when nothing changed). */
export interface PersonChange<T> {
  person: PersonRow;
  before: T;
  changed: boolean;
}

/** Whether DESKOPS_ADMINS names any of this person's identities (a demotion would not stick). */
function isPinnedAdmin(ctx: AppContext, personId: number): boolean {
  return ctx.store.people
    .identitiesOf(personId)
    .some((identity) => isConfiguredAdmin(ctx, identity.platform, identity));
}

function adminCount(ctx: AppContext): number {
  return ctx.store.people.staffAdminCount();
}

/**
 * The person a grant names: someone deskops knows, or a user of the actor's platform it can name
 * by id before their first message (a Slack mention carries the id; a shell name is one).
 */
function personToGrant(ctx: RequestContext, mention: string): PersonRow {
  try {
    return findMentioned(ctx, mention);
  } catch (error) {
    const id = mention.replace(/^@/, '');
    const { platform } = ctx.origin;
    const nameable = (platform === 'slack' && isSlackUserId(id)) || (platform === 'shell' && /^[a-z0-9][a-z0-9._-]*$/i.test(id));
    if (!nameable) {
      if (platform === 'rocketchat') {
        throw notFound(`@${id} has not written to deskops yet, so I do not know their Rocket.Chat id.`, `Ask them to send me any message (a direct message saying hi is enough), then run this again.`);
      }
      throw error;
    }
    const now = ctx.clock.now();
    const createdId = ctx.store.people.insertWithIdentity(
      { displayName: id, role: 'agent', isStaff: false, createdAt: now },
      { platform, externalId: platform === 'shell' ? id.toLowerCase() : id, handle: id },
    );
    recordAudit(ctx, { entity: 'person', entityId: createdId, action: 'person.created', after: { handle: id, platform, access: 'requester' } });
    return { id: createdId, displayName: id, role: 'agent', tier: null, handle: id, platform, isStaff: false };
  }
}

/** What /people add and /people remove did. */
export interface StaffChange {
  person: PersonRow;
  /** Staff (with `role`) after the change. */
  staff: boolean;
  role: Role;
  changed: boolean;
  /** /people remove on someone DESKOPS_ADMINS names: the environment decides, nothing changed. */
  pinnedByEnvironment?: boolean;
}

/**
 * Makes someone staff by hand with a role, whatever the DESKOPS_STAFF rules say (leads and admins;
 * only admins grant admin). Audited as 'person.staff'.
 */
export function addStaff(ctx: RequestContext, mention: string, role: Role): StaffChange {
  return ctx.store.transaction(() => {
    requireRole(ctx, role === 'admin' ? 'admin' : 'lead', role === 'admin' ? 'make admins' : 'add people to the support team');
    const person = personToGrant(ctx, mention);
    const before = ctx.store.people.staffGrant(person.id);
    if (before === 'added' && person.isStaff && person.role === role) return { person, staff: true, role, changed: false };
    // Adding an admin with a lower role demotes them: the same rules as /people role (admins only,
    // never the last admin, never one DESKOPS_ADMINS names).
    if (person.isStaff && person.role === 'admin' && role !== 'admin') {
      if (isPinnedAdmin(ctx, person.id)) return { person, staff: true, role: 'admin', changed: false, pinnedByEnvironment: true };
      requireRole(ctx, 'admin', 'change the role of an admin');
      if (adminCount(ctx) <= 1) throw conflict(`@${person.handle} is the last admin; deskops needs at least one.`, 'Make someone else an admin first: /people add @someone admin.');
    }
    ctx.store.people.grantStaff(person.id, role);
    recordAudit(ctx, {
      entity: 'person',
      entityId: person.id,
      action: 'person.staff',
      before: { grant: before, staff: person.isStaff, role: person.role },
      after: { grant: 'added', staff: true, role },
    });
    return { person: { ...person, role, isStaff: true }, staff: true, role, changed: true };
  });
}

/**
 * Takes someone off the support team: not staff from their next request on, even if a rule would
 * cover them, until /people add brings them back (leads and admins; audited as 'person.staff').
 * An admin from DESKOPS_ADMINS and the last admin stay.
 */
export function removeStaff(ctx: RequestContext, mention: string): StaffChange {
  return ctx.store.transaction(() => {
    requireRole(ctx, 'lead', 'remove people from the support team');
    const person = findMentioned(ctx, mention);
    if (isPinnedAdmin(ctx, person.id)) return { person, staff: true, role: 'admin', changed: false, pinnedByEnvironment: true };
    const before = ctx.store.people.staffGrant(person.id);
    if (before === 'removed' && !person.isStaff) return { person, staff: false, role: person.role, changed: false };
    if (person.isStaff && person.role === 'admin') {
      requireRole(ctx, 'admin', 'remove an admin');
      if (adminCount(ctx) <= 1) throw conflict(`@${person.handle} is the last admin; deskops needs at least one.`, 'Make someone else an admin first: /people add @someone admin.');
    }
    ctx.store.people.revokeStaff(person.id);
    recordAudit(ctx, {
      entity: 'person',
      entityId: person.id,
      action: 'person.staff',
      before: { grant: before, staff: person.isStaff, role: person.role },
      after: { grant: 'removed', staff: false },
    });
    return { person: { ...person, isStaff: false }, staff: false, role: person.role, changed: true };
  });
}

/** Sets a person's role (admins only, audited as 'person.role'); the last admin cannot be demoted. */
export function setPersonRole(ctx: RequestContext, mention: string, role: Role): PersonChange<Role> {
  return ctx.store.transaction(() => {
    requireRole(ctx, 'admin', 'change roles');
    const person = findMentioned(ctx, mention);
    if (!person.isStaff && person.platform !== 'shell') {
      throw invalid(`@${person.handle} is not on the support team.`, `Add them with a role: /people add @${person.handle} ${role}.`);
    }
    if (person.role === role) return { person, before: role, changed: false };
    // Checked first: for an admin named in DESKOPS_ADMINS the environment decides, whatever else holds.
    if (person.role === 'admin' && isPinnedAdmin(ctx, person.id)) {
      throw conflict(
        `@${person.handle} is an admin because DESKOPS_ADMINS names them: the environment decides their role, not /people role.`,
        'To change it, take them out of DESKOPS_ADMINS and restart deskops; then /people role works for them.',
      );
    }
    if (person.role === 'admin' && adminCount(ctx) <= 1) {
      throw conflict(
        `@${person.handle} is the last admin; deskops needs at least one.`,
        'Make someone else an admin first: /people role @someone admin.',
      );
    }
    ctx.store.people.setRole(person.id, role);
    recordAudit(ctx, { entity: 'person', entityId: person.id, action: 'person.role', before: { role: person.role }, after: { role } });
    return { person: { ...person, role }, before: person.role, changed: true };
  });
}

/** Sets a person's tier, or clears it with null (leads and admins, audited as 'person.tier'). */
export function setPersonTier(ctx: RequestContext, mention: string, tier: Tier | null): PersonChange<Tier | null> {
  return ctx.store.transaction(() => {
    requireRole(ctx, 'lead', 'change tiers');
    const person = findMentioned(ctx, mention);
    if (person.tier === tier) return { person, before: tier, changed: false };
    ctx.store.people.setTier(person.id, tier);
    recordAudit(ctx, { entity: 'person', entityId: person.id, action: 'person.tier', before: { tier: person.tier }, after: { tier } });
    return { person: { ...person, tier }, before: person.tier, changed: true };
  });
}

/**
 * The zone instants are shown in to the person acting: their own (set with /people zone), else the
 * team's. Only for showing: typed times are read in team time, as the help says.
 */
export function viewerZone(ctx: RequestContext): string {
  if (ctx.actor.kind !== 'person') return ctx.settings.timeZone;
  return ctx.store.people.timeZone(ctx.actor.personId) ?? ctx.settings.timeZone;
}

/**
 * Sets a person's own time zone (an IANA name), or clears it with null so they see team time. Anyone
 * sets their own; leads and admins anyone's (audited as 'person.zone').
 */
export function setPersonZone(ctx: RequestContext, mention: string, zone: string | null): PersonChange<string | null> & { after: string | null } {
  return ctx.store.transaction(() => {
    const person = findMentioned(ctx, mention);
    const self = ctx.actor.kind === 'person' && ctx.actor.personId === person.id;
    if (!self && ctx.actor.kind === 'person' && !hasRole(ctx.actor.role, 'lead')) {
      // The router audits the denial after the rollback.
      throw forbidden("Only leads and admins can set someone else's time zone.", `Set your own with /people zone me <zone>; @${person.handle} can set theirs.`);
    }
    let value: string | null = null;
    if (zone !== null) {
      const resolved = resolveTimeZone(zone);
      if (!resolved.ok) {
        const near = resolved.suggestions.length > 0 ? `Did you mean ${resolved.suggestions.join(' or ')}?` : 'Use an IANA zone name like Europe/Berlin, America/New_York or Asia/Kolkata.';
        throw invalid(`"${zone}" is not a time zone I know.`, near);
      }
      value = resolved.zone;
    }
    const before = ctx.store.people.timeZone(person.id);
    if (before === value) return { person, before, after: value, changed: false };
    ctx.store.people.setTimeZone(person.id, value);
    recordAudit(ctx, { entity: 'person', entityId: person.id, action: 'person.zone', before: { timeZone: before }, after: { timeZone: value } });
    return { person, before, after: value, changed: true };
  });
}

/** Who the actor is, as deskops sees them right now. */
export interface WhoAmI {
  handle: string;
  displayName: string;
  role: Access;
  tier: Tier | null;
  platform: Platform;
  /** Their own zone, or null when they see team time. */
  timeZone: string | null;
}

/** The acting person's handle, role, tier and platform (read fresh, so a change shows at once). */
export function whoAmI(ctx: RequestContext): WhoAmI {
  const { actor } = ctx;
  if (actor.kind !== 'person') throw invalid(`This request comes from the scheduled job ${actor.job}, not a person.`);
  const row = ctx.store.people.profile(actor.personId);
  return {
    handle: actor.handle,
    displayName: row?.displayName ?? actor.displayName,
    // Access is decided per request (rules, grants): the actor has the current answer.
    role: actor.role,
    tier: row ? row.tier : actor.tier,
    platform: actor.platform,
    timeZone: row?.timeZone ?? null,
  };
}
