/**
 * Backup and restore: `deskops backup` taken while another process keeps writing tickets gives a
 * file that passes PRAGMA integrity_check, that the real executable runs on as DESKOPS_DB, and
 * whose tickets read back whole (a consistent snapshot: numbers 1..n with no gap).
 */
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { SettableClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config.js';
import { createDeskops } from '../../src/main.js';
import { cliSandbox } from '../doubles/cli.js';
import { openSqliteFile } from '../doubles/sqlite.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('backup and restore', { timeout: 60_000 }, () => {
  it('restores a backup taken while tickets are being written, and the executable reads them back', async () => {
    const box = cliSandbox((cleanup) => cleanups.push(cleanup));
    const db = join(box.dir, 'data', 'deskops.db');
    const seeded = await box.deskops(['shell'], { input: ['/ticket new "Login fails after SSO change" priority:high', '/ticket new "Invoice shows the wrong VAT"', ''].join('\n') });
    expect(seeded.code).toBe(0);

    // Another process's worth of writes: a second connection opening a ticket every few ms, as the bot would.
    const writer = createDeskops(loadConfig({ DESKOPS_DB: db, DESKOPS_ADMINS: 'shell:lead' }), { logger: pino({ level: 'silent' }), clock: new SettableClock() });
    cleanups.push(() => writer.close());
    let written = 0;
    const timer = setInterval(() => {
      const reply = writer.router.handle({ platform: 'shell', user: { externalId: 'lead', handle: 'lead' }, channel: '#helpdesk', thread: null, text: `ticket new "Written during the backup ${++written}"` });
      if (reply.tone === 'error') throw new Error(JSON.stringify(reply));
    }, 10);
    cleanups.push(() => clearInterval(timer));

    const target = join(box.dir, 'backups', 'deskops-backup.db');
    const backup = await box.deskops(['backup', target]);
    clearInterval(timer);
    expect(backup.stderr).toBe('');
    expect(backup.code).toBe(0);
    expect(written).toBeGreaterThan(0);

    // The file on its own: integrity, and a snapshot with no hole in the ticket numbers.
    const copy = openSqliteFile(target, { readonly: true });
    try {
      expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(copy.pragma('foreign_key_check')).toEqual([]);
      const ids = (copy.prepare('SELECT id FROM tickets ORDER BY id').all() as { id: number }[]).map((row) => row.id);
      expect(ids.length).toBeGreaterThanOrEqual(2);
      expect(ids).toEqual(Array.from({ length: ids.length }, (_, index) => index + 1));
    } finally {
      copy.close();
    }

    // Restored: the real executable on the backup as DESKOPS_DB reads the tickets back.
    const restored = await box.deskops(['shell'], { env: { DESKOPS_DB: target }, input: '/ticket show 1\n/ticket show 2\n/ticket list status:all\n' });
    expect(restored.code).toBe(0);
    expect(restored.stdout).toContain('Login fails after SSO change');
    expect(restored.stdout).toContain('Invoice shows the wrong VAT');
    const doctor = await box.deskops(['doctor', '--json'], { env: { DESKOPS_DB: target } });
    const report = JSON.parse(doctor.stdout) as { checks: { name: string; status: string }[] };
    for (const name of ['database', 'integrity', 'foreign-keys', 'migrations', 'wal']) expect(report.checks.find((check) => check.name === name)?.status).toBe('ok');
  });
});
