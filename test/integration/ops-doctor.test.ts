/**
 * `deskops doctor`: a healthy database, a missing and a corrupt one, an outbox nobody delivers,
 * failed job runs, and Slack / Rocket.Chat stand-ins that answer, refuse or are down.
 */
import { mkdtempSync, openSync, rmSync, statSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { runDoctor, formatDoctorReport, doctorExitCode, type DoctorReport } from '../../src/cli/doctor.js';
import { allJobs } from '../../src/jobs/index.js';
import { runJobsOnce } from '../../src/jobs/runs.js';
import { openStore } from '../../src/store/database.js';
import { jobRuns, outbox } from '../../src/store/schema.js';
import { cliSandbox } from '../doubles/cli.js';
import { freePort } from '../doubles/free-port.js';
import { insertRows, updateRows } from '../doubles/db.js';
import { startRocketChatServer } from '../doubles/rocketchat-server.js';
import { startSlackApi } from '../doubles/slack-api.js';
import { rawSqlite } from '../doubles/sqlite.js';

const NOW = new Date('2026-11-23T10:00:00Z');
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'deskops-doctor-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A migrated database whose jobs ran at `NOW`, with one ticket. */
function healthyDatabase(dir: string): string {
  const path = join(dir, 'deskops.db');
  const store = openStore(path);
  try {
    runJobsOnce({ clock: { now: () => NOW }, store, settings: { timeZone: 'UTC', defaultDepartment: 'paid', admins: [], staffRules: [], pageSize: 10 }, logger: pino({ level: 'silent' }) }, allJobs(), NOW);
  } finally {
    store.close();
  }
  return path;
}

function status(report: DoctorReport, name: string) {
  const check = report.checks.find((c) => c.name === name);
  if (!check) throw new Error(`no check ${name}`);
  return check;
}

function addOutboxRow(path: string, row: { key: string; state: 'queued' | 'failed'; nextAttemptAt: Date; createdAt: Date }): void {
  const store = openStore(path, { migrate: false });
  try {
    insertRows(store, outbox, [{ dedupeKey: row.key, channel: 'triage', payload: { title: 'x' }, state: row.state, attempts: 0, nextAttemptAt: row.nextAttemptAt, createdAt: row.createdAt }]);
  } finally {
    store.close();
  }
}

describe('deskops doctor (checks)', () => {
  it('reports a migrated database with recent job runs and no chat as healthy', async () => {
    const dir = tempDir();
    const path = healthyDatabase(dir);
    const report = await runDoctor({ env: { DESKOPS_DB: path }, now: new Date(NOW.getTime() + 60_000) });
    expect(report.checks.filter((c) => c.status !== 'ok' && c.status !== 'skip')).toEqual([]);
    expect(report.verdict).toBe('healthy');
    expect(status(report, 'database').summary).toContain('read-only');
    expect(status(report, 'integrity').status).toBe('ok');
    expect(status(report, 'migrations').summary).toMatch(/^(\d+) of \1 applied/);
    expect(status(report, 'wal').status).toBe('ok');
    expect(status(report, 'slack')).toMatchObject({ status: 'skip' });
    expect(formatDoctorReport(report)).toMatch(/\nVerdict: HEALTHY/);
    expect(doctorExitCode(report, true)).toBe(0);
  });

  it('fails a missing database and a file that is not a database, naming what to do', async () => {
    const dir = tempDir();
    const missing = await runDoctor({ env: { DESKOPS_DB: join(dir, 'nope.db') }, now: NOW });
    expect(status(missing, 'database')).toMatchObject({ status: 'fail' });
    expect(status(missing, 'database').fix).toMatch(/DESKOPS_DB/);
    expect(status(missing, 'integrity').status).toBe('skip');
    expect(doctorExitCode(missing, false)).toBe(1);

    const garbage = join(dir, 'garbage.db');
    writeFileSync(garbage, 'this is not a database at all '.repeat(200));
    const corrupt = await runDoctor({ env: { DESKOPS_DB: garbage }, now: NOW });
    expect(status(corrupt, 'database')).toMatchObject({ status: 'fail' });
    expect(status(corrupt, 'database').summary).toMatch(/not a database/);
    expect(status(corrupt, 'database').fix).toMatch(/backup/);
    expect(corrupt.verdict).toBe('unhealthy');
  });

  it('fails a database whose pages were damaged (integrity_check)', async () => {
    const dir = tempDir();
    const path = healthyDatabase(dir);
    const store = openStore(path, { migrate: false });
    rawSqlite(store).pragma('wal_checkpoint(TRUNCATE)');
    store.close();
    // Scribble over the middle of the file, leaving the header (page 1) intact.
    const size = statSync(path).size;
    const fd = openSync(path, 'r+');
    writeSync(fd, Buffer.alloc(8192, 0x5a), 0, 8192, Math.floor(size / 2 / 4096) * 4096);
    closeSync(fd);
    const report = await runDoctor({ env: { DESKOPS_DB: path }, now: NOW });
    const damaged = report.checks.filter((c) => c.status === 'fail').map((c) => c.name);
    expect(damaged.length).toBeGreaterThan(0);
    expect(damaged.some((name) => ['integrity', 'foreign-keys', 'migrations', 'outbox', 'jobs', 'database'].includes(name))).toBe(true);
    expect(report.verdict).toBe('unhealthy');
  });

  it('warns about an outbox row waiting 10 minutes, fails one waiting 2 hours, and counts failed rows', async () => {
    const dir = tempDir();
    const path = healthyDatabase(dir);
    addOutboxRow(path, { key: 'later', state: 'queued', nextAttemptAt: new Date(NOW.getTime() + 3_600_000), createdAt: NOW });
    const fine = await runDoctor({ env: { DESKOPS_DB: path }, now: NOW });
    expect(status(fine, 'outbox')).toMatchObject({ status: 'ok', summary: 'nothing due; 1 scheduled for later or retrying; 0 failed' });

    addOutboxRow(path, { key: 'ten-minutes', state: 'queued', nextAttemptAt: new Date(NOW.getTime() - 10 * 60_000), createdAt: new Date(NOW.getTime() - 10 * 60_000) });
    const behind = await runDoctor({ env: { DESKOPS_DB: path }, now: NOW });
    expect(status(behind, 'outbox')).toMatchObject({ status: 'warn', summary: '1 due, the oldest waiting 10 min; 1 scheduled for later or retrying; 0 failed' });
    expect(behind.verdict).toBe('degraded');
    expect(doctorExitCode(behind, false)).toBe(0);
    expect(doctorExitCode(behind, true)).toBe(1);

    addOutboxRow(path, { key: 'two-hours', state: 'queued', nextAttemptAt: new Date(NOW.getTime() - 2 * 3_600_000), createdAt: new Date(NOW.getTime() - 2 * 3_600_000) });
    addOutboxRow(path, { key: 'given-up', state: 'failed', nextAttemptAt: NOW, createdAt: NOW });
    const stuck = await runDoctor({ env: { DESKOPS_DB: path }, now: NOW });
    expect(status(stuck, 'outbox')).toMatchObject({ status: 'fail', summary: '2 due, the oldest waiting 2 h; 1 scheduled for later or retrying; 1 failed' });
    expect(status(stuck, 'outbox').fix).toMatch(/deskops start/);
  });

  it('warns when the scheduler has not run for a while, and when a job failed', async () => {
    const dir = tempDir();
    const path = healthyDatabase(dir);
    const stale = await runDoctor({ env: { DESKOPS_DB: path }, now: new Date(NOW.getTime() + 3_600_000) });
    expect(status(stale, 'jobs')).toMatchObject({ status: 'warn' });
    expect(status(stale, 'jobs').summary).toMatch(/last run 1 h ago: the scheduler is not running/);

    const store = openStore(path, { migrate: false });
    updateRows(store, jobRuns, { lastError: 'database is locked' }, eq(jobRuns.job, 'sla-watch'));
    store.close();
    const failed = await runDoctor({ env: { DESKOPS_DB: path }, now: NOW });
    expect(status(failed, 'jobs').summary).toMatch(/last run failed: sla-watch \(sla-watch: database is locked\)/);
  });

  it('checks Slack with auth.test: accepted, refused, and down', async () => {
    const dir = tempDir();
    const path = healthyDatabase(dir);
    const api = await startSlackApi();
    cleanups.push(() => api.close());
    const env = { DESKOPS_DB: path, SLACK_API_URL: api.url, SLACK_BOT_TOKEN: 'xoxb-doctor-token-1', SLACK_SIGNING_SECRET: 'doctor-signing-secret' };
    const up = await runDoctor({ env, now: NOW });
    expect(status(up, 'slack')).toMatchObject({ status: 'ok' });
    expect(status(up, 'slack').summary).toMatch(/bot token accepted \(deskops in Test\)/);
    expect(api.callsTo('auth.test').at(-1)?.token).toBe('xoxb-doctor-token-1');

    api.on('auth.test', () => ({ ok: false, error: 'invalid_auth' }));
    const refused = await runDoctor({ env, now: NOW });
    expect(status(refused, 'slack')).toMatchObject({ status: 'fail', summary: 'auth.test refused: invalid_auth' });
    expect(status(refused, 'slack').fix).toMatch(/SLACK_BOT_TOKEN/);

    const down = await runDoctor({ env: { ...env, SLACK_API_URL: `http://127.0.0.1:${await freePort()}/api/` }, now: NOW, timeoutMs: 2000 });
    expect(status(down, 'slack')).toMatchObject({ status: 'fail' });
    expect(status(down, 'slack').summary).toMatch(/^cannot reach Slack at http:\/\/127\.0\.0\.1:\d+\/api\//);
    for (const report of [up, refused, down]) expect(JSON.stringify(report)).not.toMatch(/xoxb-doctor-token-1|doctor-signing-secret/);
  });

  it('checks Socket Mode with the app-level token too', async () => {
    const dir = tempDir();
    const path = healthyDatabase(dir);
    const api = await startSlackApi();
    cleanups.push(() => api.close());
    api.on('apps.connections.open', (call) => (call.token === 'xapp-1-good-token' ? { ok: true, url: 'ws://127.0.0.1:1/' } : { ok: false, error: 'invalid_auth' }));
    const env = { DESKOPS_DB: path, SLACK_API_URL: api.url, SLACK_BOT_TOKEN: 'xoxb-doctor-token-2' };
    expect(status(await runDoctor({ env: { ...env, SLACK_APP_TOKEN: 'xapp-1-good-token' }, now: NOW }), 'slack').summary).toMatch(/app-level token accepted/);
    const bad = status(await runDoctor({ env: { ...env, SLACK_APP_TOKEN: 'xapp-1-bad-token' }, now: NOW }), 'slack');
    expect(bad).toMatchObject({ status: 'fail' });
    expect(bad.summary).toMatch(/app-level token was refused for Socket Mode: invalid_auth/);
  });

  it('checks Rocket.Chat with a login and /me, by password and by access token', async () => {
    const dir = tempDir();
    const path = healthyDatabase(dir);
    const server = await startRocketChatServer({ password: 'rc-doctor-password', authToken: 'rc-doctor-auth-token' });
    cleanups.push(() => server.close());
    const base = { DESKOPS_DB: path, ROCKETCHAT_URL: server.url, ROCKETCHAT_USER: server.botUsername };
    const byPassword = await runDoctor({ env: { ...base, ROCKETCHAT_PASSWORD: 'rc-doctor-password' }, now: NOW });
    expect(status(byPassword, 'rocketchat')).toMatchObject({ status: 'ok' });
    expect(status(byPassword, 'rocketchat').summary).toMatch(/logged in as deskops \(password\)/);
    const wrong = await runDoctor({ env: { ...base, ROCKETCHAT_PASSWORD: 'not-the-password' }, now: NOW });
    expect(status(wrong, 'rocketchat')).toMatchObject({ status: 'fail' });
    expect(status(wrong, 'rocketchat').summary).toMatch(/login as deskops was refused \(HTTP 401\)/);
    const byToken = await runDoctor({ env: { ...base, ROCKETCHAT_AUTH_TOKEN: 'rc-doctor-auth-token', ROCKETCHAT_USER_ID: server.botId }, now: NOW });
    expect(status(byToken, 'rocketchat').summary).toMatch(/logged in as deskops \(access token\)/);
    const badToken = await runDoctor({ env: { ...base, ROCKETCHAT_AUTH_TOKEN: 'stale-token-xyz', ROCKETCHAT_USER_ID: server.botId }, now: NOW });
    expect(status(badToken, 'rocketchat')).toMatchObject({ status: 'fail' });
    expect(status(badToken, 'rocketchat').fix).toMatch(/ROCKETCHAT_AUTH_TOKEN/);
    for (const report of [byPassword, wrong, byToken, badToken]) expect(JSON.stringify(report)).not.toMatch(/rc-doctor-password|rc-doctor-auth-token|not-the-password|stale-token-xyz/);
  });
});

describe('deskops doctor (the executable)', { timeout: 60_000 }, () => {
  it('prints one line per check and exits 0 on a healthy setup, 1 with --json on a missing database', async () => {
    const sandbox = cliSandbox((cleanup) => cleanups.push(cleanup));
    const api = await startSlackApi();
    cleanups.push(() => api.close());
    const env = { SLACK_API_URL: api.url, SLACK_BOT_TOKEN: 'xoxb-doctor-cli-token', SLACK_SIGNING_SECRET: 'doctor-cli-signing-secret' };
    const tick = await sandbox.deskops(['tick'], { env });
    expect(tick.code).toBe(0);
    const healthy = await sandbox.deskops(['doctor'], { env });
    expect(healthy.stderr).toBe('');
    expect(healthy.code).toBe(0);
    const lines = healthy.stdout.trim().split('\n');
    expect(lines.at(-1)).toBe('Verdict: HEALTHY (every check passed)');
    expect(lines.slice(0, -1).every((line) => /^(ok {2}|warn|FAIL|skip) {2}\S/.test(line))).toBe(true);
    expect(healthy.stdout).toMatch(/^ok {4}slack +bot token accepted/m);
    expect(healthy.stdout).not.toMatch(/xoxb-doctor-cli-token|doctor-cli-signing-secret/);

    const missing = await sandbox.deskops(['doctor', '--json'], { env: { ...env, DESKOPS_DB: join(sandbox.dir, 'elsewhere', 'none.db') } });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('');
    const report = JSON.parse(missing.stdout) as DoctorReport;
    expect(report.verdict).toBe('unhealthy');
    expect(report.checks.find((c) => c.name === 'database')?.status).toBe('fail');
  });
});
