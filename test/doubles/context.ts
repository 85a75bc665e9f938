/** A real AppContext on a temporary SQLite file, a pinned clock, and people to act as. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SettableClock } from '../../src/clock.js';
import type { AppContext, RequestContext } from '../../src/app/context.js';
import { resolveActor } from '../../src/app/people.js';
import type { Settings } from '../../src/config.js';
import type { Platform, Role } from '../../src/domain/vocabulary.js';
import { openStore } from '../../src/store/database.js';

/** Monday 2 March 2026, 09:00 UTC: the default "now" of every test app. */
export const TEST_NOW = new Date('2026-03-02T09:00:00Z');

export interface TestApp {
  app: AppContext;
  clock: SettableClock;
  /** Removes the database and its folder. */
  close(): void;
}

/** Opens a migrated store (taxonomy seeded) in a fresh temp folder. */
export function createTestApp(options: { settings?: Partial<Settings>; now?: Date } = {}): TestApp {
  const dir = mkdtempSync(join(tmpdir(), 'deskops-test-'));
  const store = openStore(join(dir, 'test.db'));
  const clock = new SettableClock(undefined, options.now ?? TEST_NOW);
  const settings: Settings = { timeZone: 'UTC', defaultDepartment: 'paid', admins: [], pageSize: 10, ...options.settings };
  return {
    app: { clock, store, settings },
    clock,
    close() {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A request context acting as `handle` (created on first use with at least `role`). */
export function actAs(app: AppContext, handle: string, role: Role = 'agent', platform: Platform = 'shell'): RequestContext {
  const actor = app.store.transaction(() => resolveActor(app, platform, { externalId: handle, handle }, role));
  return { ...app, actor, origin: { platform, channel: null, thread: null } };
}
