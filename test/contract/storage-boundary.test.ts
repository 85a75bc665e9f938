/**
 * The transaction boundary holds the same promises on both engines (storage.ts): a transaction
 * commits whole or not at all, a nested one fails alone, and a read inside a transaction sees its
 * writes.
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { tags } from '../../src/store/schema.js';
import type { TransactionBoundary } from '../../src/store/storage.js';
import { insertRows, storedRows } from '../doubles/db.js';
import { useStorageEngines } from '../doubles/storage-engines.js';

const engines = useStorageEngines();

/** Runs the same steps on a boundary; `write` adds a marker row, `count` counts them (each engine's own SQL). */
function steps(boundary: TransactionBoundary, write: (name: string) => void, count: () => number): number[] {
  const seen: number[] = [];
  boundary.transaction(() => write('kept'));
  try {
    boundary.transaction(() => {
      write('undone');
      throw new Error('refused');
    });
  } catch {
    // expected
  }
  boundary.transaction(() => {
    write('outer');
    try {
      boundary.transaction(() => {
        write('inner');
        throw new Error('inner refused');
      });
    } catch {
      // expected
    }
    seen.push(boundary.read(() => count()));
  });
  seen.push(boundary.read(() => count()));
  return seen;
}

describe('the transaction boundary on SQLite and PostgreSQL', () => {
  it('commits whole, rolls back whole, nests as savepoints, and reads its own writes', async () => {
    const { sqliteStore, pgStore } = await engines.open();
    const onSqlite = steps(
      sqliteStore,
      (name) => insertRows(sqliteStore, tags, [{ family: 'contract', name, slug: name }]),
      () => storedRows(sqliteStore, tags, [tags.id], eq(tags.family, 'contract')).length,
    );
    const onPg = steps(
      pgStore,
      (name) => pgStore.bridge.query('INSERT INTO tags (family, name, slug) VALUES ($1, $2, $3)', ['contract', name, name]),
      () => Number((pgStore.bridge.query("SELECT count(*) AS n FROM tags WHERE family = 'contract'").rows[0] as { n: string }).n),
    );
    expect(onSqlite).toEqual([2, 2]);
    expect(onPg).toEqual(onSqlite);
  });
});
