/**
 * `deskops doctor` promises to change nothing: it opens the database read-only, never otherwise.
 * Here better-sqlite3 is wrapped to record every open and to refuse read-only opens the way SQLite
 * does when it cannot create the -shm beside a WAL database (a folder the doctor's user cannot
 * write): the doctor must then report the database as unreadable with the permission fix, and never
 * fall back to a read-write open. The doctor before issue 10 did exactly that fallback (and advised
 * restoring a backup), which this test catches: the recorded opens would include one without
 * `readonly`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';

const opens: Array<{ path: string; readonly: boolean }> = [];
let refuseReadOnly = false;

vi.mock('better-sqlite3', async (importOriginal) => {
  const real = (await importOriginal<{ default: new (path: string, options?: { readonly?: boolean }) => object }>()).default;
  class Recording extends real {
    constructor(path: string, options?: { readonly?: boolean; fileMustExist?: boolean }) {
      opens.push({ path, readonly: options?.readonly === true });
      if (refuseReadOnly && options?.readonly === true) throw Object.assign(new Error('unable to open database file'), { code: 'SQLITE_CANTOPEN' });
      super(path, options);
    }
  }
  return { default: Recording };
});

const { runDoctor } = await import('../../src/cli/doctor.js');
const { openStore } = await import('../../src/store/database.js');

const dirs: string[] = [];
afterEach(() => {
  refuseReadOnly = false;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('deskops doctor opens the database read-only, never otherwise', () => {
  it('reports a database it cannot open read-only with the permission fix, and never opens it read-write', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deskops-doctor-ro-'));
    dirs.push(dir);
    const path = join(dir, 'deskops.db');
    openStore(path).close();
    opens.length = 0;
    refuseReadOnly = true;
    const report = await runDoctor({ env: { DESKOPS_DB: path } });
    const database = report.checks.find((c) => c.name === 'database')!;
    expect(database.status).toBe('fail');
    expect(database.summary).toContain('cannot open');
    expect(database.fix).toMatch(/run deskops doctor as the user deskops runs as, or let that user read .* and write its folder/);
    expect(database.fix).not.toMatch(/restore/i);
    expect(opens.filter((o) => o.path === path)).not.toHaveLength(0);
    expect(opens.filter((o) => o.path === path && !o.readonly)).toEqual([]);
  });

  it('opens a healthy database read-only and says so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deskops-doctor-ro-'));
    dirs.push(dir);
    const path = join(dir, 'deskops.db');
    openStore(path).close();
    opens.length = 0;
    const report = await runDoctor({ env: { DESKOPS_DB: path } });
    expect(report.checks.find((c) => c.name === 'database')).toMatchObject({ status: 'ok', summary: expect.stringContaining('opened read-only') });
    expect(opens.filter((o) => o.path === path && !o.readonly)).toEqual([]);
  });
});
