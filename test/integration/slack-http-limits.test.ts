/**
 * The Slack HTTP server under a slow-body attack (issue 10: 150 connections each sending 960 KiB
 * and stalling held 146 MiB for minutes): a child process opens many stalled uploads against the
 * production app's server (createSlackApp behind createSlackHttpServer, with a 4 s request
 * timeout instead of 10 s so the test is quick). The server's memory stays bounded by its budget of
 * unverified body bytes, a normal signed slash command is still answered at once meanwhile, and
 * every stalled request is cut off, by the request timeout or to make room.
 *
 * Without the budget the held bytes grow with the attackers (about 135 MiB here); without the
 * timeouts the stalled sockets stay open; and with uploads sized to fill the budget to the last
 * byte, every real command got 503 until they timed out (found by this test, fixed: slow bodies
 * are cut off to make room).
 */
import { spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { WebClient } from '@slack/web-api';
import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSlackApp } from '../../src/adapters/slack/app.js';
import { createSlackHttpServer, MAX_PENDING_BODY_BYTES } from '../../src/adapters/slack/http-server.js';
import { slackDepsWith } from '../../src/adapters/slack/start.js';
import { loadConfig } from '../../src/config.js';
import { createTestDesk } from '../doubles/deskops.js';
import { startSlackApi } from '../doubles/slack-api.js';
import { postToSlackEndpoint, slashCommandBody } from '../doubles/slack-requests.js';

const SECRET = 'http-limits-secret';
const ATTACKERS = 150;
const DECLARED = 960 * 1024;
const SENT = 900 * 1024;
const REQUEST_TIMEOUT_MS = 4_000;

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The attack, in its own process so its buffers do not count as the server's: one line per socket event. */
const ATTACK = `
const net = require('node:net');
const [port, count, declared, sent] = process.argv.slice(1).map(Number);
const ts = Math.floor(Date.now() / 1000);
const body = Buffer.alloc(sent, 0x61);
for (let i = 0; i < count; i++) {
  const socket = net.connect(port, '127.0.0.1', () => {
    socket.write('POST /slack/events HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\nContent-Type: application/x-www-form-urlencoded\\r\\nContent-Length: ' + declared + '\\r\\nX-Slack-Request-Timestamp: ' + ts + '\\r\\nX-Slack-Signature: v0=00\\r\\n\\r\\n');
    socket.write(body, () => console.log(JSON.stringify({ i, event: 'written', at: Date.now() })));
  });
  let status = '';
  socket.on('data', (chunk) => { if (!status) status = String(chunk).split('\\r\\n')[0]; });
  socket.on('error', () => {});
  socket.on('close', () => console.log(JSON.stringify({ i, event: 'closed', status, at: Date.now() })));
}
setInterval(() => {}, 1000);
`;

describe('the Slack HTTP server under stalled uploads', () => {
  it.each([
    ['960 KiB uploads stalled after 900 KiB', DECLARED, SENT],
    // Sized to fill the budget to the last byte: 16 of them leave no room for anything else.
    ['1 MiB uploads stalled one byte short', 1024 * 1024, 1024 * 1024 - 1],
  ])('%s: memory stays bounded, a real command is answered meanwhile, the stalled requests are cut off', async (_name, declared, sent) => {
    const api = await startSlackApi();
    const env = { SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: api.url, SLACK_BOT_ID: 'BBOT', SLACK_BOT_USER_ID: 'UBOT' };
    const desk = createTestDesk({ env });
    const config = loadConfig({ DESKOPS_DB: join(desk.dir, 'deskops.db'), ...env });
    const deps = slackDepsWith(desk.engine, config.slack!, new WebClient('xoxb-test', { slackApiUrl: api.url }), pino({ level: 'silent' }), desk.config.settings);
    const slack = createSlackApp({ ...deps, slackApiUrl: api.url });
    await slack.app.init();
    const server: Server = createSlackHttpServer({ listener: slack.http!.requestListener, ready: () => true, requestTimeoutMs: REQUEST_TIMEOUT_MS });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    cleanups.push(async () => {
      await new Promise((resolve) => {
        server.close(resolve);
        server.closeAllConnections();
      });
      desk.dispose();
      await api.close();
    });

    global.gc?.();
    const baseline = process.memoryUsage().arrayBuffers;
    const child = spawn(process.execPath, ['-e', ATTACK, String(port), String(ATTACKERS), String(declared), String(sent)], { stdio: ['ignore', 'pipe', 'inherit'] });
    cleanups.push(() => void child.kill('SIGKILL'));
    const events: Array<{ i: number; event: string; status?: string; at: number }> = [];
    let partial = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop()!;
      for (const line of lines) if (line) events.push(JSON.parse(line) as (typeof events)[number]);
    });
    const started = Date.now();
    // Every attacker has either handed over its bytes or been turned away.
    await vi.waitFor(() => expect(new Set(events.map((e) => e.i)).size).toBe(ATTACKERS), { timeout: 10_000, interval: 20 });
    // Stalled for a while now (longer than Slack ever takes to send a body, shorter than the timeout).
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    const held = process.memoryUsage().arrayBuffers - baseline;
    expect(held, `${(held / 2 ** 20).toFixed(1)} MiB held`).toBeLessThan(MAX_PENDING_BODY_BYTES + 16 * 2 ** 20);
    // Turned away (503) once the budget was full, or cut off (408) to make room once they had stalled.
    const turnedAway = events.filter((e) => e.event === 'closed' && /\b(?:503|408)\b/.test(e.status ?? ''));
    expect(turnedAway.length, 'refused or cut off once the budget was full').toBeGreaterThan(ATTACKERS / 2);

    // A real command while the stalled uploads hold their bytes: answered.
    const stillStalled = ATTACKERS - events.filter((e) => e.event === 'closed').length;
    expect(stillStalled).toBeGreaterThan(5);
    const asked = Date.now();
    const ack = await postToSlackEndpoint(`http://127.0.0.1:${port}/slack/events`, slashCommandBody({ command: '/ticket', text: 'list', user_id: 'U0AGENT', response_url: `${api.url}response/during-attack` }), { secret: SECRET });
    expect(ack.status).toBe(200);
    await vi.waitFor(() => expect(api.callsTo('response/during-attack')).toHaveLength(1), { timeout: 5_000, interval: 20 });
    // Answered, not turned away and not left waiting for the stalled requests to time out.
    expect(api.callsTo('response/during-attack')[0]!.at - asked).toBeLessThan(3_000);
    expect(asked - started).toBeLessThan(REQUEST_TIMEOUT_MS);

    // The stalled ones are cut off by the request timeout (checked every second).
    await vi.waitFor(() => expect(events.filter((e) => e.event === 'closed')).toHaveLength(ATTACKERS), { timeout: REQUEST_TIMEOUT_MS + 5_000, interval: 50 });
    const last = Math.max(...events.filter((e) => e.event === 'closed').map((e) => e.at));
    expect(last - started).toBeLessThan(REQUEST_TIMEOUT_MS + 4_000);
  }, 30_000);
});
