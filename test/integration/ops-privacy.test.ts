/**
 * What an operator's machine keeps and shows (issue 10): the database and backups readable by
 * their owner only (0600, whatever the umask), doctor's file-mode warning and its permission fix
 * (not "restore a backup") when it cannot read the database, the people no rule covers after an
 * upgrade, credentials in ROCKETCHAT_URL refused with the value masked (loadConfig, `deskops start`
 * and `deskops doctor`), and command replies kept only as long as a retry needs them.
 *
 * Each check fails on the code before issue 10: SQLite creates files 0644 under the usual umask,
 * the doctor advised restoring a backup for any open failure, the URL was accepted and printed,
 * and every reply (reads included) was kept forever.
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { backupDatabase } from '../../src/cli/backup.js';
import { runDoctor, type DoctorReport } from '../../src/cli/doctor.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import { pruneRequestsJob, REQUEST_RECORD_TTL_MS } from '../../src/jobs/prune-requests.js';
import { openStore } from '../../src/store/database.js';
import { handledInvocations, teamSettings } from '../../src/store/schema.js';
import { cliSandbox, ROOT } from '../doubles/cli.js';
import { countRows, insertRows, selectFields } from '../doubles/db.js';
import { createTestDesk, slackMember } from '../doubles/deskops.js';
import { sqliteAtMigration } from '../doubles/sqlite.js';
import { snapshotStore, storeChanges } from '../doubles/store-snapshot.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'deskops-privacy-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const mode = (path: string) => statSync(path).mode & 0o777;

function check(report: DoctorReport, name: string) {
  const found = report.checks.find((c) => c.name === name);
  if (!found) throw new Error(`no check ${name}`);
  return found;
}

/** Runs `fn` with the process umask set to `mask` (000: the mode comes from deskops alone). */
function withUmask<T>(mask: number, fn: () => T): T {
  const before = process.umask(mask);
  try {
    return fn();
  } finally {
    process.umask(before);
  }
}

describe('files readable by their owner only', () => {
  it('creates the database, its WAL files and its folder for the owner alone, even with umask 000', () => {
    const dir = tempDir();
    const path = join(dir, 'data', 'deskops.db');
    const store = withUmask(0o000, () => openStore(path));
    try {
      insertRows(store, teamSettings, [{ key: 'x', value: 1, updatedAt: new Date(0) }]);
      expect(mode(path)).toBe(0o600);
      for (const file of [`${path}-wal`, `${path}-shm`]) if (existsSync(file)) expect(mode(file), file).toBe(0o600);
      expect(mode(join(dir, 'data'))).toBe(0o700);
    } finally {
      store.close();
    }
    // An existing file keeps the mode its owner gave it.
    chmodSync(path, 0o640);
    openStore(path).close();
    expect(mode(path)).toBe(0o640);
  });

  it('writes backups 0600, even with umask 000', async () => {
    const dir = tempDir();
    const path = join(dir, 'deskops.db');
    openStore(path).close();
    const target = join(dir, 'backups', 'nightly.db');
    await withUmask(0o000, () => backupDatabase({ dbPath: path, target, force: false }));
    expect(existsSync(target)).toBe(true);
    expect(mode(target)).toBe(0o600);
  });
});

describe('deskops doctor and file permissions', () => {
  it('warns about a database other users can read, with the chmod to type', async () => {
    const dir = tempDir();
    const path = join(dir, 'deskops.db');
    openStore(path).close();
    chmodSync(path, 0o644);
    const report = await runDoctor({ env: { DESKOPS_DB: path } });
    expect(check(report, 'file-mode')).toMatchObject({ status: 'warn' });
    expect(check(report, 'file-mode').fix).toMatch(new RegExp(`^chmod 600 ${path}( |$)`));
    // The fix as typed: the database and its -wal/-shm (SQLite gives them the database's mode).
    for (const file of [path, `${path}-wal`, `${path}-shm`]) if (existsSync(file)) chmodSync(file, 0o600);
    expect(check(await runDoctor({ env: { DESKOPS_DB: path } }), 'file-mode').status).toBe('ok');
  });

  it.runIf(process.getuid?.() === 0)('run as a user who cannot read the database: the permission fix, not "restore a backup", and nothing written', async () => {
    const dir = tempDir();
    chmodSync(dir, 0o755);
    const path = join(dir, 'deskops.db');
    openStore(path).close();
    chmodSync(path, 0o600);
    const before = readFileSync(path);
    // Root reads through any mode bits: the doctor runs as nobody, as a second operator account would.
    const result = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      const child = spawn(process.execPath, [join(ROOT, 'bin', 'deskops.js'), 'doctor', '--json'], { cwd: dir, env: { PATH: process.env.PATH ?? '', HOME: dir, DESKOPS_DB: path }, uid: 65534, gid: 65534, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      child.on('close', (code) => resolve({ code, stdout }));
    });
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as DoctorReport;
    const database = check(report, 'database');
    expect(database.status).toBe('fail');
    expect(database.summary).toContain('read-only');
    expect(database.fix).toMatch(/run deskops doctor as the user deskops runs as/);
    expect(database.fix).not.toMatch(/restore/i);
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(existsSync(`${path}-wal`)).toBe(false);
  }, 30_000);
});

describe('moving an existing install', () => {
  /** A database as deskops left it before issue 10 (migrations up to 0005), with three agents. */
  function oldInstall(): string {
    const dir = tempDir();
    const path = join(dir, 'deskops.db');
    // The schema of migration 0005 (no is_staff, no staff_grant): the current one cannot write it.
    const sqlite = sqliteAtMigration(path, join(ROOT, 'migrations'), dir, 5);
    const person = sqlite.prepare("INSERT INTO people (display_name, role, created_at) VALUES (?, 'agent', 0) RETURNING id");
    const identity = sqlite.prepare('INSERT INTO identities (platform, external_id, handle, person_id) VALUES (?, ?, ?, ?)');
    for (const [platform, id, handle] of [['slack', 'U0AMY', 'amy'], ['slack', 'U0CONNECT', 'connie'], ['rocketchat', 'rcSomeoneRegister', 'randomuser'], ['shell', 'ops', 'ops']] as const) {
      identity.run(platform, id, handle, (person.get(handle) as { id: number }).id);
    }
    sqlite.close();
    return path;
  }

  it('keeps everyone marked staff until their next command; doctor lists who no rule, admin entry or /people add covers', async () => {
    const path = oldInstall();
    const env = { DESKOPS_DB: path, DESKOPS_STAFF: 'slack:team:T1', DESKOPS_ADMINS: 'shell:ops' };
    openStore(path).close();
    const people = check(await runDoctor({ env }), 'people');
    expect(people.status).toBe('warn');
    expect(people.summary).toContain('@randomuser (rocketchat)');
    expect(people.summary).not.toMatch(/@amy|@connie|@ops/);
    expect(people.summary).toMatch(/2 more stay staff only while their DESKOPS_STAFF rule covers them/);
    expect(people.fix).toMatch(/\/people add @user agent\|lead\|admin/);

    // Their next command decides: Amy is a full member of T1, Connie is not.
    const desk = createTestDesk({ env: { ...env } });
    cleanups.push(() => desk.dispose());
    const amy = desk.router.handle({ platform: 'slack', user: slackMember('U0AMY', 'amy'), channel: 'C0HELP', thread: null, text: 'whoami' });
    expect(amy.fields?.find((f) => f.label === 'Role')?.value).toBe('agent');
    const connie = desk.router.handle({ platform: 'slack', user: { ...slackMember('U0CONNECT', 'connie'), facts: { ...slackMember('x').facts!, teamId: 'T0OTHER' } as never }, channel: 'C0HELP', thread: null, text: 'whoami' });
    expect(connie.title).toMatch(/^deskops commands are for the support team/);
  });
});

describe('credentials in ROCKETCHAT_URL', () => {
  const URLS = [
    ['a password', 'https://deskops-bot:S3cretPassw0rd@chat.example.com', 'S3cretPassw0rd'],
    ['a token in the query', 'https://chat.example.com/?access_token=tok-9f8e7d6c5b4a', 'tok-9f8e7d6c5b4a'],
  ] as const;

  it.each(URLS)('refuses %s at start-up, naming the variable and masking the value', (_what, url, secret) => {
    let error: unknown;
    try {
      loadConfig({ DESKOPS_DB: ':memory:', ROCKETCHAT_URL: url, ROCKETCHAT_USER: 'deskops-bot', ROCKETCHAT_PASSWORD: 'pw-long-enough' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain('ROCKETCHAT_URL');
    expect(message).toContain('***');
    expect(message).not.toContain(secret);
  });

  it('`deskops start` stops with the masked message; `deskops doctor` reports it the same way', async ({ onTestFinished }) => {
    const sandbox = cliSandbox(onTestFinished);
    const [, url, secret] = URLS[0];
    const env = { ROCKETCHAT_URL: url, ROCKETCHAT_USER: 'deskops-bot', ROCKETCHAT_PASSWORD: 'pw-long-enough', DESKOPS_LOG_LEVEL: 'trace' };
    const start = await sandbox.deskops(['start'], { env });
    expect(start.code).not.toBe(0);
    expect(start.stderr).toContain('ROCKETCHAT_URL');
    expect(start.stdout + start.stderr).not.toContain(secret);
    const doctor = await sandbox.deskops(['doctor'], { env });
    expect(doctor.code).toBe(1);
    expect(doctor.stdout).toMatch(/FAIL\s+config/);
    expect(doctor.stdout + doctor.stderr).not.toContain(secret);
  }, 60_000);
});

describe('command replies kept for retries only', () => {
  it('keeps no reply of a read, keeps a change for a retry, and the prune job forgets it after a day', async () => {
    const desk = createTestDesk();
    cleanups.push(() => desk.dispose());
    const stored = () => countRows(desk.app.store, handledInvocations);
    desk.run('/ticket new "Login fails"');
    desk.run('/oncall contacts set phone +49 30 5550199');
    desk.run('/ticket note 1 internal: account 99812');
    const before = stored();
    for (const [key, line] of [['k-show', '/ticket show 1'], ['k-list', '/ticket list'], ['k-contacts', '/oncall contacts @lead'], ['k-search', '/ticket search login']] as const) {
      desk.run(line, 'lead', { idempotencyKey: key });
    }
    expect(stored()).toBe(before);
    const first = desk.run('/ticket note 1 second note', 'lead', { idempotencyKey: 'k-note' });
    expect(stored()).toBe(before + 1);
    expect(desk.run('/ticket note 1 second note', 'lead', { idempotencyKey: 'k-note' })).toEqual(first);

    // A day later the record goes; a newer one stays.
    desk.clock.set(new Date(desk.clock.now().getTime() + REQUEST_RECORD_TTL_MS - 60_000));
    desk.run('/ticket note 1 third note', 'lead', { idempotencyKey: 'k-note-later' });
    desk.clock.set(new Date(desk.clock.now().getTime() + 120_000));
    const ctx = { ...desk.app, logger: pino({ level: 'silent' }) };
    const report = await pruneRequestsJob.run(ctx, desk.clock.now());
    expect(report.processed).toBe(1);
    const keys = selectFields(desk.app.store, handledInvocations, { key: handledInvocations.key }).map((r) => r.key);
    expect(keys).toEqual(['k-note-later']);
  });

  it('every command marked read-only changes nothing at all (so neither its reply nor an early ack can lose anything)', () => {
    const desk = createTestDesk();
    cleanups.push(() => desk.dispose());
    for (const line of ['/ticket new "Login fails" priority:high', '/ticket note 1 internal: account 99812', '/oncall rotation set @lead', '/oncall contacts set phone +49 30 5550199', '/known-issue new "Login loop"', '/escalate 1 to:oncall Checkout down', '/guard log loop check the export', '/macro new fr1 Thanks {requester.name}']) {
      expect(desk.run(line).tone, line).not.toBe('error');
    }
    desk.clock.set(new Date(desk.clock.now().getTime() + 3 * 3600_000));
    let tried = 0;
    for (const definition of desk.registry.all().filter((d) => d.readsOnly)) {
      for (const line of [definition.path.join(' '), ...(definition.examples ?? []).map((e) => e.replace(/\b42\b/g, '1'))]) {
        const before = snapshotStore(desk.app);
        desk.run(line, 'lead', { idempotencyKey: `ro:${line}` });
        const changes = storeChanges(before, snapshotStore(desk.app));
        expect([...changes.keys()], line).toEqual([]);
        tried++;
      }
    }
    expect(tried).toBeGreaterThan(40);
  });

  it('prunes a large backlog in batches, all of it', async () => {
    const desk = createTestDesk();
    cleanups.push(() => desk.dispose());
    const old = new Date(desk.clock.now().getTime() - 2 * REQUEST_RECORD_TTL_MS);
    insertRows(desk.app.store, handledInvocations, Array.from({ length: 12_345 }, (_, i) => ({ key: `old-${i}`, reply: { title: 'x' }, at: old })));
    const report = await pruneRequestsJob.run({ ...desk.app, logger: pino({ level: 'silent' }) }, desk.clock.now());
    expect(report.processed).toBe(12_345);
    expect(countRows(desk.app.store, handledInvocations)).toBe(0);
  });
});
