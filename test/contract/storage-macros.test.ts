/** The MacroRepository answers the same on SQLite and PostgreSQL (src/store/sqlite/macros.ts, src/store/pg/macros.ts). */
import { describe, expect, it } from 'vitest';
import type { MacroRepository } from '../../src/store/repositories/macros.js';
import { pgMacro } from '../../src/store/pg/macros.js';
import { people } from '../../src/store/schema.js';
import { seedBoth } from '../doubles/seed-engines.js';
import { useStorageEngines } from '../doubles/storage-engines.js';

const engines = useStorageEngines();
const AT = new Date('2026-03-02T09:00:00.123Z');
const LATER = new Date('2026-03-03T10:30:00.456Z');

function steps(repo: MacroRepository): unknown[] {
  const seen: unknown[] = [];
  const refund = repo.insert({ name: 'refund', body: 'We refunded {requester.name}.', department: 'paid', setStatus: 'pending', holdDays: 3, setPriority: 'high', addTags: ['type:Question', 'area:Billing'], createdBy: 1, createdAt: AT, updatedAt: AT });
  const hello = repo.insert({ name: 'hello', body: 'Hi!', createdAt: AT, updatedAt: AT });
  repo.insert({ name: 'Zed', body: 'capital', createdAt: AT, updatedAt: AT });
  repo.insert({ name: 'bye', body: 'Bye', createdAt: AT, updatedAt: AT });
  seen.push(refund, hello);
  seen.push(repo.names(), repo.all());
  seen.push(repo.byName('refund'), repo.byName('REFUND'), repo.byName('nothing'));
  seen.push(repo.nameTaken('hello'), repo.nameTaken('Hello'), repo.nameTaken('nothing'));
  seen.push(repo.update(hello.id, { body: 'Hello there', department: null, addTags: [], holdDays: null, updatedAt: LATER }));
  seen.push(repo.update(refund.id, { setStatus: null, addTags: null }));
  seen.push(repo.update(9999, { body: 'nobody' }));
  repo.remove(refund.id);
  repo.remove(9999);
  seen.push(repo.all(), repo.names(), repo.nameTaken('refund'));
  seen.push(repo.personName(1), repo.personName(2), repo.personName(9999));
  return seen;
}

describe('macros on SQLite and PostgreSQL', () => {
  it('stores, finds, lists by name, changes and removes macros alike', async () => {
    const { sqliteStore, pgStore } = await engines.open();
    const persons = [
      { displayName: 'Ada Lovelace', createdAt: AT },
      { displayName: 'Grace', isStaff: true, createdAt: AT },
    ];
    seedBoth({ sqliteStore, pgStore }, people, persons);

    const onSqlite = steps(sqliteStore.macros);
    const onPg = steps(pgMacro(pgStore));
    expect(onPg).toEqual(onSqlite);

    expect(onSqlite[2]).toEqual(['Zed', 'bye', 'hello', 'refund']);
    expect(onSqlite[4]).toMatchObject({ name: 'refund', addTags: ['type:Question', 'area:Billing'], holdDays: 3, createdAt: AT });
    expect(onSqlite.slice(5, 10)).toEqual([undefined, undefined, true, false, false]);
    expect(onSqlite[10]).toMatchObject({ body: 'Hello there', department: null, addTags: [], holdDays: null, updatedAt: LATER });
    expect(onSqlite[11]).toMatchObject({ setStatus: null, addTags: null, body: 'We refunded {requester.name}.' });
    expect(onSqlite[12]).toBeUndefined();
    expect(onSqlite.slice(14)).toEqual([['Zed', 'bye', 'hello'], false, 'Ada Lovelace', 'Grace', undefined]);
  });
});
