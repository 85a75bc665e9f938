/**
 * The people repository gives the same answers on SQLite and PostgreSQL (src/store/sqlite/people.ts
 * is the specification; src/store/pg/people.ts the port): the same steps on each engine.
 */
import { describe, expect, it } from 'vitest';
import { pgPeople } from '../../src/store/pg/people.js';
import { identities } from '../../src/store/schema.js';
import { pgSeed, sqliteSeed } from '../doubles/seed-engines.js';
import type { PeopleRepository } from '../../src/store/repositories/people.js';
import { useStorageEngines } from '../doubles/storage-engines.js';

const engines = useStorageEngines();

const T0 = new Date('2026-03-02T09:00:00.000Z');
const LATER = new Date('2026-03-09T17:30:00.123Z');
const EARLIER = new Date('2026-02-20T08:00:00.000Z');

/** The same steps on one engine's repository; every answer in order. */
function steps(repo: PeopleRepository): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const alice = repo.insertWithIdentity({ displayName: 'Alice', role: 'admin', isStaff: true, createdAt: T0 }, { platform: 'slack', externalId: 'U1', handle: 'Alice' });
  const bob = repo.insertWithIdentity({ displayName: 'Bob', role: 'agent', isStaff: false, createdAt: T0 }, { platform: 'slack', externalId: 'U2', handle: 'bob' });
  const carol = repo.insertWithIdentity({ displayName: 'Carol', role: 'lead', isStaff: true, createdAt: T0 }, { platform: 'rocketchat', externalId: 'R3', handle: 'carol' });
  out.ids = [alice, bob, carol];

  out.byIdentity = [repo.byIdentity('slack', 'U1'), repo.byIdentity('slack', 'U2'), repo.byIdentity('rocketchat', 'U1'), repo.byIdentity('slack', 'nobody')];
  repo.setHandle('slack', 'U2', 'Bobby');
  out.handleOf = [repo.handleOf('slack', 'U2'), repo.handleOf('slack', 'none'), repo.handleOf('rocketchat', 'R3')];
  out.personIdOf = [repo.personIdOf('slack', 'U1'), repo.personIdOf('rocketchat', 'R3'), repo.personIdOf('slack', 'R3')];

  // findOnPlatform: by external id, or by handle in any case; only on the platform asked.
  out.find = [
    repo.findOnPlatform('slack', 'U2'),
    repo.findOnPlatform('slack', 'BOBBY'),
    repo.findOnPlatform('slack', 'alice'),
    repo.findOnPlatform('slack', 'carol'),
    repo.findOnPlatform('rocketchat', 'Carol'),
    repo.findOnPlatform('slack', 'nobody'),
  ];

  out.roleAndStaff = [repo.roleAndStaff(alice), repo.roleAndStaff(bob), repo.roleAndStaff(9999)];
  repo.setAccess(bob, true, 'lead');
  out.afterAccess = [repo.roleAndStaff(bob), repo.isStaff(bob), repo.isStaff(9999)];

  out.list = [repo.listWithIdentities(false), repo.listWithIdentities(true)];
  out.firstHandle = [repo.firstHandle(alice), repo.firstHandle(carol), repo.firstHandle(9999)];
  out.identitiesOf = [repo.identitiesOf(alice), repo.identitiesOf(9999)];
  out.externalIdOn = [repo.externalIdOn(alice, 'slack'), repo.externalIdOn(alice, 'rocketchat'), repo.externalIdOn(carol, 'rocketchat')];

  out.admins = [repo.staffAdminCount()];
  repo.setAccess(bob, true, 'admin');
  out.admins = [...(out.admins as number[]), repo.staffAdminCount()];
  repo.revokeStaff(alice);
  out.admins = [...(out.admins as number[]), repo.staffAdminCount()];
  out.grants = [repo.staffGrant(alice), repo.staffGrant(bob), repo.staffGrant(9999)];
  repo.grantStaff(carol, 'admin');
  out.grants = [...(out.grants as unknown[]), repo.staffGrant(carol), repo.roleAndStaff(carol), repo.staffAdminCount()];
  out.afterGrant = [repo.byIdentity('slack', 'U1'), repo.byIdentity('rocketchat', 'R3')];

  repo.setRole(alice, 'lead');
  repo.setTier(alice, 't2');
  repo.setTier(bob, 't2');
  repo.setTier(carol, 't3');
  out.tiers = [repo.idsInTier('t2'), repo.idsInTier('t3'), repo.idsInTier('t1')];
  repo.setTier(carol, null);
  out.tiers = [...(out.tiers as unknown[]), repo.idsInTier('t3'), repo.profile(carol)];

  out.zones = [repo.timeZone(alice), repo.timeZone(9999)];
  repo.setTimeZone(alice, 'Europe/Berlin');
  out.zones = [...(out.zones as unknown[]), repo.timeZone(alice), repo.profile(alice), repo.profile(9999)];
  repo.setTimeZone(alice, null);
  out.zones = [...(out.zones as unknown[]), repo.timeZone(alice)];

  out.away = [repo.awayUntil(alice), repo.awayUntil(9999), repo.awayAfter(T0)];
  repo.setAwayUntil(carol, LATER);
  repo.setAwayUntil(alice, LATER);
  repo.setAwayUntil(bob, EARLIER);
  out.away = [...(out.away as unknown[]), repo.awayUntil(carol), repo.awayAfter(T0), repo.awayAfter(LATER)];
  repo.setAwayUntil(carol, null);
  out.away = [...(out.away as unknown[]), repo.awayUntil(carol), repo.awayAfter(T0)];
  return out;
}

describe('the people repository on SQLite and PostgreSQL', () => {
  it('answers the same to the same steps', async () => {
    const { sqliteStore, pgStore } = await engines.open();
    const onSqlite = steps(sqliteStore.people);
    const onPg = steps(pgPeople(pgStore));
    expect(onPg).toEqual(onSqlite);

    // The answers themselves, so both engines cannot agree on a wrong one.
    const [alice, bob, carol] = onSqlite.ids as number[];
    expect((onSqlite.byIdentity as unknown[])[0]).toEqual({ id: alice, displayName: 'Alice', role: 'admin', tier: null, handle: 'Alice', platform: 'slack', isStaff: 1, grant: null });
    expect((onSqlite.byIdentity as unknown[])[1]).toMatchObject({ id: bob, isStaff: 0 });
    expect((onSqlite.byIdentity as unknown[]).slice(2)).toEqual([undefined, undefined]);
    expect((onSqlite.find as Array<{ id: number } | undefined>).map((p) => p?.id)).toEqual([bob, bob, alice, undefined, carol, undefined]);
    expect((onSqlite.find as Array<{ isStaff: boolean } | undefined>)[0]?.isStaff).toBe(false);
    expect(onSqlite.admins).toEqual([1, 2, 1]);
    expect(onSqlite.grants).toEqual(['removed', null, null, 'added', { role: 'admin', isStaff: true }, 2]);
    expect((onSqlite.afterGrant as unknown[])[0]).toMatchObject({ isStaff: 0, grant: 'removed' });
    expect(onSqlite.tiers).toEqual([[alice, bob], [carol], [], [], { role: 'admin', tier: null, displayName: 'Carol', timeZone: null }]);
    expect(onSqlite.away).toEqual([null, null, [], LATER, [{ id: alice, until: LATER }, { id: carol, until: LATER }], [], null, [{ id: alice, until: LATER }]]);
    expect((onSqlite.list as unknown[][])[0]).toHaveLength(3);
    expect((onSqlite.list as unknown[][])[1]).toHaveLength(3);
  });

  it("gives a person's several identities the same way", async () => {
    const { sqliteStore, pgStore } = await engines.open();
    // Inserted in key order (platform, external id): SQLite's insertion order and PostgreSQL's key order agree.
    const run = (repo: PeopleRepository, addIdentity: (row: typeof identities.$inferInsert) => void) => {
      const dana = repo.insertWithIdentity({ displayName: 'Dana', role: 'agent', isStaff: true, createdAt: T0 }, { platform: 'email', externalId: 'dana@example.com', handle: 'dana' });
      const erin = repo.insertWithIdentity({ displayName: 'Erin', role: 'agent', isStaff: false, createdAt: T0 }, { platform: 'email', externalId: 'erin@example.com', handle: 'erin' });
      addIdentity({ platform: 'slack', externalId: 'UD', handle: 'Dana.S', personId: dana });
      return {
        dana,
        erin,
        list: repo.listWithIdentities(false),
        first: repo.firstHandle(dana),
        ids: repo.identitiesOf(dana),
        staff: repo.listWithIdentities(true),
        // 'U2' is Frank's external id and Gus's handle: SQLite walks identities by handle (binary order), so Gus first.
        mention: (() => {
          const frank = repo.insertWithIdentity({ displayName: 'Frank', role: 'agent', isStaff: false, createdAt: T0 }, { platform: 'slack', externalId: 'U2', handle: 'frank' });
          const gus = repo.insertWithIdentity({ displayName: 'Gus', role: 'agent', isStaff: false, createdAt: T0 }, { platform: 'slack', externalId: 'U9', handle: 'U2' });
          return [frank, gus, repo.findOnPlatform('slack', 'U2')?.id, repo.findOnPlatform('slack', 'u2')?.id, repo.findOnPlatform('slack', 'FRANK')?.id];
        })(),
        onSlack: [repo.externalIdOn(dana, 'slack'), repo.externalIdOn(dana, 'email'), repo.findOnPlatform('slack', 'dana.s')?.id, repo.byIdentity('slack', 'UD')?.handle],
      };
    };
    const onSqlite = run(sqliteStore.people, (row) => sqliteSeed(sqliteStore)(identities, [row]));
    const onPg = run(pgPeople(pgStore), (row) => pgSeed(pgStore)(identities, [row]));
    expect(onPg).toEqual(onSqlite);
    expect(onSqlite.first).toBe('dana');
    expect(onSqlite.ids).toEqual([
      { platform: 'email', externalId: 'dana@example.com', handle: 'dana', personId: onSqlite.dana },
      { platform: 'slack', externalId: 'UD', handle: 'Dana.S', personId: onSqlite.dana },
    ]);
    expect(onSqlite.list.map((p) => `${p.displayName}@${p.platform}`)).toEqual(['Dana@email', 'Dana@slack', 'Erin@email']);
    expect(onSqlite.staff.map((p) => p.handle)).toEqual(['dana', 'Dana.S']);
    const [frank, gus] = onSqlite.mention as number[];
    expect(onSqlite.mention).toEqual([frank, gus, gus, gus, frank]);
    expect(onSqlite.onSlack).toEqual(['UD', 'dana@example.com', onSqlite.dana, 'Dana.S']);
  });
});
