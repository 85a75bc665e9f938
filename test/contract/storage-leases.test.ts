/**
 * The leases repository and fenced transactions give the same answers on SQLite and PostgreSQL:
 * turns count up per lease, and a transaction fenced by a turn that is no longer the latest throws
 * FencedOut before writing anything, while reads stay unfenced.
 */
import { describe, expect, it } from 'vitest';
import { FencedOut, isFencedOut } from '../../src/store/fence.js';
import type { Storage } from '../../src/store/storage.js';
import { useStorageEngines } from '../doubles/storage-engines.js';

const engines = useStorageEngines();

const T0 = new Date('2026-03-02T09:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

function steps(store: Storage): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  out.before = [store.leases.current('scheduler'), store.leases.all()];
  out.turns = [
    store.transaction(() => store.leases.takeTurn('scheduler', 'replica-a', T0)),
    store.transaction(() => store.leases.takeTurn('rocketchat', 'replica-b', at(5))),
    store.transaction(() => store.leases.takeTurn('scheduler', 'replica-c', at(10))),
  ];
  out.current = store.leases.current('scheduler');
  out.all = store.leases.all();

  // The latest turn writes; an earlier one is refused before anything is written.
  const write = (name: string) => store.transaction(() => store.jobRuns.startCursor(name, 1));
  store.fenced({ lease: 'scheduler', token: 2 }, () => write('by-turn-2'));
  let refused: unknown;
  try {
    store.fenced({ lease: 'scheduler', token: 1 }, () => write('by-turn-1'));
  } catch (error) {
    refused = error;
  }
  out.refused = refused instanceof FencedOut ? { fenced: isFencedOut(refused), message: refused.message, current: refused.currentToken } : String(refused);
  // A lease never taken fences everything out.
  try {
    store.fenced({ lease: 'nobody', token: 1 }, () => write('by-nobody'));
  } catch (error) {
    out.neverTaken = (error as Error).message;
  }
  // Reads are not fenced; nested transactions run under the outer one's check.
  out.readWhileFencedOut = store.fenced({ lease: 'scheduler', token: 1 }, () => store.read(() => store.jobRuns.cursorPosition('by-turn-2')));
  store.fenced({ lease: 'scheduler', token: 2 }, () => store.transaction(() => store.transaction(() => store.jobRuns.startCursor('nested', 3))));
  // After fenced work, the store is unfenced again.
  write('after');
  out.cursors = ['by-turn-2', 'by-turn-1', 'by-nobody', 'nested', 'after'].map((name) => store.jobRuns.cursorPosition(name));
  return out;
}

describe('leases and fencing, on both engines', () => {
  it('count turns per lease and refuse writes fenced by an earlier turn, alike', async () => {
    const { sqliteStore, pgStore } = await engines.open();
    const onSqlite = steps(sqliteStore);
    const onPg = steps(pgStore);
    expect(onPg).toEqual(onSqlite);
    expect(onSqlite.before).toEqual([undefined, []]);
    expect(onSqlite.turns).toEqual([1, 1, 2]);
    expect(onSqlite.current).toEqual({ name: 'scheduler', token: 2, holder: 'replica-c', acquiredAt: at(10) });
    expect((onSqlite.all as Array<{ name: string }>).map((row) => row.name)).toEqual(['rocketchat', 'scheduler']);
    expect(onSqlite.refused).toEqual({ fenced: true, message: 'lease "scheduler" moved on: this holder has turn 1, the store has 2; nothing was written', current: 2 });
    expect(onSqlite.neverTaken).toBe('lease "nobody" moved on: this holder has turn 1, the store has none; nothing was written');
    expect(onSqlite.readWhileFencedOut).toBe(1);
    expect(onSqlite.cursors).toEqual([1, undefined, undefined, 3, 1]);
  });
});
