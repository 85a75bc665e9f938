/**
 * The real Bolt app in HTTP mode on loopback: signed Slack requests in, acks and response_url
 * answers out, Slack's Web API played by a local stand-in.
 */
import { eq } from 'drizzle-orm';
import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BackoffOptions } from '../../src/adapters/slack/keep-trying.js';
import { slackDeps, startSlack, type SlackHandle } from '../../src/adapters/slack/start.js';
import { auditEvents, handledInvocations, identities, people, tickets } from '../../src/store/schema.js';
import { createTestDesk, type TestDesk } from '../doubles/deskops.js';
import { startSlackApi, type SlackApiStandIn, type SlackCall } from '../doubles/slack-api.js';
import { blockActionsBody, nowSeconds, postToSlackEndpoint, slashCommandBody } from '../doubles/slack-requests.js';
import { countRows, personIdOf, selectFields, selectRow } from '../doubles/db.js';

const SECRET = 'test-signing-secret';

interface Harness {
  api: SlackApiStandIn;
  desk: TestDesk;
  slack: SlackHandle;
  events: string;
  responseUrl(name: string): string;
  /** The response_url answer for `name`, once it arrives. */
  response(name: string): Promise<SlackCall>;
  counts(): { tickets: number; people: number; audit: number; handled: number };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start(options: { api?: SlackApiStandIn; env?: Record<string, string>; log?: string[]; backoff?: BackoffOptions } = {}): Promise<Harness> {
  const api = options.api ?? (await startSlackApi());
  const env = { SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: api.url, SLACK_BOT_ID: 'BBOT', SLACK_BOT_USER_ID: 'UBOT', ...options.env };
  const desk = createTestDesk({ env });
  // The desk's own configuration: its staff rules decide who is a requester.
  const config = desk.config;
  const log = options.log;
  const logger = log ? pino({ level: 'info' }, { write: (line: string) => void log.push(line) }) : desk.logger;
  const deps = slackDeps(config, config.slack!, desk.engine, logger);
  const slack = await startSlack(config, desk.engine, logger, { port: 0, deps: { ...deps, logger }, backoff: options.backoff ?? { initialMs: 5, maxMs: 20 } });
  cleanups.push(async () => {
    await slack.stop();
    desk.dispose();
    await api.close();
  });
  return {
    api,
    desk,
    slack,
    events: `http://127.0.0.1:${slack.port}/slack/events`,
    responseUrl: (name) => `${api.url}response/${name}`,
    response: (name) =>
      vi.waitFor(
        () => {
          const call = api.callsTo(`response/${name}`)[0];
          if (!call) throw new Error(`no answer on response_url ${name} yet`);
          return call;
        },
        { timeout: 3000, interval: 5 },
      ),
    counts: () => ({
      tickets: countRows(desk.app.store, tickets),
      people: countRows(desk.app.store, people),
      audit: countRows(desk.app.store, auditEvents),
      handled: countRows(desk.app.store, handledInvocations),
    }),
  };
}

function blocksText(call: SlackCall): string {
  return JSON.stringify(call.args.blocks);
}

describe('Slack HTTP mode', () => {
  it('acks /ticket new at once, answers on response_url with blocks, and stores the ticket with the Slack user as creator', async () => {
    const h = await start();
    await h.slack.ready;
    const body = slashCommandBody({ command: '/ticket', text: 'new "Login fails for <@U0BOB|bob>" priority:high', response_url: h.responseUrl('new'), trigger_id: 'trig-new' });
    const ack = await postToSlackEndpoint(h.events, body, { secret: SECRET });
    expect(ack.status).toBe(200);
    expect(ack.text).toBe('');
    expect(ack.ms).toBeLessThan(3000);

    const answer = await h.response('new');
    expect(answer.args.response_type).toBe('in_channel');
    expect(Array.isArray(answer.args.blocks)).toBe(true);
    expect(typeof answer.args.text).toBe('string');
    expect(blocksText(answer)).toContain('Login fails');

    const row = selectRow(h.desk.app.store, tickets)!;
    const creator = selectRow(h.desk.app.store, identities, eq(identities.personId, row.createdBy!));
    expect({ priority: row.priority, creator: creator?.externalId, handle: creator?.handle }).toEqual({ priority: 'high', creator: 'U0ALICE', handle: 'alice' });
    expect(row.title).toContain('<@U0BOB|bob>');
    expect(selectRow(h.desk.app.store, people, eq(people.id, personIdOf(h.desk.app.store, 'U0ALICE')))?.role).toBe('agent');
  });

  it('runs the same commands under the prefix command, and /desk alone is help', async () => {
    const h = await start();
    await h.slack.ready;
    const create = await postToSlackEndpoint(h.events, slashCommandBody({ command: '/desk', text: 'ticket new "Printer on fire"', response_url: h.responseUrl('prefix'), trigger_id: 'trig-prefix' }), { secret: SECRET });
    expect(create.status).toBe(200);
    expect(blocksText(await h.response('prefix'))).toContain('Printer on fire');
    expect(h.counts().tickets).toBe(1);

    await postToSlackEndpoint(h.events, slashCommandBody({ command: '/desk', text: '', response_url: h.responseUrl('help'), trigger_id: 'trig-help' }), { secret: SECRET });
    const help = await h.response('help');
    expect(help.args.response_type).toBe('ephemeral');
    expect(blocksText(help)).toContain('/ticket');
  });

  it('answers usage errors ephemerally', async () => {
    const h = await start();
    await h.slack.ready;
    await postToSlackEndpoint(h.events, slashCommandBody({ command: '/ticket', text: 'frobnicate', response_url: h.responseUrl('bad'), trigger_id: 'trig-bad' }), { secret: SECRET });
    const answer = await h.response('bad');
    expect(answer.args.response_type).toBe('ephemeral');
    expect(h.counts().tickets).toBe(0);
  });

  it('runs a Reply button as the person who pressed it, once, and answers only them', async () => {
    const h = await start();
    await h.slack.ready;
    await postToSlackEndpoint(h.events, slashCommandBody({ command: '/ticket', text: 'new "VPN drops"', response_url: h.responseUrl('card'), trigger_id: 'trig-card' }), { secret: SECRET });
    const card = await h.response('card');
    const buttons = (card.args.blocks as { type: string; elements?: { type: string; action_id: string; value: string }[] }[])
      .filter((b) => b.type === 'actions')
      .flatMap((b) => b.elements ?? [])
      .filter((e) => e.type === 'button');
    const resolve = buttons.find((b) => /status \d+ resolved/.test(b.value));
    expect(resolve?.action_id).toMatch(/^deskops:cmd:\d+$/);

    const press = blockActionsBody({ action_id: resolve!.action_id, value: resolve!.value, user_id: 'U0BOB', user_name: 'bob', trigger_id: 'trig-press', response_url: h.responseUrl('press') });
    const ack = await postToSlackEndpoint(h.events, press, { secret: SECRET });
    expect(ack.status).toBe(200);
    const answer = await h.response('press');
    expect(answer.args.response_type).toBe('ephemeral');
    expect(answer.args.replace_original).toBe(false);
    expect(selectFields(h.desk.app.store, tickets, { status: tickets.status })[0]?.status).toBe('resolved');
    const bob = selectFields(h.desk.app.store, identities, { id: identities.personId }, eq(identities.externalId, 'U0BOB'))[0];
    expect(bob).toBeDefined();

    // Slack retries the same interaction (same trigger_id): it is answered, but nothing runs twice.
    const before = h.counts();
    const retry = await postToSlackEndpoint(h.events, press, { secret: SECRET, headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } });
    expect(retry.status).toBe(200);
    await vi.waitFor(() => expect(h.api.callsTo('response/press')).toHaveLength(2), { timeout: 3000, interval: 5 });
    expect(h.counts()).toEqual(before);
  });

  it('a retried slash command (x-slack-retry-num, same trigger) creates the ticket once, also when both arrive together', async () => {
    const h = await start();
    await h.slack.ready;
    const body = slashCommandBody({ command: '/ticket', text: 'new "Twice?"', response_url: h.responseUrl('twice'), trigger_id: 'trig-twice' });
    // The retry is sent before the first request has been answered: both are in flight at once.
    const [first, retry] = await Promise.all([
      postToSlackEndpoint(h.events, body, { secret: SECRET }),
      postToSlackEndpoint(h.events, body, { secret: SECRET, headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } }),
    ]);
    expect([first.status, retry.status]).toEqual([200, 200]);
    await vi.waitFor(() => expect(h.api.callsTo('response/twice')).toHaveLength(2), { timeout: 3000, interval: 5 });
    expect(h.counts().tickets).toBe(1);
    const [a, b] = h.api.callsTo('response/twice');
    expect(blocksText(a!)).toBe(blocksText(b!));
  });

  it('opens the New ticket modal for a bare /ticket new, and the escalation form for the Escalate button', async () => {
    const h = await start();
    await h.slack.ready;
    await postToSlackEndpoint(h.events, slashCommandBody({ command: '/ticket', text: 'new', response_url: h.responseUrl('bare'), trigger_id: 'trig-modal' }), { secret: SECRET });
    const open = await vi.waitFor(() => h.api.callsTo('views.open')[0] ?? Promise.reject(new Error('no views.open yet')), { timeout: 3000, interval: 5 });
    expect(open.args.trigger_id).toBe('trig-modal');
    expect(open.token).toBe('xoxb-test');
    expect((open.args.view as { type: string }).type).toBe('modal');
    expect(h.counts().tickets).toBe(0);

    await postToSlackEndpoint(h.events, slashCommandBody({ command: '/ticket', text: 'new "Needs escalating"', response_url: h.responseUrl('esc-card'), trigger_id: 'trig-esc-card' }), { secret: SECRET });
    const card = await h.response('esc-card');
    const escalate = (card.args.blocks as { type: string; elements?: { action_id: string; value: string }[] }[])
      .flatMap((b) => (b.type === 'actions' ? (b.elements ?? []) : []))
      .find((e) => e.value.startsWith('/escalate'));
    expect(escalate).toBeDefined();
    const press = blockActionsBody({ action_id: escalate!.action_id, value: escalate!.value, user_id: 'U0ALICE', user_name: 'alice', trigger_id: 'trig-esc', response_url: h.responseUrl('esc') });
    expect((await postToSlackEndpoint(h.events, press, { secret: SECRET })).status).toBe(200);
    await vi.waitFor(() => expect(h.api.callsTo('views.open').map((c) => c.args.trigger_id)).toEqual(['trig-modal', 'trig-esc']), { timeout: 3000, interval: 5 });
    expect(h.api.callsTo('response/esc')).toHaveLength(0);
  });

  it('answers a template button without a form with what to type, and runs nothing', async () => {
    const h = await start();
    await h.slack.ready;
    await postToSlackEndpoint(h.events, slashCommandBody({ command: '/known-issue', text: 'new "Login loop"', response_url: h.responseUrl('ki'), trigger_id: 'trig-ki' }), { secret: SECRET });
    const created = await h.response('ki');
    const link = (created.args.blocks as { type: string; elements?: { action_id: string; value: string }[] }[])
      .flatMap((b) => (b.type === 'actions' ? (b.elements ?? []) : []))
      .find((e) => e.value.startsWith('/known-issue link'));
    expect(link).toMatchObject({ action_id: expect.stringMatching(/^deskops:tpl:\d+$/), value: '/known-issue link 1 <ticket>...' });
    const press = blockActionsBody({ action_id: link!.action_id, value: link!.value, user_id: 'U0ALICE', user_name: 'alice', trigger_id: 'trig-link', response_url: h.responseUrl('link') });
    expect((await postToSlackEndpoint(h.events, press, { secret: SECRET })).status).toBe(200);
    const answer = await h.response('link');
    expect(answer.args).toMatchObject({ response_type: 'ephemeral', text: 'Finish this command and send it: `/known-issue link 1 <ticket>...`' });
    expect(h.api.callsTo('views.open')).toHaveLength(0);
  });

  describe('rejects with 401 and changes nothing', () => {
    const body = (h: Harness) => slashCommandBody({ command: '/ticket', text: 'new "Forged"', response_url: h.responseUrl('forged'), trigger_id: 'trig-forged' });
    const cases: [string, (h: Harness) => Parameters<typeof postToSlackEndpoint>[2]][] = [
      ['a bad signature', () => ({ secret: 'not-the-secret' })],
      ['a timestamp more than 5 minutes old', () => ({ secret: SECRET, timestamp: nowSeconds() - 301 })],
      ['a timestamp more than 5 minutes in the future', () => ({ secret: SECRET, timestamp: nowSeconds() + 301 })],
      ['no signature header', () => ({ secret: SECRET, signature: null })],
      ['no timestamp header', () => ({ secret: SECRET, omitTimestamp: true })],
      ['no Slack headers at all', () => ({ secret: SECRET, signature: null, omitTimestamp: true })],
    ];
    for (const [name, options] of cases) {
      it(name, async () => {
        const h = await start();
        await h.slack.ready;
        const before = h.counts();
        const answer = await postToSlackEndpoint(h.events, body(h), options(h));
        expect(answer.status).toBe(401);
        expect(h.counts()).toEqual(before);
        expect(h.api.callsTo('response/forged')).toHaveLength(0);
      });
    }
  });

  it('serves /healthz', async () => {
    const h = await start();
    await h.slack.ready;
    const health = await fetch(`http://127.0.0.1:${h.slack.port}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true, slack: 'ready' });
  });

  it('keeps retrying a failing auth.test (ok:false, HTTP 500) with backoff, then serves commands', async () => {
    const api = await startSlackApi();
    let calls = 0;
    api.on('auth.test', () => {
      calls++;
      if (calls <= 2) return { ok: false, error: 'invalid_auth' };
      if (calls <= 4) return { status: 500, body: { ok: false, error: 'fatal_error' } };
      return { ok: true, user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T1' };
    });
    const log: string[] = [];
    const h = await start({ api, log });
    expect(await h.slack.ready).toBe(true);
    expect(api.callsTo('auth.test').length).toBe(5);
    const warnings = log.map((line) => JSON.parse(line) as { level: number; msg: string }).filter((l) => l.level === 40);
    expect(warnings.map((w) => w.msg)).toEqual([
      expect.stringContaining('Slack refused the token (invalid_auth)'),
      expect.stringContaining('Slack refused the token (invalid_auth)'),
      expect.stringContaining('Slack answered HTTP 500'),
      expect.stringContaining('Slack answered HTTP 500'),
    ]);
    const ack = await postToSlackEndpoint(h.events, slashCommandBody({ command: '/whoami', text: '', response_url: h.responseUrl('me'), trigger_id: 'trig-me' }), { secret: SECRET });
    expect(ack.status).toBe(200);
    expect(blocksText(await h.response('me'))).toContain('alice');
  });

  it('while Slack is unreachable: answers 503 (Slack retries), reports it on /healthz, and stops cleanly', async () => {
    const api = await startSlackApi();
    api.on('auth.test', () => ({ status: 500, body: { ok: false } }));
    const h = await start({ api, backoff: { initialMs: 60_000 } });
    await vi.waitFor(() => expect(api.callsTo('auth.test')).toHaveLength(1), { timeout: 3000, interval: 5 });
    const health = await fetch(`http://127.0.0.1:${h.slack.port}/healthz`);
    expect(health.status).toBe(503);
    expect(await health.json()).toEqual({ ok: false, slack: 'connecting' });
    const early = await postToSlackEndpoint(h.events, slashCommandBody({ command: '/ticket', text: 'new "Too early"', response_url: h.responseUrl('early') }), { secret: SECRET });
    expect(early.status).toBe(503);
    expect(h.counts().tickets).toBe(0);
    // stop() cuts the 60 s backoff short.
    const stopped = performance.now();
    await h.slack.stop();
    expect(performance.now() - stopped).toBeLessThan(1000);
    expect(await h.slack.ready).toBe(false);
  });
});
