/**
 * Team settings are cached per store and parsed once; the cache must never serve a value the
 * database no longer holds: after a write here, a rollback, a raw write, or another process.
 */
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { readSetting, writeSetting } from '../../src/app/team-settings.js';
import { loadCalendar } from '../../src/app/calendar.js';
import { slaSetup } from '../../src/app/sla.js';
import { teamSettings } from '../../src/store/schema.js';
import { actAs, createTestApp, type TestApp } from '../doubles/context.js';
import { deleteRows, insertRows } from '../doubles/db.js';
import { onPostgres } from '../doubles/test-engine.js';
import type { RequestContext } from '../../src/app/context.js';

const schema = z.object({ n: z.number() });
const read = (t: TestApp) => readSetting(t.app, 'probe', schema, { n: 0 });

let t: TestApp;
let lead: RequestContext;
beforeEach(() => {
  t = createTestApp();
  lead = actAs(t.app, 'lead', 'lead');
});
afterEach(() => t.close());
/**
 * Whether the store can say when team_settings changed (tableVersion), which the cache needs: SQLite
 * can; PostgreSQL cannot yet (null until replicas see each other's writes, src/store/pg/store.ts),
 * so there every read parses the stored value again and the cache's own promises do not apply.
 */
const caches = () => t.app.store.tableVersion('team_settings') !== null;

describe('the team settings cache', () => {
  it('serves the same parsed value until the setting changes, then the new one', () => {
    const first = read(t);
    expect(first).toEqual({ n: 0 });
    t.app.store.transaction(() => writeSetting(lead, 'probe', { n: 1 }));
    const second = read(t);
    expect(second).toEqual({ n: 1 });
    // SQLite's store always can: the identity below is checked on every SQLite run.
    if (!onPostgres) expect(caches()).toBe(true);
    if (caches()) expect(read(t)).toBe(second);
    else expect(read(t)).toEqual(second);
  });

  it('shows a write to the transaction that made it, and forgets it when that transaction rolls back', () => {
    t.app.store.transaction(() => writeSetting(lead, 'probe', { n: 1 }));
    expect(read(t)).toEqual({ n: 1 });
    expect(() =>
      t.app.store.transaction(() => {
        writeSetting(lead, 'probe', { n: 2 });
        expect(read(t)).toEqual({ n: 2 });
        expect(read(t)).toEqual({ n: 2 });
        throw new Error('roll back');
      }),
    ).toThrow('roll back');
    expect(read(t)).toEqual({ n: 1 });
  });

  it('forgets a write undone by a savepoint inside a transaction that commits', () => {
    t.app.store.transaction(() => {
      expect(() =>
        t.app.store.transaction(() => {
          writeSetting(lead, 'probe', { n: 5 });
          throw new Error('inner');
        }),
      ).toThrow('inner');
      expect(read(t)).toEqual({ n: 0 });
    });
    expect(read(t)).toEqual({ n: 0 });
  });

  it('sees rows written without writeSetting, on this connection', () => {
    expect(read(t)).toEqual({ n: 0 });
    insertRows(t.app.store, teamSettings, [{ key: 'probe', value: { n: 3 }, updatedAt: new Date() }]);
    expect(read(t)).toEqual({ n: 3 });
    deleteRows(t.app.store, teamSettings, eq(teamSettings.key, 'probe'));
    expect(read(t)).toEqual({ n: 0 });
  });

  it('sees a change committed by another connection (another deskops process)', () => {
    expect(read(t)).toEqual({ n: 0 });
    const other = t.connectAgain();
    try {
      insertRows(other, teamSettings, [{ key: 'probe', value: { n: 4 }, updatedAt: new Date() }]);
    } finally {
      other.close();
    }
    expect(read(t)).toEqual({ n: 4 });
  });

  it('sees a change by another connection in the next transaction, after caching inside one', () => {
    t.app.store.transaction(() => expect(read(t)).toEqual({ n: 0 }));
    const other = t.connectAgain();
    try {
      insertRows(other, teamSettings, [{ key: 'probe', value: { n: 6 }, updatedAt: new Date() }]);
    } finally {
      other.close();
    }
    t.app.store.transaction(() => expect(read(t)).toEqual({ n: 6 }));
  });

  it('falls back for a stored value that does not parse, and parses it per schema', () => {
    insertRows(t.app.store, teamSettings, [{ key: 'probe', value: { n: 'seven' }, updatedAt: new Date() }]);
    expect(read(t)).toEqual({ n: 0 });
    expect(readSetting(t.app, 'probe', z.object({ n: z.string() }), { n: '' })).toEqual({ n: 'seven' });
  });

  it('hands out frozen values, so no reader can change what the next one gets', () => {
    t.app.store.transaction(() => writeSetting(lead, 'probe', { n: 1 }));
    const value = read(t);
    // Without a cache (caches()) every reader parses its own copy: nothing shared to protect.
    if (!caches()) return;
    expect(Object.isFrozen(value)).toBe(true);
    expect(() => {
      (value as { n: number }).n = 2;
    }).toThrow(TypeError);
    expect(Object.isFrozen(loadCalendar(t.app).hours)).toBe(true);
  });

  it('keeps the SLA setup in step with calendar changes', () => {
    const before = slaSetup(t.app);
    expect(slaSetup(t.app)).toBe(before);
    t.app.store.transaction(() => writeSetting(lead, 'calendar', { ...loadCalendar(t.app), businessDayMinutes: 240 }));
    const after = slaSetup(t.app);
    expect(after).not.toBe(before);
    expect(after.calendar.businessDayMinutes).toBe(240);
    expect(after.thresholds({ tier: 't1', priority: 'medium', department: 'paid' })?.redAfterMs).toBe(240 * 60_000);
  });
});
