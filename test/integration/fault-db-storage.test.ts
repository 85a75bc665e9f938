/**
 * Fault: the database cannot grow (disk full, simulated with PRAGMA max_page_count on deskops' own
 * connection) or cannot be written (read-only: PRAGMA query_only at run time; a file the deskops
 * user cannot write at start-up). The user gets a clear answer with what to do, the operator an
 * error line saying what to fix; the process stays up, the outbox worker backs off instead of
 * failing every run, and start-up on a read-only file fails once with exit code 3.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureBundle } from '../../bin/bundle.js';
import { enqueue } from '../../src/app/outbox.js';
import { EXIT_DATABASE } from '../../src/cli.js';
import { deliverDue } from '../../src/delivery/worker.js';
import { openStore } from '../../src/store/database.js';
import { outbox } from '../../src/store/schema.js';
import { notice } from '../doubles/sink-fixtures.js';
import { startDeskopsProcess } from '../doubles/cli.js';
import { freePort } from '../doubles/free-port.js';
import { engineOver, FakeSink } from '../doubles/delivery.js';
import type { SlackCall } from '../doubles/slack-api.js';
import { startSlackDesk, storeCounts } from '../doubles/slack-desk.js';
import { rawSqlite } from '../doubles/sqlite.js';
import { selectRow } from '../doubles/db.js';

const SECRET = 'storage-secret';
const SECOND = 1000;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const startDesk = () => startSlackDesk(cleanups, SECRET);

const answerText = (call: SlackCall): string => `${String(call.args.text)} ${JSON.stringify(call.args.blocks)}`;

const counts = storeCounts;

const errorLines = (log: string[], text: string) => log.filter((line) => line.includes('"level":50') && line.includes(text));

describe('a full or read-only database', () => {
  it('disk full: the command is refused with what to do, the operator is told, and deskops works again once there is room', async () => {
    const h = await startDesk();
    const sqlite = rawSqlite(h.desk.app.store);
    expect(answerText(await h.command('full-0', 'new "Before the disk filled"'))).toContain('Before the disk filled');
    const before = counts(h.desk);
    const roomy = Number(sqlite.pragma('max_page_count', { simple: true }));
    sqlite.pragma(`max_page_count = ${Number(sqlite.pragma('page_count', { simple: true }))}`);

    const refused = await h.command('full-1', `new "The disk is full" ${'x'.repeat(20_000)}`);
    expect(refused.args.response_type).toBe('ephemeral');
    expect(answerText(refused)).toContain("deskops' database is out of space, so your command was not run.");
    expect(answerText(refused)).toContain('Nothing was changed. Tell your admin: the disk that holds the database is full.');
    expect(counts(h.desk)).toEqual(before);
    expect(errorLines(h.log, 'free space on the disk that holds DESKOPS_DB')).toHaveLength(1);
    // Still up, and still answering.
    expect((await fetch(`http://127.0.0.1:${h.port}/healthz`)).status).toBe(200);

    sqlite.pragma(`max_page_count = ${roomy}`);
    expect(answerText(await h.command('full-2', `new "The disk has room again" ${'x'.repeat(20_000)}`))).toContain('The disk has room again');
    expect(counts(h.desk).tickets).toBe(before.tickets + 1);
  }, 30_000);

  it('read-only at run time: commands are refused clearly; the outbox worker logs once, backs off, and resumes when writable', async () => {
    const h = await startDesk();
    const sqlite = rawSqlite(h.desk.app.store);
    h.desk.app.store.transaction(() => enqueue(h.desk.app, { audience: 'staff', dedupeKey: 'sla:1:1:yellow', channel: 'tier:t1', reply: notice('Ticket #1 turned yellow') }));
    const before = counts(h.desk);
    sqlite.pragma('query_only = ON');

    const refused = await h.command('ro-1', 'new "Read-only"');
    expect(answerText(refused)).toContain('deskops cannot write to its database (it is read-only), so your command was not run.');
    expect(answerText(refused)).toContain('the database file or its folder is not writable');
    expect(errorLines(h.log, 'the database is read-only (SQLITE_READONLY)')).toHaveLength(1);

    const sink = new FakeSink();
    const job = engineOver({ ...h.desk.app, logger: pino({ level: 'info' }, { write: (line: string) => void h.log.push(line) }) });
    const start = h.desk.clock.now().getTime();
    const at = (ms: number) => new Date(start + ms);
    // First run: one error line saying what to fix; then runs are skipped for 15 s, then 30 s.
    expect(await deliverDue(job, at(0), sink)).toMatchObject({ sent: 0, storeTrouble: 'readonly' });
    expect(await deliverDue(job, at(5 * SECOND), sink)).toMatchObject({ sent: 0, storeTrouble: 'readonly' });
    expect(await deliverDue(job, at(14 * SECOND), sink)).toMatchObject({ sent: 0, storeTrouble: 'readonly' });
    expect(errorLines(h.log, 'outbox delivery paused')).toHaveLength(1);
    expect(h.log.filter((line) => line.includes('outbox delivery still failing'))).toHaveLength(0);
    expect(await deliverDue(job, at(15 * SECOND), sink)).toMatchObject({ storeTrouble: 'readonly' });
    expect(h.log.filter((line) => line.includes('"level":40') && line.includes('outbox delivery still failing'))).toHaveLength(1);
    expect(await deliverDue(job, at(44 * SECOND), sink)).toMatchObject({ storeTrouble: 'readonly' });
    expect(h.log.filter((line) => line.includes('outbox delivery still failing'))).toHaveLength(1);

    sqlite.pragma('query_only = OFF');
    expect(await deliverDue(job, at(45 * SECOND), sink)).toMatchObject({ sent: 1 });
    expect(h.log.some((line) => line.includes('the database works again; outbox delivery resumed'))).toBe(true);
    expect(sink.postedKeys()).toEqual(['sla:1:1:yellow']);
    expect(selectRow(h.desk.app.store, outbox)).toMatchObject({ state: 'sent', attempts: 1 });
    expect(counts(h.desk)).toMatchObject({ tickets: before.tickets, handled: before.handled });
    expect(answerText(await h.command('ro-2', 'new "Writable again"'))).toContain('Writable again');
  }, 30_000);

  it('start-up on a database file it cannot write exits once, with code 3 and what to fix', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deskops-fault-ro-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const dataDir = join(dir, 'data');
    const db = join(dataDir, 'deskops.db');
    openStore(db).close();
    // Root writes through any mode bits, so as root deskops runs as nobody, who may only read:
    // also the bundle cache, so the bundle of these sources is built first, as root.
    const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    if (process.getuid?.() === 0) await ensureBundle();
    chmodSync(dir, 0o755);
    chmodSync(db, 0o444);
    chmodSync(dataDir, 0o555);
    cleanups.push(() => chmodSync(dataDir, 0o755));
    const { stderr: output, exited } = startDeskopsProcess(cleanups, {
      cwd: dir,
      env: { DESKOPS_DB: db, PORT: String(await freePort()), SLACK_BOT_TOKEN: 'xoxb-ro', SLACK_SIGNING_SECRET: 'ro-secret', SLACK_API_URL: 'http://127.0.0.1:9/api/' },
      ...asNobody,
    });
    expect(await exited).toBe(EXIT_DATABASE);
    const stderr = output();
    expect(stderr).toMatch(/^deskops: cannot use the database: the database is read-only \(SQLITE_READONLY\): make DESKOPS_DB and its folder writable/m);
    expect(stderr.match(/cannot use the database/g)).toHaveLength(1);
    expect(stderr).not.toContain('unexpected error');
  }, 30_000);
});
