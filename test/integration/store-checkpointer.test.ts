/**
 * Background WAL checkpoints: with the automatic checkpoint off, a worker thread's own connection
 * copies the WAL into the database file while deskops keeps writing, so the WAL stays bounded;
 * stopping gives the automatic checkpoint back, and a failing worker falls back to it.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startBackgroundCheckpoints } from '../../src/store/checkpointer.js';
import { openStore, type Store } from '../../src/store/database.js';
import { rawSqlite } from '../doubles/sqlite.js';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));

function store(): Store {
  const dir = mkdtempSync(join(tmpdir(), 'deskops-ckpt-'));
  const opened = openStore(join(dir, 'deskops.db'));
  cleanups.push(() => {
    opened.close();
    rmSync(dir, { recursive: true, force: true });
  });
  rawSqlite(opened).exec('CREATE TABLE filler (id INTEGER PRIMARY KEY, body TEXT)');
  return opened;
}

const walBytes = (s: Store) => statSync(`${s.path}-wal`).size;
const fill = (s: Store, rows: number) => {
  const insert = rawSqlite(s).prepare('INSERT INTO filler (body) VALUES (?)');
  for (let i = 0; i < rows; i++) s.transaction(() => insert.run('x'.repeat(2000)));
};

describe('background WAL checkpoints', () => {
  it('keeps the WAL bounded from a worker thread, and gives the automatic checkpoint back on stop', async () => {
    const s = store();
    const checkpoints = startBackgroundCheckpoints(s, pino({ level: 'silent' }), 20);
    expect(rawSqlite(s).pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    for (let round = 0; round < 8; round++) {
      fill(s, 400);
      const runs = checkpoints.stats().runs;
      await vi.waitFor(() => expect(checkpoints.stats().runs).toBeGreaterThan(runs + 1), { timeout: 5000, interval: 10 });
    }
    expect(checkpoints.stats().runs).toBeGreaterThan(5);
    expect(rawSqlite(s).prepare('SELECT count(*) AS n FROM filler').get()).toEqual({ n: 3200 });
    // 3,200 commits of a 2 kB row went through, at least one 4 kB page each: without checkpoints
    // the WAL holds all of them (the control); with them it was restarted from its start, so it
    // holds at most the commits of the rounds between two finished checkpoints. Each round waits
    // for two more runs, so that is one or two rounds of eight, whatever the machine's load (a
    // fixed byte bound failed once with the machine at load 10: two rounds landed between runs).
    const control = store();
    rawSqlite(control).pragma('wal_autocheckpoint = 0');
    fill(control, 3200);
    expect(walBytes(control)).toBeGreaterThan(3200 * 4096);
    expect(walBytes(s)).toBeLessThan(walBytes(control) / 3);
    await checkpoints.stop();
    expect(rawSqlite(s).pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
  });

  it('falls back to the automatic checkpoint when the worker dies', async () => {
    const s = store();
    const warnings: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(line) });
    const checkpoints = startBackgroundCheckpoints({ ...s, path: join(s.path, 'not-a-file', 'deskops.db') }, logger, 20);
    await vi.waitFor(() => expect(rawSqlite(s).pragma('wal_autocheckpoint', { simple: true })).toBe(1000), { timeout: 5000, interval: 10 });
    expect(warnings.filter((line) => line.includes('background WAL checkpoints stopped'))).toHaveLength(1);
    await checkpoints.stop();
  });
});
