/**
 * Forged, replayed, oversized and malformed requests against the real Bolt receiver behind
 * deskops' HTTP server. Each gets the right status, and nothing reaches the store: tickets,
 * people, audit events and handled invocations stay as they were.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MAX_BODY_BYTES } from '../../src/adapters/slack/http-server.js';
import { renderBlocks } from '../../src/adapters/slack/render.js';
import { slackDeps, startSlack, type SlackHandle } from '../../src/adapters/slack/start.js';
import { tickets } from '../../src/store/schema.js';
import { createTestDesk, type TestDesk } from '../doubles/deskops.js';
import { storeCounts } from '../doubles/slack-desk.js';
import { startSlackApi, type SlackApiStandIn, type SlackCall } from '../doubles/slack-api.js';
import { nowSeconds, postToSlackEndpoint, slackSignature, slashCommandBody } from '../doubles/slack-requests.js';
import { countRows, selectFields } from '../doubles/db.js';

const SECRET = 'hostile-signing-secret';

let api: SlackApiStandIn;
let desk: TestDesk;
let slack: SlackHandle;
let events: string;
let port: number;
const rejections: unknown[] = [];
const onRejection = (reason: unknown) => void rejections.push(reason);

beforeAll(async () => {
  process.on('unhandledRejection', onRejection);
  api = await startSlackApi();
  const env = { SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: api.url, SLACK_BOT_ID: 'BBOT', SLACK_BOT_USER_ID: 'UBOT' };
  desk = createTestDesk({ env });
  // The desk's own configuration: its staff rules decide who is a requester.
  const config = desk.config;
  slack = await startSlack(config, desk.engine, desk.logger, { port: 0, deps: slackDeps(config, config.slack!, desk.engine, desk.logger), backoff: { initialMs: 5, maxMs: 20 } });
  expect(await slack.ready).toBe(true);
  port = slack.port!;
  events = `http://127.0.0.1:${port}/slack/events`;
});

afterAll(async () => {
  await slack.stop();
  desk.dispose();
  await api.close();
  process.off('unhandledRejection', onRejection);
  expect(rejections).toEqual([]);
});

const counts = () => storeCounts(desk);

const responseUrl = (name: string) => `${api.url}response/${name}`;
const response = (name: string) =>
  vi.waitFor(
    () => {
      const call = api.callsTo(`response/${name}`)[0];
      if (!call) throw new Error(`no answer on response_url ${name} yet`);
      return call;
    },
    { timeout: 5000, interval: 10 },
  );

/** A raw POST with node:http: chunked when `chunks` is given, so no Content-Length is sent. */
function rawPost(
  path: string,
  headers: Record<string, string>,
  body: { whole?: Buffer | string; chunks?: Iterable<Buffer> },
): Promise<{ status: number | 'reset'; text: string }> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, text }));
      res.on('error', () => resolve({ status: res.statusCode!, text }));
    });
    // The server may close the connection as soon as it has refused the body; the answer came first.
    req.on('error', () => resolve({ status: 'reset', text: '' }));
    if (body.whole !== undefined) {
      req.end(body.whole);
      return;
    }
    const chunks = body.chunks![Symbol.iterator]();
    const pump = () => {
      for (let next = chunks.next(); !next.done; next = chunks.next()) {
        if (req.destroyed) return;
        if (!req.write(next.value)) {
          req.once('drain', pump);
          return;
        }
      }
      req.end();
    };
    pump();
  });
}

function signedHeaders(body: string, options: { timestamp?: number; contentType?: string } = {}): Record<string, string> {
  const timestamp = options.timestamp ?? nowSeconds();
  return {
    'content-type': options.contentType ?? 'application/x-www-form-urlencoded',
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': slackSignature(SECRET, timestamp, body),
    'content-length': String(Buffer.byteLength(body)),
  };
}

describe('forged and replayed requests get 401 and change nothing', () => {
  const body = (name: string) => slashCommandBody({ command: '/ticket', text: `new "Forged ${name}"`, response_url: responseUrl(name), trigger_id: `trig-${name}` });
  const cases: [string, (b: string) => Record<string, string>][] = [
    ['a bad signature', (b) => ({ ...signedHeaders(b), 'x-slack-signature': slackSignature('not-the-secret', nowSeconds(), b) })],
    ['a signature of another body', (b) => ({ ...signedHeaders(b), 'x-slack-signature': slackSignature(SECRET, nowSeconds(), `${b}&x=1`) })],
    ['a v1 signature', (b) => ({ ...signedHeaders(b), 'x-slack-signature': signedHeaders(b)['x-slack-signature']!.replace('v0=', 'v1=') })],
    ['an empty signature', (b) => ({ ...signedHeaders(b), 'x-slack-signature': '' })],
    ['no signature', (b) => { const h = signedHeaders(b); delete h['x-slack-signature']; return h; }],
    ['no timestamp', (b) => { const h = signedHeaders(b); delete h['x-slack-request-timestamp']; return h; }],
    ['a timestamp that is not a number', (b) => ({ ...signedHeaders(b), 'x-slack-request-timestamp': 'yesterday' })],
    ['a timestamp in exponent form', (b) => ({ ...signedHeaders(b), 'x-slack-request-timestamp': '1.7e9' })],
    ['a correctly signed request 5 minutes and 1 second old (a replay)', (b) => signedHeaders(b, { timestamp: nowSeconds() - 301 })],
    ['a correctly signed request from yesterday (a replay)', (b) => signedHeaders(b, { timestamp: nowSeconds() - 86_400 })],
    ['a timestamp 6 minutes in the future', (b) => signedHeaders(b, { timestamp: nowSeconds() + 360 })],
    ['a replayed body with a fresh timestamp but its old signature', (b) => ({ ...signedHeaders(b, { timestamp: nowSeconds() - 600 }), 'x-slack-request-timestamp': String(nowSeconds()) })],
  ];
  for (const [name, headers] of cases) {
    it(name, async () => {
      const before = counts();
      const b = body(name.replace(/\W+/g, '-'));
      const answer = await rawPost('/slack/events', headers(b), { whole: b });
      expect(answer.status).toBe(401);
      expect(counts()).toEqual(before);
    });
  }

  it('a valid request replayed within the window (same trigger) runs once', async () => {
    const b = slashCommandBody({ command: '/ticket', text: 'new "Replayed"', response_url: responseUrl('replay'), trigger_id: 'trig-replay' });
    expect((await postToSlackEndpoint(events, b, { secret: SECRET })).status).toBe(200);
    await response('replay');
    const before = counts();
    expect((await postToSlackEndpoint(events, b, { secret: SECRET })).status).toBe(200);
    await vi.waitFor(() => expect(api.callsTo('response/replay')).toHaveLength(2), { timeout: 5000, interval: 10 });
    expect(counts()).toEqual(before);
  });
});

describe('oversized bodies get 413 early and change nothing', () => {
  it('refuses a declared Content-Length over the limit before reading the body', async () => {
    const before = counts();
    const size = MAX_BODY_BYTES + 1;
    // Only the first bytes are ever sent: the refusal must come from the header alone.
    const headers = { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(size), 'x-slack-request-timestamp': String(nowSeconds()), 'x-slack-signature': 'v0=00' };
    const answer = await new Promise<number | 'reset'>((resolve) => {
      const req = request({ host: '127.0.0.1', port, path: '/slack/events', method: 'POST', headers }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.on('error', () => resolve('reset'));
      req.write('text=');
    });
    expect(answer).toBe(413);
    expect(counts()).toEqual(before);
  });

  it('refuses a chunked body (no Content-Length) as soon as it passes the limit, without reading the rest', async () => {
    const before = counts();
    const chunk = Buffer.alloc(64 * 1024, 'a');
    let sent = 0;
    // 64 MB offered; the server must stop it long before that.
    const chunks = (function* () {
      for (let i = 0; i < 1024; i++) {
        sent += chunk.length;
        yield chunk;
      }
    })();
    const headers = { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(nowSeconds()), 'x-slack-signature': 'v0=00', 'transfer-encoding': 'chunked' };
    const answer = await rawPost('/slack/events', headers, { chunks });
    expect([413, 'reset']).toContain(answer.status);
    expect(sent).toBeLessThan(64 * 1024 * 1024);
    expect(counts()).toEqual(before);
  });

  it('refuses an oversized correctly signed slash command with 413', async () => {
    const before = counts();
    const b = slashCommandBody({ command: '/ticket', text: `new "${'x'.repeat(MAX_BODY_BYTES)}"`, response_url: responseUrl('huge'), trigger_id: 'trig-huge' });
    const answer = await rawPost('/slack/events', signedHeaders(b), { whole: b });
    expect([413, 'reset']).toContain(answer.status);
    expect(counts()).toEqual(before);
    expect(api.callsTo('response/huge')).toHaveLength(0);
  });

  it('still serves normal commands afterwards', async () => {
    const b = slashCommandBody({ command: '/whoami', text: '', response_url: responseUrl('after'), trigger_id: 'trig-after' });
    expect((await postToSlackEndpoint(events, b, { secret: SECRET })).status).toBe(200);
    expect(JSON.stringify((await response('after')).args.blocks)).toContain('alice');
  });
});

describe('malformed bodies', () => {
  const forms: [string, string, string, number[]][] = [
    ['a payload that is not JSON', 'application/x-www-form-urlencoded', 'payload=%7Bnot-json', [400]],
    ['a JSON body that is not JSON', 'application/json', '{"type":', [400]],
    ['an empty body', 'application/x-www-form-urlencoded', '', [200, 404, 500]],
    // Bolt's receiver crashed on these with an unhandled rejection and never answered.
    ['a payload of null', 'application/x-www-form-urlencoded', `payload=${encodeURIComponent('null')}`, [400]],
    ['a JSON body of null', 'application/json', 'null', [400]],
    ['a payload that is an array', 'application/x-www-form-urlencoded', `payload=${encodeURIComponent('[1,2]')}`, [200, 404, 500]],
    ['a block_actions payload without user or actions', 'application/x-www-form-urlencoded', `payload=${encodeURIComponent(JSON.stringify({ type: 'block_actions' }))}`, [200, 404, 500]],
    [
      'a button press with no user',
      'application/x-www-form-urlencoded',
      `payload=${encodeURIComponent(JSON.stringify({ type: 'block_actions', actions: [{ type: 'button', action_id: 'deskops:cmd:0', value: '/ticket new "Sneaky"' }], trigger_id: 'x', team: { id: 'T1' } }))}`,
      [200, 404, 500],
    ],
    [
      'a view_submission without a view',
      'application/x-www-form-urlencoded',
      `payload=${encodeURIComponent(JSON.stringify({ type: 'view_submission', user: { id: 'U0EVE' }, team: { id: 'T1' } }))}`,
      [200, 404, 500],
    ],
    [
      'a new-ticket submission with numbers where text belongs',
      'application/x-www-form-urlencoded',
      `payload=${encodeURIComponent(JSON.stringify({ type: 'view_submission', user: { id: 'U0EVE', username: 'eve' }, team: { id: 'T1' }, view: { id: 'V1', callback_id: 'deskops_new_ticket', private_metadata: '{', state: { values: { title: { value: { value: 42 } } } }, blocks: [] } }))}`,
      [200],
    ],
    ['an event_callback without an event', 'application/json', JSON.stringify({ type: 'event_callback', team_id: 'T1' }), [200, 404, 500]],
  ];
  for (const [name, contentType, body, statuses] of forms) {
    it(`${name}: answered (${statuses.join('/')}), correctly signed or not, and nothing stored`, async () => {
      const before = counts();
      const signed = await rawPost('/slack/events', signedHeaders(body, { contentType }), { whole: body });
      expect(statuses).toContain(signed.status);
      const unsigned = await rawPost('/slack/events', { ...signedHeaders(body, { contentType }), 'x-slack-signature': 'v0=forged' }, { whole: body });
      // A body that cannot be read is refused as such (400) before the signature is looked at.
      expect(unsigned.status).toBe(/ of null$/.test(name) ? 400 : 401);
      // Let any listener that did start finish before looking.
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(counts()).toEqual(before);
    });
  }

  it('answers 404 for other paths and methods, and a huge body there gets 413', async () => {
    expect((await rawPost('/other', { 'content-type': 'text/plain' }, { whole: 'x' })).status).toBe(404);
    expect((await fetch(events)).status).toBe(404);
    expect((await rawPost('/other', { 'content-type': 'text/plain', 'content-length': String(MAX_BODY_BYTES + 1) }, { whole: Buffer.alloc(MAX_BODY_BYTES + 1) })).status).toBe(413);
  });
});

describe('long text through Slack', () => {
  function expectWithinBlockKit(call: SlackCall): void {
    const blocks = call.args.blocks as { type: string; text?: { text: string }; fields?: { text: string }[]; elements?: { text?: string | { text: string } }[] }[];
    expect(blocks.length).toBeLessThanOrEqual(50);
    expect(String(call.args.text).length).toBeLessThanOrEqual(3000);
    for (const block of blocks) {
      if (block.text) expect(block.text.text.length).toBeLessThanOrEqual(3000);
      for (const field of block.fields ?? []) expect(field.text.length).toBeLessThanOrEqual(2000);
    }
  }

  it('a 100 kB title is refused with the limit, answered within Block Kit limits, and nothing is stored', async () => {
    const before = counts();
    const b = slashCommandBody({ command: '/ticket', text: `new "${'Login fails '.repeat(9_000)}"`, response_url: responseUrl('100k'), trigger_id: 'trig-100k' });
    expect(Buffer.byteLength(b)).toBeGreaterThan(100_000);
    expect((await postToSlackEndpoint(events, b, { secret: SECRET })).status).toBe(200);
    const answer = await response('100k');
    expect(answer.args.response_type).toBe('ephemeral');
    expect(JSON.stringify(answer.args.blocks)).toMatch(/limit is 40,000/);
    expectWithinBlockKit(answer);
    expect(counts().tickets).toBe(before.tickets);
  });

  it('a 30,000-character title opens the ticket; the card stays within Block Kit limits and the whole title is kept in the description', async () => {
    const title = Array.from({ length: 3000 }, (_, i) => `word${i % 10}`).join(' ').slice(0, 30_000);
    const b = slashCommandBody({ command: '/ticket', text: `new "${title}"`, response_url: responseUrl('30k'), trigger_id: 'trig-30k' });
    expect((await postToSlackEndpoint(events, b, { secret: SECRET })).status).toBe(200);
    const answer = await response('30k');
    expect(answer.args.response_type).toBe('in_channel');
    expectWithinBlockKit(answer);
    const row = selectFields(desk.app.store, tickets, { title: tickets.title, description: tickets.description }).at(-1)!;
    expect(row.title.length).toBeLessThanOrEqual(200);
    expect(row.description).toContain(title);
    // The card as any later message renders it is within the limits too.
    const card = desk.run(`/ticket show ${countRows(desk.app.store, tickets)}`);
    expect(renderBlocks(card).blocks.length).toBeLessThanOrEqual(50);
  });
});
