/**
 * GET /healthz in HTTP mode: 200 with the database, outbox and chat states while all is well, 503
 * naming the problem while Slack or Rocket.Chat is not connected; the check itself stays cheap.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { healthReport, runService, type HealthReport } from '../../src/adapters/service.js';
import { monitorEventLoop } from '../../src/adapters/health.js';
import { createInProcessEngine } from '../../src/engine/in-process.js';
import { adapterEntries } from '../../src/adapters/registry.js';
import { loadConfig } from '../../src/config.js';
import { createDeskopsFor } from '../../src/main.js';
import { onPostgres, storageEnv } from '../doubles/test-engine.js';
import { outbox } from '../../src/store/schema.js';
import { insertRows } from '../doubles/db.js';
import { startRocketChatServer } from '../doubles/rocketchat-server.js';
import { startSlackApi } from '../doubles/slack-api.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'deskops-healthz-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function health(port: number): Promise<{ status: number; body: HealthReport }> {
  const response = await fetch(`http://127.0.0.1:${port}/healthz`);
  return { status: response.status, body: (await response.json()) as HealthReport };
}

describe('GET /healthz', { timeout: 45_000 }, () => {
  it('answers 200 with database, outbox, Slack and Rocket.Chat states, and 503 while Rocket.Chat reconnects', async () => {
    const api = await startSlackApi();
    cleanups.push(() => api.close());
    const rc = await startRocketChatServer();
    cleanups.push(() => rc.close());
    const dir = tempDir();
    const config = loadConfig({
      ...storageEnv(join(dir, 'deskops.db'), cleanups),
      SLACK_BOT_TOKEN: 'xoxb-healthz',
      SLACK_SIGNING_SECRET: 'healthz-signing-secret',
      SLACK_API_URL: api.url,
      ROCKETCHAT_URL: rc.url,
      ROCKETCHAT_USER: rc.botUsername,
      ROCKETCHAT_PASSWORD: 'bot-password-123',
    });
    const stop = new AbortController();
    let port: number | undefined;
    const running = runService(config, {
      signal: stop.signal,
      port: 0,
      logger: pino({ level: 'silent' }),
      onStarted: (started) => (port = started.healthPort),
      entries: adapterEntries({ rocketChat: { backoff: { initialMs: 1500, maxMs: 1500 } } }),
    });
    cleanups.push(async () => {
      stop.abort();
      await running;
    });
    await vi.waitFor(() => expect(port).toBeGreaterThan(0), { timeout: 10_000, interval: 10 });

    await vi.waitFor(
      async () => {
        const { status, body } = await health(port!);
        expect(body).toMatchObject({ ok: true, database: 'ok', outbox: { due: 0, oldestDueSeconds: 0 }, platforms: { slack: 'ready', rocketchat: 'ready' }, problems: [] });
        expect(status).toBe(200);
      },
      { timeout: 10_000, interval: 50 },
    );
    // The engine's threads (the background one opens right after start-up; on PostgreSQL it loads
    // the driver and the bridge first: more than the default second on a busy machine) and the I/O
    // thread's event-loop delay, since start and over the last minute.
    const body = await vi.waitFor(
      async () => {
        const { body: report } = await health(port!);
        expect(report.engine.lanes.map((lane) => lane.state)).toEqual(['ready', 'ready']);
        return report;
      },
      { timeout: 10_000, interval: 50 },
    );
    expect(body.engine).toMatchObject({ kind: 'worker', lanes: [{ name: 'commands', state: 'ready' }, { name: 'background', state: 'ready' }] });
    for (const figures of [body.eventLoop.sinceStart, body.eventLoop.recent]) {
      // How late the sampling timer fired (its period taken off): an idle loop may read 0.
      expect(figures.p99Ms).toBeGreaterThanOrEqual(0);
      expect(figures.maxMs).toBeGreaterThanOrEqual(figures.p99Ms);
    }

    rc.dropConnection(4000);
    await vi.waitFor(
      async () => {
        const { status, body } = await health(port!);
        expect(status).toBe(503);
        expect(body).toMatchObject({ ok: false, platforms: { slack: 'ready', rocketchat: 'reconnecting' } });
        expect(body.problems).toEqual([expect.stringMatching(/^rocketchat: reconnecting/)]);
      },
      { timeout: 5000, interval: 20 },
    );
    await vi.waitFor(async () => expect((await health(port!)).status).toBe(200), { timeout: 10_000, interval: 50 });
  });

  it('answers 503 while Slack refuses the token', async () => {
    const api = await startSlackApi();
    cleanups.push(() => api.close());
    api.on('auth.test', () => ({ ok: false, error: 'invalid_auth' }));
    const dir = tempDir();
    const config = loadConfig({ ...storageEnv(join(dir, 'deskops.db'), cleanups), SLACK_BOT_TOKEN: 'xoxb-healthz-2', SLACK_SIGNING_SECRET: 'healthz-signing-secret', SLACK_API_URL: api.url });
    const stop = new AbortController();
    let port: number | undefined;
    const running = runService(config, { signal: stop.signal, port: 0, logger: pino({ level: 'silent' }), onStarted: (started) => (port = started.healthPort) });
    cleanups.push(async () => {
      stop.abort();
      await running;
    });
    await vi.waitFor(() => expect(port).toBeGreaterThan(0), { timeout: 10_000, interval: 10 });
    const { status, body } = await health(port!);
    expect(status).toBe(503);
    expect(body).toMatchObject({ ok: false, database: 'ok', platforms: { slack: 'connecting' }, problems: ['slack: connecting (not connected yet (auth.test))'] });
    expect(body.platforms.rocketchat).toBeUndefined();
  });

  it('reports a stuck outbox and an unreachable database (the report itself, without a server)', async () => {
    const dir = tempDir();
    const deskops = createDeskopsFor(loadConfig({ ...storageEnv(join(dir, 'deskops.db'), cleanups) }), { logger: pino({ level: 'silent' }) });
    const engine = createInProcessEngine(deskops);
    const now = new Date('2026-11-23T10:00:00Z');
    const insert = (dedupeKey: string, nextAttemptAt: number, createdAt: number) =>
      insertRows(deskops.app.store, outbox, [{ dedupeKey, channel: 'triage', payload: {}, state: 'queued', attempts: 0, nextAttemptAt: new Date(nextAttemptAt), createdAt: new Date(createdAt) }]);
    insert('soon', now.getTime() + 60_000, now.getTime());
    insert('five', now.getTime() - 5 * 60_000, now.getTime() - 5 * 60_000);
    const slackReady = [{ platform: 'slack' as const, health: () => ({ state: 'ready' as const }) }];
    expect(await healthReport(engine, slackReady, undefined, now)).toMatchObject({ ok: true, database: 'ok', outbox: { due: 1, oldestDueSeconds: 300 }, platforms: { slack: 'ready' }, problems: [] });
    insert('twenty', now.getTime() - 20 * 60_000, now.getTime() - 20 * 60_000);
    const stuck = await healthReport(engine, slackReady, undefined, now);
    expect(stuck).toMatchObject({ ok: false, outbox: { due: 2, oldestDueSeconds: 1200 }, problems: ['outbox: the oldest due message has waited 20 min'] });
    deskops.close();
    expect(await healthReport(engine, [], undefined, now)).toMatchObject({ ok: false, database: 'unreachable', outbox: null, platforms: {}, problems: [expect.stringMatching(onPostgres ? /^database: the outbox query failed \(the PostgreSQL connection is closed/ : /^database: the outbox query failed \(.*not open/)] });
  });

  it('reports an engine thread that is down, and the event-loop delay it measured', async () => {
    const loop = monitorEventLoop(50);
    try {
      // Hold this thread for 120 ms (once the monitor's timer runs): the monitor must see it.
      await new Promise((resolve) => setTimeout(resolve, 30));
      const until = Date.now() + 120;
      while (Date.now() < until);
      await new Promise((resolve) => setTimeout(resolve, 120));
      const down = { outboxHealth: async () => ({ due: 0, oldestDueSeconds: 0 }), state: () => ({ kind: 'worker' as const, lanes: [{ name: 'background', state: 'restarting' as const, inFlight: 0, served: 3, oldestWaitMs: 0, restarts: 1, lastError: 'exit code 1' }] }) };
      const report = await healthReport(down, [], loop);
      expect(report).toMatchObject({ ok: false, problems: ['engine: the background thread is restarting (exit code 1)'] });
      expect(report.eventLoop.sinceStart.maxMs).toBeGreaterThanOrEqual(100);
    } finally {
      loop.stop();
    }
  });
});
