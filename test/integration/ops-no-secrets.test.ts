/**
 * No token or secret is ever written out: the real executable runs with Slack (HTTP mode, then
 * Socket Mode) and Rocket.Chat configured with distinctive secrets, at trace level, through
 * refused tokens, bad signatures, 500s, 429s, a revoked login and a failing page webhook; every
 * byte of stdout and stderr (and doctor's and a bad configuration's output) is searched for them.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocketServer } from 'ws';
import { outbox } from '../../src/store/schema.js';
import { cliSandbox, startDeskopsProcess, type CliSandbox } from '../doubles/cli.js';
import { freePort } from '../doubles/free-port.js';
import { insertRows } from '../doubles/db.js';
import { rcMessage, startRocketChatServer, type RocketChatStandIn } from '../doubles/rocketchat-server.js';
import { startSlackApi, type SlackApiStandIn } from '../doubles/slack-api.js';
import { postToSlackEndpoint, slashCommandBody } from '../doubles/slack-requests.js';

const SECRETS = {
  botToken: 'xoxb-7001-8002-SeCrEtBoTtOkEn9x',
  appToken: 'xapp-1-A0DESK-7003-SeCrEtApPtOkEn4y',
  signingSecret: 'sIgNiNg5eCrEt0f0urApp77',
  rcPassword: 'Rc-PaSsW0rD-correct-horse-91',
  rcAuthToken: 'RcAuThToKeN-battery-staple-12345',
  pageKey: 'PaGeRoUtInGkEy-0123456789abcdef',
};

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Every form a secret could take in output: as is, URL-encoded, JSON-escaped. */
function leaksIn(output: string): string[] {
  const found: string[] = [];
  for (const [name, value] of Object.entries(SECRETS)) {
    for (const form of new Set([value, encodeURIComponent(value), JSON.stringify(value).slice(1, -1)])) {
      if (output.includes(form)) found.push(`${name} (${form === value ? 'raw' : 'encoded'})`);
    }
    // A long enough piece of it counts too (a truncated token is still half a token).
    if (!found.some((f) => f.startsWith(name)) && output.includes(value.slice(0, 16))) found.push(`${name} (prefix)`);
  }
  return found;
}

/** A page webhook that always fails with 500 (and records the attempts). */
async function failingWebhook(): Promise<{ url: string; hits: string[] }> {
  const hits: string[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    hits.push(req.url ?? '');
    req.resume();
    req.on('end', () => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('pager down');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/page?routing_key=${SECRETS.pageKey}`, hits };
}

/** Slack's Socket Mode side: hello, then whatever the test sends. */
async function socketModeStandIn(): Promise<{ url: string; close(): Promise<void> }> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', resolve));
  server.on('connection', (socket) => socket.send(JSON.stringify({ type: 'hello', num_connections: 1, connection_info: { app_id: 'A0DESK' } })));
  const close = () =>
    new Promise<void>((resolve) => {
      for (const socket of server.clients) socket.terminate();
      server.close(() => resolve());
    });
  cleanups.push(close);
  return { url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/link/?ticket=stand-in`, close };
}

interface Running {
  output(): string;
  stop(): Promise<number | null>;
}

/** `deskops start` in the sandbox with `env`, stdout and stderr captured together. */
function startDeskops(sandbox: CliSandbox, env: Record<string, string>): Running {
  const running = startDeskopsProcess(cleanups, { cwd: sandbox.dir, env: { ...sandbox.storage, DESKOPS_LOG_LEVEL: 'trace', ...env } });
  return {
    output: running.output,
    stop: () => {
      running.child.kill('SIGTERM');
      return running.exited;
    },
  };
}

function rcServer(options: { password?: string; authToken?: string }): Promise<RocketChatStandIn> {
  return startRocketChatServer({ password: SECRETS.rcPassword, authToken: SECRETS.rcAuthToken, ...options }).then((server) => {
    server.addRoom('GENERAL', 'c', 'general');
    cleanups.push(() => server.close());
    return server;
  });
}

async function slackApi(): Promise<SlackApiStandIn> {
  const api = await startSlackApi();
  cleanups.push(() => api.close());
  let authCalls = 0;
  // Refused once (a bad token at first), then accepted; every post fails with a 500.
  api.on('auth.test', () => (++authCalls === 1 ? { ok: false, error: 'invalid_auth' } : { ok: true, user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T1' }));
  api.on('chat.postMessage', () => ({ status: 500, body: { ok: false, error: 'internal_error' } }));
  return api;
}

/** Tickets routed to a Slack and a Rocket.Chat channel, and an on-call page queued for the webhook. */
async function seed(sandbox: CliSandbox): Promise<void> {
  const run = await sandbox.deskops(['shell'], {
    input: ['/channel set triage slack:C0TRIAGE', '/channel set helpdesk rocketchat:GENERAL', '/ticket new "Checkout fails for every card" priority:high', ''].join('\n'),
  });
  expect(run.code).toBe(0);
  const store = sandbox.connect();
  try {
    const now = Date.now();
    insertRows(store, outbox, [
      { dedupeKey: 'page:test:1', channel: 'webhook:page', payload: { event: 'page', ticket: 1, summary: 'Checkout is down' }, state: 'queued', attempts: 0, nextAttemptAt: new Date(now - 1000), createdAt: new Date(now - 1000) },
    ]);
  } finally {
    store.close();
  }
}

// Real processes against stand-ins, on a shared machine: generous, still bounded.
describe('no secret in any output', { timeout: 90_000 }, () => {
  it('HTTP mode + Rocket.Chat by password + page webhook, through failures, at trace level', async () => {
    const sandbox = cliSandbox((cleanup) => cleanups.push(cleanup));
    await seed(sandbox);
    const api = await slackApi();
    const rc = await rcServer({});
    const webhook = await failingWebhook();
    const port = await freePort();
    const deskops = startDeskops(sandbox, {
      SLACK_BOT_TOKEN: SECRETS.botToken,
      SLACK_SIGNING_SECRET: SECRETS.signingSecret,
      SLACK_API_URL: api.url,
      PORT: String(port),
      ROCKETCHAT_URL: rc.url,
      ROCKETCHAT_USER: rc.botUsername,
      ROCKETCHAT_PASSWORD: SECRETS.rcPassword,
      DESKOPS_PAGE_WEBHOOK: webhook.url,
    });
    const events = `http://127.0.0.1:${port}/slack/events`;
    await vi.waitFor(async () => expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200), { timeout: 20_000, interval: 100 });

    // Slack: a good command whose response_url fails, a forged signature, no timestamp.
    api.on('response/fails', () => ({ status: 500, body: { ok: false } }));
    expect((await postToSlackEndpoint(events, slashCommandBody({ command: '/desk', text: 'ticket list', response_url: `${api.url}response/fails` }), { secret: SECRETS.signingSecret })).status).toBe(200);
    expect((await postToSlackEndpoint(events, slashCommandBody({ command: '/desk', text: 'ticket list', response_url: `${api.url}response/x` }), { secret: 'not-the-secret' })).status).toBe(401);
    expect((await postToSlackEndpoint(events, 'a=b', { secret: SECRETS.signingSecret, omitTimestamp: true })).status).toBe(401);
    await vi.waitFor(() => expect(api.callsTo('response/fails')).toHaveLength(1), { timeout: 10_000, interval: 20 });

    // Rocket.Chat: a command answered through a 429, then the login revoked and the link dropped.
    rc.rateLimit('chat.sendMessage', 1, 200);
    rc.push(rcMessage({ _id: 'm-1', rid: 'GENERAL', msg: '!ticket list', u: { _id: 'u-alice', username: 'alice' } }));
    await vi.waitFor(() => expect(rc.sent.length).toBeGreaterThanOrEqual(1), { timeout: 15_000, interval: 50 });
    rc.revokeTokens();
    rc.dropConnection(4000);

    // The outbox: Slack posts fail with 500, the page webhook with 500.
    await vi.waitFor(() => expect(api.callsTo('chat.postMessage').length).toBeGreaterThanOrEqual(1), { timeout: 20_000, interval: 50 });
    await vi.waitFor(() => expect(webhook.hits.length).toBeGreaterThanOrEqual(1), { timeout: 20_000, interval: 50 });
    await vi.waitFor(() => expect(rc.callsTo('login').length).toBeGreaterThanOrEqual(2), { timeout: 20_000, interval: 50 });

    expect(await deskops.stop()).toBe(0);
    const output = deskops.output();
    // It did log, and about the failures: the test would prove nothing on a silent run.
    expect(output).toContain('Slack refused the token (invalid_auth)');
    expect(output.split('\n').length).toBeGreaterThan(50);
    expect(output).toMatch(/"level":(40|50)/);
    expect(leaksIn(output)).toEqual([]);
  });

  it('Socket Mode + Rocket.Chat by access token, a refused socket and a revoked token', async () => {
    const sandbox = cliSandbox((cleanup) => cleanups.push(cleanup));
    await seed(sandbox);
    const api = await slackApi();
    const socket = await socketModeStandIn();
    let opens = 0;
    api.on('apps.connections.open', () => (++opens === 1 ? { status: 500, body: { ok: false, error: 'internal_error' } } : { ok: true, url: socket.url }));
    const rc = await rcServer({});
    const webhook = await failingWebhook();
    const deskops = startDeskops(sandbox, {
      SLACK_BOT_TOKEN: SECRETS.botToken,
      SLACK_APP_TOKEN: SECRETS.appToken,
      SLACK_API_URL: api.url,
      ROCKETCHAT_URL: rc.url,
      ROCKETCHAT_USER: rc.botUsername,
      ROCKETCHAT_AUTH_TOKEN: SECRETS.rcAuthToken,
      ROCKETCHAT_USER_ID: rc.botId,
      DESKOPS_PAGE_WEBHOOK: webhook.url,
    });
    await vi.waitFor(() => expect(opens).toBeGreaterThanOrEqual(2), { timeout: 20_000, interval: 50 });
    await vi.waitFor(() => expect(webhook.hits.length).toBeGreaterThanOrEqual(1), { timeout: 20_000, interval: 50 });
    await vi.waitFor(() => expect(rc.callsTo('me').length + rc.ddp.filter((f) => f.dir === 'in' && f.data.method === 'login').length).toBeGreaterThanOrEqual(1), { timeout: 20_000, interval: 50 });
    rc.revokeTokens();
    rc.dropConnection(4000);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await deskops.stop()).toBe(0);
    const output = deskops.output();
    expect(output.split('\n').length).toBeGreaterThan(20);
    expect(leaksIn(output)).toEqual([]);
  });

  it('doctor and a wrong configuration name the problem, never the secret', async () => {
    const sandbox = cliSandbox((cleanup) => cleanups.push(cleanup));
    const api = await slackApi();
    const rc = await rcServer({});
    const env = {
      SLACK_BOT_TOKEN: SECRETS.botToken,
      SLACK_APP_TOKEN: SECRETS.appToken,
      SLACK_API_URL: api.url,
      ROCKETCHAT_URL: rc.url,
      ROCKETCHAT_USER: rc.botUsername,
      ROCKETCHAT_PASSWORD: 'wrong-but-still-secret-pw',
      DESKOPS_PAGE_WEBHOOK: `http://127.0.0.1:9/hooks/page?routing_key=${SECRETS.pageKey}`,
    };
    const doctor = await sandbox.deskops(['doctor'], { env });
    expect(doctor.code).toBe(1);
    expect(doctor.stdout).toMatch(/FAIL {2}slack +auth\.test refused: invalid_auth/);
    const json = await sandbox.deskops(['doctor', '--json'], { env });
    const bad = await sandbox.deskops(['start'], { env: { SLACK_BOT_TOKEN: SECRETS.botToken.replace('xoxb-', 'xoxp-'), SLACK_APP_TOKEN: SECRETS.appToken, DESKOPS_PAGE_WEBHOOK: `ftp://x/?k=${SECRETS.pageKey}` } });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('SLACK_BOT_TOKEN=(value hidden)');
    const all = [doctor, json, bad].map((run) => run.stdout + run.stderr).join('\n');
    expect(leaksIn(all.replaceAll('wrong-but-still-secret-pw', '<found the RC password>'))).toEqual([]);
    expect(all).not.toContain('wrong-but-still-secret-pw');
    expect(leaksIn(all.replaceAll('xoxp-', 'xoxb-'))).toEqual([]);
  });
});
