/**
 * The `deskops` commands that work on the SQLite file itself, as real child processes: `deskops
 * migrate` applies SQLite's migrations to it, `deskops backup` copies it with SQLite's online backup
 * (PostgreSQL is migrated by `deskops start` and backed up with pg_dump).
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { cliSandbox } from '../doubles/cli.js';
import { openSqliteFile } from '../doubles/sqlite.js';

/** A temp dir with its own SQLite file (`db`), and `deskops` run there. */
function sandbox(onTestFinished: (cleanup: () => void) => void) {
  const box = cliSandbox(onTestFinished);
  return { ...box, db: box.storage.DESKOPS_DB!, shell: (input: string) => box.deskops(['start'], { input }) };
}

// A process spends about a second loading the sources; on a busy two-core runner a test of several runs needs more than the default timeout.
const PROCESSES = { timeout: 90_000 };

describe.concurrent('deskops migrate', PROCESSES, () => {
  it('applies the migrations once and reports the schema state', async ({ expect, onTestFinished }) => {
    const box = sandbox(onTestFinished);
    const first = await box.deskops(['migrate']);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`Database: ${box.db}`);
    expect(first.stdout).toMatch(/Applied now: 0000_init/);
    const second = await box.deskops(['migrate']);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('No pending migrations.');
  });
});

describe.concurrent('deskops backup', PROCESSES, () => {
  it('writes a consistent copy that passes the integrity check, and refuses to overwrite it without --force', async ({ expect, onTestFinished }) => {
    const box = sandbox(onTestFinished);
    await box.shell('/ticket new "Back me up"\n');
    const target = join(box.dir, 'backups', 'copy.db');
    const result = await box.deskops(['backup', target]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(target);
    expect(result.stdout).toContain(`${statSync(target).size.toLocaleString('en-US')} bytes`);

    const copy = openSqliteFile(target, { readonly: true });
    try {
      expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(copy.prepare('SELECT title FROM tickets').pluck().all()).toEqual(['Back me up']);
    } finally {
      copy.close();
    }

    const again = await box.deskops(['backup', target]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('--force');
    expect((await box.deskops(['backup', target, '--force'])).code).toBe(0);
  });

  it('refuses when there is no database yet', async ({ expect, onTestFinished }) => {
    const box = sandbox(onTestFinished);
    const result = await box.deskops(['backup', join(box.dir, 'copy.db')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('no database');
  });
});

