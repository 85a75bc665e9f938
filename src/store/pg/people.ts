/**
 * The PeopleRepository on PostgreSQL, ported from src/store/sqlite/people.ts.
 *
 * Orders: SQLite answers the unordered reads in the order of the index its plan walks; here each
 * says its order. Identities have no rowid in PostgreSQL, so where SQLite gives a person's
 * identities in the order they were inserted (identities_person walks person_id, rowid), this file
 * orders them by (platform, external_id): the same rows, in insertion order only when that is also
 * their key order (see firstHandle, identitiesOf, listWithIdentities, externalIdOn).
 */
import { and, asc, count, eq, gt, sql } from 'drizzle-orm';
import type { PeopleRepository, StoredPerson } from '../repositories/people.js';
import { identities, people } from './schema.js';
import { all, get, run } from './session.js';
import type { PgHandles } from './handles.js';

const personColumns = {
  id: people.id,
  displayName: people.displayName,
  role: people.role,
  tier: people.tier,
  handle: identities.handle,
  platform: identities.platform,
  isStaff: people.isStaff,
};

/** A person's identities in a fixed order: PostgreSQL has no rowid for SQLite's insertion order. */
const identityOrder = [asc(identities.platform), sql`${identities.externalId} collate "C"`];

export function pgPeople(handles: PgHandles): PeopleRepository {
  const { db } = handles;
  return {
    byIdentity(platform, externalId) {
      const row = get(
        db
          .select({ ...personColumns, grant: people.staffGrant })
          .from(identities)
          .innerJoin(people, eq(people.id, identities.personId))
          .where(and(eq(identities.platform, platform), eq(identities.externalId, externalId))),
      );
      // SQLite's raw statement reads is_staff as stored: 0 or 1 (StoredPerson says so).
      return row === undefined ? undefined : ({ ...row, isStaff: row.isStaff ? 1 : 0 } satisfies StoredPerson);
    },
    insertWithIdentity(person, identity) {
      const created = get(db.insert(people).values(person).returning({ id: people.id }))!;
      run(db.insert(identities).values({ ...identity, personId: created.id }));
      return created.id;
    },
    setHandle(platform, externalId, handle) {
      run(
        db
          .update(identities)
          .set({ handle })
          .where(and(eq(identities.platform, platform), eq(identities.externalId, externalId))),
      );
    },
    setAccess(personId, isStaff, role) {
      run(db.update(people).set({ isStaff, role }).where(eq(people.id, personId)));
    },
    roleAndStaff(personId) {
      return get(db.select({ role: people.role, isStaff: people.isStaff }).from(people).where(eq(people.id, personId)));
    },
    findOnPlatform(platform, mention) {
      // SQLite walks identities_handle (platform, handle, rowid): the first match by handle (binary order).
      return get(
        db
          .select(personColumns)
          .from(identities)
          .innerJoin(people, eq(people.id, identities.personId))
          .where(
            and(
              eq(identities.platform, platform),
              sql`(${identities.externalId} = ${mention} OR lower(${identities.handle}) = lower(${mention}))`,
            ),
          )
          .orderBy(sql`${identities.handle} collate "C"`, sql`${identities.externalId} collate "C"`)
          .limit(1),
      );
    },
    listWithIdentities(staffOnly) {
      return all(
        db
          .select(personColumns)
          .from(people)
          .innerJoin(identities, eq(identities.personId, people.id))
          .where(staffOnly ? eq(people.isStaff, true) : undefined)
          .orderBy(people.id, ...identityOrder),
      );
    },
    firstHandle(personId) {
      return get(
        db
          .select({ handle: identities.handle })
          .from(identities)
          .where(eq(identities.personId, personId))
          .orderBy(...identityOrder)
          .limit(1),
      )?.handle;
    },
    isStaff(personId) {
      return get(db.select({ isStaff: people.isStaff }).from(people).where(eq(people.id, personId)))?.isStaff === true;
    },
    identitiesOf(personId) {
      return all(
        db
          .select()
          .from(identities)
          .where(eq(identities.personId, personId))
          .orderBy(...identityOrder),
      );
    },
    staffAdminCount() {
      return get(db.select({ n: count() }).from(people).where(and(eq(people.role, 'admin'), eq(people.isStaff, true))))?.n ?? 0;
    },
    staffGrant(personId) {
      return get(db.select({ grant: people.staffGrant }).from(people).where(eq(people.id, personId)))?.grant ?? null;
    },
    grantStaff(personId, role) {
      run(db.update(people).set({ staffGrant: 'added', isStaff: true, role }).where(eq(people.id, personId)));
    },
    revokeStaff(personId) {
      run(db.update(people).set({ staffGrant: 'removed', isStaff: false }).where(eq(people.id, personId)));
    },
    setRole(personId, role) {
      run(db.update(people).set({ role }).where(eq(people.id, personId)));
    },
    setTier(personId, tier) {
      run(db.update(people).set({ tier }).where(eq(people.id, personId)));
    },
    timeZone(personId) {
      return get(db.select({ zone: people.timeZone }).from(people).where(eq(people.id, personId)))?.zone ?? null;
    },
    setTimeZone(personId, zone) {
      run(db.update(people).set({ timeZone: zone }).where(eq(people.id, personId)));
    },
    profile(personId) {
      return get(db.select({ role: people.role, tier: people.tier, displayName: people.displayName, timeZone: people.timeZone }).from(people).where(eq(people.id, personId)));
    },
    awayUntil(personId) {
      return get(db.select({ awayUntil: people.awayUntil }).from(people).where(eq(people.id, personId)))?.awayUntil ?? null;
    },
    setAwayUntil(personId, until) {
      run(db.update(people).set({ awayUntil: until }).where(eq(people.id, personId)));
    },
    idsInTier(tier) {
      // SQLite scans people by id.
      return all(db.select({ id: people.id }).from(people).where(eq(people.tier, tier)).orderBy(people.id)).map((p) => p.id);
    },
    awayAfter(now) {
      return all(db.select({ id: people.id, until: people.awayUntil }).from(people).where(gt(people.awayUntil, now)).orderBy(people.id));
    },
    externalIdOn(personId, platform) {
      return get(
        db
          .select({ id: identities.externalId })
          .from(identities)
          .where(and(eq(identities.personId, personId), eq(identities.platform, platform)))
          .orderBy(...identityOrder)
          .limit(1),
      )?.id;
    },
    handleOf(platform, externalId) {
      return (
        get(
          db
            .select({ handle: identities.handle })
            .from(identities)
            .where(and(eq(identities.platform, platform), eq(identities.externalId, externalId))),
        )?.handle ?? null
      );
    },
    personIdOf(platform, externalId) {
      return get(
        db
          .select({ id: identities.personId })
          .from(identities)
          .where(and(eq(identities.platform, platform), eq(identities.externalId, externalId))),
      )?.id;
    },
  };
}
