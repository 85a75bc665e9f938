/**
 * The engine port's one contract, run against both implementations: in-process (the shell, most
 * tests) and worker threads (`deskops start`). Commands commit and answer, retries and claims are
 * exactly-once, errors come back as the classes they were thrown as (so the busy retry, the
 * refusals and the sinks' drops keep working), Dates and Maps survive the trip, arguments that are
 * not plain data are refused, jobs and delivery steps run and are recorded, the engine's log lines
 * carry the caller's correlation fields, and the clock pins on every thread.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AppError, DatabaseBusyError, storeTrouble } from '../../src/app/errors.js';
import { enqueue } from '../../src/app/outbox.js';
import { DeliveryError } from '../../src/delivery/sink.js';
import { withCorrelation } from '../../src/log.js';
import { attachments, jobRuns, outbox, tickets } from '../../src/store/schema.js';
import { warning } from '../../src/views/reply.js';
import { holdWriteLock, insertRows, selectFields, selectRow, selectRows } from '../doubles/db.js';
import { crashingEngineScript, startEngineRig, type EngineKind, type EngineRig } from '../doubles/engines.js';

const rigs: EngineRig[] = [];
afterEach(async () => {
  for (const rig of rigs.splice(0)) await rig.close();
});

async function rigFor(kind: EngineKind, options: Parameters<typeof startEngineRig>[1] = {}): Promise<EngineRig> {
  const rig = await startEngineRig(kind, options);
  rigs.push(rig);
  return rig;
}

const lead = { externalId: 'lead', handle: 'lead' };
const shell = (text: string, extra: { idempotencyKey?: string } = {}) => ({ platform: 'shell' as const, user: lead, channel: '#helpdesk', thread: null, text, ...extra });

describe.each(['in-process', 'worker'] as const)('the engine port, %s', (kind) => {
  it('runs a command in its transaction and answers with its Reply; a retry with the same key changes nothing', async () => {
    const { engine, store } = await rigFor(kind);
    const first = await engine.handle(shell('ticket new "Printer on fire" priority:high', { idempotencyKey: 'k1' }));
    expect(first.title).toMatch(/#1 opened/);
    const again = await engine.handle(shell('ticket new "Printer on fire" priority:high', { idempotencyKey: 'k1' }));
    expect(again).toEqual(first);
    expect(selectRows(store, tickets)).toHaveLength(1);
    expect(await engine.ticketBrief(1)).toEqual({ id: 1, title: 'Printer on fire', tier: 'triage', status: 'open' });
    expect(await engine.ticketBrief(2)).toBeNull();
  });

  it('runs a claimed command once: a duplicate of the same message gets null', async () => {
    const { engine, store } = await rigFor(kind);
    expect((await engine.handleOnce(shell('ticket new "Once"'), 'msg:1'))?.title).toMatch(/opened/);
    expect(await engine.handleOnce(shell('ticket new "Once"'), 'msg:1')).toBeNull();
    expect(selectRows(store, tickets)).toHaveLength(1);
    expect(await engine.isClaimed('msg:1')).toBe(true);
  });

  it('takes in a NUL character or a lone surrogate anywhere in the arguments as U+FFFD: the text, the claim, a message id', async () => {
    const { engine, store } = await rigFor(kind);
    expect((await engine.handleOnce(shell('ticket new "Fax\u0000 down"'), 'msg:\u00001'))?.title).toMatch(/opened: Fax\uFFFD down/);
    // The same claim, however the port carried it: found by the value it was stored under.
    expect(await engine.handleOnce(shell('ticket new "Fax\u0000 down"'), 'msg:\u00001')).toBeNull();
    expect(await engine.isClaimed('msg:\uFFFD1')).toBe(true);
    const outcome = await engine.receiveMessage({ platform: 'slack', author: { externalId: 'UCUST', handle: 'cu\udfffst' }, messageId: 'D1:1.\u00002', channel: 'D1', thread: null, place: 'direct', text: 'Scanner\u0000 offline \ud83c' });
    expect(outcome).toMatchObject({ kind: 'opened', title: 'Scanner\uFFFD offline \uFFFD' });
    expect(selectRows(store, tickets).map((row) => row.title)).toEqual(['Fax\uFFFD down', 'Scanner\uFFFD offline \uFFFD']);
    expect(await engine.knownHandle('slack', 'UCUST')).toBe('cu\uFFFDst');
  });

  it('says "busy" as DatabaseBusyError while another writer holds the lock, and runs the command once it is free', async () => {
    const { engine, store } = await rigFor(kind);
    const release = holdWriteLock(store);
    let error: unknown;
    try {
      await engine.handle(shell('ticket new "Locked out"'), { onBusy: 'throw', busyWaitMs: 20 });
    } catch (caught) {
      error = caught;
    } finally {
      release();
    }
    expect(error).toBeInstanceOf(DatabaseBusyError);
    expect(storeTrouble((error as Error).cause)).toBe('busy');
    expect((await engine.handle(shell('ticket new "Locked out"'), { onBusy: 'throw', busyWaitMs: 20 })).title).toMatch(/opened/);
  });

  it('brings errors back as their classes: refusals with code and hint, a sink drop as a DeliveryError', async () => {
    const { engine } = await rigFor(kind);
    const refused = await engine
      .openFromMessage({
        platform: 'slack',
        by: { externalId: 'UCUST', handle: 'customer' },
        where: { channel: 'C1', thread: '1.1' },
        source: { channel: 'C1', message: '1.1' },
        input: { title: 'Not staff' },
        claim: 'c1',
      })
      .catch((caught: unknown) => caught);
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).code).toBe('FORBIDDEN');
    const dropped = await engine.destination('slack', 'person:999').catch((caught: unknown) => caught);
    expect(dropped).toBeInstanceOf(DeliveryError);
    expect((dropped as DeliveryError).drop).toBe(true);
    expect(await engine.destination('slack', 'tier:t2')).toEqual({ kind: 'unmapped', logical: 'tier:t2' });
  });

  it('keeps Dates and Maps across, and refuses an argument that is not plain data', async () => {
    const { engine } = await rigFor(kind);
    await engine.advanceRoomCursor('rocketchat', 'ROOM1', new Date('2026-11-23T10:00:00Z'));
    const cursors = await engine.roomCursors('rocketchat');
    expect(cursors).toBeInstanceOf(Map);
    expect(cursors.get('ROOM1')).toBe(Date.parse('2026-11-23T10:00:00Z'));
    expect(await engine.now()).toBeInstanceOf(Date);
    const notData = { ...shell('help'), user: { ...lead, toString: () => 'x' } };
    await expect(engine.handle(notData)).rejects.toThrow(/could not be cloned/);
  });

  it("takes a mail in with its attachment's bytes (a Buffer arrives as a Uint8Array on a thread) and threads the reply's plan to it", async () => {
    const { engine, store } = await rigFor(kind, { env: { DESKOPS_MAIL_FROM: 'support@desk.test' } });
    const content = Buffer.from('%PDF-1.4 report bytes');
    const outcome = await engine.takeInMail(
      { from: { address: 'support@desk.test', name: undefined }, maxAttachmentBytes: 1_000 },
      { messageId: '<m1@example.com>', from: 'jane@example.com', fromName: 'Jane', recipients: ['support@desk.test'], subject: 'Export fails', text: 'The export fails.', attachments: [{ filename: 'report.pdf', contentType: 'application/pdf', size: content.length, content }], answers: [], autoSubmitted: undefined, precedence: undefined, report: undefined },
      [],
    );
    expect(outcome).toMatchObject({ kind: 'taken', outcome: { kind: 'opened', ticketId: 1 } });
    const stored = selectFields(store, attachments, { filename: attachments.filename, data: attachments.data });
    expect(stored.map((row) => [row.filename, Buffer.from(row.data as Uint8Array).toString()])).toEqual([['report.pdf', '%PDF-1.4 report bytes']]);
    const plan = await engine.planMails('support@desk.test', 'ticket:1', [{ dedupeKey: 'reply:1', ticketId: 1 }]);
    expect(plan.recipient).toEqual({ address: 'jane@example.com', ticketId: 1, inReplyTo: '<m1@example.com>' });
    expect(plan.mails[0]).toMatchObject({ title: 'Export fails', thread: ['<m1@example.com>'], alreadySent: false });
  });

  it('runs a job and records it; an unknown job is an error', async () => {
    const { engine, store } = await rigFor(kind);
    const report = await engine.runJob('sla-watch', new Date('2026-11-23T10:00:00Z'));
    expect(report).toMatchObject({ failed: 0, at: new Date('2026-11-23T10:00:00Z') });
    expect(selectRow(store, jobRuns, eq(jobRuns.job, 'sla-watch'))).toMatchObject({ runs: 1 });
    await expect(engine.runJob('no-such-job')).rejects.toThrow('no job named no-such-job');
    expect(engine.info.jobs.map((job) => job.name)).toContain('weekly-digest');
  });

  it('claims due outbox rows and records the outcome of each post', async () => {
    const { engine, store } = await rigFor(kind);
    const now = new Date();
    enqueue({ store, clock: { now: () => now } }, { audience: 'staff', dedupeKey: 'hello', channel: 'tier:t2', reply: warning('Hello') });
    const claimed = await engine.deliveryClaim(now, {});
    expect(claimed.outgoing).toHaveLength(1);
    const [item] = claimed.outgoing;
    expect(item!.rows[0]!.createdAt).toBeInstanceOf(Date);
    expect(await engine.deliverySent(item!, now)).toMatchObject({ messages: 1, sent: 1 });
    expect(selectRow(store, outbox, eq(outbox.dedupeKey, 'hello'))).toMatchObject({ state: 'sent', attempts: 1 });
  });

  it("writes the engine's log lines with the caller's correlation fields", async () => {
    const rig = await rigFor(kind);
    const now = new Date();
    // A row whose payload is not a Reply is failed at claim time, with an error line.
    insertRows(rig.store, outbox, [{ dedupeKey: 'bad', channel: 'tier:t2', payload: 'not a reply', audience: 'staff', state: 'queued', attempts: 0, nextAttemptAt: now, createdAt: now }]);
    await withCorrelation({ job: 'delivery', runId: 'run12345' }, () => rig.engine.deliveryClaim(now, {}));
    await vi.waitFor(() => expect(rig.log().find((line) => line.msg === 'outbox row has a payload that is not a Reply; marked failed')).toMatchObject({ runId: 'run12345', job: 'delivery', dedupeKey: 'bad' }));
  });

  it('pins the clock for every part of the engine: commands and jobs see the same instant', async () => {
    const { engine } = await rigFor(kind);
    const pinned = new Date('2026-03-02T09:00:00Z');
    await engine.pinClock(pinned);
    expect(await engine.now()).toEqual(pinned);
    expect((await engine.runJob('sla-watch')).at).toEqual(pinned);
    await engine.pinClock(null);
    expect((await engine.now()).getTime()).toBeGreaterThan(pinned.getTime());
  });

  it('reports its state and refuses calls once closed', async () => {
    const rig = await rigFor(kind);
    // The commands lane is ready when the engine starts; the background lane opens right after it
    // (a thread on PostgreSQL loads its driver and bridge first: give it more than the default second).
    await vi.waitFor(() => expect(rig.engine.state().lanes.every((lane) => lane.state === 'ready')).toBe(true), { timeout: 10_000 });
    await rig.engine.close();
    await expect(rig.engine.now()).rejects.toThrow(/closed/);
  });
});

describe('the worker engine', () => {
  it('starts a thread that died again; what it had in flight fails, later calls work', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deskops-crash-'));
    try {
      const { engine } = await rigFor('worker', { script: await crashingEngineScript(dir) });
      await expect(engine.knownHandle('shell', 'crash-now')).rejects.toThrow(/commands thread stopped \(exit code 3\)/);
      await vi.waitFor(() => expect(engine.state().lanes[0]).toMatchObject({ name: 'commands', state: 'ready', restarts: 1 }), { timeout: 5000 });
      expect((await engine.handle(shell('ticket new "After the crash"'))).title).toMatch(/opened/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs jobs on a thread of their own: a command is answered while a job holds the background thread', async () => {
    const { engine } = await rigFor('worker');
    // renderChart and runJob share the background lane; a command never waits behind them.
    const job = engine.runJobs(new Date());
    const answered = await engine.handle(shell('help'));
    expect(answered.title).toBe('deskops commands');
    await job;
  });

  it('runs the on-call ladder (an urgent job) on the commands thread, at its priority, never queued behind the background jobs', async () => {
    const { engine } = await rigFor('worker');
    const served = () => Object.fromEntries(engine.state().lanes.map((lane) => [lane.name, lane.served]));
    const ladder = engine.info.jobs.find((job) => job.name === 'oncall-ladder');
    expect(ladder?.urgent).toBe(true);
    // The hand-off, announced before the ladder's steps, is the only other urgent job.
    expect(engine.info.jobs.filter((job) => job.urgent).map((job) => job.name)).toEqual(['oncall-handoff', 'oncall-ladder']);
    const before = served();
    const report = await engine.runUrgentJob('oncall-ladder', new Date('2026-11-23T10:00:00Z'));
    expect(report).toMatchObject({ failed: 0, at: new Date('2026-11-23T10:00:00Z') });
    expect(served()).toEqual({ ...before, commands: before.commands! + 1 });
    // Only urgent jobs: a long one on the commands thread would stand in front of every command.
    await expect(engine.runUrgentJob('weekly-digest')).rejects.toThrow('weekly-digest is not an urgent job');
  });
});
