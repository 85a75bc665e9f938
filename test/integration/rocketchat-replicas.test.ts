/**
 * Two `deskops start` services (worker engines, the real Rocket.Chat SDK) on one PostgreSQL
 * database and one Rocket.Chat stand-in: one replica leads the scheduler and one holds the
 * realtime subscription, the other stands by (logged in over REST, healthy); each command typed in
 * Rocket.Chat runs once; when the holder stops, the other takes the stream over within seconds,
 * and a command typed during the hand-over is caught up from the stored room cursor and run once.
 */
import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runService, type HealthReport } from '../../src/adapters/service.js';
import { adapterEntries } from '../../src/adapters/registry.js';
import { loadConfig } from '../../src/config.js';
import { tickets } from '../../src/store/pg/schema.js';
import { all } from '../../src/store/pg/session.js';
import { openPgStore } from '../../src/store/pg/store.js';
import { TEST_STAFF_RULES } from '../doubles/deskops.js';
import { usePostgres } from '../doubles/postgres.js';
import { rcMessage, startRocketChatServer, type RocketChatStandIn } from '../doubles/rocketchat-server.js';

const postgres = usePostgres();
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const PASSWORD = 'bot-password-123';

interface Replica {
  id: string;
  port: () => number | undefined;
  stop(): Promise<void>;
}

function startReplica(id: string, url: string, server: RocketChatStandIn): Replica {
  const config = loadConfig({ DESKOPS_DATABASE_URL: url, DESKOPS_REPLICA_ID: id, ROCKETCHAT_URL: server.url, ROCKETCHAT_USER: 'deskops', ROCKETCHAT_PASSWORD: PASSWORD, DESKOPS_STAFF: TEST_STAFF_RULES });
  const stopping = new AbortController();
  let port: number | undefined;
  const running = runService(config, {
    signal: stopping.signal,
    port: 0,
    logger: pino({ level: 'silent' }),
    onStarted: (started) => (port = started.healthPort),
    leaseCheckEveryMs: 200,
    entries: adapterEntries({ rocketChat: { healthIntervalMs: 200, healthTimeoutMs: 1_000, connectTimeoutMs: 2_000, backoff: { initialMs: 100, maxMs: 500 } } }),
  });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    stopping.abort();
    await running;
  };
  cleanups.push(stop);
  return { id, port: () => port, stop };
}

async function health(replica: Replica): Promise<HealthReport> {
  const response = await fetch(`http://127.0.0.1:${replica.port()}/healthz`);
  const body = (await response.json()) as HealthReport;
  expect(response.status, JSON.stringify(body.problems)).toBe(200);
  return body;
}

let nextId = 0;
const say = (msg: string, at = Date.now()) => rcMessage({ _id: `m-${++nextId}`, rid: 'GENERAL', msg }, at);

describe('Rocket.Chat with two replicas on PostgreSQL', () => {
  it('reads the stream on one replica at a time, runs each command once, and hands over when the holder stops', async () => {
    const url = await postgres.freshDatabase();
    const server = await startRocketChatServer({ password: PASSWORD });
    cleanups.push(() => server.close());
    server.addRoom('GENERAL', 'c', 'general');
    const store = await openPgStore(url);
    cleanups.push(() => store.close());
    const titles = () => all(store.db.select({ title: tickets.title }).from(tickets).orderBy(tickets.id)).map((row) => row.title);

    const a = startReplica('replica-a', url, server);
    await vi.waitFor(async () => expect((await health(a)).platforms.rocketchat).toBe('ready'), { timeout: 20_000, interval: 100 });
    const b = startReplica('replica-b', url, server);
    await vi.waitFor(async () => expect((await health(b)).platforms.rocketchat).toBe('standby'), { timeout: 20_000, interval: 100 });
    const [reportA, reportB] = [await health(a), await health(b)];
    expect(reportA.replica).toMatchObject({ id: 'replica-a', leadsScheduler: true, leases: { scheduler: { held: true, turn: 1 }, rocketchat: { held: true, turn: 1 } } });
    expect(reportB.replica).toMatchObject({ id: 'replica-b', leadsScheduler: false, leases: { scheduler: { held: false, turn: null }, rocketchat: { held: false, turn: null } } });
    expect(server.subscriptionCount()).toBe(1);

    server.push(say('!ticket new "Typed while A reads"'));
    await vi.waitFor(() => expect(titles()).toEqual(['Typed while A reads']), { timeout: 10_000, interval: 50 });
    await vi.waitFor(() => expect(server.sent).toHaveLength(1), { timeout: 10_000, interval: 50 });

    // A command reaches the server as A's link dies (A never gets it: it is only in the room's history), then A stops.
    server.addHistory(say('!ticket new "Typed during the hand-over"', Date.now() + 5));
    await a.stop();
    const handedOver = Date.now();
    await vi.waitFor(async () => expect((await health(b)).platforms.rocketchat).toBe('ready'), { timeout: 30_000, interval: 100 });
    expect(Date.now() - handedOver).toBeLessThan(30_000);
    expect((await health(b)).replica).toMatchObject({ leadsScheduler: true, leases: { scheduler: { held: true, turn: 2 }, rocketchat: { held: true, turn: 2 } } });
    await vi.waitFor(() => expect(titles()).toEqual(['Typed while A reads', 'Typed during the hand-over']), { timeout: 10_000, interval: 50 });

    server.push(say('!ticket new "Typed while B reads"'));
    await vi.waitFor(() => expect(titles()).toHaveLength(3), { timeout: 10_000, interval: 50 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(titles()).toEqual(['Typed while A reads', 'Typed during the hand-over', 'Typed while B reads']);
    expect(server.sent).toHaveLength(3);
    expect(server.subscriptionCount()).toBe(1);
    expect(store.leases.all().map(({ name, token, holder }) => ({ name, token, holder }))).toEqual([
      { name: 'rocketchat', token: 2, holder: 'replica-b' },
      { name: 'scheduler', token: 2, holder: 'replica-b' },
    ]);
  });
});
