/**
 * deskops' Rocket.Chat adapter (real SDK) wired to the loopback stand-in server on a real SQLite
 * file, with fast health and backoff timings, every log line checked for secrets, and a restart
 * on the same database.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, vi } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { createDeskopsFor, type Deskops } from '../../src/main.js';
import type { Storage } from '../../src/store/storage.js';
import { storageEnv } from './test-engine.js';
import { createInProcessEngine } from '../../src/engine/in-process.js';
import type { Engine } from '../../src/engine/port.js';
import { startRocketChat, type RocketChatHandle } from '../../src/adapters/rocketchat/start.js';
import { TEST_STAFF_RULES } from './deskops.js';
import { rcMessage, startRocketChatServer, type RcMessage, type RocketChatStandIn } from './rocketchat-server.js';

export const RC_PASSWORD = 'bot-password-123';

export interface RocketChatRig {
  server: RocketChatStandIn;
  deskops: Deskops<Storage>;
  /** The same deskops behind the engine port (the adapter talks to this). */
  engine: Engine;
  rc: RocketChatHandle;
  /** Every log line; kept as a count plus the lines that leaked a secret, so long runs stay small. */
  logs: { lines: number; redacted: number; leaks: string[] };
  /** Stops deskops (adapter and database) and starts it again on the same file, as a restart would. */
  restart(): Promise<void>;
}

/** Runs `cleanup` after the current test (the caller's afterEach drains the list). */
export type Cleanups = Array<() => Promise<void> | void>;

/** The stand-in with rooms GENERAL (channel), PRIVATE (group) and DM, and deskops connected to it. */
export async function rocketChatRig(cleanups: Cleanups, options: { level?: string; env?: Record<string, string>; rateLimits?: boolean } = {}): Promise<RocketChatRig> {
  const level = options.level ?? 'debug';
  const server = await startRocketChatServer({ password: RC_PASSWORD });
  server.addRoom('GENERAL', 'c', 'general');
  server.addRoom('PRIVATE', 'p', 'support-t2');
  server.addRoom('DM', 'd');
  const dir = mkdtempSync(join(tmpdir(), 'deskops-rc-'));
  const logs = { lines: 0, redacted: 0, leaks: [] as string[] };
  const logger = createLogger(level, {
    write: (line: string) => {
      logs.lines += 1;
      if (line.includes('[redacted]')) logs.redacted += 1;
      if (line.includes(server.authToken) || line.includes(RC_PASSWORD)) logs.leaks.push(line);
    },
  });
  const drops: Array<() => void> = [];
  const config = loadConfig({ ...storageEnv(join(dir, 'deskops.db'), drops), ROCKETCHAT_URL: server.url, ROCKETCHAT_USER: 'deskops', ROCKETCHAT_PASSWORD: RC_PASSWORD, DESKOPS_STAFF: TEST_STAFF_RULES, ...options.env });
  const start = async () => {
    // Per-person rate limits are off unless a test is about them: most tests send fast on purpose.
    const deskops = createDeskopsFor(config, { logger, rateLimits: options.rateLimits ?? false });
    const engine = createInProcessEngine(deskops);
    const rc = startRocketChat(config, engine, logger, { healthIntervalMs: 100, healthTimeoutMs: 400, connectTimeoutMs: 300, backoff: { initialMs: 50, maxMs: 200 } });
    expect(await rc.ready).toBe(true);
    return { deskops, engine, rc };
  };
  const rig = { server, logs, ...(await start()) } as RocketChatRig;
  const stop = async () => {
    await rig.rc.stop();
    rig.deskops.close();
  };
  rig.restart = async () => {
    await stop();
    Object.assign(rig, await start());
  };
  cleanups.push(async () => {
    await stop();
    await server.close();
    for (const drop of drops) drop();
    rmSync(dir, { recursive: true, force: true });
  });
  return rig;
}

let nextId = 0;
/** A message from alice in GENERAL, unless `extra` says otherwise. */
export function said(msg: string, extra: Partial<RcMessage> = {}): RcMessage {
  return rcMessage({ _id: `m-${++nextId}`, rid: 'GENERAL', msg, ...extra });
}

/** Waits until the bot has posted at least `count` messages. */
export async function sentCount(server: RocketChatStandIn, count: number, timeout = 3000): Promise<void> {
  await vi.waitFor(() => expect(server.sent.length).toBeGreaterThanOrEqual(count), { timeout, interval: 5 });
}

/** Lets queued messages be handled before asserting that nothing (more) happened. */
export const settle = (ms = 150) => new Promise((resolve) => setTimeout(resolve, ms));
