/**
 * `deskops start` with Rocket.Chat configured, as a real process against the loopback stand-in:
 * it logs in, answers a command in its thread, and on SIGTERM disconnects the SDK and exits 0
 * (the pinned SDK otherwise keeps the process alive), with no secret on stderr at debug level.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startDeskopsProcess, type RunningDeskops } from '../doubles/cli.js';
import { freePort } from '../doubles/free-port.js';
import { storageEnv } from '../doubles/test-engine.js';
import { rcMessage, startRocketChatServer } from '../doubles/rocketchat-server.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Spawns `deskops start` against `url`; stderr is collected, the process is killed after the test. */
function startDeskops(url: string, password: string): RunningDeskops {
  const dir = mkdtempSync(join(tmpdir(), 'deskops-rc-cli-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return startDeskopsProcess(cleanups, {
    cwd: dir,
    env: { ...storageEnv(join(dir, 'deskops.db'), cleanups), ROCKETCHAT_URL: url, ROCKETCHAT_USER: 'deskops', ROCKETCHAT_PASSWORD: password, DESKOPS_LOG_LEVEL: 'debug' },
  });
}

describe('deskops start with Rocket.Chat', () => {
  it('keeps trying a server that is not up yet, connects once it is, and still exits at once on SIGTERM', async () => {
    const port = await freePort();
    const { child, stderr, exited } = startDeskops(`http://127.0.0.1:${port}`, 'late-password-1');
    await vi.waitFor(() => expect(stderr()).toContain('Rocket.Chat connection failed; retrying'), { timeout: 15_000, interval: 20 });
    const server = await startRocketChatServer({ password: 'late-password-1', port });
    cleanups.push(() => server.close());
    await vi.waitFor(() => expect(server.subscriptionCount()).toBe(1), { timeout: 10_000, interval: 20 });

    const stoppedAt = Date.now();
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    // The SDK's own connect would have held the process ~20 s after that failed attempt.
    expect(Date.now() - stoppedAt).toBeLessThan(3000);
    expect(stderr()).not.toContain('late-password-1');
  });

  it('connects, answers in the thread, and exits 0 on SIGTERM', async () => {
    const server = await startRocketChatServer({ password: 'cli-password-xyz' });
    server.addRoom('GENERAL', 'c');
    const { child, stderr: output, exited } = startDeskops(server.url, 'cli-password-xyz');
    cleanups.push(() => server.close());

    await vi.waitFor(() => expect(server.subscriptionCount()).toBe(1), { timeout: 15_000, interval: 20 });
    server.push(rcMessage({ _id: 'cli-1', rid: 'GENERAL', msg: '!ticket new "From the CLI"' }));
    await vi.waitFor(() => expect(server.sent).toHaveLength(1), { timeout: 15_000, interval: 10 });
    expect(server.sent[0]).toMatchObject({ rid: 'GENERAL', tmid: 'cli-1' });

    const stoppedAt = Date.now();
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(Date.now() - stoppedAt).toBeLessThan(5000);
    const stderr = output();
    expect(stderr).toContain('deskops started with Rocket.Chat');
    expect(stderr).toContain('deskops stopping');
    expect(stderr).not.toContain(server.authToken);
    expect(stderr).not.toContain('cli-password-xyz');
  });
});
