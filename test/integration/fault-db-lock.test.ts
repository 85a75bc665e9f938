/**
 * Fault: another writer (a backup, a shell, a script: a connection of its own, test/doubles/db.ts
 * lockedByAnotherWriter; on SQLite in BEGIN IMMEDIATE, on PostgreSQL holding EXCLUSIVE locks on
 * every table) holds the database. Slash commands through the real Bolt receiver are still acked
 * within Slack's 3 seconds and run once the lock goes; a lock that outlasts the retries gets a
 * clear "not run, try again" answer, and nothing is half written. Commands with no wait of their
 * own (the shell, Rocket.Chat) wait the connection's 5 s, the same on both engines.
 *
 * DESKOPS_FAULT_LOCK_MS sets how long the lock is held in the first test (default 10 s).
 */
import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createRouter } from '../../src/commands/router.js';
import { handleRetrying } from '../../src/commands/retry.js';
import { createInProcessEngine } from '../../src/engine/in-process.js';
import type { Invocation } from '../../src/commands/invocation.js';
import type { Config } from '../../src/config.js';
import { deliverDue } from '../../src/delivery/worker.js';
import { forEachIsolated } from '../../src/jobs/job.js';
import { writeSetting } from '../../src/app/team-settings.js';
import { actAs } from '../doubles/context.js';
import { lockedByAnotherWriter, type AnotherWriter } from '../doubles/db.js';
import { createTestDesk, slackMember, replyText } from '../doubles/deskops.js';
import { engineOver, FakeSink, jobContext } from '../doubles/delivery.js';
import { startSlackDesk, storeCounts } from '../doubles/slack-desk.js';
import { postToSlackEndpoint, slashCommandBody } from '../doubles/slack-requests.js';

const LOCK_MS = Number(process.env.DESKOPS_FAULT_LOCK_MS ?? 10_000);
const SECRET = 'lock-secret';
/** How long a connection waits for another's lock by default (src/store/database.ts busy_timeout, the PostgreSQL bridge's lock_timeout). */
const BUSY_TIMEOUT_MS = 5000;
/** Slack's window for the ack. */
const ACK_WINDOW_MS = 3000;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Another connection holding the write lock of the database `config` names until `release()` (or the test's end). */
function holdWriteLock(config: Config): AnotherWriter {
  const writer = lockedByAnotherWriter(config);
  cleanups.push(() => writer.release());
  return writer;
}

const counts = storeCounts;

/** A desk with one ticket, its router and in-process engine logging into `log`, and the counts before a lock. */
function deskWithOneTicket() {
  const desk = createTestDesk();
  cleanups.push(() => desk.dispose());
  const log: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void log.push(line) });
  const router = createRouter({ registry: desk.registry, app: desk.app, logger });
  const engine = createInProcessEngine({ app: desk.app, registry: desk.registry, router, logger });
  desk.run('ticket new "Before the lock"');
  return { desk, log, logger, router, engine, before: counts(desk) };
}

describe('the database locked by another writer', () => {
  it(
    `acks slash commands within 3 s during a ${LOCK_MS / 1000} s lock and runs each once the lock goes`,
    async () => {
      const { api, desk, config, log, events } = await startSlackDesk(cleanups, SECRET);
      const before = counts(desk);

      const lock = holdWriteLock(config);
      const lockedAt = Date.now();
      const sends = 5;
      const acks: { status: number; ms: number }[] = [];
      for (let i = 0; i < sends; i++) {
        const body = slashCommandBody({ command: '/ticket', text: `new "Locked ${i}"`, trigger_id: `lock-${i}`, response_url: `${api.url}response/lock-${i}` });
        acks.push(await postToSlackEndpoint(events, body, { secret: SECRET }));
        // Spread over the first part of the lock, so every command meets it.
        await new Promise((resolve) => setTimeout(resolve, Math.floor((LOCK_MS * 0.6) / sends)));
      }
      expect(acks.map((ack) => ack.status)).toEqual(Array(sends).fill(200));
      for (const ack of acks) expect(ack.ms).toBeLessThan(ACK_WINDOW_MS);
      // Nothing ran while the lock was held.
      expect(api.calls.filter((call) => call.method.startsWith('response/'))).toEqual([]);

      await new Promise((resolve) => setTimeout(resolve, Math.max(0, lockedAt + LOCK_MS - Date.now())));
      lock.release();
      const releasedAt = Date.now();

      const answers = await vi.waitFor(
        () => {
          const calls = api.calls.filter((call) => call.method.startsWith('response/'));
          if (calls.length < sends) throw new Error(`${calls.length} of ${sends} answers so far`);
          return calls;
        },
        { timeout: 10_000, interval: 20 },
      );
      expect(answers.every((call) => call.at >= releasedAt)).toBe(true);
      expect(answers.map((call) => call.args.response_type)).toEqual(Array(sends).fill('in_channel'));
      expect(counts(desk)).toMatchObject({ tickets: before.tickets + sends, handled: before.handled + sends });
      expect(log.some((line) => line.includes('database locked by another writer; retrying the command'))).toBe(true);
      console.info(`fault-db-lock: ${LOCK_MS / 1000} s lock; ${sends} acks, slowest ${Math.round(Math.max(...acks.map((ack) => ack.ms)))} ms; all ran within ${Date.now() - releasedAt} ms of the release`);
    },
    LOCK_MS + 30_000,
  );

  it('answers "not run, try again" when the lock outlasts the retries, writes nothing, logs it, and the worker skips its run', async () => {
    const { desk, log, logger, router, engine, before } = deskWithOneTicket();

    const lock = holdWriteLock(desk.config);
    const invocation: Invocation = { platform: 'slack', user: slackMember('U0NEW', 'newcomer'), channel: 'C0HELP', thread: null, text: 'ticket new "During the lock"', idempotencyKey: 'slack:command:trig-lock' };
    const reply = await handleRetrying(engine, invocation, { budgetMs: 400, logger });
    expect(reply.tone).toBe('error');
    expect(replyText(reply)).toMatch(/database is busy .*your command was not run/i);
    expect(replyText(reply)).toMatch(/Nothing was changed\. Try again in a minute/);
    expect(replyText(reply)).not.toMatch(/something went wrong/i);
    // A synchronous adapter (the shell) gets the same answer, after its own wait.
    expect(replyText(router.handle({ ...invocation, platform: 'shell', idempotencyKey: undefined }, { busyWaitMs: 50 }))).toMatch(/database is busy/);

    const { ctx } = jobContext(desk.app);
    expect(await deliverDue(engineOver(ctx), desk.clock.now(), new FakeSink())).toMatchObject({ sent: 0, storeTrouble: 'busy' });

    lock.release();
    expect(counts(desk)).toEqual(before);
    // The operator's advice is each engine's own (SQLite: "stayed locked by another connection"; PostgreSQL: "long transactions holding locks").
    const errors = log.map((line) => JSON.parse(line) as { level: number; msg: string }).filter((line) => line.level === 50);
    // One line for each command answered "busy": the retried one's last attempt, the shell's.
    expect(errors.map((line) => line.msg)).toEqual(Array(2).fill(expect.stringMatching(/^command not run: .*\block/)));
    // The same command, retried once the lock is gone, runs once.
    expect((await handleRetrying(engine, invocation, { budgetMs: 400 })).tone).toBe('success');
    expect(counts(desk).tickets).toBe(before.tickets + 1);
  }, 20_000);

  it(
    "keeps a command with no wait of its own (the shell, Rocket.Chat) waiting the connection's 5 s for the lock, then answers busy; nothing is written and the same message runs later",
    async () => {
      const { desk, engine, before } = deskWithOneTicket();

      const lock = holdWriteLock(desk.config);
      const shell: Invocation = { platform: 'shell', user: { externalId: 'lead', handle: 'lead' }, channel: '#helpdesk', thread: null, text: 'ticket new "Shell during the lock"' };
      const rocket: Invocation = { platform: 'rocketchat', user: { externalId: 'rcSupport0001', handle: 'sam', facts: { platform: 'rocketchat', roles: ['support'], active: true } }, channel: 'GENERAL', thread: null, text: 'ticket new "Rocket.Chat during the lock"' };
      const timed = async <T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> => {
        const started = Date.now();
        const result = await work();
        return { result, ms: Date.now() - started };
      };
      const shellAnswer = await timed(() => engine.handle(shell));
      const rocketAnswer = await timed(() => engine.handleOnce(rocket, 'rocketchat:message:locked-1'));
      lock.release();

      for (const { result, ms } of [shellAnswer, rocketAnswer]) {
        expect(result && replyText(result)).toMatch(/database is busy .*your command was not run/i);
        // The connection's own wait: SQLite's busy_timeout, PostgreSQL's lock_timeout, 5 s on both.
        expect(ms).toBeGreaterThanOrEqual(BUSY_TIMEOUT_MS - 100);
        expect(ms).toBeLessThan(BUSY_TIMEOUT_MS + 3000);
      }
      expect(counts(desk)).toEqual(before);
      // The claim went with the command: Rocket.Chat's redelivery of the message runs it, once.
      expect((await engine.handleOnce(rocket, 'rocketchat:message:locked-1'))?.tone).toBe('success');
      expect(await engine.handleOnce(rocket, 'rocketchat:message:locked-1')).toBeNull();
      expect(counts(desk).tickets).toBe(before.tickets + 1);
      console.info(`fault-db-lock: no wait of its own: the shell answered busy after ${shellAnswer.ms} ms, Rocket.Chat after ${rocketAnswer.ms} ms`);
    },
    2 * BUSY_TIMEOUT_MS + 15_000,
  );

  it('cuts a job run short after one short wait, with a warning, and leaves the items for the next run', () => {
    const desk = createTestDesk();
    cleanups.push(() => desk.dispose());
    const log: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void log.push(line) });
    const lead = actAs(desk.app, 'lead', 'lead');
    const lock = holdWriteLock(desk.config);
    const report = forEachIsolated({ ...desk.app, logger }, 'fault-job', ['a', 'b', 'c'], (item) => item, (item) => {
      writeSetting(lead, 'channels', { [`tier:${item}`]: '#x' });
      return 1;
    });
    lock.release();
    expect(report).toEqual({ processed: 1, queued: 0, failed: 3 });
    expect(log.filter((line) => line.includes('"level":40') && line.includes('job run cut short'))).toHaveLength(1);
    expect(log.filter((line) => line.includes('"level":50'))).toEqual([]);
  });
});
