/** People and their platform identities: who is acting, who a mention names, who may do what. */
import { and, eq, sql } from 'drizzle-orm';
import { identities, people } from '../store/schema.js';
import { preparedStatement } from '../store/prepared.js';
import { ROLES, type Platform, type Role, type Tier } from '../domain/vocabulary.js';
import { forbidden, notFound } from './errors.js';
import type { Actor, AppContext, RequestContext } from './context.js';
import { recordAudit } from './audit.js';

export interface PlatformUser {
  externalId: string;
  handle: string;
  displayName?: string;
}

export interface PersonRow {
  id: number;
  displayName: string;
  role: Role;
  tier: Tier | null;
  handle: string;
  platform: Platform;
}

const ROLE_RANK: Record<Role, number> = { agent: 0, lead: 1, admin: 2 };

/** True when `role` is at least `needed` (admin > lead > agent). */
export function hasRole(role: Role, needed: Role): boolean {
  return ROLE_RANK[role] >= ROLE_RANK[needed];
}

/** Whether DESKOPS_ADMINS names this platform user (such admins are re-promoted on every command). */
export function isConfiguredAdmin(ctx: AppContext, platform: Platform, user: PlatformUser): boolean {
  return ctx.settings.admins.some((entry) => {
    const [maybePlatform, id] = entry.includes(':') ? entry.split(':', 2) : [undefined, entry];
    if (maybePlatform && maybePlatform !== platform) return false;
    return id === user.externalId || id?.toLowerCase() === user.handle.toLowerCase();
  });
}

function toActor(row: PersonRow): Actor {
  return {
    kind: 'person',
    personId: row.id,
    displayName: row.displayName,
    role: row.role,
    tier: row.tier,
    platform: row.platform,
    handle: row.handle,
  };
}

const personColumns = {
  id: people.id,
  displayName: people.displayName,
  role: people.role,
  tier: people.tier,
  handle: identities.handle,
  platform: identities.platform,
};

/** Every command starts here: prepared once, plain columns only (nothing to decode). */
const personByIdentity = preparedStatement(
  `SELECT people.id AS id, people.display_name AS displayName, people.role AS role, people.tier AS tier, identities.handle AS handle, identities.platform AS platform
   FROM identities JOIN people ON people.id = identities.person_id
   WHERE identities.platform = ? AND identities.external_id = ?`,
);

/**
 * The person behind a platform user, created as an agent on first sight (no "account not linked"
 * dead end). Admins listed in DESKOPS_ADMINS are promoted; `minimumRole` lets the shell make its
 * local user an admin. Runs in the caller's transaction.
 */
export function resolveActor(
  ctx: AppContext,
  platform: Platform,
  user: PlatformUser,
  minimumRole: Role = 'agent',
): Actor {
  const { db } = ctx.store;
  const now = ctx.clock.now();
  let row = personByIdentity(ctx.store).raw(false).get(platform, user.externalId) as PersonRow | undefined;
  const wanted: Role = isConfiguredAdmin(ctx, platform, user) ? 'admin' : minimumRole;
  if (!row) {
    const person = db
      .insert(people)
      .values({ displayName: user.displayName ?? user.handle, role: wanted, createdAt: now })
      .returning({ id: people.id })
      .get();
    db.insert(identities)
      .values({ platform, externalId: user.externalId, handle: user.handle, personId: person.id })
      .run();
    row = { id: person.id, displayName: user.displayName ?? user.handle, role: wanted, tier: null, handle: user.handle, platform };
    const system: Actor = { kind: 'system', job: `${platform}-directory` };
    recordAudit({ ...ctx, actor: system }, { entity: 'person', entityId: person.id, action: 'person.created', after: { handle: user.handle, platform, role: wanted } });
    return toActor(row);
  }
  if (row.handle !== user.handle) {
    db.update(identities)
      .set({ handle: user.handle })
      .where(and(eq(identities.platform, platform), eq(identities.externalId, user.externalId)))
      .run();
    row = { ...row, handle: user.handle };
  }
  if (!hasRole(row.role, wanted)) {
    db.update(people).set({ role: wanted }).where(eq(people.id, row.id)).run();
    const system: Actor = { kind: 'system', job: 'configured-admins' };
    recordAudit({ ...ctx, actor: system }, { entity: 'person', entityId: row.id, action: 'person.role', before: { role: row.role }, after: { role: wanted } });
    row = { ...row, role: wanted };
  }
  return toActor(row);
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
    return { id: actor.personId, displayName: actor.displayName, role: actor.role, tier: actor.tier, handle: actor.handle, platform: actor.platform };
  }
  const platform = ctx.origin.platform;
  const row = ctx.store.db
    .select(personColumns)
    .from(identities)
    .innerJoin(people, eq(people.id, identities.personId))
    .where(
      and(
        eq(identities.platform, platform),
        sql`(${identities.externalId} = ${cleaned} OR lower(${identities.handle}) = lower(${cleaned}))`,
      ),
    )
    .get();
  if (row) return row;
  const known = listPeople(ctx)
    .filter((p) => p.platform === platform)
    .map((p) => `@${p.handle}`);
  throw notFound(
    `Nobody called @${cleaned} has used deskops yet.`,
    known.length > 0
      ? `Known agents: ${known.slice(0, 10).join(', ')}${known.length > 10 ? ', …' : ''}. People appear after their first command.`
      : 'People appear after their first command.',
  );
}

/** Everyone deskops knows, with one handle each (the platform they were first seen on). */
export function listPeople(ctx: AppContext): PersonRow[] {
  return ctx.store.db
    .select(personColumns)
    .from(people)
    .innerJoin(identities, eq(identities.personId, people.id))
    .orderBy(people.id)
    .all()
    .filter((row, index, rows) => rows.findIndex((r) => r.id === row.id) === index);
}

/** A person's handle for display ("@alice"), on any platform. */
const handleOfPerson = preparedStatement('SELECT handle FROM identities WHERE person_id = ? LIMIT 1');

export function handleOf(ctx: AppContext, personId: number | null): string | null {
  if (personId === null) return null;
  const row = handleOfPerson(ctx.store).raw(true).get(personId) as [string] | undefined;
  return row ? `@${row[0]}` : `person ${personId}`;
}

/** Throws FORBIDDEN unless the actor has at least `role`. Jobs may do anything. */
export function requireRole(ctx: RequestContext, role: Role, what: string): void {
  const { actor } = ctx;
  if (actor.kind === 'system' || hasRole(actor.role, role)) return;
  // The router audits the denial after the rollback, so the record survives.
  throw forbidden(`Only ${role === 'admin' ? 'admins' : 'leads and admins'} can ${what}.`, `You are ${actor.role === 'agent' ? 'an agent' : 'a lead'}; ask ${role === 'admin' ? 'an admin' : 'a lead'}.`);
}

export { ROLES };
