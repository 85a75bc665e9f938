/**
 * The outbox worker against real SQLite: stale rows dropped, rows coalesced per channel, retries
 * with backoff and Retry-After, visible failure, no double sends between workers, catch-up.
 */
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { enqueue, type Notification, type ValidityCondition } from '../../src/app/outbox.js';
import { DeliveryError, routeSink, type OutboxRow } from '../../src/delivery/sink.js';
import { ShellSink, type ShellPost } from '../../src/delivery/shell-sink.js';
import { createWebhookSink } from '../../src/delivery/webhook-sink.js';
import { deliverDue, drainOutbox } from '../../src/delivery/worker.js';
import { retryDelayMs } from '../../src/delivery/claims.js';
import type { Job, JobContext } from '../../src/jobs/job.js';
import { runJobsOnce } from '../../src/jobs/runs.js';
import { oncallEscalations, outbox, people, slaClocks, tickets } from '../../src/store/schema.js';
import type { Reply } from '../../src/views/reply.js';
import { warning } from '../../src/views/reply.js';
import { actAs, createTestApp, TEST_NOW, type TestApp } from '../doubles/context.js';
import { engineOver, FakeSink, jobContext } from '../doubles/delivery.js';
import type { Engine } from '../../src/engine/port.js';
import { insertTicket } from '../doubles/tickets.js';
import { insertRow, insertRows, selectRow, selectRows, updateRows } from '../doubles/db.js';

let t: TestApp;
let ctx: JobContext;
let engine: Engine;
let logLines: () => Array<Record<string, unknown>>;
let sink: FakeSink;

beforeEach(() => {
  t = createTestApp();
  ({ ctx, logLines } = jobContext(t.app));
  engine = engineOver(ctx);
  sink = new FakeSink();
});
afterEach(() => t.close());

const at = (ms: number) => new Date(TEST_NOW.getTime() + ms);
const SECOND = 1000;
const MINUTE = 60 * SECOND;
/** No jitter, so retry instants are exact. */
const exact = { jitter: 0 };

function queue(key: string, extra: Partial<Notification> = {}): void {
  const reply = warning(`Warning ${key}`, { visibility: 'channel', text: `About ${key}` });
  expect(enqueue(t.app, { audience: 'staff', dedupeKey: key, channel: 'tier:t2', reply, ...extra })).toBe(true);
}

function row(key: string): OutboxRow {
  return selectRow(t.app.store, outbox, eq(outbox.dedupeKey, key))!;
}

function messageOf(index: number): Reply {
  return sink.posts[index]!.message as Reply;
}

describe('deliverDue', () => {
  it('sends a due row once, marks it sent, and leaves rows that are not due yet', async () => {
    queue('now');
    queue('later', { notBefore: at(10 * MINUTE) });
    const report = await deliverDue(engine, TEST_NOW, sink);
    expect(report).toMatchObject({ messages: 1, sent: 1, dropped: 0, retrying: 0, failed: 0 });
    expect(sink.postedKeys()).toEqual(['now']);
    expect(row('now')).toMatchObject({ state: 'sent', attempts: 1, sentAt: TEST_NOW });
    expect(row('later').state).toBe('queued');

    expect((await deliverDue(engine, at(MINUTE), sink)).sent).toBe(0);
    await deliverDue(engine, at(10 * MINUTE), sink);
    expect(sink.postedKeys()).toEqual(['now', 'later']);
  });

  it('sends a page in the first run however long the backlog of older notices ahead of it', async () => {
    for (let n = 0; n < 30; n++) queue(`notice-${n}`, { notBefore: at(-60 * MINUTE + n * SECOND) });
    queue('page', { channel: 'role:support-dev', urgent: true });
    const report = await deliverDue(engine, TEST_NOW, sink, { batchSize: 10 });
    expect(report.more).toBe(true);
    expect(sink.postedKeys()).toContain('page');
    expect(sink.postedKeys()).toHaveLength(10);
    expect(row('page').state).toBe('sent');
    // The backlog itself still goes out oldest first.
    expect(sink.postedKeys().filter((key) => key !== 'page')).toEqual(Array.from({ length: 9 }, (_, n) => `notice-${n}`));
  });

  it('posts the pages of a run before its other notices start, and keeps a page a message of its own', async () => {
    queue('notice-old', { notBefore: at(-MINUTE) });
    queue('notice-dev', { channel: 'role:support-dev', notBefore: at(-MINUTE) });
    queue('page', { channel: 'role:support-dev', urgent: true });
    sink.hold();
    const delivering = deliverDue(engine, TEST_NOW, sink);
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Only the page is in flight: the notices wait for it (or for the head start, if it hangs).
    expect(sink.calls).toBe(1);
    sink.release();
    await delivering;
    const posted = sink.posts.map((post) => post.rows.map((r) => r.dedupeKey));
    expect(posted[0]).toEqual(['page']);
    expect(posted.slice(1).sort()).toEqual([['notice-dev'], ['notice-old']]);
  });

  it('starts the other notices after a head start when a page hangs', async () => {
    queue('notice');
    queue('page', { channel: 'role:support-dev', urgent: true });
    sink.hold();
    const delivering = deliverDue(engine, TEST_NOW, sink);
    await new Promise((resolve) => setTimeout(resolve, 2_300));
    expect(sink.calls).toBe(2);
    sink.release();
    await delivering;
    expect(sink.postedKeys().sort()).toEqual(['notice', 'page']);
  });

  it('never sends a second row with the same dedupe key', async () => {
    queue('once');
    expect(enqueue(t.app, { audience: 'staff', dedupeKey: 'once', channel: 'tier:t2', reply: warning('again') })).toBe(false);
    await drainOutbox(engine, TEST_NOW, sink);
    expect(sink.postedKeys()).toEqual(['once']);
  });
});

describe('stale rows', () => {
  let ticketId: number;
  let clockId: number;
  let escalationId: number;

  beforeEach(() => {
    ticketId = insertTicket(t.app, { replyDueAt: at(8 * 60 * MINUTE) }).id;
    clockId = insertRow(t.app.store, slaClocks, { ticketId, tier: 't2', enteredAt: TEST_NOW, runningSince: TEST_NOW, warned: 'yellow' }).id;
    escalationId = insertRow(t.app.store, oncallEscalations, { ticketId, escalatedAt: TEST_NOW, step: 'paged' }).id;
  });

  const setClock = (values: Partial<typeof slaClocks.$inferInsert>) => updateRows(t.app.store, slaClocks, values, eq(slaClocks.id, clockId));
  const setTicket = (values: Partial<typeof tickets.$inferInsert>) => updateRows(t.app.store, tickets, values, eq(tickets.id, ticketId));
  const setEscalation = (values: Partial<typeof oncallEscalations.$inferInsert>) =>
    updateRows(t.app.store, oncallEscalations, values, eq(oncallEscalations.id, escalationId));

  const conditions = {
    sla: (): ValidityCondition => ({ kind: 'sla-clock', clockId, warned: 'yellow', assigneeId: null }),
    reply: (): ValidityCondition => ({ kind: 'reply-due', ticketId, replyDueAt: at(8 * 60 * MINUTE).getTime() }),
    ladder: (): ValidityCondition => ({ kind: 'ladder', escalationId, step: 'paged' }),
    status: (): ValidityCondition => ({ kind: 'status', ticketId, status: 'open', statusChangedAt: TEST_NOW.getTime() }),
  };

  it.each([
    ['sla-clock: the clock was paused', 'sla', () => setClock({ runningSince: null }), /paused/],
    ['sla-clock: the warning was snoozed', 'sla', () => setClock({ snoozedUntil: at(60 * MINUTE) }), /snoozed until/],
    ['sla-clock: a later band superseded it', 'sla', () => setClock({ warned: 'red' }), /superseded.*red/],
    ['sla-clock: the ticket left the tier', 'sla', () => setClock({ leftAt: TEST_NOW }), /left that tier/],
    ['sla-clock: the ticket was reassigned', 'sla', () => setTicket({ assigneeId: insertRow(t.app.store, people, { displayName: 'Zoe', createdAt: TEST_NOW }).id }), /reassigned/],
    ['reply-due: the requester was answered', 'reply', () => setTicket({ replyDueAt: null }), /answered/],
    ['ladder: the escalation was acknowledged', 'ladder', () => setEscalation({ acknowledgedAt: TEST_NOW }), /acknowledged/],
    ['status: the ticket changed status', 'status', () => setTicket({ status: 'resolved', statusChangedAt: at(MINUTE) }), /status changed \(now resolved\)/],
  ] as const)('drops the row when %s', async (_case, kind, makeStale, reason) => {
    queue('stale', { validWhile: conditions[kind]() });
    makeStale();
    const report = await deliverDue(engine, at(2 * MINUTE), sink);
    expect(report).toMatchObject({ sent: 0, dropped: 1 });
    expect(sink.calls).toBe(0);
    expect(row('stale').state).toBe('dropped');
    expect(row('stale').lastError).toMatch(reason);
  });

  it.each(['sla', 'reply', 'ladder', 'status'] as const)('sends the %s row while its condition holds', async (kind) => {
    queue('fresh', { validWhile: conditions[kind]() });
    expect((await deliverDue(engine, at(MINUTE), sink)).sent).toBe(1);
  });

  it('still sends a page after the ladder moved on to the call step (a late tick queues both)', async () => {
    queue('page', { validWhile: conditions.ladder() });
    setEscalation({ step: 'called' });
    expect((await deliverDue(engine, at(MINUTE), sink)).sent).toBe(1);
  });

  it('sends once a snooze has run out, and sends rows with conditions it does not know', async () => {
    setClock({ snoozedUntil: at(30 * MINUTE) });
    queue('after-snooze', { validWhile: conditions.sla(), notBefore: at(30 * MINUTE) });
    queue('unknown', { validWhile: { kind: 'from-the-future', x: 1 } as unknown as ValidityCondition });
    await deliverDue(engine, at(30 * MINUTE), sink);
    expect(sink.postedKeys().sort()).toEqual(['after-snooze', 'unknown']);
  });
});

describe('coalescing and mentions', () => {
  it('posts one message per channel per run, with a section per notification', async () => {
    queue('a');
    queue('b');
    queue('c', { channel: 'tier:t3' });
    queue('d');
    const report = await deliverDue(engine, TEST_NOW, sink);
    expect(report).toMatchObject({ messages: 2, sent: 4 });
    expect(sink.posts.map((p) => [p.channel, p.rows.map((r) => r.dedupeKey)])).toEqual([
      ['tier:t2', ['a', 'b', 'd']],
      ['tier:t3', ['c']],
    ]);
    const combined = messageOf(0);
    expect(combined.title).toBe('3 notifications');
    expect(combined.tone).toBe('warning');
    expect(combined.sections?.map((s) => s.heading)).toEqual(['⚠ Warning a', '⚠ Warning b', '⚠ Warning d']);
    expect(combined.sections?.[0]?.lines).toEqual(['About a']);
    // A single notification goes out as it was written.
    expect(messageOf(1).title).toBe('Warning c');
  });

  it('splits a long run for one channel into messages of at most maxPerMessage notifications', async () => {
    for (const key of ['1', '2', '3', '4', '5']) queue(key);
    await deliverDue(engine, TEST_NOW, sink, { maxPerMessage: 2 });
    expect(sink.posts.map((p) => p.rows.length)).toEqual([2, 2, 1]);
  });

  it('never coalesces webhook rows, and posts their JSON body as it is', async () => {
    for (const key of ['page-1', 'page-2']) {
      insertRows(t.app.store, outbox, [{ dedupeKey: key, channel: 'webhook:page', payload: { event: 'deskops.page', dedupe_key: key }, nextAttemptAt: TEST_NOW, createdAt: TEST_NOW }]);
    }
    await deliverDue(engine, TEST_NOW, sink);
    expect(sink.posts.map((p) => p.message)).toEqual([
      { event: 'deskops.page', dedupe_key: 'page-1' },
      { event: 'deskops.page', dedupe_key: 'page-2' },
    ]);
  });

  it('drops webhook rows when no webhook is configured, without bothering the chat sink', async () => {
    insertRows(t.app.store, outbox, [{ dedupeKey: 'page', channel: 'webhook:page', payload: { event: 'deskops.page' }, nextAttemptAt: TEST_NOW, createdAt: TEST_NOW }]);
    queue('chat');
    const report = await deliverDue(engine, TEST_NOW, routeSink({ chat: sink, webhook: createWebhookSink({ url: undefined }) }));
    expect(report).toMatchObject({ sent: 1, dropped: 1 });
    expect(row('page')).toMatchObject({ state: 'dropped', lastError: 'no webhook configured (DESKOPS_PAGE_WEBHOOK is not set)' });
    expect(sink.postedKeys()).toEqual(['chat']);
  });

  it('leaves mentions to the sink: the rows carry them, the message does not', async () => {
    const bob = actAs(t.app, 'bob');
    const carol = actAs(t.app, 'carol');
    if (bob.actor.kind !== 'person' || carol.actor.kind !== 'person') throw new Error('people expected');
    queue('mention', { mentions: [bob.actor.personId, carol.actor.personId, bob.actor.personId] });
    await deliverDue(engine, TEST_NOW, sink);
    expect(JSON.stringify(messageOf(0))).not.toContain('cc @');
    const shown: ShellPost[] = [];
    await new ShellSink(engine, (post) => void shown.push(post)).post('tier:t2', messageOf(0), [row('mention')]);
    expect((shown[0]!.message as Reply).sections?.at(-1)?.lines).toEqual(['cc @bob @carol']);
  });

  it('marks a chat row whose payload is not a Reply failed, visibly', async () => {
    insertRows(t.app.store, outbox, [{ dedupeKey: 'junk', channel: 'tier:t2', payload: { hello: 'world' }, nextAttemptAt: TEST_NOW, createdAt: TEST_NOW }]);
    expect((await deliverDue(engine, TEST_NOW, sink)).failed).toBe(1);
    expect(row('junk')).toMatchObject({ state: 'failed', lastError: 'payload is not a Reply' });
    expect(logLines().some((l) => l.level === 50 && l.dedupeKey === 'junk')).toBe(true);
  });
});

describe('retries', () => {
  it('backs off exponentially with a cap: 30 s, 1 m, 2 m … 30 m, plus at most 20% jitter', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => retryDelayMs(n, () => 0) / SECOND)).toEqual([30, 60, 120, 240, 480, 960, 1800, 1800]);
    expect(retryDelayMs(1, () => 0.999)).toBeLessThanOrEqual(36 * SECOND);
    expect(retryDelayMs(7, () => 0.999)).toBe(30 * MINUTE);
  });

  it('does not retry a failed row before its backoff has passed, then sends it', async () => {
    queue('flaky');
    sink.failNext(new Error('socket hang up'));
    expect(await deliverDue(engine, TEST_NOW, sink, exact)).toMatchObject({ sent: 0, retrying: 1 });
    expect(row('flaky')).toMatchObject({ state: 'queued', attempts: 1, lastError: 'socket hang up', nextAttemptAt: at(30 * SECOND) });

    await deliverDue(engine, at(29 * SECOND), sink, exact);
    expect(sink.calls).toBe(1);
    await deliverDue(engine, at(30 * SECOND), sink, exact);
    expect(sink.postedKeys()).toEqual(['flaky']);
    expect(row('flaky')).toMatchObject({ state: 'sent', attempts: 2, lastError: null });
  });

  it("honours the platform's Retry-After, for every message to that channel in the run", async () => {
    for (const key of ['a', 'b', 'c']) queue(key);
    sink.failNext(new DeliveryError('rate limited', { retryAfterMs: 2 * MINUTE }));
    const report = await deliverDue(engine, TEST_NOW, sink, { ...exact, maxPerMessage: 1 });
    // The first message failed; the other two were not even tried against a rate-limited channel.
    expect(sink.calls).toBe(1);
    expect(report).toMatchObject({ sent: 0, retrying: 3 });
    expect(['a', 'b', 'c'].map((k) => row(k).nextAttemptAt)).toEqual([at(2 * MINUTE), at(2 * MINUTE), at(2 * MINUTE)]);
    expect(['a', 'b', 'c'].map((k) => row(k).attempts)).toEqual([1, 0, 0]);

    await deliverDue(engine, at(2 * MINUTE - SECOND), sink, exact);
    expect(sink.calls).toBe(1);
    await deliverDue(engine, at(2 * MINUTE), sink, exact);
    expect(sink.postedKeys()).toEqual(['a', 'b', 'c']);
  });

  it('does not count a sink pacing itself as a failed attempt', async () => {
    queue('paced');
    sink.failNext(new DeliveryError('pacing', { retryAfterMs: 3 * SECOND, deferred: true }));
    expect(await deliverDue(engine, TEST_NOW, sink, exact)).toMatchObject({ sent: 0, failed: 0, retrying: 1 });
    expect(row('paced')).toMatchObject({ state: 'queued', attempts: 0, nextAttemptAt: at(3 * SECOND) });
    await deliverDue(engine, at(3 * SECOND), sink, exact);
    expect(row('paced')).toMatchObject({ state: 'sent', attempts: 1 });
  });

  it('gives up after maxAttempts, marking the row failed and logging it at error level', async () => {
    queue('doomed');
    sink.failNext(new Error('HTTP 502'), 3);
    let now = TEST_NOW;
    for (let attempt = 1; attempt <= 3; attempt++) {
      const report = await deliverDue(engine, now, sink, { ...exact, maxAttempts: 3 });
      expect(report.failed).toBe(attempt === 3 ? 1 : 0);
      now = row('doomed').nextAttemptAt;
    }
    expect(row('doomed')).toMatchObject({ state: 'failed', attempts: 3, lastError: 'HTTP 502' });
    const errors = logLines().filter((l) => l.level === 50);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ msg: expect.stringMatching(/failed for good/), dedupeKeys: ['doomed'] });
    // A failed row is never picked up again; the leads hear about it, once.
    expect((await deliverDue(engine, at(24 * 60 * MINUTE), sink)).sent).toBe(1);
    const notice = sink.posts.at(-1)!;
    expect(notice.channel).toBe('role:leads');
    expect(JSON.stringify(notice.message)).toContain('HTTP 502');
    expect((await deliverDue(engine, at(25 * 60 * MINUTE), sink)).sent).toBe(0);
  });

  it('tells the admins directly when the leads channel itself fails, and never notices a failed notice', async () => {
    const admin = actAs(t.app, 'root', 'admin');
    expect(admin.actor.kind).toBe('person');
    enqueue(t.app, { audience: 'staff', dedupeKey: 'for-leads', channel: 'role:leads', reply: warning('x') });
    sink.failNext(new DeliveryError('not_in_channel: /invite @deskops', { permanent: true }));
    expect((await deliverDue(engine, TEST_NOW, sink)).failed).toBe(1);
    const direct = selectRows(t.app.store, outbox).filter((r) => r.dedupeKey.startsWith('delivery-failed:'));
    expect(direct.map((r) => r.channel)).toEqual([`person:${admin.actor.kind === 'person' ? admin.actor.personId : 0}`]);
    sink.failNext(new DeliveryError('cannot_dm_bot', { permanent: true }));
    expect((await deliverDue(engine, at(MINUTE), sink)).failed).toBe(1);
    expect(selectRows(t.app.store, outbox).filter((r) => r.dedupeKey.startsWith('delivery-failed:'))).toHaveLength(1);
  });

  it('fails a row at once on a permanent error', async () => {
    queue('bad-channel');
    sink.failNext(new DeliveryError('channel_not_found', { permanent: true }));
    expect((await deliverDue(engine, TEST_NOW, sink)).failed).toBe(1);
    expect(row('bad-channel')).toMatchObject({ state: 'failed', attempts: 1, lastError: 'channel_not_found' });
  });
});

describe('two workers', () => {
  it('never post the same row twice when they run at the same time on two connections', async () => {
    for (let i = 0; i < 30; i++) queue(`row-${i}`, { channel: `tier:t${(i % 5) + 1}` });
    const other = t.connectAgain();
    try {
      const second = jobContext({ ...t.app, store: other }).ctx;
      const reports = await Promise.all([deliverDue(engine, TEST_NOW, sink, { batchSize: 10 }), deliverDue(engineOver(second), TEST_NOW, sink, { batchSize: 10 }), drainOutbox(engine, TEST_NOW, sink)]);
      const keys = sink.postedKeys();
      expect(keys).toHaveLength(30);
      expect(new Set(keys).size).toBe(30);
      expect(reports.reduce((n, r) => n + r.sent, 0)).toBe(30);
    } finally {
      other.close();
    }
  });

  it('leave a row alone while another holds its claim, and retry it once that lease has run out', async () => {
    queue('held');
    sink.hold();
    const first = deliverDue(engine, TEST_NOW, sink, { leaseMs: 5 * MINUTE });
    // The first worker has claimed the row and is waiting on the platform.
    await deliverDue(engine, at(4 * MINUTE), sink);
    expect(sink.calls).toBe(1);
    // A worker that died mid-post never marks the row; after the lease it is due again. This is the
    // at-least-once window the worker documents: post succeeded, crash before marking it sent.
    expect(row('held').nextAttemptAt).toEqual(at(5 * MINUTE));
    sink.release();
    await first;
    expect(row('held').state).toBe('sent');
    expect((await deliverDue(engine, at(6 * MINUTE), sink)).sent).toBe(0);
  });
});

describe('catch-up after downtime', () => {
  it('sends each row due during the downtime exactly once, in order', async () => {
    queue('at-9');
    t.clock.set(at(60 * MINUTE));
    queue('at-10');
    queue('reminder-11', { notBefore: at(120 * MINUTE) });
    // The bot was down from 09:00 to 14:00; the first run after it sends everything once.
    await drainOutbox(engine, at(5 * 60 * MINUTE), sink);
    expect(sink.postedKeys()).toEqual(['at-9', 'at-10', 'reminder-11']);
    await drainOutbox(engine, at(5 * 60 * MINUTE + 15 * SECOND), sink);
    expect(sink.posts).toHaveLength(1);
  });

  it('a job that decides from stored state queues one row however many ticks it missed', async () => {
    insertTicket(t.app, { status: 'pending', statusChangedAt: TEST_NOW });
    const reminders: Job = {
      name: 'reminders',
      schedule: '* * * * *',
      run(jobCtx, now) {
        const due = selectRows(t.app.store, tickets).filter((x) => x.status === 'pending' && now.getTime() - x.statusChangedAt.getTime() >= 60 * MINUTE);
        let queued = 0;
        for (const ticket of due) {
          if (enqueue(jobCtx, { audience: 'staff', dedupeKey: `reminder:${ticket.id}:${ticket.statusChangedAt.getTime()}`, channel: 'tier:t1', reply: warning(`Remind #${ticket.id}`) })) queued++;
        }
        return { processed: due.length, queued, failed: 0 };
      },
    };
    // Three ticks after a long outage, as a restarted scheduler and two operators might run them.
    const reports = [at(5 * 60 * MINUTE), at(5 * 60 * MINUTE), at(6 * 60 * MINUTE)].map((now) => runJobsOnce(ctx, [reminders], now).reminders!);
    expect(reports.map((r) => r.queued)).toEqual([1, 0, 0]);
    await drainOutbox(engine, at(6 * 60 * MINUTE), sink);
    await drainOutbox(engine, at(7 * 60 * MINUTE), sink);
    expect(sink.posts.map((p) => (p.message as Reply).title)).toEqual(['Remind #1']);
  });
});
