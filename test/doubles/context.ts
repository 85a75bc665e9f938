/** A real AppContext on a temporary SQLite file, a pinned clock, and people to act as. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SettableClock } from '../../src/clock.js';
import type { AppContext, RequestContext } from '../../src/app/context.js';
import { resolveActor } from '../../src/app/people.js';
import type { Settings } from '../../src/config.js';
import type { Platform, Role } from '../../src/domain/vocabulary.js';
import { openStore, type Store } from '../../src/store/database.js';
import { identities, people } from '../../src/store/schema.js';
import { and, eq } from 'drizzle-orm';

/** Monday 2 March 2026, 09:00 UTC: the default "now" of every test app. */
export const TEST_NOW = new Date('2026-03-02T09:00:00Z');

/** An app context on the SQLite store, whose handles tests may read and seed through test/doubles/db.ts. */
export type SqliteApp = AppContext<Store>;

export interface TestApp {
  app: SqliteApp;
  clock: SettableClock;
  /** Removes the database and its folder. */
  close(): void;
}

/** Opens a migrated store (taxonomy seeded) in a fresh temp folder. */
export function createTestApp(options: { settings?: Partial<Settings>; now?: Date } = {}): TestApp {
  const dir = mkdtempSync(join(tmpdir(), 'deskops-test-'));
  const store = openStore(join(dir, 'test.db'));
  const clock = new SettableClock(undefined, options.now ?? TEST_NOW);
  const settings: Settings = { timeZone: 'UTC', defaultDepartment: 'paid', admins: [], staffRules: [], pageSize: 10, ...options.settings };
  return {
    app: { clock, store, settings },
    clock,
    close() {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A request context acting as `handle`, staff with `role` (made so by hand on first use, as
 * /people add would), or a requester with role 'requester'.
 */
export function actAs(app: SqliteApp, handle: string, role: Role | 'requester' = 'agent', platform: Platform = 'shell'): RequestContext<Store> {
  const actor = app.store.transaction(() => {
    if (role !== 'requester') grantStaff(app, platform, handle, role);
    else resolveActor(app, platform, { externalId: handle, handle });
    return resolveActor(app, platform, { externalId: handle, handle });
  });
  return { ...app, actor, origin: { platform, channel: null, thread: null } };
}

/** Makes a platform user staff with `role` by hand (creating them), as /people add does. */
export function grantStaff(app: SqliteApp, platform: Platform, externalId: string, role: Role, handle = externalId): number {
  return app.store.transaction(() => {
    const existing = app.store.db.select({ personId: identities.personId }).from(identities).where(and(eq(identities.platform, platform), eq(identities.externalId, externalId))).get();
    const personId =
      existing?.personId ??
      app.store.db.insert(people).values({ displayName: handle, role, isStaff: true, createdAt: app.clock.now() }).returning({ id: people.id }).get().id;
    if (!existing) app.store.db.insert(identities).values({ platform, externalId, handle, personId }).run();
    app.store.db.update(people).set({ role, isStaff: true, staffGrant: 'added' }).where(eq(people.id, personId)).run();
    return personId;
  });
}
