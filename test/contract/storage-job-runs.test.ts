/**
 * The job-runs repository gives the same answers on SQLite and PostgreSQL (src/store/sqlite/job-runs.ts
 * is the specification; src/store/pg/job-runs.ts the port): the same steps on each engine, the rows
 * read back through each engine's builder.
 */
import { asc } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { pgJobRuns } from '../../src/store/pg/job-runs.js';
import { jobRuns as pgJobRunsTable } from '../../src/store/pg/schema.js';
import { all } from '../../src/store/pg/session.js';
import type { JobRunRepository } from '../../src/store/repositories/job-runs.js';
import { jobRuns } from '../../src/store/schema.js';
import { useStorageEngines } from '../doubles/storage-engines.js';

const engines = useStorageEngines();

const T0 = new Date('2026-03-02T09:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

function steps(repo: JobRunRepository, rows: () => unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  out.cursors = [repo.cursorPosition('followers')];
  repo.moveCursor('followers', 5); // no row yet: nothing
  out.cursors = [...(out.cursors as unknown[]), repo.cursorPosition('followers')];
  repo.startCursor('followers', 10);
  repo.startCursor('followers', 20); // exists: nothing
  out.cursors = [...(out.cursors as unknown[]), repo.cursorPosition('followers')];
  repo.moveCursor('followers', 42);
  out.cursors = [...(out.cursors as unknown[]), repo.cursorPosition('followers'), repo.cursorPosition('other')];

  repo.recordFinish('sweep', at(1), 5, null); // before any start: nothing
  repo.recordStart('sweep', T0);
  out.started = rows();
  repo.recordFinish('sweep', at(1500), 1499.6, null);
  repo.recordStart('sweep', at(60_000));
  repo.recordFinish('sweep', at(61_000), 30 * 24 * 3_600_000 + 0.4, 'boom');
  repo.recordStart('digest', at(5));
  out.rows = rows();
  return out;
}

describe('the job-runs repository on SQLite and PostgreSQL', () => {
  it('answers the same to the same steps', async () => {
    const { sqliteStore, pgStore } = await engines.open();
    const onSqlite = steps(sqliteStore.jobRuns, () => sqliteStore.db.select().from(jobRuns).orderBy(asc(jobRuns.job)).all());
    const onPg = steps(pgJobRuns(pgStore), () => all(pgStore.db.select().from(pgJobRunsTable).orderBy(asc(pgJobRunsTable.job))));
    expect(onPg).toEqual(onSqlite);

    expect(onSqlite.cursors).toEqual([undefined, undefined, 10, 42, undefined]);
    expect(onSqlite.started).toEqual([{ job: 'sweep', lastStartedAt: T0, lastFinishedAt: null, lastDurationMs: null, lastError: null, runs: 0 }]);
    expect(onSqlite.rows).toEqual([
      { job: 'digest', lastStartedAt: at(5), lastFinishedAt: null, lastDurationMs: null, lastError: null, runs: 0 },
      // A duration past 24.8 days: beyond a 32-bit integer, kept whole on both.
      { job: 'sweep', lastStartedAt: at(60_000), lastFinishedAt: at(61_000), lastDurationMs: 30 * 24 * 3_600_000, lastError: 'boom', runs: 2 },
    ]);
  });
});
