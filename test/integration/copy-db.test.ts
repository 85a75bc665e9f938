/**
 * `deskops copy-db`: an SQLite install, filled through the app's own router (every example of the
 * README's command reference, typed by an admin) and its outbox worked into every state, is copied
 * into a fresh database of a real PostgreSQL (test/doubles/postgres.ts). The copy must hold every
 * row of every table as the app reads it, answer commands as the SQLite file does, continue the
 * numbering, find copied tickets by search, and refuse what it cannot do safely, saying what to do.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq, getTableColumns, type Column } from 'drizzle-orm';
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/app/context.js';
import { SettableClock } from '../../src/clock.js';
import { buildRegistry } from '../../src/commands/index.js';
import { createRouter, type Router } from '../../src/commands/router.js';
import { loadConfig } from '../../src/config.js';
import { copiedTables } from '../../src/store/copy-tables.js';
import { copySqliteToPostgres, CopyFailed, CopyRefused, type CopyReport } from '../../src/store/copy.js';
import { formatCopyReport } from '../../src/cli/copy-db.js';
import { migrateDatabase } from '../../src/cli/migrate.js';
import { openStore, type Store } from '../../src/store/database.js';
import { readJournal } from '../../src/store/migrations.js';
import { migratePostgres } from '../../src/store/pg/migrate.js';
import { all } from '../../src/store/pg/session.js';
import { connectPgStore } from '../../src/store/pg/store.js';
import { outbox as pgOutbox } from '../../src/store/pg/schema.js';
import {
  answerClusterMembers,
  answerClusters,
  attachments,
  bouncingAddresses,
  chatCursors,
  comments,
  commentSources,
  handledInvocations,
  jobRuns,
  knownIssueNotes,
  leases,
  mailMessages,
  outbox,
  pendingMessages,
  replySignatures,
  replyTermCounts,
  replyTerms,
  seenEvents,
  ticketConversations,
  tickets,
  ticketThreads,
} from '../../src/store/schema.js';
import type { Storage } from '../../src/store/storage.js';
import { cliSandbox, ROOT, TROUBLE_ON_STDERR } from '../doubles/cli.js';
import { deleteRows, insertRows } from '../doubles/db.js';
import { replyText } from '../doubles/deskops.js';
import { usePostgres } from '../doubles/postgres.js';
import { sqliteAtMigration } from '../doubles/sqlite.js';

const postgres = usePostgres();

const NOW = new Date('2026-03-02T09:00:00Z');
const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const reference = README.slice(README.indexOf('<!-- commands:start'), README.indexOf('<!-- commands:end'));
const examples = [...reference.matchAll(/^ {2}- e\.g\. `(.+)`$/gm)].map((m) => m[1]!);

/** A router over `store`, as createDeskops builds one, at the pinned instant. */
function routerOn(store: Storage): Router {
  const config = loadConfig({ DESKOPS_DB: ':memory:', DESKOPS_ADMINS: 'shell:lead', DESKOPS_STAFF: 'slack:team:T1' });
  const app: AppContext = { clock: new SettableClock(undefined, NOW), store, settings: config.settings };
  return createRouter({ registry: buildRegistry(), app, logger: pino({ level: 'silent' }) });
}

function sayOn(router: Router) {
  return (text: string, user = 'lead') => replyText(router.handle({ platform: 'shell', user: { externalId: user, handle: user }, channel: '#helpdesk', thread: null, text }));
}

const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

function tempFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'deskops-copy-'));
  folders.push(folder);
  return folder;
}

/** A deskops SQLite file as a team would leave it: people, tickets, comments, tags, audit, settings, on-call, outbox rows in every state, an attachment. */
function seedInstall(path: string): void {
  const store = openStore(path);
  try {
    const say = sayOn(routerOn(store));
    for (const user of ['alice', 'bob', 'carol']) say('/whoami', user);
    for (let n = 1; n <= 44; n++) say(`/ticket new "Ticket ${n}"`);
    say('/ticket new "Café crème machine déjà vu 🍵 overflowing"');
    for (const example of examples) say(example);
    // The outbox in every state delivery leaves it in (the rest stay queued).
    const due = store.outbox.dueRows(new Date('2027-01-01T00:00:00Z'), 50);
    expect(due.length).toBeGreaterThan(6);
    store.transaction(() => {
      store.outbox.markSent(due[0]!.id, NOW, 1);
      store.outbox.markSent(due[1]!.id, NOW, 2);
      store.outbox.markFailed(due[2]!.id, 5, 'chat.postMessage: channel_not_found');
      store.outbox.markDropped(due[3]!.id, 1, 'the SLA clock stopped before it was sent');
      store.outbox.rescheduleIfQueued(due[4]!.id, new Date('2026-03-02T09:05:00.123Z'), 1, 'HTTP 429');
    });
    // Bytes a requester's mail brought: a blob must arrive byte for byte; a size past 2^31 - 1 too (bigint on PostgreSQL).
    insertRows(store, attachments, [
      { ticketId: 1, commentId: null, filename: 'logs ✓.bin', contentType: 'application/octet-stream', size: 256, data: Buffer.from(Array.from({ length: 256 }, (_, i) => i)), createdAt: NOW },
      { ticketId: 1, commentId: null, filename: 'huge.iso', contentType: 'application/x-iso9660-image', size: 3 * 1024 ** 3, data: null, createdAt: NOW },
    ]);
    seedWhatTheWalkLeavesEmpty(store);
  } finally {
    store.close();
  }
}

/**
 * Rows of the tables typing commands in the shell does not reach (platform threads, mail, job
 * bookkeeping, the duplicate-answer index), as the adapters and jobs would write them; more than a
 * page of some, so keys of several text columns are paged through too.
 */
function seedWhatTheWalkLeavesEmpty(store: Store): void {
  const at = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);
  insertRows(store, handledInvocations, [{ key: 'slack:trigger:1', reply: { title: 'Ticket #1 created', fields: [{ label: 'Status', value: 'Open' }] }, at: at(1) }]);
  insertRows(store, jobRuns, [{ job: 'sla-watch', lastStartedAt: at(2), lastFinishedAt: at(2.5), lastDurationMs: 31, lastError: null, runs: 3_000_000_000 }]); // runs: past 2^31 - 1, as years of runs leave it
  insertRows(store, knownIssueNotes, [{ knownIssueId: 1, body: 'Fix deployed to staging', authorId: 1, createdAt: at(3) }]);
  insertRows(store, mailMessages, [
    { messageId: '<a1@mail.example>', ticketId: 2, direction: 'in', address: 'jane@example.com', at: at(4) },
    { messageId: '<b2@desk.test>', ticketId: 2, direction: 'out', address: 'jane@example.com', at: at(5) },
  ]);
  insertRows(store, pendingMessages, [{ platform: 'slack', channel: 'C0INTAKE', messageId: '1700000000.000100', root: null, authorId: 2, author: '@jane', body: 'Also, my invoice is wrong', candidateId: 2, state: 'pending', ticketId: null, createdAt: at(6), decidedBy: null, decidedAt: null }]);
  insertRows(store, replySignatures, [{ commentId: 1, ticketId: 1, createdAt: at(7), terms: { restart: 2, router: 1, 'wi-fi': 1 } }]);
  insertRows(store, replyTerms, ['restart', 'router', 'wi-fi', 'modem', 'cable', 'power', 'light', 'blink', 'reset', 'firmware'].map((term) => ({ term, commentId: 1 })));
  insertRows(store, replyTermCounts, [{ term: 'restart', replies: 3 }, { term: 'router', replies: 1 }]);
  insertRows(store, answerClusters, [{ state: 'suggested', createdAt: at(8), decidedBy: null, decidedAt: null }]);
  insertRows(store, answerClusterMembers, [{ clusterId: 1, commentId: 1, ticketId: 1 }]);
  insertRows(store, seenEvents, Array.from({ length: 12 }, (_, i) => ({ key: `slack:event:Ev0${String.fromCharCode(65 + i)}${i}`, at: at(9 + i) })));
  insertRows(store, chatCursors, [
    ...Array.from({ length: 9 }, (_, i) => ({ platform: 'rocketchat' as const, room: `GENERAL${9 - i}`, lastSeenAt: at(20 + i) })),
    { platform: 'slack' as const, room: 'C0HELP', lastSeenAt: at(30) },
  ]);
  insertRows(store, ticketThreads, [
    { platform: 'slack', ticketId: 1, channel: 'C0TRIAGE', thread: '1700000000.000200', conversation: false, createdAt: at(31) },
    { platform: 'slack', ticketId: 1, channel: 'C0INTAKE', thread: '1700000000.000100', conversation: true, createdAt: at(31) },
  ]);
  insertRows(store, ticketConversations, [{ ticketId: 2, platform: 'email', channel: null, thread: '<b2@desk.test>', address: 'jane@example.com', updatedAt: at(32) }]);
  insertRows(store, commentSources, [{ platform: 'slack', messageId: '1700000000.000300', commentId: 1, ticketId: 1 }]);
  insertRows(store, bouncingAddresses, [{ address: 'gone@example.com', reason: '550 5.1.1 user unknown', bounces: 2, lastAt: at(33) }]);
  insertRows(store, leases, [{ name: 'scheduler', token: 7, holder: 'deskops-a', acquiredAt: at(34) }]);
}

/** The SQLite file every test copies from (a copy never changes it). */
let seeded: string;
beforeAll(() => {
  seeded = join(tempFolder(), 'deskops.db');
  seedInstall(seeded);
}, 120_000);

async function pgRowCount(url: string, table: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return Number((await client.query(`SELECT count(*) AS n FROM "${table}"`)).rows[0].n);
  } finally {
    await client.end();
  }
}

/** Rows keyed by property, ordered by their key values as JSON (the same order for both engines, whatever their collations). */
function byKey(rows: Array<Record<string, unknown>>, key: readonly string[]): Array<Record<string, unknown>> {
  const keyOf = (row: Record<string, unknown>) => JSON.stringify(key.map((name) => row[name]));
  return [...rows].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
}

describe('deskops copy-db', () => {
  it('copies every table with its ids, each value as the app reads it, and commits when every count and checksum agree', async () => {
    const url = await postgres.freshDatabase();
    const report = await copySqliteToPostgres({ from: seeded, to: url, pageRows: 7 });
    expect(report.mismatched).toEqual([]);
    expect(report.committed).toBe(true);
    expect(report.target).not.toContain('deskops-test');
    const pairs = copiedTables();
    expect(report.tables.map((table) => table.table).sort()).toEqual(pairs.map((pair) => pair.name).sort());
    for (const table of report.tables) {
      expect(table.targetRows, table.table).toBe(table.sourceRows);
      expect(table.targetChecksum, table.table).toBe(table.sourceChecksum);
    }
    // Every table has rows: an empty one would prove nothing.
    expect(report.tables.filter((table) => table.sourceRows === 0).map((table) => table.table)).toEqual([]);

    // Independently of the checksums: every row of every table, decoded by each engine's schema, is equal.
    const source = openStore(seeded, { migrate: false });
    const target = connectPgStore(url);
    try {
      for (const pair of pairs) {
        const key = pair.primaryKey.map((name) => Object.entries(getTableColumns(pair.sqliteTable)).find(([, column]) => (column as Column).name === name)![0]);
        const fromSqlite = byKey(source.db.select().from(pair.sqliteTable).all() as Array<Record<string, unknown>>, key);
        const fromPg = byKey(all(target.db.select().from(pair.pgTable)) as Array<Record<string, unknown>>, key);
        expect(fromPg, pair.name).toEqual(fromSqlite);
      }
      const states = new Set(all(target.db.select({ state: pgOutbox.state }).from(pgOutbox)).map((row) => row.state));
      expect([...states].sort()).toEqual(['dropped', 'failed', 'queued', 'sent']);
      const [blob] = source.db.select().from(attachments).where(eq(attachments.filename, 'logs ✓.bin')).all();
      expect(blob!.data).toEqual(Buffer.from(Array.from({ length: 256 }, (_, i) => i)));
    } finally {
      source.close();
      target.close();
    }
  }, 120_000);

  it('answers like the SQLite file, continues every number after the copied ones, and finds copied tickets by search', async () => {
    const url = await postgres.freshDatabase();
    await copySqliteToPostgres({ from: seeded, to: url });
    const scratch = join(tempFolder(), 'deskops.db');
    writeFileSync(scratch, readFileSync(seeded));
    const source = openStore(scratch);
    const target = connectPgStore(url);
    try {
      const onSqlite = sayOn(routerOn(source));
      const onPg = sayOn(routerOn(target));
      for (const command of ['/ticket show 1', '/ticket show 45', '/ticket history 2', '/ticket list', '/oncall', '/sla policy', '/ticket tags', '/people list', '/known list']) {
        expect(onPg(command), command).toBe(onSqlite(command));
      }
      const highest = source.db.select({ id: tickets.id }).from(tickets).all().reduce((max, row) => Math.max(max, row.id), 0);
      const created = onPg('/ticket new "The first ticket on PostgreSQL"');
      expect(created).toContain(`#${highest + 1}`);
      expect(onSqlite('/ticket new "The first ticket on PostgreSQL"')).toBe(created);
      const note = onPg(`/ticket note ${highest + 1} written after the move`);
      expect(note).toBe(onSqlite(`/ticket note ${highest + 1} written after the move`));
      const found = onPg('/ticket search creme deja');
      expect(found).toContain('#45');
    } finally {
      source.close();
      target.close();
    }
  }, 120_000);

  it('continues past the highest number SQLite ever handed out, not only the highest left', async () => {
    const path = join(tempFolder(), 'deskops.db');
    seedMinimal(path);
    const store = openStore(path);
    const lastOutbox = store.db.select({ id: outbox.id }).from(outbox).all().reduce((max, row) => Math.max(max, row.id), 0);
    deleteRows(store, outbox, eq(outbox.id, lastOutbox));
    store.close();
    const url = await postgres.freshDatabase();
    await copySqliteToPostgres({ from: path, to: url });
    const target = connectPgStore(url);
    try {
      target.transaction(() => target.outbox.insertIfNew({ dedupeKey: 'after-the-move', channel: 'tier:triage', payload: { title: 'x' }, nextAttemptAt: NOW, createdAt: NOW, ticketId: null, validWhile: null, mentions: undefined, audience: 'staff' }));
      const [row] = all(target.db.select({ id: pgOutbox.id }).from(pgOutbox).where(eq(pgOutbox.dedupeKey, 'after-the-move')));
      expect(row!.id).toBe(lastOutbox + 1);
    } finally {
      target.close();
    }
  }, 60_000);

  it('refuses a second copy into the same database and leaves it as it was', async () => {
    const url = await postgres.freshDatabase();
    const first = await copySqliteToPostgres({ from: seeded, to: url });
    const ticketsBefore = await pgRowCount(url, 'tickets');
    const error = await copySqliteToPostgres({ from: seeded, to: url }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CopyRefused);
    expect((error as Error).message).toMatch(/already holds deskops data \(rows in people, .*tickets.*\); the copy only fills an empty database/);
    expect(await pgRowCount(url, 'tickets')).toBe(ticketsBefore);
    expect(await pgRowCount(url, 'tags')).toBe(first.tables.find((table) => table.table === 'tags')!.sourceRows);
  }, 60_000);

  it('rolls everything back and names the table when PostgreSQL does not give back what it was given', async () => {
    const url = await postgres.freshDatabase();
    await migratePostgres(url);
    // A value mangled on the way in, as an encoding that loses something would.
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`CREATE FUNCTION mangle() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.body := NEW.body || ' '; RETURN NEW; END $$`);
    await admin.query('CREATE TRIGGER mangle BEFORE INSERT ON comments FOR EACH ROW EXECUTE FUNCTION mangle()');
    let report: CopyReport;
    try {
      report = await copySqliteToPostgres({ from: seeded, to: url });
    } finally {
      await admin.query('DROP TRIGGER mangle ON comments');
      await admin.end();
    }
    expect(report.committed).toBe(false);
    expect(report.mismatched).toEqual(['comments']);
    const comments = report.tables.find((table) => table.table === 'comments')!;
    expect(comments.targetRows).toBe(comments.sourceRows);
    expect(comments.targetChecksum).not.toBe(comments.sourceChecksum);
    const printed = formatCopyReport(report);
    expect(printed).toMatch(new RegExp(`^comments +${comments.sourceRows} +${comments.targetRows} +${comments.sourceChecksum.slice(0, 16)} +${comments.targetChecksum.slice(0, 16)} +MISMATCH$`, 'm'));
    expect(printed.match(/MISMATCH/g)).toHaveLength(1);
    expect(printed).toMatch(/\nNothing was committed to postgres:\/\/127\.0\.0\.1:\d+\/\w+: comments differs between SQLite and PostgreSQL .*The source is unchanged\.$/);
    expect(await pgRowCount(url, 'tickets')).toBe(0);
    // Nothing was kept, the seeded taxonomy included: the same database takes the copy once the fault is gone.
    expect(await pgRowCount(url, 'tags')).toBeGreaterThan(0);
    expect((await copySqliteToPostgres({ from: seeded, to: url })).committed).toBe(true);
  }, 120_000);

  it('fails on a row PostgreSQL cannot hold, naming the table and the rows, and writes nothing', async () => {
    const path = join(tempFolder(), 'deskops.db');
    seedMinimal(path);
    const store = openStore(path);
    // SQLite keeps a NUL character in text; PostgreSQL's text cannot hold one.
    insertRows(store, comments, [{ ticketId: 1, visibility: 'internal', body: 'pasted from a binary log: \u0000\u0001', authorLabel: 'script', createdAt: NOW }]);
    store.close();
    const url = await postgres.freshDatabase();
    const error = await copySqliteToPostgres({ from: path, to: url }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CopyFailed);
    expect((error as Error).message).toMatch(/^PostgreSQL refused a row of comments \(in the \d+ rows from id \d+ on\): .*Nothing was written to the target\.$/);
    expect(await pgRowCount(url, 'people')).toBe(0);
  }, 60_000);

  it('refuses a file an older deskops left until its migrations are applied, as it says, then copies it', async () => {
    const folder = tempFolder();
    const path = join(folder, 'old.db');
    sqliteAtMigration(path, join(ROOT, 'migrations'), folder, 5).close();
    const url = await postgres.freshDatabase();
    const error = await copySqliteToPostgres({ from: path, to: url }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CopyRefused);
    // Every migration after 0005, whatever this version ships beyond 0012.
    const missing = readJournal().slice(6).map((entry) => entry.tag);
    expect(missing.slice(0, 2)).toEqual(['0006_staff_and_audience', '0007_agent_tools']);
    expect((error as Error).message).toBe(`${path} lacks ${missing.length} migrations of this deskops (${missing.join(', ')}): apply them first with DESKOPS_DB=${path} deskops migrate, then copy.`);
    migrateDatabase(path);
    expect((await copySqliteToPostgres({ from: path, to: url })).committed).toBe(true);
  }, 60_000);

  it('waits for another process writing the target, then refuses, naming it', async () => {
    const url = await postgres.freshDatabase();
    await migratePostgres(url);
    const other = new pg.Client({ connectionString: url });
    await other.connect();
    try {
      // A deskops in the middle of a write holds this lock on the tables it writes.
      await other.query('BEGIN');
      await other.query('LOCK TABLE outbox IN ROW EXCLUSIVE MODE');
      const error = await copySqliteToPostgres({ from: seeded, to: url }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(CopyRefused);
      expect((error as Error).message).toMatch(/^another process is using postgres:\/\/127\.0\.0\.1:\d+\/\w+ \(its tables stayed locked for 5s\): stop deskops there, then copy\.$/);
      await other.query('ROLLBACK');
    } finally {
      await other.end();
    }
    expect((await copySqliteToPostgres({ from: seeded, to: url })).committed).toBe(true);
  }, 60_000);

  it('refuses, saying what to do, a missing file, a file that is not SQLite, an SQLite file that is not deskops, and bad targets', async () => {
    const folder = tempFolder();
    const url = await postgres.freshDatabase();
    const refusal = (from: string, to = url) => copySqliteToPostgres({ from, to }).then(
      () => 'copied',
      (error: unknown) => (error instanceof CopyRefused ? error.message : `not a refusal: ${String(error)}`),
    );
    expect(await refusal(join(folder, 'nope.db'))).toBe(`there is no file at ${join(folder, 'nope.db')}. Name the deskops database file (DESKOPS_DB, or --from <file>).`);
    writeFileSync(join(folder, 'notes.txt'), 'not a database at all, but long enough to have a header '.repeat(20));
    expect(await refusal(join(folder, 'notes.txt'))).toContain('is not an SQLite database');
    // An SQLite database with none of deskops' tables.
    openStore(join(folder, 'other.db'), { migrate: false }).close();
    expect(await refusal(join(folder, 'other.db'))).toContain('is an SQLite database, but not a deskops one');
    expect(await refusal(folder)).toContain('is a directory');

    expect(await refusal(seeded, 'http://example.com/deskops')).toContain('--to must be a PostgreSQL URL');
    expect(await refusal(seeded, 'deskops')).toContain('--to is not a URL');
    const parsed = new URL(url);
    const missing = `${parsed.protocol}//${parsed.username}:${parsed.password}@${parsed.host}/no_such_database`;
    const noDatabase = await refusal(seeded, missing);
    expect(noDatabase).toContain('the database "no_such_database" does not exist');
    expect(noDatabase).toContain('createdb no_such_database');
    const wrongPassword = await refusal(seeded, `${parsed.protocol}//${parsed.username}:not-the-password@${parsed.host}${parsed.pathname}`);
    expect(wrongPassword).toContain('refused the login');
    expect(wrongPassword).not.toContain('not-the-password');
    const closed = await refusal(seeded, `postgres://someone:secret-pw@127.0.0.1:9${parsed.pathname}`);
    expect(closed).toContain('cannot reach PostgreSQL at postgres://127.0.0.1:9/');
    expect(closed).not.toContain('secret-pw');
    // None of it wrote anything.
    expect(await pgRowCount(url, 'people').catch(() => 0)).toBe(0);
  }, 60_000);
});

describe('the deskops copy-db command', () => {
  it('copies the install to PostgreSQL, prints the table of counts and checksums, and deskops then runs on the copy', async ({ onTestFinished }) => {
    const box = cliSandbox(onTestFinished);
    const url = await postgres.freshDatabase();
    const password = new URL(url).password;
    const seededByShell = await box.deskops(['shell'], { input: ':clock 2026-11-23T09:00:00Z\n/ticket new "Printer on fire"\n/ticket new "Mail bounces"\n/ticket reply 1 we are on it\n' });
    expect(seededByShell.code).toBe(0);

    const copied = await box.deskops(['copy-db', '--to', url]);
    expect(copied.stderr).not.toMatch(TROUBLE_ON_STDERR);
    expect(copied.code).toBe(0);
    expect(copied.stdout).toMatch(/^table +SQLite rows +PostgreSQL rows +SQLite checksum +PostgreSQL checksum$/m);
    expect(copied.stdout).toMatch(/^tickets +2 +2 +([0-9a-f]{16}) +\1 +ok$/m);
    expect(copied.stdout).toMatch(/^comments +1 +1 +([0-9a-f]{16}) +\1 +ok$/m);
    expect(copied.stdout).not.toContain('MISMATCH');
    expect(copied.stdout).toMatch(/every count and checksum matches/);
    expect(copied.stdout + copied.stderr).not.toContain(password);

    // Run again, the URL from the environment this time: refused, and the database is left alone.
    const again = await box.deskops(['copy-db'], { env: { DESKOPS_DATABASE_URL: url } });
    expect(again.code).toBe(1);
    expect(again.stdout).toBe('');
    expect(again.stderr).toMatch(/^deskops copy-db: .* already holds deskops data \(rows in .*tickets.*\); the copy only fills an empty database/);
    expect(again.stdout + again.stderr).not.toContain(password);

    const onPg = await box.deskops(['shell'], { env: { DESKOPS_DATABASE_URL: url }, input: ':clock 2026-11-23T10:00:00Z\n/ticket show 1\n/ticket new "The first on PostgreSQL"\n' });
    expect(onPg.code).toBe(0);
    expect(onPg.stdout).toContain('Printer on fire');
    expect(onPg.stdout).toContain('we are on it');
    expect(onPg.stdout).toMatch(/#3\b[^\n]*The first on PostgreSQL|The first on PostgreSQL[^\n]*#3\b/);
  }, 180_000);

  it('says what to type when the target is missing or wrong, or the file is not there', async ({ onTestFinished }) => {
    const box = cliSandbox(onTestFinished);
    const noTarget = await box.deskops(['copy-db']);
    expect(noTarget.code).toBe(2);
    expect(noTarget.stderr).toContain('deskops copy-db --to postgres://user:password@host:5432/deskops');
    const notPostgres = await box.deskops(['copy-db', '--to', 'mysql://root:hunter2hunter2@127.0.0.1/deskops']);
    expect(notPostgres.code).toBe(1);
    expect(notPostgres.stderr).toContain('--to must be a PostgreSQL URL');
    expect(notPostgres.stderr).not.toContain('hunter2hunter2');
    const missing = await box.deskops(['copy-db', '--from', 'gone.db', '--to', 'postgres://someone:secret-pw@127.0.0.1:9/deskops']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`deskops copy-db: there is no file at ${join(box.dir, 'gone.db')}`);
  }, 120_000);
});

/** A small install: a few people and tickets, each with the outbox rows their creation queued. */
function seedMinimal(path: string): void {
  const store: Store = openStore(path);
  try {
    const say = sayOn(routerOn(store));
    for (let n = 1; n <= 3; n++) say(`/ticket new "Ticket ${n}"`);
    say('/ticket reply 1 on it');
  } finally {
    store.close();
  }
}
