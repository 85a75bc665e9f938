/** The PeopleRepository on SQLite. */
import { and, eq, gt, sql } from 'drizzle-orm';
import type { PeopleRepository, StoredPerson } from '../repositories/people.js';
import { identities, people } from '../schema.js';
import { preparedStatement } from '../prepared.js';
import type { SqliteHandles } from './handles.js';

const personColumns = {
  id: people.id,
  displayName: people.displayName,
  role: people.role,
  tier: people.tier,
  handle: identities.handle,
  platform: identities.platform,
  isStaff: people.isStaff,
};

/** Every command starts here: prepared once, plain columns only. */
const personByIdentity = preparedStatement(
  `SELECT people.id AS id, people.display_name AS displayName, people.role AS role, people.tier AS tier, identities.handle AS handle, identities.platform AS platform, people.is_staff AS isStaff, people.staff_grant AS grant
   FROM identities JOIN people ON people.id = identities.person_id
   WHERE identities.platform = ? AND identities.external_id = ?`,
);

/** A person's handle for display ("@alice"), on any platform. */
const handleOfPerson = preparedStatement('SELECT handle FROM identities WHERE person_id = ? LIMIT 1');

export function sqlitePeople(handles: SqliteHandles): PeopleRepository {
  const { db } = handles;
  return {
    byIdentity(platform, externalId) {
      return personByIdentity(handles).raw(false).get(platform, externalId) as StoredPerson | undefined;
    },
    insertWithIdentity(person, identity) {
      const created = db.insert(people).values(person).returning({ id: people.id }).get();
      db.insert(identities).values({ ...identity, personId: created.id }).run();
      return created.id;
    },
    setHandle(platform, externalId, handle) {
      db.update(identities)
        .set({ handle })
        .where(and(eq(identities.platform, platform), eq(identities.externalId, externalId)))
        .run();
    },
    setAccess(personId, isStaff, role) {
      db.update(people).set({ isStaff, role }).where(eq(people.id, personId)).run();
    },
    roleAndStaff(personId) {
      return db.select({ role: people.role, isStaff: people.isStaff }).from(people).where(eq(people.id, personId)).get();
    },
    findOnPlatform(platform, mention) {
      return db
        .select(personColumns)
        .from(identities)
        .innerJoin(people, eq(people.id, identities.personId))
        .where(
          and(
            eq(identities.platform, platform),
            sql`(${identities.externalId} = ${mention} OR lower(${identities.handle}) = lower(${mention}))`,
          ),
        )
        .get();
    },
    listWithIdentities(staffOnly) {
      return db
        .select(personColumns)
        .from(people)
        .innerJoin(identities, eq(identities.personId, people.id))
        .where(staffOnly ? eq(people.isStaff, true) : undefined)
        .orderBy(people.id)
        .all();
    },
    firstHandle(personId) {
      const row = handleOfPerson(handles).raw(true).get(personId) as [string] | undefined;
      return row?.[0];
    },
    isStaff(personId) {
      return db.select({ isStaff: people.isStaff }).from(people).where(eq(people.id, personId)).get()?.isStaff === true;
    },
    identitiesOf(personId) {
      return db.select().from(identities).where(eq(identities.personId, personId)).all();
    },
    staffAdminCount() {
      return db.select({ n: sql<number>`count(*)` }).from(people).where(and(eq(people.role, 'admin'), eq(people.isStaff, true))).get()?.n ?? 0;
    },
    staffGrant(personId) {
      return db.select({ grant: people.staffGrant }).from(people).where(eq(people.id, personId)).get()?.grant ?? null;
    },
    grantStaff(personId, role) {
      db.update(people).set({ staffGrant: 'added', isStaff: true, role }).where(eq(people.id, personId)).run();
    },
    revokeStaff(personId) {
      db.update(people).set({ staffGrant: 'removed', isStaff: false }).where(eq(people.id, personId)).run();
    },
    setRole(personId, role) {
      db.update(people).set({ role }).where(eq(people.id, personId)).run();
    },
    setTier(personId, tier) {
      db.update(people).set({ tier }).where(eq(people.id, personId)).run();
    },
    timeZone(personId) {
      return db.select({ zone: people.timeZone }).from(people).where(eq(people.id, personId)).get()?.zone ?? null;
    },
    setTimeZone(personId, zone) {
      db.update(people).set({ timeZone: zone }).where(eq(people.id, personId)).run();
    },
    profile(personId) {
      return db.select({ role: people.role, tier: people.tier, displayName: people.displayName, timeZone: people.timeZone }).from(people).where(eq(people.id, personId)).get();
    },
    awayUntil(personId) {
      return db.select({ awayUntil: people.awayUntil }).from(people).where(eq(people.id, personId)).get()?.awayUntil ?? null;
    },
    setAwayUntil(personId, until) {
      db.update(people).set({ awayUntil: until }).where(eq(people.id, personId)).run();
    },
    idsInTier(tier) {
      return db.select({ id: people.id }).from(people).where(eq(people.tier, tier)).all().map((p) => p.id);
    },
    awayAfter(now) {
      return db.select({ id: people.id, until: people.awayUntil }).from(people).where(gt(people.awayUntil, now)).all();
    },
    externalIdOn(personId, platform) {
      return db
        .select({ id: identities.externalId })
        .from(identities)
        .where(and(eq(identities.personId, personId), eq(identities.platform, platform)))
        .get()?.id;
    },
    handleOf(platform, externalId) {
      return (
        db
          .select({ handle: identities.handle })
          .from(identities)
          .where(and(eq(identities.platform, platform), eq(identities.externalId, externalId)))
          .get()?.handle ?? null
      );
    },
    personIdOf(platform, externalId) {
      return db
        .select({ id: identities.personId })
        .from(identities)
        .where(and(eq(identities.platform, platform), eq(identities.externalId, externalId)))
        .get()?.id;
    },
  };
}
