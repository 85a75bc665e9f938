/**
 * `deskops start` with Slack configured, as a real process: it serves Slack in HTTP mode beside
 * the scheduler, survives a Slack that refuses auth.test at first, and stops cleanly on SIGTERM.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startDeskopsProcess } from '../doubles/cli.js';
import { freePort } from '../doubles/free-port.js';
import { storageEnv } from '../doubles/test-engine.js';
import { startSlackApi } from '../doubles/slack-api.js';
import { postToSlackEndpoint, slashCommandBody } from '../doubles/slack-requests.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('deskops start with Slack', () => {
  it('serves Slack over HTTP, retries a failing auth.test, and exits 0 on SIGTERM', async () => {
    const api = await startSlackApi();
    let authCalls = 0;
    api.on('auth.test', () => (++authCalls === 1 ? { ok: false, error: 'invalid_auth' } : { ok: true, user_id: 'UBOT', bot_id: 'BBOT' }));
    const dir = mkdtempSync(join(tmpdir(), 'deskops-slack-cli-'));
    const port = await freePort();
    cleanups.push(async () => {
      await api.close();
      rmSync(dir, { recursive: true, force: true });
    });
    const { child, stderr, exited } = startDeskopsProcess(cleanups, {
      cwd: dir,
      env: { ...storageEnv(join(dir, 'deskops.db'), cleanups), SLACK_BOT_TOKEN: 'xoxb-cli', SLACK_SIGNING_SECRET: 'cli-secret', SLACK_API_URL: api.url, PORT: String(port), DESKOPS_LOG_LEVEL: 'info' },
    });

    await vi.waitFor(
      async () => {
        const health = await fetch(`http://127.0.0.1:${port}/healthz`);
        expect(health.status).toBe(200);
      },
      { timeout: 15_000, interval: 50 },
    );
    expect(authCalls).toBe(2);
    expect(stderr()).toContain('Slack refused the token (invalid_auth)');

    const ack = await postToSlackEndpoint(`http://127.0.0.1:${port}/slack/events`, slashCommandBody({ command: '/desk', text: 'ticket new "From the CLI"', response_url: `${api.url}response/cli` }), { secret: 'cli-secret' });
    expect(ack.status).toBe(200);
    await vi.waitFor(() => expect(api.callsTo('response/cli')).toHaveLength(1), { timeout: 3000, interval: 10 });

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stderr()).toContain('deskops stopping');
  });
});
