/**
 * deskops on PostgreSQL from the command line: with DESKOPS_DATABASE_URL set, `deskops start`
 * (the shell, piped, as operators script it) and `deskops tick` migrate the database, run on it,
 * keep what they did there for the next run, and never create the SQLite file.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { describe, expect, it, onTestFinished } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { startWorkerEngine } from '../../src/engine/worker-engine.js';
import { prepareStorage } from '../../src/store/open.js';
import { openPgStore } from '../../src/store/pg/store.js';
import { pgLeaseLocks } from '../../src/store/pg/lease-locks.js';
import { replyText } from '../doubles/deskops.js';
import { cliSandbox, TROUBLE_ON_STDERR } from '../doubles/cli.js';
import { usePostgres } from '../doubles/postgres.js';

const postgres = usePostgres();
const errors = (stdout: string) => stdout.split(/\n\n(?=\S)/).filter((block) => block.startsWith('✗'));

describe('deskops on PostgreSQL', () => {
  it('runs the piped shell on the database the URL names, and the next run finds what the first did', async () => {
    const url = await postgres.freshDatabase();
    const sandbox = cliSandbox(onTestFinished);
    const env = { DESKOPS_DATABASE_URL: url };
    const first = await sandbox.deskops(['start'], { input: '/ticket new "Printer on fire" priority:high\n/ticket note 1 toner smells burnt\n/ticket list\n', env });
    expect(first.stderr).not.toMatch(TROUBLE_ON_STDERR);
    expect(first.code).toBe(0);
    expect(errors(first.stdout)).toEqual([]);
    expect(first.stdout).toContain('Printer on fire');

    const second = await sandbox.deskops(['start'], { input: '/ticket show 1\n/ticket search toner\n', env });
    expect(second.code).toBe(0);
    expect(errors(second.stdout)).toEqual([]);
    expect(second.stdout).toContain('Printer on fire');
    expect(second.stdout).toContain('toner smells burnt');
    expect(second.stdout).toMatch(/#1\b/);

    const tick = await sandbox.deskops(['tick'], { env });
    expect(tick.stderr).not.toMatch(TROUBLE_ON_STDERR);
    expect(tick.code).toBe(0);
    expect(existsSync(join(sandbox.dir, 'data', 'deskops.db'))).toBe(false);
  }, 60_000);

  it("runs the engine's threads on PostgreSQL: a command on the commands thread, a job run on the background one", async () => {
    const url = await postgres.freshDatabase();
    const config = loadConfig({ DESKOPS_DATABASE_URL: url, DESKOPS_DB: '/nonexistent/deskops.db', DESKOPS_ADMINS: 'shell:lead' });
    await prepareStorage(config);
    const engine = await startWorkerEngine(config, { logger: pino({ level: 'silent' }) });
    try {
      const user = { externalId: 'lead', handle: 'lead' };
      const created = await engine.handle({ platform: 'shell', user, channel: '#helpdesk', thread: null, text: '/ticket new "Engine on PostgreSQL"' });
      expect(replyText(created)).toContain('Engine on PostgreSQL');
      const shown = await engine.handle({ platform: 'shell', user, channel: '#helpdesk', thread: null, text: '/ticket show 1' });
      expect(replyText(shown)).toContain('Engine on PostgreSQL');
      const report = await engine.runJob('sla-watch', new Date());
      expect(report).toMatchObject({ failed: 0 });
      expect(report.error).toBeUndefined();
      expect(engine.state().lanes.map((lane) => lane.state)).toEqual(['ready', 'ready']);
    } finally {
      await engine.close();
    }
  }, 60_000);

  it('migrate applies the PostgreSQL migrations, doctor reports the database, backup points to pg_dump', async () => {
    const url = await postgres.freshDatabase();
    const sandbox = cliSandbox(onTestFinished);
    const env = { DESKOPS_DATABASE_URL: url };
    const databaseCheck = async (environment: Record<string, string>) => {
      const run = await sandbox.deskops(['doctor', '--json', '--timeout', '3000'], { env: environment });
      return (JSON.parse(run.stdout) as { checks: Array<{ name: string; status: string; summary: string }> }).checks.filter((check) => check.name === 'database');
    };
    expect(await databaseCheck(env)).toEqual([expect.objectContaining({ status: 'warn', summary: expect.stringMatching(/0 of \d+ migrations applied/) })]);
    const migrate = await sandbox.deskops(['migrate'], { env });
    expect(migrate.code).toBe(0);
    expect(migrate.stdout).toContain('every migration in migrations/pg is applied');
    expect(await databaseCheck(env)).toEqual([expect.objectContaining({ status: 'ok', summary: expect.stringMatching(/^PostgreSQL \d+.*all \d+ migrations applied/) })]);
    const unreachable = await databaseCheck({ DESKOPS_DATABASE_URL: 'postgres://deskops:s3cret-pass@127.0.0.1:9/deskops' });
    expect(unreachable).toEqual([expect.objectContaining({ status: 'fail' })]);
    expect(JSON.stringify(unreachable)).not.toContain('s3cret-pass');
    const backup = await sandbox.deskops(['backup', 'copy.db'], { env });
    expect(backup.code).toBe(2);
    expect(backup.stderr).toContain('pg_dump');
    expect(existsSync(join(sandbox.dir, 'copy.db'))).toBe(false);
  }, 60_000);

  it('doctor says which replica leads the scheduler, whether its lock is held, and how long due messages wait', async () => {
    const url = await postgres.freshDatabase();
    const sandbox = cliSandbox(onTestFinished);
    const env = { DESKOPS_DATABASE_URL: url };
    const checks = async () => {
      const run = await sandbox.deskops(['doctor', '--json', '--timeout', '3000'], { env });
      return Object.fromEntries((JSON.parse(run.stdout) as { checks: Array<{ name: string; status: string; summary: string }> }).checks.map((check) => [check.name, check]));
    };
    const store = await openPgStore(url);
    onTestFinished(() => store.close());
    expect((await checks()).leader).toMatchObject({ status: 'warn', summary: expect.stringContaining('no replica has ever led the scheduler') });

    // A replica holds the scheduler's lock and has taken turn 1 (as `deskops start` does).
    const locks = pgLeaseLocks(url);
    onTestFinished(() => locks.close());
    expect(await locks.tryHold('scheduler')).toBe(true);
    store.transaction(() => store.leases.takeTurn('scheduler', 'replica-a', new Date()));
    expect((await checks()).leader).toMatchObject({ status: 'ok', summary: expect.stringMatching(/^replica-a leads the scheduler \(turn 1, for 0 min\)$/) });

    // Its session ends: the turn is still recorded, but nobody leads.
    await locks.close();
    expect((await checks()).leader).toMatchObject({ status: 'warn', summary: expect.stringContaining('no replica leads the scheduler now (the last leader was replica-a, turn 1)') });

    expect((await checks()).outbox).toMatchObject({ status: 'ok', summary: 'no message is waiting to be delivered' });
    const longAgo = new Date(Date.now() - 40 * 60_000);
    store.outbox.insertIfNew({ dedupeKey: 'stuck', channel: 'tier:t2', payload: { text: 'x' }, nextAttemptAt: longAgo, createdAt: longAgo, ticketId: null, validWhile: null, mentions: undefined, audience: 'staff' });
    expect((await checks()).outbox).toMatchObject({ status: 'warn', summary: '1 message due, the oldest waiting 40 min' });
  }, 60_000);

  it('refuses a DESKOPS_DATABASE_URL that is not PostgreSQL, naming the variable and what to write', async () => {
    const sandbox = cliSandbox(onTestFinished);
    const run = await sandbox.deskops(['start'], { input: '', env: { DESKOPS_DATABASE_URL: 'mysql://root:hunter22@db/deskops' } });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('DESKOPS_DATABASE_URL');
    expect(run.stderr).toContain('postgres://');
    expect(run.stderr).not.toContain('hunter22');
  });
});
