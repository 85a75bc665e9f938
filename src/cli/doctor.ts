/**
 * `deskops doctor`: checks what an operator would check by hand (configuration, the database
 * file, the outbox backlog, the scheduler's last runs, whether Slack and Rocket.Chat accept our
 * credentials, whether the IMAP and SMTP servers of email answer and accept the login) and prints one line per check with what to do, then a verdict. Read-only: the
 * database is opened read-only, never otherwise, and nothing is migrated or written.
 *
 * Exit codes: 0 healthy (warnings allowed unless --strict), 1 at least one failure (or a warning
 * with --strict). Secrets never appear in the output: only whether they are set and accepted.
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError, isTimeZone, loadConfig, maskUrl, type Config } from '../config.js';
import { hasRuleFor, isListedAdmin } from '../domain/access.js';
import { openForInspection, type DatabaseInspection } from '../store/doctor.js';
import { readJournal } from '../store/migrations.js';
import { HEALTH_OUTBOX_STALE_MS } from '../adapters/health.js';
import { LEADER_LEASE } from '../replicas/names.js';

export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip';

export interface Check {
  /** Short stable name: config, timezone, database, file-mode, integrity, foreign-keys, migrations, wal, outbox, jobs, people, leader (PostgreSQL), slack, rocketchat, imap, smtp. */
  name: string;
  status: CheckStatus;
  /** What was found. */
  summary: string;
  /** What to do about it (warn and fail). */
  fix?: string;
}

export type Verdict = 'healthy' | 'degraded' | 'unhealthy';

export interface DoctorReport {
  verdict: Verdict;
  checks: Check[];
}

export interface DoctorOptions {
  /** The environment (process.env after .env by default). */
  env?: Record<string, string | undefined>;
  now?: Date;
  /** Longest wait for one chat API call. */
  timeoutMs?: number;
}

/** A due outbox row waiting longer than this means delivery is not running (the worker runs every 15 s). */
export const OUTBOX_WARN_MS = 5 * 60_000;
export const OUTBOX_FAIL_MS = 60 * 60_000;
/** No job started for this long: the scheduler is not running. */
export const JOBS_STALE_MS = 15 * 60_000;
/** A run started this long ago and not finished: it crashed or hangs. */
export const JOB_STUCK_MS = 10 * 60_000;
export const DEFAULT_TIMEOUT_MS = 5_000;

const ok = (name: string, summary: string): Check => ({ name, status: 'ok', summary });
const warn = (name: string, summary: string, fix: string): Check => ({ name, status: 'warn', summary, fix });
const fail = (name: string, summary: string, fix: string): Check => ({ name, status: 'fail', summary, fix });
const skip = (name: string, summary: string): Check => ({ name, status: 'skip', summary });

function errorText(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as Error & { cause?: unknown }).cause;
    return cause instanceof Error ? `${error.message} (${cause.message})` : error.message;
  }
  return String(error);
}

/** "3 min", "2 h 5 min", "4 d 1 h". */
export function formatAge(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  if (minutes < 1) return `${Math.max(0, Math.round(ms / 1000))} s`;
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  const days = Math.floor(hours / 24);
  return hours % 24 === 0 ? `${days} d` : `${days} d ${hours % 24} h`;
}

// ---------------------------------------------------------------- configuration

function checkConfig(env: Record<string, string | undefined>): { check: Check; config?: Config } {
  try {
    const config = loadConfig(env);
    const chats: string[] = [];
    if (config.slack) chats.push(`Slack (${config.slack.mode === 'socket' ? 'Socket Mode' : 'HTTP mode'})`);
    if (config.rocketChat) chats.push(`Rocket.Chat (${config.rocketChat.password ? 'password login' : 'access token'})`);
    if (config.email) chats.push(`email (${[config.email.imap ? 'IMAP' : '', config.email.listen ? `SMTP listener on ${config.email.listen.host}:${config.email.listen.port}` : '', config.email.smtpUrl ? 'SMTP out' : ''].filter(Boolean).join(', ')})`);
    const chat = chats.length > 0 ? `${chats.join(' and ')} configured` : 'no chat configured (deskops start opens the shell)';
    const webhook = config.pageWebhookUrl ? '; page webhook set' : '';
    return { check: ok('config', `${chat}${webhook}; log level ${config.logLevel}`), config };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return { check: fail('config', `invalid: ${error.problems.join('; ')}`, 'fix the variable named (see .env.example), then run deskops doctor again') };
  }
}

// ---------------------------------------------------------------- database

/** What to do when the database cannot be opened: permissions are fixed, damage is restored. */
function openFailureFix(path: string, error: unknown): string {
  const text = errorText(error);
  const code = (error as { code?: unknown }).code;
  if (/not a database|malformed|corrupt/i.test(text) || code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB') {
    return 'stop deskops and restore the latest backup (see "Backup and restore" in the README); keep the damaged file for inspection';
  }
  if (code === 'EACCES' || /permission|unable to open|readonly|read-only|SQLITE_CANTOPEN|SQLITE_PERM|SQLITE_READONLY/i.test(`${text} ${String(code)}`)) {
    return `run deskops doctor as the user deskops runs as, or let that user read ${path} and write its folder (a WAL database needs ${path}-shm): check the owner and mode with ls -l (600, owned by deskops' user, is right)`;
  }
  return 'check the path, the disk and the file permissions; the log of deskops start says more';
}

/** World- or group-readable database files (created 0600 by deskops; older installs may be 0644). */
function checkFileMode(path: string): Check {
  const exposed = [path, `${path}-wal`, `${path}-shm`].filter((file) => existsSync(file) && (statSync(file).mode & 0o077) !== 0);
  if (exposed.length === 0) return ok('file-mode', `${path} readable by its owner only`);
  return warn('file-mode', `${exposed.join(', ')} can be read by other users of this machine (tickets, notes, contacts)`, `chmod 600 ${exposed.join(' ')}`);
}

/**
 * People marked staff whom neither DESKOPS_ADMINS, a /people add nor a DESKOPS_STAFF rule of their
 * platform covers: after an upgrade from a version where everyone was an agent, they become
 * requesters at their next command.
 */
function checkPeople(db: DatabaseInspection, config: Config | undefined): Check {
  if (!config) return skip('people', 'configuration invalid');
  const rows = db.staffWithoutGrant();
  const uncovered = rows.filter((row) => row.platform !== 'shell' && !hasRuleFor(config.settings.staffRules, row.platform) && !isListedAdmin(config.settings.admins, row.platform, row.externalId));
  const ruled = rows.filter((row) => row.platform !== 'shell' && hasRuleFor(config.settings.staffRules, row.platform) && !isListedAdmin(config.settings.admins, row.platform, row.externalId));
  const note = ruled.length > 0 ? `; ${ruled.length} more stay staff only while their DESKOPS_STAFF rule covers them` : '';
  if (uncovered.length === 0) return ok('people', `every staff member is covered by DESKOPS_ADMINS, /people add or a rule${note}`);
  const names = [...new Set(uncovered.map((row) => `@${row.handle} (${row.platform})`))];
  return warn(
    'people',
    `${names.length} marked staff but covered by no rule, admin entry or /people add: ${names.slice(0, 20).join(', ')}${names.length > 20 ? ', …' : ''}; they become requesters at their next command${note}`,
    'keep each one who is staff with /people add @user agent|lead|admin, or set DESKOPS_STAFF (see "Who can do what" in the README)',
  );
}

function checkTimeZone(config: Config | undefined, db: DatabaseInspection | undefined): Check {
  const configured = config?.settings.timeZone;
  let stored: string | undefined;
  try {
    const value = db?.teamCalendarSetting();
    const parsed = value !== undefined ? (JSON.parse(value) as { timeZone?: unknown }) : undefined;
    if (typeof parsed?.timeZone === 'string') stored = parsed.timeZone;
  } catch {
    // No table or an unreadable row: the database checks report that.
  }
  if (stored !== undefined) {
    if (!isTimeZone(stored)) return fail('timezone', `the team zone set with /calendar zone ("${stored}") is not a time zone this Node.js knows`, 'set it again with /calendar zone <IANA zone>, or update Node.js (its ICU time zone data)');
    return ok('timezone', `${stored} (set with /calendar zone; DESKOPS_TIMEZONE is ${configured ?? 'unreadable'})`);
  }
  if (configured === undefined) return skip('timezone', 'configuration invalid');
  return ok('timezone', `${configured} (DESKOPS_TIMEZONE)`);
}

function checkIntegrity(db: DatabaseInspection): Check {
  const problems = db.integrityCheck().filter((line) => line !== 'ok');
  if (problems.length === 0) return ok('integrity', 'PRAGMA integrity_check: ok');
  return fail(
    'integrity',
    `PRAGMA integrity_check found ${problems.length} problem${problems.length === 1 ? '' : 's'}: ${problems.slice(0, 3).join('; ')}`,
    'stop deskops and restore the latest backup (see "Backup and restore" in the README); keep the damaged file for inspection',
  );
}

function checkForeignKeys(db: DatabaseInspection): Check {
  const rows = db.danglingReferenceTables();
  if (rows.length === 0) return ok('foreign-keys', 'PRAGMA foreign_key_check: no dangling references');
  const tables = [...new Set(rows)];
  return fail('foreign-keys', `${rows.length} row${rows.length === 1 ? '' : 's'} point at rows that do not exist (tables ${tables.join(', ')})`, 'restore the latest backup, or fix the rows with sqlite3 (PRAGMA foreign_key_check lists them)');
}

function checkMigrations(db: DatabaseInspection): Check {
  const journal = readJournal();
  const applied = db.appliedMigrations(journal);
  if (applied.length === 0) return fail('migrations', 'no deskops migrations applied: this is not a deskops database, or it was never set up', 'check DESKOPS_DB; run deskops migrate to set up a new database');
  const unknown = applied.filter((tag) => tag.startsWith('unknown'));
  if (unknown.length > 0) return warn('migrations', `${unknown.length} migration${unknown.length === 1 ? '' : 's'} this version does not know: the database was upgraded by a newer deskops`, 'run the newer deskops, or restore a backup made before the upgrade');
  const pending = journal.map((entry) => entry.tag).filter((tag) => !applied.includes(tag));
  if (pending.length > 0) return warn('migrations', `${applied.length} of ${journal.length} applied; pending: ${pending.join(', ')}`, 'run deskops migrate (deskops start applies them too)');
  return ok('migrations', `${applied.length} of ${journal.length} applied (latest ${applied.at(-1)})`);
}

function checkWal(db: DatabaseInspection): Check {
  const mode = db.journalMode();
  if (mode.toLowerCase() === 'wal') return ok('wal', 'journal_mode is WAL');
  return warn('wal', `journal_mode is ${mode}, not WAL: the shell and the bot would block each other`, 'run deskops migrate or start deskops once; it switches the database to WAL');
}

function checkOutbox(db: DatabaseInspection, now: Date): Check {
  const at = now.getTime();
  const backlog = db.outboxBacklog(now);
  const waiting = backlog.oldestDueAt === null ? 0 : at - backlog.oldestDueAt;
  const parts = [
    backlog.due === 0 ? 'nothing due' : `${backlog.due} due, the oldest waiting ${formatAge(waiting)}`,
    `${backlog.later} scheduled for later or retrying`,
    `${backlog.failed} failed`,
  ];
  const summary = parts.join('; ');
  if (backlog.due > 0 && waiting >= OUTBOX_FAIL_MS) return fail('outbox', summary, 'nothing delivers the outbox: start deskops (deskops start) and check its log for delivery errors');
  if (backlog.due > 0 && waiting >= OUTBOX_WARN_MS) return warn('outbox', summary, 'delivery is behind or not running: is deskops start running? its log says why posts fail');
  if (backlog.failed > 0) return warn('outbox', summary, "some messages were given up on: SELECT id, channel, last_error FROM outbox WHERE state = 'failed' says why (a channel not mapped, the bot not in it)");
  return ok('outbox', summary);
}

function checkJobs(db: DatabaseInspection, now: Date): Check {
  const rows = db.jobRuns();
  if (rows.length === 0) return warn('jobs', 'no scheduled job has run on this database yet', 'start deskops (deskops start) so the scheduler runs, or run deskops tick once');
  const at = now.getTime();
  const latest = Math.max(...rows.map((row) => row.lastStartedAt ?? 0));
  const errors = rows.filter((row) => row.lastError !== null);
  const stuck = rows.filter((row) => row.lastStartedAt !== null && (row.lastFinishedAt === null || row.lastFinishedAt < row.lastStartedAt) && at - row.lastStartedAt > JOB_STUCK_MS);
  const summary = `${rows.length} jobs, last run ${formatAge(at - latest)} ago`;
  if (errors.length > 0) {
    const first = errors[0]!;
    return warn('jobs', `${summary}; last run failed: ${errors.map((row) => row.job).join(', ')} (${first.job}: ${first.lastError!.slice(0, 120)})`, 'the log has the details (search for the job name); the job runs again on its schedule');
  }
  if (stuck.length > 0) return warn('jobs', `${summary}; started and never finished: ${stuck.map((row) => row.job).join(', ')}`, 'the process died or hangs mid-run: check that deskops is running and its log');
  if (at - latest > JOBS_STALE_MS) return warn('jobs', `${summary}: the scheduler is not running`, 'start deskops (deskops start); jobs catch up by themselves when it starts');
  return ok('jobs', summary);
}

function databaseChecks(dbPath: string, config: Config | undefined, now: Date): Check[] {
  const dependent = ['file-mode', 'integrity', 'foreign-keys', 'migrations', 'wal', 'outbox', 'jobs', 'people'];
  const skipped = (why: string) => dependent.map((name) => skip(name, why));
  if (dbPath === ':memory:') return [checkTimeZone(config, undefined), skip('database', 'DESKOPS_DB is :memory: (nothing to check)'), ...skipped('in-memory database')];
  const path = resolve(dbPath);
  if (!existsSync(path)) {
    return [checkTimeZone(config, undefined), fail('database', `no database at ${path}`, 'check DESKOPS_DB and the working directory; deskops migrate (or deskops start) creates a new one; restore a backup if it was lost'), ...skipped('no database')];
  }
  let db: DatabaseInspection;
  try {
    db = openForInspection(path);
  } catch (error) {
    return [checkTimeZone(config, undefined), fail('database', `cannot open ${path} read-only: ${errorText(error)}`, openFailureFix(path, error)), ...skipped('database unreadable')];
  }
  try {
    const checks: Check[] = [checkTimeZone(config, db), ok('database', `${path} (${statSync(path).size.toLocaleString('en-US')} bytes), opened read-only`), checkFileMode(path)];
    for (const [name, check] of [
      ['integrity', () => checkIntegrity(db)],
      ['foreign-keys', () => checkForeignKeys(db)],
      ['migrations', () => checkMigrations(db)],
      ['wal', () => checkWal(db)],
      ['outbox', () => checkOutbox(db, now)],
      ['jobs', () => checkJobs(db, now)],
      ['people', () => checkPeople(db, config)],
    ] as const) {
      try {
        checks.push(check());
      } catch (error) {
        checks.push(fail(name, `could not check: ${errorText(error)}`, /no such table/i.test(errorText(error)) ? 'run deskops migrate' : 'stop deskops and restore the latest backup (see "Backup and restore" in the README)'));
      }
    }
    return checks;
  } finally {
    db.close();
  }
}

// ---------------------------------------------------------------- chat

async function getJson(url: string, init: RequestInit, timeoutMs: number): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  const text = await response.text();
  let body: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object') body = parsed as Record<string, unknown>;
  } catch {
    // Not JSON (a proxy's error page): the status says enough.
  }
  return { status: response.status, body };
}

function unreachable(what: string, url: string, error: unknown, timeoutMs: number): string {
  const text = errorText(error);
  const why = /timeout|aborted/i.test(text) ? `no answer within ${timeoutMs} ms` : text;
  return `cannot reach ${what} at ${url}: ${why}`;
}

async function slackCall(config: Config, method: string, token: string, timeoutMs: number) {
  return getJson(new URL(method, config.slackApiUrl).toString(), { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-www-form-urlencoded' }, body: '' }, timeoutMs);
}

async function checkSlack(config: Config | undefined, timeoutMs: number): Promise<Check> {
  if (!config) return skip('slack', 'configuration invalid');
  if (!config.slack) return skip('slack', 'not configured (SLACK_BOT_TOKEN unset)');
  const { slack } = config;
  let auth;
  try {
    auth = await slackCall(config, 'auth.test', slack.botToken, timeoutMs);
  } catch (error) {
    return fail('slack', unreachable('Slack', config.slackApiUrl, error, timeoutMs), 'check the network, a proxy, and SLACK_API_URL');
  }
  if (auth.status !== 200 || auth.body.ok !== true) {
    const reason = typeof auth.body.error === 'string' ? auth.body.error : `HTTP ${auth.status}`;
    const tokenProblem = /invalid_auth|not_authed|token_revoked|account_inactive|token_expired/.test(reason);
    return fail('slack', `auth.test refused: ${reason}`, tokenProblem ? 'copy the Bot User OAuth Token (xoxb-…) again into SLACK_BOT_TOKEN; reinstall the app if it was revoked' : 'Slack answered with an error: check SLACK_API_URL and Slack status');
  }
  const who = [auth.body.user, auth.body.team].filter((part) => typeof part === 'string').join(' in ');
  const identity = `bot token accepted${who ? ` (${who})` : ''}`;
  if (slack.mode === 'http') return ok('slack', `${identity}; HTTP mode, GET /healthz on port ${config.port} says whether the bot is up`);
  try {
    const socket = await slackCall(config, 'apps.connections.open', slack.appToken!, timeoutMs);
    if (socket.body.ok !== true) {
      const reason = typeof socket.body.error === 'string' ? socket.body.error : `HTTP ${socket.status}`;
      return fail('slack', `${identity}, but the app-level token was refused for Socket Mode: ${reason}`, 'create an app-level token with connections:write (Basic Information → App-Level Tokens) for SLACK_APP_TOKEN, and enable Socket Mode');
    }
  } catch (error) {
    return fail('slack', `${identity}, but ${unreachable('Socket Mode (apps.connections.open)', config.slackApiUrl, error, timeoutMs)}`, 'check the network and SLACK_API_URL');
  }
  return ok('slack', `${identity}; app-level token accepted for Socket Mode`);
}

async function checkRocketChat(config: Config | undefined, timeoutMs: number): Promise<Check> {
  if (!config) return skip('rocketchat', 'configuration invalid');
  const rc = config.rocketChat;
  if (!rc) return skip('rocketchat', 'not configured (ROCKETCHAT_URL unset)');
  const base = rc.url.replace(/\/+$/, '');
  // The URL holds no credentials (the configuration refuses them); masked anyway, as it is printed.
  const shown = maskUrl(base).replace(/\/+$/, '');
  let version = '';
  try {
    const info = await getJson(`${base}/api/info`, { method: 'GET' }, timeoutMs);
    if (typeof info.body.version === 'string') version = ` ${info.body.version}`;
  } catch (error) {
    return fail('rocketchat', unreachable('Rocket.Chat', shown, error, timeoutMs), 'check ROCKETCHAT_URL (scheme and port), the network and that the server is up');
  }
  let credentials: { token: string; userId: string };
  let loggedIn = false;
  try {
    if (rc.password !== undefined) {
      const login = await getJson(`${base}/api/v1/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: rc.user, password: rc.password }) }, timeoutMs);
      const data = login.body.data as { authToken?: unknown; userId?: unknown } | undefined;
      if (login.status !== 200 || typeof data?.authToken !== 'string' || typeof data.userId !== 'string') {
        return fail('rocketchat', `server${version} reachable, but the login as ${rc.user} was refused (HTTP ${login.status})`, 'check ROCKETCHAT_USER and ROCKETCHAT_PASSWORD (and that the user is active and not asked for 2FA)');
      }
      credentials = { token: data.authToken, userId: data.userId };
      loggedIn = true;
    } else {
      credentials = { token: rc.authToken!, userId: rc.userId! };
    }
    const headers = { 'x-auth-token': credentials.token, 'x-user-id': credentials.userId };
    const me = await getJson(`${base}/api/v1/me`, { method: 'GET', headers }, timeoutMs);
    if (me.status !== 200 || typeof me.body.username !== 'string') {
      return fail('rocketchat', `server${version} reachable, but GET /api/v1/me was refused (HTTP ${me.status})`, rc.password !== undefined ? 'the login worked but the session did not: check the server log' : 'create a new personal access token for ROCKETCHAT_AUTH_TOKEN, with ROCKETCHAT_USER_ID the bot user id');
    }
    if (loggedIn) {
      // The doctor's own session only; the running bot's login is another token.
      await getJson(`${base}/api/v1/logout`, { method: 'POST', headers }, timeoutMs).catch(() => undefined);
    }
    return ok('rocketchat', `server${version} reachable; logged in as ${me.body.username} (${loggedIn ? 'password' : 'access token'})`);
  } catch (error) {
    return fail('rocketchat', unreachable('Rocket.Chat', shown, error, timeoutMs), 'check ROCKETCHAT_URL, the network and that the server is up');
  }
}

// ---------------------------------------------------------------- report

export function verdictOf(checks: readonly Check[]): Verdict {
  if (checks.some((check) => check.status === 'fail')) return 'unhealthy';
  if (checks.some((check) => check.status === 'warn')) return 'degraded';
  return 'healthy';
}

/** Runs every check; never throws for what it finds. */
/**
 * PostgreSQL (DESKOPS_DATABASE_URL): does it answer, does it have every migration deskops ships,
 * does a replica lead the scheduler (its lease's lock is held by a live session), and is the
 * outbox delivered (no due row waiting long: a dead replica's claims come back after their lease).
 * The SQLite file checks do not apply.
 */
async function postgresChecks(url: string, timeoutMs: number, now: Date): Promise<Check[]> {
  const { inspectPostgres } = await import('../store/pg/inspect.js');
  const found = await inspectPostgres(url, timeoutMs);
  if (found.error !== undefined) {
    return [{ name: 'database', status: 'fail', summary: `PostgreSQL does not answer: ${found.error}`, fix: 'check DESKOPS_DATABASE_URL (host, port, user, password, database) and that the server is up and reachable from here' }];
  }
  if (found.applied < found.shipped) {
    return [{ name: 'database', status: 'warn', summary: `PostgreSQL ${found.version}: ${found.applied} of ${found.shipped} migrations applied`, fix: 'run `deskops migrate` (deskops start applies them too)' }];
  }
  const database: Check = { name: 'database', status: 'ok', summary: `PostgreSQL ${found.version}, all ${found.shipped} migrations applied (backups: pg_dump; the SQLite file checks do not apply)` };
  return [database, leaderCheck(found.leases ?? [], now), outboxWaitCheck(found.outbox ?? { due: 0, oldestWaitMs: 0 })];
}

/** Whether a replica leads the scheduler now, and who took each lease last. */
function leaderCheck(leases: ReadonlyArray<{ name: string; token: number; holder: string; acquiredAt: Date; held: boolean }>, now: Date): Check {
  const scheduler = leases.find((lease) => lease.name === LEADER_LEASE);
  const others = leases.filter((lease) => lease.name !== LEADER_LEASE).map((lease) => `${lease.name}: ${lease.held ? `held by ${lease.holder}` : 'not held'} (turn ${lease.token})`);
  const rest = others.length > 0 ? `; ${others.join('; ')}` : '';
  if (!scheduler) return { name: 'leader', status: 'warn', summary: 'no replica has ever led the scheduler: deskops has not run against this database yet', fix: 'start deskops (`deskops start`)' };
  const since = `${Math.round((now.getTime() - scheduler.acquiredAt.getTime()) / 60_000)} min`;
  if (!scheduler.held) {
    return { name: 'leader', status: 'warn', summary: `no replica leads the scheduler now (the last leader was ${scheduler.holder}, turn ${scheduler.token}): scheduled jobs and pages do not run${rest}`, fix: 'start at least one `deskops start` replica; if replicas run, read their logs for "lease"' };
  }
  return { name: 'leader', status: 'ok', summary: `${scheduler.holder} leads the scheduler (turn ${scheduler.token}, for ${since})${rest}` };
}

/** A due outbox row waiting past the health threshold means no replica delivers (or every post fails). */
function outboxWaitCheck(outbox: { due: number; oldestWaitMs: number }): Check {
  if (outbox.due === 0) return { name: 'outbox', status: 'ok', summary: 'no message is waiting to be delivered' };
  const minutes = Math.round(outbox.oldestWaitMs / 60_000);
  if (outbox.oldestWaitMs >= HEALTH_OUTBOX_STALE_MS) {
    return { name: 'outbox', status: 'warn', summary: `${outbox.due} message${outbox.due === 1 ? '' : 's'} due, the oldest waiting ${minutes} min`, fix: 'check that a replica runs and can reach its chat platforms (GET /healthz on each replica)' };
  }
  return { name: 'outbox', status: 'ok', summary: `${outbox.due} message${outbox.due === 1 ? '' : 's'} due, the oldest waiting ${Math.round(outbox.oldestWaitMs / 1000)} s` };
}

export async function runDoctor(options: DoctorOptions = {}): Promise<DoctorReport> {
  const env = options.env ?? process.env;
  const now = options.now ?? new Date();
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const { check: configCheck, config } = checkConfig(env);
  const dbPath = config?.dbPath ?? (env.DESKOPS_DB?.trim() || './data/deskops.db');
  const { checkImap, checkSmtp } = await import('./doctor-email.js');
  const [slack, rocketChat, imap, smtp] = await Promise.all([checkSlack(config, timeoutMs), checkRocketChat(config, timeoutMs), checkImap(config, timeoutMs), checkSmtp(config, timeoutMs)]);
  const database = config?.databaseUrl ? await postgresChecks(config.databaseUrl, timeoutMs, now) : databaseChecks(dbPath, config, now);
  const checks = [configCheck, ...database, slack, rocketChat, imap, smtp];
  return { verdict: verdictOf(checks), checks };
}

const LABEL: Record<CheckStatus, string> = { ok: 'ok  ', warn: 'warn', fail: 'FAIL', skip: 'skip' };

/** One line per check, then the verdict line. */
export function formatDoctorReport(report: DoctorReport): string {
  const width = Math.max(...report.checks.map((check) => check.name.length));
  const lines = report.checks.map((check) => `${LABEL[check.status]}  ${check.name.padEnd(width)}  ${check.summary}${check.fix ? ` → ${check.fix}` : ''}`);
  const count = (status: CheckStatus) => report.checks.filter((check) => check.status === status).length;
  const failures = count('fail');
  const warnings = count('warn');
  const tally = `${failures} failure${failures === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`;
  const verdict =
    report.verdict === 'healthy' ? 'Verdict: HEALTHY (every check passed)' : report.verdict === 'degraded' ? `Verdict: DEGRADED (${tally}): deskops works; see the warnings` : `Verdict: UNHEALTHY (${tally}): fix the FAIL lines first`;
  return [...lines, verdict].join('\n');
}

/** 0 healthy; 1 unhealthy, or degraded with `strict`. */
export function doctorExitCode(report: DoctorReport, strict: boolean): number {
  if (report.verdict === 'unhealthy') return 1;
  if (report.verdict === 'degraded' && strict) return 1;
  return 0;
}
