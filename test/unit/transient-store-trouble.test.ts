/**
 * Database trouble that passes by itself (another writer's lock; PostgreSQL's connection cut under
 * a statement or the server restarting) is run again after the acknowledgement, like a lock: a
 * command acknowledged to Slack while PostgreSQL restarts is stored once the server is back, not
 * dropped. Trouble that needs a person (a full disk, a read-only database) is answered at once.
 */
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { DatabaseBusyError, storeTransient } from '../../src/app/errors.js';
import { handleRetrying } from '../../src/commands/retry.js';
import { runAndRespond } from '../../src/adapters/slack/answer.js';
import type { SlackDeps } from '../../src/adapters/slack/deps.js';
import { createInProcessEngine } from '../../src/engine/in-process.js';
import type { Storage } from '../../src/store/storage.js';
import { createTestApp, grantStaff, type TestApp } from '../doubles/context.js';

const apps: TestApp[] = [];
afterEach(() => {
  for (const app of apps.splice(0)) app.close();
});

const connectionCut = () => Object.assign(new Error('Connection terminated unexpectedly'), { code: '08006' });
const rowLocked = () => Object.assign(new Error('canceling statement due to lock timeout'), { code: '55P03' });
const sqliteLocked = () => Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
const diskFull = () => Object.assign(new Error('could not extend file'), { code: '53100' });

/** An engine whose store fails its next `failures` outermost transactions (or, `where: 'lock wait'`, its lock-wait set-ups) with `error()`. */
function engineFailing(failures: number, error: () => Error, where: 'transaction' | 'lock wait' = 'transaction') {
  const t = createTestApp();
  apps.push(t);
  grantStaff(t.app, 'shell', 'lead', 'lead');
  let left = failures;
  let depth = 0;
  const store: Storage = {
    ...t.app.store,
    withLockWait(ms, work) {
      // PostgreSQL sets the lock wait with a statement of its own, before the command's transaction.
      if (where === 'lock wait' && left > 0) {
        left -= 1;
        throw error();
      }
      return t.app.store.withLockWait(ms, work);
    },
    transaction(work) {
      if (where === 'transaction' && depth === 0 && left > 0) {
        left -= 1;
        throw error();
      }
      depth += 1;
      try {
        return t.app.store.transaction(work);
      } finally {
        depth -= 1;
      }
    },
  };
  const engine = createInProcessEngine({ app: { ...t.app, store }, logger: pino({ level: 'silent' }) });
  return { engine, tickets: () => t.app.store.tickets.byId(1) };
}

const invocation = { platform: 'shell' as const, user: { externalId: 'lead', handle: 'lead' }, channel: '#helpdesk', thread: null, text: 'ticket new "While the server restarts"' };

describe('transient database trouble', () => {
  it('is told apart from trouble that needs a person', () => {
    expect(storeTransient(connectionCut())).toBe(true);
    expect(storeTransient(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(storeTransient(Object.assign(new Error('the database system is starting up'), { code: '57P03' }))).toBe(true);
    expect(storeTransient(Object.assign(new Error('could not serialize'), { code: '40001' }))).toBe(true);
    expect(storeTransient(diskFull())).toBe(false);
    expect(storeTransient(Object.assign(new Error('read-only'), { code: '25006' }))).toBe(false);
    expect(storeTransient(new Error('a bug'))).toBe(false);
  });

  it('throws DatabaseBusyError to a caller that retries after its ack, and the retry stores the command once', async () => {
    const { engine, tickets } = engineFailing(2, connectionCut);
    await expect(engine.handle(invocation, { onBusy: 'throw', busyWaitMs: 20 })).rejects.toBeInstanceOf(DatabaseBusyError);
    const reply = await handleRetrying(engine, invocation);
    expect(reply.title).toMatch(/#1 opened/);
    expect(tickets()?.title).toBe('While the server restarts');
  });

  it('treats a connection lost before the command began (setting its lock wait) the same way', async () => {
    const { engine, tickets } = engineFailing(1, connectionCut, 'lock wait');
    await expect(engine.handle(invocation, { onBusy: 'throw', busyWaitMs: 20 })).rejects.toBeInstanceOf(DatabaseBusyError);
    expect((await handleRetrying(engine, invocation)).title).toMatch(/#1 opened/);
    expect(tickets()?.title).toBe('While the server restarts');
    // Without a retrying caller, the person is told it was not run, rather than nothing at all.
    const again = engineFailing(1, connectionCut, 'lock wait');
    expect(JSON.stringify(await again.engine.handle(invocation, { busyWaitMs: 20 }))).toMatch(/was not run/);
  });

  it('answers at once that the command was not run when the database needs a person', async () => {
    const { engine, tickets } = engineFailing(1, diskFull);
    const reply = await engine.handle(invocation, { onBusy: 'throw', busyWaitMs: 20 });
    expect(JSON.stringify(reply)).toMatch(/was not run/);
    expect(tickets()).toBeUndefined();
  });

  describe("a Slack command's ack (runAndRespond)", () => {
    /** Runs the command the way a Slack slash command is run, noting whether the ticket was stored when the ack went out. */
    async function ackedAfterStore(failures: number, error: () => Error): Promise<{ storedAtAck: boolean; title: string | undefined }> {
      const { engine, tickets } = engineFailing(failures, error);
      const deps = { engine, logger: pino({ level: 'silent' }), conversations: { readers: async () => 'staff' } } as unknown as SlackDeps;
      let storedAtAck: boolean | undefined;
      const reply = await runAndRespond(deps, invocation, async () => undefined, async () => void (storedAtAck = tickets() !== undefined));
      return { storedAtAck: storedAtAck!, title: reply.title };
    }

    it("waits out PostgreSQL's row locks before the ack, so the 200 means stored", async () => {
      expect(await ackedAfterStore(3, rowLocked)).toEqual({ storedAtAck: true, title: expect.stringMatching(/#1 opened/) });
    });

    it('acks a whole SQLite database locked by another writer at once and stores the command after', async () => {
      expect(await ackedAfterStore(1, sqliteLocked)).toEqual({ storedAtAck: false, title: expect.stringMatching(/#1 opened/) });
    });
  });
});
