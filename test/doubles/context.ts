/**
 * A real AppContext on a fresh store (a temporary SQLite file, or on the PostgreSQL run a database
 * of its own: test-engine.ts), a pinned clock, and people to act as.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SettableClock } from '../../src/clock.js';
import type { AppContext, RequestContext } from '../../src/app/context.js';
import { resolveActor } from '../../src/app/people.js';
import type { Settings } from '../../src/config.js';
import type { Platform, Role } from '../../src/domain/vocabulary.js';
import { openStore } from '../../src/store/database.js';
import type { Storage } from '../../src/store/storage.js';
import { identities, people } from '../../src/store/schema.js';
import { and, eq } from 'drizzle-orm';
import { insertRow, insertRows, selectRow, updateRows } from './db.js';
import { freshTestDatabase, onPostgres, pgStoreCode } from './test-engine.js';

/** Monday 2 March 2026, 09:00 UTC: the default "now" of every test app. */
export const TEST_NOW = new Date('2026-03-02T09:00:00Z');

/** An app context on the run's engine (the storage port); tests read and seed it through test/doubles/db.ts. */
export type TestAppContext = AppContext<Storage>;

export interface TestApp {
  app: TestAppContext;
  clock: SettableClock;
  /** The SQLite file's path (on PostgreSQL a path in the same temp folder, as DESKOPS_DB names one there): for what deskops keeps beside it. */
  dbPath: string;
  /** Another connection to the same database, as another process would open (the caller closes it). */
  connectAgain(): Storage;
  /** Removes the database and its folder. */
  close(): void;
}

/** Opens a migrated store (taxonomy seeded) in a fresh temp folder. */
export function createTestApp(options: { settings?: Partial<Settings>; now?: Date } = {}): TestApp {
  const dir = mkdtempSync(join(tmpdir(), 'deskops-test-'));
  const dbPath = join(dir, 'test.db');
  const database = onPostgres ? freshTestDatabase() : undefined;
  const connect = (): Storage => (database ? pgStoreCode().connectPgStore(database.url) : openStore(dbPath));
  const store = connect();
  const clock = new SettableClock(undefined, options.now ?? TEST_NOW);
  const settings: Settings = { timeZone: 'UTC', defaultDepartment: 'paid', admins: [], staffRules: [], pageSize: 10, ...options.settings };
  return {
    app: { clock, store, settings },
    clock,
    dbPath,
    connectAgain: connect,
    close() {
      store.close();
      database?.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A request context acting as `handle`, staff with `role` (made so by hand on first use, as
 * /people add would), or a requester with role 'requester'.
 */
export function actAs(app: TestAppContext, handle: string, role: Role | 'requester' = 'agent', platform: Platform = 'shell'): RequestContext<Storage> {
  const actor = app.store.transaction(() => {
    if (role !== 'requester') grantStaff(app, platform, handle, role);
    else resolveActor(app, platform, { externalId: handle, handle });
    return resolveActor(app, platform, { externalId: handle, handle });
  });
  return { ...app, actor, origin: { platform, channel: null, thread: null } };
}

/** Makes a platform user staff with `role` by hand (creating them), as /people add does. */
export function grantStaff(app: TestAppContext, platform: Platform, externalId: string, role: Role, handle = externalId): number {
  return app.store.transaction(() => {
    const existing = selectRow(app.store, identities, and(eq(identities.platform, platform), eq(identities.externalId, externalId)));
    const personId = existing?.personId ?? insertRow(app.store, people, { displayName: handle, role, isStaff: true, createdAt: app.clock.now() }).id;
    if (!existing) insertRows(app.store, identities, [{ platform, externalId, handle, personId }]);
    updateRows(app.store, people, { role, isStaff: true, staffGrant: 'added' }, eq(people.id, personId));
    return personId;
  });
}
