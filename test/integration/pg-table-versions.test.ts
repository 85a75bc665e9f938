/**
 * Team settings stay in step across replicas on PostgreSQL: two stores on one database (two
 * connections, as two deskops processes would hold) each cache the settings, and the version row
 * (src/store/pg/table-versions.ts, migrations/pg/0004_table_versions.sql) tells each when the
 * other changed them. The cache is still used while nothing changed, a write is read back by the
 * transaction that made it, and a rolled-back write never comes back. On the embedded PostgreSQL
 * of test/doubles/postgres.ts (or DESKOPS_TEST_PG_URL).
 */
import pg from 'pg';
import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import type { AppContext, RequestContext } from '../../src/app/context.js';
import { readSetting, writeSetting } from '../../src/app/team-settings.js';
import { SettableClock } from '../../src/clock.js';
import { buildRegistry } from '../../src/commands/index.js';
import { createRouter, type Router } from '../../src/commands/router.js';
import { loadConfig } from '../../src/config.js';
import { startWorkerEngine } from '../../src/engine/worker-engine.js';
import { prepareStorage } from '../../src/store/open.js';
import { migratePostgres } from '../../src/store/pg/migrate.js';
import { teamSettings } from '../../src/store/pg/schema.js';
import { run } from '../../src/store/pg/session.js';
import { connectPgStore, type PgStore } from '../../src/store/pg/store.js';
import { TABLE_VERSIONS } from '../../src/store/pg/table-versions.js';
import { WATCHED_TABLES } from '../../src/store/watched-tables.js';
import { replyText } from '../doubles/deskops.js';
import { usePostgres } from '../doubles/postgres.js';

const postgres = usePostgres();
const closers: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

const NOW = new Date('2026-03-02T09:00:00Z');
const config = loadConfig({ DESKOPS_DB: ':memory:', DESKOPS_ADMINS: 'shell:lead', DESKOPS_STAFF: 'slack:team:T1' });

/** Two replicas: a migrated database and two stores on it, each its own connection. */
async function replicas(): Promise<{ url: string; a: PgStore; b: PgStore }> {
  const url = await postgres.freshDatabase();
  await migratePostgres(url);
  const a = connectPgStore(url);
  closers.push(() => a.close());
  const b = connectPgStore(url);
  closers.push(() => b.close());
  return { url, a, b };
}

function appOn(store: PgStore): AppContext {
  return { clock: new SettableClock(undefined, NOW), store, settings: config.settings };
}

/** A request by a job (no person: the setting's updated_by stays empty). */
function asJob(app: AppContext): RequestContext {
  return { ...app, actor: { kind: 'system', job: 'test' }, origin: { platform: 'shell', channel: null, thread: null } };
}

const probe = z.object({ n: z.number() });
const read = (app: AppContext) => readSetting(app, 'probe', probe, { n: 0 });
const write = (app: AppContext, n: number) => app.store.transaction(() => writeSetting(asJob(app), 'probe', { n }));

/** The statements a store sends while `work` runs, as their text. */
function statementsDuring(store: PgStore, work: () => void): string[] {
  const spy = vi.spyOn(store.bridge, 'query');
  try {
    work();
    return spy.mock.calls.map(([text]) => text);
  } finally {
    spy.mockRestore();
  }
}

const readsVersion = (text: string) => text.includes(TABLE_VERSIONS);

function routerOn(store: PgStore): { say(text: string): string } {
  const router: Router = createRouter({ registry: buildRegistry(), app: appOn(store), logger: pino({ level: 'silent' }) });
  return { say: (text) => replyText(router.handle({ platform: 'shell', user: { externalId: 'lead', handle: 'lead' }, channel: '#helpdesk', thread: null, text })) };
}

describe('team settings across replicas on PostgreSQL', () => {
  it('reads a change committed through one replica in the next command on the other', async () => {
    const { a, b } = await replicas();
    const first = routerOn(a);
    const second = routerOn(b);
    const before = second.say('/settings');
    expect(before).toMatch(/digest/i);
    expect(before).not.toMatch(/tue/i);
    expect(first.say('/settings digest day:tue hour:11')).not.toMatch(/went wrong|not allowed/i);
    const after = second.say('/settings');
    expect(after).not.toBe(before);
    expect(after).toMatch(/tue/i);
    expect(after).toMatch(/11/);
    // And back the other way.
    expect(second.say('/settings reset digest')).not.toMatch(/went wrong|not allowed/i);
    expect(first.say('/settings')).toBe(before);
  });

  it("keeps two engines' threads in step, as two deskops processes on one database", async () => {
    const url = await postgres.freshDatabase();
    const engineConfig = loadConfig({ DESKOPS_DATABASE_URL: url, DESKOPS_DB: '/nonexistent/deskops.db', DESKOPS_ADMINS: 'shell:lead' });
    await prepareStorage(engineConfig);
    const engines = [await startWorkerEngine(engineConfig, { logger: pino({ level: 'silent' }) }), await startWorkerEngine(engineConfig, { logger: pino({ level: 'silent' }) })];
    closers.push(async () => {
      for (const engine of engines) await engine.close();
    });
    const say = async (engine: number, text: string) => replyText(await engines[engine]!.handle({ platform: 'shell', user: { externalId: 'lead', handle: 'lead' }, channel: '#helpdesk', thread: null, text }));
    const before = await say(1, '/settings');
    expect(await say(1, '/settings')).toBe(before);
    expect(await say(0, '/settings known-issues tracked:4 status-page:9')).not.toMatch(/went wrong|not allowed/i);
    const after = await say(1, '/settings');
    expect(after).not.toBe(before);
    expect(after).toMatch(/\b9\b/);
    expect(await say(0, '/settings')).toBe(after);
  }, 60_000);

  it('serves the cache while nothing changed: one version read per command, no setting read', async () => {
    const { b } = await replicas();
    const second = routerOn(b);
    second.say('/settings');
    const settingReads = vi.spyOn(b.settings, 'value');
    const statements = statementsDuring(b, () => second.say('/settings'));
    expect(settingReads).not.toHaveBeenCalled();
    expect(statements.filter(readsVersion)).toHaveLength(1);
    settingReads.mockRestore();
  });

  it('reads the version row once per transaction, again after a write to the table, and on every call outside one', async () => {
    const { a } = await replicas();
    const inside = statementsDuring(a, () =>
      a.transaction(() => {
        const version = a.tableVersion('team_settings');
        expect(version).toEqual(expect.any(Number));
        expect(a.tableVersion('team_settings')).toBe(version);
        writeSetting(asJob(appOn(a)), 'probe', { n: 1 });
        const written = a.tableVersion('team_settings');
        expect(written).not.toBe(version);
        expect(a.tableVersion('team_settings')).toBe(written);
      }),
    );
    expect(inside.filter(readsVersion)).toHaveLength(2);
    const outside = statementsDuring(a, () => {
      a.tableVersion('team_settings');
      a.tableVersion('team_settings');
    });
    expect(outside.filter(readsVersion)).toHaveLength(2);
    expect(statementsDuring(a, () => expect(a.tableVersion('tickets')).toBeNull())).toEqual([]);
  });

  it('moves the version for a commit by another replica, and for any write to the table, raw SQL and TRUNCATE included', async () => {
    const { a, b } = await replicas();
    const seen = new Set([a.tableVersion('team_settings')]);
    expect(b.tableVersion('team_settings')).toBe(a.tableVersion('team_settings'));
    const moved = () => {
      const version = a.tableVersion('team_settings');
      expect(seen.has(version)).toBe(false);
      seen.add(version);
    };
    write(appOn(b), 1);
    moved();
    run(b.db.update(teamSettings).set({ value: { n: 2 } }));
    moved();
    b.bridge.query("DELETE FROM team_settings WHERE key = 'probe'");
    moved();
    b.bridge.query('TRUNCATE team_settings');
    moved();
    expect(read(appOn(a))).toEqual({ n: 0 });
  });

  it('reads back a write inside the transaction that made it, and forgets one a savepoint undid', async () => {
    const { a, b } = await replicas();
    const app = appOn(a);
    write(appOn(b), 1);
    a.transaction(() => {
      expect(read(app)).toEqual({ n: 1 });
      writeSetting(asJob(app), 'probe', { n: 2 });
      expect(read(app)).toEqual({ n: 2 });
      run(a.db.update(teamSettings).set({ value: { n: 3 } }));
      expect(read(app)).toEqual({ n: 3 });
      expect(() =>
        a.transaction(() => {
          writeSetting(asJob(app), 'probe', { n: 4 });
          expect(read(app)).toEqual({ n: 4 });
          throw new Error('inner refused');
        }),
      ).toThrow('inner refused');
      expect(read(app)).toEqual({ n: 3 });
    });
    expect(read(app)).toEqual({ n: 3 });
    expect(read(appOn(b))).toEqual({ n: 3 });
  });

  it('never serves a rolled-back write, even after another replica commits a different value', async () => {
    const { a, b } = await replicas();
    const app = appOn(a);
    expect(read(app)).toEqual({ n: 0 });
    let versionInside: number | null = null;
    expect(() =>
      a.transaction(() => {
        writeSetting(asJob(app), 'probe', { n: 1 });
        expect(read(app)).toEqual({ n: 1 });
        versionInside = a.tableVersion('team_settings');
        throw new Error('the use case refused');
      }),
    ).toThrow('the use case refused');
    // One write on the other replica: with a counter instead of a sequence, it would land on the rolled-back version.
    write(appOn(b), 2);
    expect(a.tableVersion('team_settings')).not.toBe(versionInside);
    expect(read(app)).toEqual({ n: 2 });
    a.transaction(() => expect(read(app)).toEqual({ n: 2 }));
  });

  it('runs a settings write again when another replica wrote settings since its snapshot, and keeps both', async () => {
    const { a, b } = await replicas();
    const app = appOn(a);
    let runs = 0;
    a.transaction(() => {
      runs += 1;
      expect(read(app)).toEqual({ n: runs === 1 ? 0 : 7 });
      // The other replica changes another setting after this snapshot: both move the one version row.
      if (runs === 1) write(appOn(b), 7);
      writeSetting(asJob(app), 'other', { n: 8 });
    });
    expect(runs).toBe(2);
    for (const store of [a, b]) {
      expect(read(appOn(store))).toEqual({ n: 7 });
      expect(readSetting(appOn(store), 'other', probe, { n: 0 })).toEqual({ n: 8 });
    }
  });

  it('keeps one snapshot inside a transaction, and sees the other replica in the next one', async () => {
    const { a, b } = await replicas();
    const app = appOn(a);
    a.read(() => {
      expect(read(app)).toEqual({ n: 0 });
      write(appOn(b), 5);
      expect(read(app)).toEqual({ n: 0 });
    });
    a.read(() => expect(read(app)).toEqual({ n: 5 }));
  });

  it('has a version row and trigger for every watched table, and nothing writes one without naming it', async () => {
    const { url } = await replicas();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    closers.push(() => client.end());
    const rows = await client.query<{ table_name: string }>(`SELECT table_name FROM ${TABLE_VERSIONS} ORDER BY table_name`);
    expect(rows.rows.map((row) => row.table_name)).toEqual([...WATCHED_TABLES].sort());
    const triggers = await client.query<{ table: string; events: string }>(
      `SELECT c.relname AS table, pg_get_triggerdef(t.oid) AS events FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_proc p ON p.oid = t.tgfoid
        WHERE p.proname = 'deskops_table_changed' AND NOT t.tgisinternal`,
    );
    expect(triggers.rows.map((row) => row.table).sort()).toEqual([...WATCHED_TABLES].sort());
    for (const { events } of triggers.rows) expect(events).toMatch(/AFTER INSERT OR DELETE OR UPDATE OR TRUNCATE .* FOR EACH STATEMENT/);
    // The store forgets a version read in a transaction only when a statement names a watched table
    // (table-versions.ts): no foreign key action may change one, and no function may write one.
    const actions = await client.query<{ table: string; on_update: string; on_delete: string }>(
      `SELECT c.relname AS table, con.confupdtype AS on_update, con.confdeltype AS on_delete FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid
        WHERE con.contype = 'f' AND c.relname = ANY($1::text[])`,
      [WATCHED_TABLES],
    );
    for (const key of actions.rows) expect([key.on_update, key.on_delete].every((action) => action === 'a' || action === 'r'), `foreign key on ${key.table}`).toBe(true);
    const functions = await client.query<{ name: string }>(
      `SELECT p.proname AS name FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public' AND p.prosrc ~* $1`,
      [`\\m(${WATCHED_TABLES.join('|')})\\M`],
    );
    expect(functions.rows).toEqual([]);
  });
});
