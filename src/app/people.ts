/** People and their platform identities: who is acting, who a mention names, who may do what. */
import type { PersonWithIdentity, StoredPerson } from '../store/repositories/people.js';
import { accessFor, hasAccess, isListedAdmin, isStaffAccess, ruleCovers, type Access, type DirectoryFacts } from '../domain/access.js';
import type { Platform, Role } from '../domain/vocabulary.js';
import { forbidden, invalid, notFound, type AppError } from './errors.js';
import { listIntakeChannels } from './intake.js';
import type { Actor, AppContext, RequestContext } from './context.js';
import { recordAudit } from './audit.js';

export interface PlatformUser {
  externalId: string;
  handle: string;
  displayName?: string;
  /**
   * What the platform's directory says about the user right now (their own workspace, guest
   * status, roles), gathered by the adapter before the request runs; DESKOPS_STAFF rules read it.
   * Absent: no rule can cover them (admins and hand-made grants still count).
   */
  facts?: DirectoryFacts;
}

/** A person with one of their identities; `isStaff`: staff when last seen (agents, leads and admins), false for requesters. */
export type PersonRow = PersonWithIdentity;

/** True when `role` is at least `needed` (admin > lead > agent > requester). */
export function hasRole(role: Access, needed: Access): boolean {
  return hasAccess(role, needed);
}

/** Whether DESKOPS_ADMINS names this platform user, by immutable id (a handle never counts). */
export function isConfiguredAdmin(ctx: AppContext, platform: Platform, user: Pick<PlatformUser, 'externalId'>): boolean {
  return isListedAdmin(ctx.settings.admins, platform, user.externalId);
}

function toActor(row: PersonRow, access: Access): Actor {
  return {
    kind: 'person',
    personId: row.id,
    displayName: row.displayName,
    role: access,
    tier: row.tier,
    platform: row.platform,
    handle: row.handle,
  };
}

/** How the caller vouches for a platform user beyond the rules. */
export interface ResolveOptions {
  /** The shell's local user: always an admin (the operator at their own terminal). */
  localAdmin?: boolean;
}

/**
 * The person behind a platform user and the access they have right now: staff when DESKOPS_ADMINS,
 * a hand-made grant (/people add) or a DESKOPS_STAFF rule covers them, a requester otherwise.
 * Decided again on every request, so someone who leaves the support role, becomes a guest or is
 * removed stops being staff at once; a change is recorded on the person and audited. A user seen
 * for the first time gets a person row (as a requester unless covered). Runs in the caller's
 * transaction.
 */
export function resolveActor(ctx: AppContext, platform: Platform, user: PlatformUser, options: ResolveOptions = {}): Actor {
  const now = ctx.clock.now();
  const stored = storedPerson(ctx, platform, user);
  const access = currentAccess(ctx, platform, user, stored, options);
  const staff = isStaffAccess(access);
  const system: Actor = { kind: 'system', job: `${platform}-directory` };
  if (!stored) {
    const role: Role = staff ? access : 'agent';
    const personId = ctx.store.people.insertWithIdentity(
      { displayName: user.displayName ?? user.handle, role, isStaff: staff, createdAt: now },
      { platform, externalId: user.externalId, handle: user.handle },
    );
    recordAudit({ ...ctx, actor: system }, { entity: 'person', entityId: personId, action: 'person.created', after: { handle: user.handle, platform, access } });
    return toActor({ id: personId, displayName: user.displayName ?? user.handle, role, tier: null, handle: user.handle, platform, isStaff: staff }, access);
  }
  let row: PersonRow = { ...stored, isStaff: stored.isStaff === 1 };
  if (row.handle !== user.handle) {
    ctx.store.people.setHandle(platform, user.externalId, user.handle);
    row = { ...row, handle: user.handle };
  }
  // An admin from the environment (or the shell's local user) is promoted for good: the role sticks.
  const role: Role = access === 'admin' && row.role !== 'admin' ? 'admin' : row.role;
  if (row.isStaff !== staff || role !== row.role) {
    ctx.store.people.setAccess(row.id, staff, role);
    recordAudit(
      { ...ctx, actor: system },
      { entity: 'person', entityId: row.id, action: 'person.access', before: { access: row.isStaff ? row.role : 'requester' }, after: { access } },
    );
    row = { ...row, isStaff: staff, role };
  }
  return toActor(row, access);
}

/** Whether this platform user is a requester right now, read without writing anything. */
export function actorIsRequester(ctx: AppContext, platform: Platform, user: PlatformUser, options: ResolveOptions = {}): boolean {
  return currentAccess(ctx, platform, user, storedPerson(ctx, platform, user), options) === 'requester';
}

function storedPerson(ctx: AppContext, platform: Platform, user: PlatformUser): StoredPerson | undefined {
  return ctx.store.people.byIdentity(platform, user.externalId);
}

/** The access the environment, the person's grant and the rules give this user now. */
function currentAccess(ctx: AppContext, platform: Platform, user: PlatformUser, stored: StoredPerson | undefined, options: ResolveOptions): Access {
  return accessFor({
    platform,
    admin: options.localAdmin === true || isConfiguredAdmin(ctx, platform, user),
    grant: stored?.grant ?? null,
    role: stored?.role ?? 'agent',
    covered: ruleCovers(ctx.settings.staffRules, platform, user.facts),
  });
}

/**
 * The person behind a platform user who asked for something (the author of a message a ticket is
 * opened from), created as a requester on first sight. Unlike resolveActor it decides nothing
 * about their access: they are not acting, and their staff status is checked when they do.
 */
export function personForRequester(ctx: AppContext, platform: Platform, user: Omit<PlatformUser, 'facts'>): number {
  const stored = storedPerson(ctx, platform, user);
  if (stored) return stored.id;
  const createdId = ctx.store.people.insertWithIdentity(
    { displayName: user.displayName ?? user.handle, role: 'agent', isStaff: false, createdAt: ctx.clock.now() },
    { platform, externalId: user.externalId, handle: user.handle },
  );
  recordAudit({ ...ctx, actor: { kind: 'system', job: `${platform}-directory` } }, { entity: 'person', entityId: createdId, action: 'person.created', after: { handle: user.handle, platform, access: 'requester' } });
  return createdId;
}

/**
 * The person a mention names on the actor's platform: "me", a handle ("alice"), or a platform
 * user id (Slack's "U123"). Unknown people are a NOT_FOUND with the agents one could mean.
 */
export function findMentioned(ctx: RequestContext, mention: string): PersonRow {
  const { actor } = ctx;
  const cleaned = mention.replace(/^@/, '');
  if (cleaned.toLowerCase() === 'me') {
    if (actor.kind !== 'person') throw notFound('A scheduled job has no "me".');
    const self = ctx.store.people.roleAndStaff(actor.personId);
    return {
      id: actor.personId,
      displayName: actor.displayName,
      role: self?.role ?? 'agent',
      tier: actor.tier,
      handle: actor.handle,
      platform: actor.platform,
      isStaff: actor.role !== 'requester',
    };
  }
  const platform = ctx.origin.platform;
  const row = ctx.store.people.findOnPlatform(platform, cleaned);
  if (row) return { ...row, isStaff: row.isStaff };
  const known = listPeople(ctx, { staffOnly: true })
    .filter((p) => p.platform === platform)
    .map((p) => `@${p.handle}`);
  throw notFound(
    `Nobody called @${cleaned} has used deskops yet.`,
    known.length > 0
      ? `Known staff: ${known.slice(0, 10).join(', ')}${known.length > 10 ? ', …' : ''}. People appear after their first command.`
      : 'People appear after their first command.',
  );
}

/**
 * The staff member a mention names (someone to assign, page or put on a rotation): like
 * findMentioned, but a requester is refused, so no ticket or page ever goes to a customer.
 */
export function findStaff(ctx: RequestContext, mention: string): PersonRow {
  const person = findMentioned(ctx, mention);
  if (person.isStaff || person.platform === 'shell') return person;
  throw invalid(`@${person.handle} is not on the support team.`, `A lead adds them with /people add @${person.handle} agent.`);
}

/** Everyone deskops knows (or only staff), with one handle each (the platform they were first seen on). */
export function listPeople(ctx: AppContext, options: { staffOnly?: boolean } = {}): PersonRow[] {
  const rows = ctx.store.people.listWithIdentities(options.staffOnly === true);
  return rows.filter((row, index) => index === 0 || rows[index - 1]!.id !== row.id);
}

/** A person's handle for display ("@alice"), on any platform. */
export function handleOf(ctx: AppContext, personId: number | null): string | null {
  if (personId === null) return null;
  const handle = ctx.store.people.firstHandle(personId);
  return handle !== undefined ? `@${handle}` : `person ${personId}`;
}

/** Whether the person is staff as last seen (requesters, and people deskops does not know, are not). */
export function isStaffPerson(ctx: AppContext, personId: number): boolean {
  return ctx.store.people.isStaff(personId);
}

/** Throws FORBIDDEN unless the actor has at least `role`. Jobs may do anything. */
export function requireRole(ctx: RequestContext, role: Role, what: string): void {
  const { actor } = ctx;
  if (actor.kind === 'system' || hasRole(actor.role, role)) return;
  if (actor.role === 'requester') throw requesterRefusal(ctx);
  // The router audits the denial after the rollback, so the record survives.
  throw forbidden(`Only ${role === 'admin' ? 'admins' : 'leads and admins'} can ${what}.`, `You are ${actor.role === 'agent' ? 'an agent' : 'a lead'}; ask ${role === 'admin' ? 'an admin' : 'a lead'}.`);
}

/** Throws the requester's refusal unless the actor is staff (or a job). */
export function requireStaff(ctx: RequestContext): void {
  if (ctx.actor.kind === 'person' && ctx.actor.role === 'requester') throw requesterRefusal(ctx);
}

/**
 * The one line a requester gets for any staff command: where to ask instead (an intake channel of
 * their platform when there is one) and what they can do. FORBIDDEN, so the router audits it.
 */
export function requesterRefusal(ctx: RequestContext): AppError {
  const platform = ctx.origin.platform;
  const intake = listIntakeChannels(ctx).find((channel) => channel.startsWith(`${platform}:`) || channel.startsWith('#'));
  const where = intake ? `write in ${channelMention(intake)}` : 'write to the support team (a direct message to me works)';
  return forbidden(`deskops commands are for the support team; to ask for help, ${where}.`, 'To see your own requests: /ticket list.');
}

/** How a stored channel reads in a message: Slack's <#C123> link, a #name, or the room id. */
function channelMention(stored: string): string {
  const slack = /^slack:([A-Z0-9]+)$/.exec(stored);
  if (slack) return `<#${slack[1]}>`;
  return stored.startsWith('#') ? stored : 'the support room';
}
