/**
 * One person cannot hold everyone else: per-person rate limits on Slack (2,000 `/ticket new` from
 * one user through the real HTTP adapter), Rocket.Chat's fair queues (one user's flood, and a 429 on
 * their replies, while another user's command runs and is answered), and the outbox worker's
 * channels side by side (a hung page webhook does not delay the chat page).
 *
 * Each fails when the guard goes: with the limits off all 2,000 tickets are created; with one
 * first-in-first-out queue the other user's reply comes after the whole flood; a reply waiting out
 * a 429 in the inbound queue held the other user's command; delivering channels one after the
 * other posted the page only after the webhook's timeout.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebClient } from '@slack/web-api';
import { eq } from 'drizzle-orm';
import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSlackSink } from '../../src/adapters/slack/sink.js';
import { slackDepsWith } from '../../src/adapters/slack/start.js';
import { insertOutboxRow } from '../../src/app/outbox.js';
import { RATE_LIMITED_TITLE } from '../../src/commands/router.js';
import { createPlatformSink } from '../../src/delivery/platform-sink.js';
import { createWebhookSink } from '../../src/delivery/webhook-sink.js';
import { deliverDue } from '../../src/delivery/worker.js';
import { outbox, tickets } from '../../src/store/schema.js';
import { mapChannelsIn } from '../doubles/sink-fixtures.js';
import { createTestDesk, replyText } from '../doubles/deskops.js';
import { rocketChatRig, said, sentCount, type Cleanups } from '../doubles/rocketchat-rig.js';
import { startSlackApi } from '../doubles/slack-api.js';
import { startSlackDesk } from '../doubles/slack-desk.js';
import { postToSlackEndpoint, slashCommandBody } from '../doubles/slack-requests.js';
import { countRows, selectRow, selectRows } from '../doubles/db.js';

const cleanups: Cleanups = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('per-person rate limits on Slack', () => {
  it('2,000 /ticket new from one user: at most the burst is created, the rest refused with the reason; another user is unaffected', async () => {
    const SECRET = 'rate-limit-secret';
    const h = await startSlackDesk(cleanups, SECRET, { rateLimits: true });
    const FLOOD = 2_000;
    const flood = Array.from({ length: FLOOD }, (_, i) => i);
    // 25 at a time, as a script would.
    for (let start = 0; start < FLOOD; start += 25) {
      await Promise.all(
        flood.slice(start, start + 25).map(async (i) => {
          const body = slashCommandBody({ command: '/ticket', text: `new "Flood ${i}"`, user_id: 'U0FLOOD', user_name: 'flood', trigger_id: `flood-${i}`, response_url: `${h.api.url}response/flood-${i}` });
          const ack = await postToSlackEndpoint(h.events, body, { secret: SECRET });
          expect(ack.status).toBe(200);
        }),
      );
    }
    await vi.waitFor(() => expect(h.api.calls.filter((c) => c.method.startsWith('response/flood-'))).toHaveLength(FLOOD), { timeout: 20_000, interval: 50 });
    const created = countRows(h.desk.app.store, tickets);
    // The ticket limit's burst (20), plus what refills while the flood runs (one a minute).
    expect(created).toBeGreaterThan(0);
    expect(created).toBeLessThanOrEqual(21);
    const answers = h.api.calls.filter((c) => c.method.startsWith('response/flood-')).map((c) => String(c.args.text));
    const limited = answers.filter((t) => t.includes(RATE_LIMITED_TITLE));
    const ticketLimited = answers.filter((t) => t.includes('tickets in a short time, so this one was not opened'));
    expect(limited.length + ticketLimited.length).toBe(FLOOD - created);
    expect(limited.length).toBeGreaterThan(FLOOD * 0.9);
    expect(limited[0]).toMatch(/Nothing was changed\. Wait \d+ s and send it again/);
    expect(h.api.calls.filter((c) => c.method.startsWith('response/flood-')).every((c) => c.args.response_type === 'ephemeral' || /opened/.test(String(c.args.text)))).toBe(true);
    // Someone else, right after: served at once.
    const other = await h.command('other-1', 'new "Printer jam on floor 2"');
    expect(String(other.args.text)).toMatch(/Ticket #\d+ opened: Printer jam on floor 2/);
  }, 120_000);
});

describe('per-person rate limits for requesters', () => {
  it("refuse a requester's flood too, labelled for the requester like every reply to them", () => {
    const desk = createTestDesk({ rateLimits: true });
    cleanups.push(() => desk.dispose());
    const connie = { externalId: 'U0CONNECT', handle: 'connie', facts: { platform: 'slack' as const, teamId: 'T0OTHER', enterpriseId: null, teams: [], guest: false, deleted: false, bot: false } };
    const replies = Array.from({ length: 60 }, () => desk.router.handle({ platform: 'slack', user: connie, channel: 'C0HELP', thread: null, text: 'ticket list' }));
    const limited = replies.filter((r) => r.title === RATE_LIMITED_TITLE);
    expect(limited.length).toBeGreaterThan(20);
    expect(replies.every((r) => r.audience === 'requester')).toBe(true);
  });
});

describe("Rocket.Chat's fair queues", () => {
  const flooder = { _id: 'FloodFrankUser001', username: 'frank', name: 'Frank Flood' };
  const other = { _id: 'OtherOliviaUser01', username: 'olivia', name: 'Olivia Other' };

  async function rig() {
    const r = await rocketChatRig(cleanups, { level: 'silent' });
    for (const user of [flooder, other]) r.server.addUser(user._id, user.username, user.name);
    // Each types in their own direct message with the bot: answered in place, one message each.
    r.server.addRoom('DMFRANK', 'd');
    r.server.addRoom('DMOLIVIA', 'd');
    r.server.setMembers('DMFRANK', [flooder._id]);
    r.server.setMembers('DMOLIVIA', [other._id]);
    return r;
  }

  it("one person's flood of 200 commands does not hold another's: their answer comes within a few of the flood's", async () => {
    const r = await rig();
    const FLOOD = 200;
    for (let i = 0; i < FLOOD; i++) r.server.push(said(`!ticket new "Flood ${i}"`, { rid: 'DMFRANK', u: flooder }));
    const asked = Date.now();
    r.server.push(said('!ticket new "Olivia needs help"', { rid: 'DMOLIVIA', u: other }));
    await vi.waitFor(() => expect(r.server.sent.some((m) => m.rid === 'DMOLIVIA')).toBe(true), { timeout: 10_000, interval: 5 });
    const answeredAt = Date.now();
    const position = r.server.sent.findIndex((m) => m.rid === 'DMOLIVIA');
    // Round-robin: her command and her answer each wait behind at most one of Frank's at a time.
    expect(position, `her answer was message ${position + 1}`).toBeLessThan(12);
    expect(answeredAt - asked, `her answer came ${answeredAt - asked} ms after she asked`).toBeLessThan(2_000);
    expect(JSON.stringify(r.server.sent[position])).toContain('Olivia needs help');
    await sentCount(r.server, FLOOD + 1, 30_000);
  }, 60_000);

  it("a 429 on one person's replies holds neither another person's command nor, beyond the server's reset, their answer", async () => {
    const r = await rig();
    const RESET_MS = 2_000;
    // Frank's command runs; its answer meets a rate limit and waits for the reset.
    r.server.rateLimit('chat.sendMessage', 1, RESET_MS);
    r.server.push(said('!ticket new "Frank first"', { rid: 'DMFRANK', u: flooder }));
    await vi.waitFor(() => expect(r.server.callsTo('chat.sendMessage').length).toBeGreaterThanOrEqual(1), { timeout: 5_000, interval: 5 });
    const asked = Date.now();
    r.server.push(said('!ticket new "Olivia while Frank waits"', { rid: 'DMOLIVIA', u: other }));
    // Her command has run long before Frank's reply could go out.
    await vi.waitFor(
      () => expect(selectRow(r.deskops.app.store, tickets, eq(tickets.title, 'Olivia while Frank waits'))).toBeDefined(),
      { timeout: 1_000, interval: 5 },
    );
    expect(Date.now() - asked).toBeLessThan(1_000);
    await vi.waitFor(() => expect(r.server.sent.some((m) => m.rid === 'DMOLIVIA')).toBe(true), { timeout: RESET_MS + 5_000, interval: 10 });
    expect(Date.now() - asked).toBeLessThan(RESET_MS + 1_500);
    await vi.waitFor(() => expect(r.server.sent.some((m) => m.rid === 'DMFRANK')).toBe(true), { timeout: RESET_MS + 5_000, interval: 10 });
  }, 30_000);
});

describe('the outbox worker, channels side by side', () => {
  it('posts the on-call page to chat at once while the page webhook hangs', async () => {
    const desk = createTestDesk({ env: { DESKOPS_PAGE_WEBHOOK: 'http://127.0.0.1:9/hook' } });
    cleanups.push(() => desk.dispose());
    const api = await startSlackApi();
    cleanups.push(() => api.close());
    api.on('chat.postMessage', (call) => ({ ok: true, channel: call.args.channel, ts: '1700000000.000001' }));
    api.on('conversations.info', (call) => ({ ok: true, channel: { id: call.args.channel, name: 'support-dev', is_private: false } }));
    // A webhook endpoint that accepts the connection and never answers.
    const hung: Server = createServer(() => undefined);
    await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => { hung.close(() => resolve()); hung.closeAllConnections(); }));
    const hookUrl = `http://127.0.0.1:${(hung.address() as AddressInfo).port}/hook`;
    mapChannelsIn(desk.app, { 'role:support-dev': 'slack:C0DEV', 'role:helpdesk': 'slack:C0HELP', 'tier:oncall': 'slack:C0ONCALL' });
    for (const line of ['/oncall rotation set @lead', '/ticket new "Checkout is down"', '/escalate 1 to:oncall major Checkout is down for every card']) {
      const reply = desk.run(line);
      expect(reply.tone, `${line}: ${replyText(reply)}`).not.toBe('error');
    }
    // Two earlier webhook events, still retrying, ahead of the page in the queue.
    desk.app.store.transaction(() => {
      for (const n of [1, 2]) insertOutboxRow(desk.app, { dedupeKey: `oncall:old-${n}:page:webhook`, channel: 'webhook:page', audience: 'staff', payload: { event: 'deskops.page', n }, notBefore: new Date(desk.clock.now().getTime() - 60_000) });
    });
    await desk.engine.runJobs(desk.clock.now());
    const page = selectRows(desk.app.store, outbox).find((r) => /^oncall:\d+:page$/.test(r.dedupeKey));
    expect(page, 'the ladder queued the page').toBeDefined();
    const TIMEOUT_MS = 1_500;
    const sink = createPlatformSink(desk.engine, {
      platforms: [
        {
          platform: 'slack',
          sink: createSlackSink(slackDepsWith(desk.engine, { botToken: 'xoxb-test', signingSecret: 's', appToken: undefined, mode: 'http', prefixCommand: '/desk', botId: 'BBOT', botUserId: 'UBOT' }, new WebClient('xoxb-test', { slackApiUrl: api.url }), pino({ level: 'silent' }), desk.config.settings), { minIntervalMs: 0 }),
        },
      ],
      webhook: createWebhookSink({ url: hookUrl, timeoutMs: TIMEOUT_MS }),
    });
    const started = Date.now();
    const delivering = deliverDue(desk.engine, desk.clock.now(), sink);
    await vi.waitFor(() => expect(api.callsTo('chat.postMessage').some((c) => c.args.channel === 'C0DEV')).toBe(true), { timeout: 10_000, interval: 10 });
    const paged = api.callsTo('chat.postMessage').find((c) => c.args.channel === 'C0DEV')!.at - started;
    expect(paged, `the chat page went out after ${paged} ms`).toBeLessThan(1_000);
    const report = await delivering;
    expect(Date.now() - started).toBeGreaterThanOrEqual(TIMEOUT_MS - 100);
    expect(report.retrying).toBeGreaterThanOrEqual(3);
    expect(selectRow(desk.app.store, outbox, eq(outbox.dedupeKey, page!.dedupeKey))!.state).toBe('sent');
  }, 30_000);
});
