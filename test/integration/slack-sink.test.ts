/**
 * The Slack delivery sink against a loopback stand-in for Slack's Web API: channel mapping, ticket
 * threads, DMs, mentions, pacing, 429s, joining, internal notes, and the outbox worker end to end.
 */
import { answerThere } from '../../src/app/conversations.js';
import { writeSetting } from '../../src/app/team-settings.js';
import { slackDepsWith } from '../../src/adapters/slack/start.js';
import { WebClient } from '@slack/web-api';
import { eq } from 'drizzle-orm';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SlackDeps } from '../../src/adapters/slack/deps.js';
import { renderBlocks } from '../../src/adapters/slack/render.js';
import { createSlackSink, type SlackSinkOptions } from '../../src/adapters/slack/sink.js';
import { enqueue } from '../../src/app/outbox.js';
import { type DeliverySink, type OutboxRow } from '../../src/delivery/sink.js';
import { deliverDue } from '../../src/delivery/worker.js';
import { outbox, ticketThreads } from '../../src/store/schema.js';
import { actAs } from '../doubles/context.js';
import { createTestDesk, type TestDesk } from '../doubles/deskops.js';
import { startSlackApi, type SlackApiStandIn, type SlackCall } from '../doubles/slack-api.js';
import { insertTicket } from '../doubles/tickets.js';
import { mapChannelsIn, notice, outboxRow, rejection } from '../doubles/sink-fixtures.js';
import { insertRows, selectRow, selectRows } from '../doubles/db.js';

let desk: TestDesk;
let api: SlackApiStandIn;
let posted: number;

function deps(url = api.url): SlackDeps {
  return slackDepsWith(
    desk.engine,
    { botToken: 'xoxb-test', signingSecret: 's', appToken: undefined, mode: 'http', prefixCommand: '/desk', botId: 'BBOT', botUserId: 'UBOT' },
    new WebClient('xoxb-test', { slackApiUrl: url }),
    pino({ level: 'silent' }),
    desk.app.settings,
  );
}

/** A sink without pacing unless a test asks for it, so tests that are not about pacing stay fast. */
function sink(options: SlackSinkOptions = { minIntervalMs: 0 }, url?: string): DeliverySink {
  return createSlackSink(deps(url), options);
}

const mapChannels = (map: Record<string, string>): void => mapChannelsIn(desk.app, map);
const row = (dedupeKey: string, extra: Partial<OutboxRow> = {}): OutboxRow => outboxRow(desk.clock.now(), dedupeKey, extra);

const posts = (): SlackCall[] => api.callsTo('chat.postMessage');

beforeEach(async () => {
  desk = createTestDesk();
  api = await startSlackApi();
  posted = 0;
  api.on('chat.postMessage', (call) => ({ ok: true, channel: call.args.channel, ts: `1700000000.${String(++posted).padStart(6, '0')}` }));
  api.on('conversations.info', (call) => ({ ok: true, channel: { id: call.args.channel, name: 'support-t2', is_private: false, is_ext_shared: false } }));
  mapChannels({ 'tier:t2': 'slack:C0T2', 'role:helpdesk': '#helpdesk' });
});

afterEach(async () => {
  await api.close();
  desk.dispose();
});

describe('posting', () => {
  it('posts a Reply to the mapped channel as rendered blocks, with the bot token', async () => {
    const reply = notice('Ticket #7 turns yellow in 30 minutes', { buttons: [{ label: 'Assign to me', command: '/ticket assign 7 me', style: 'primary' }] });
    await sink().post('tier:t2', reply, [row('sla:7:1:pre-yellow')]);
    expect(posts()).toHaveLength(1);
    const [call] = posts();
    expect(call!.token).toBe('xoxb-test');
    expect(call!.args).toMatchObject({ channel: 'C0T2', text: renderBlocks(reply).text, blocks: renderBlocks(reply).blocks });
    expect(call!.args.thread_ts).toBeUndefined();
  });

  it('finds a channel mapped by name through conversations.list', async () => {
    api.on('conversations.list', () => ({ ok: true, channels: [{ id: 'C0HELP', name: 'helpdesk' }], response_metadata: { next_cursor: '' } }));
    await sink().post('role:helpdesk', notice('On call now'), [row('oncall:1:ack', { channel: 'role:helpdesk' })]);
    await sink().post('role:helpdesk', notice('On call again'), [row('oncall:2:ack', { channel: 'role:helpdesk' })]);
    expect(posts().map((c) => c.args.channel)).toEqual(['C0HELP', 'C0HELP']);
  });

  it('refuses an unmapped channel for good, saying what a lead types', async () => {
    mapChannels({});
    const error = await rejection(sink().post('tier:t2', notice('x'), [row('sla:1:1:yellow')]));
    expect(error.permanent).toBe(true);
    expect(error.message).toContain('/channel set t2 #support-t2');
    expect(error.message).toContain('/desk channel set t2 #support-t2');
    expect(posts()).toHaveLength(0);
  });
});

describe('ticket threads', () => {
  it('makes the first post about a ticket its thread, posts later ones in it, and broadcasts red warnings', async () => {
    const ticket = insertTicket(desk.app, { tier: 't2' });
    const slack = sink();
    await slack.post('tier:t2', notice(`#${ticket.id} escalated`, { ticketId: ticket.id }), [row('sla:x:1:yellow', { ticketId: ticket.id })]);
    const stored = selectRow(desk.app.store, ticketThreads, eq(ticketThreads.ticketId, ticket.id));
    expect(stored).toMatchObject({ platform: 'slack', channel: 'C0T2', thread: '1700000000.000001' });

    await slack.post('tier:t2', notice(`#${ticket.id} assigned`, { ticketId: ticket.id }), [row(`assigned:${ticket.id}:1:1`, { ticketId: ticket.id })]);
    await slack.post('tier:t2', notice(`#${ticket.id} is red`, { tone: 'error', ticketId: ticket.id }), [row(`sla:${ticket.id}:1:red`, { ticketId: ticket.id })]);
    const [first, second, third] = posts();
    expect(first!.args.thread_ts).toBeUndefined();
    expect(second!.args).toMatchObject({ thread_ts: '1700000000.000001' });
    expect(second!.args.reply_broadcast).toBeUndefined();
    // Form-encoded on the wire, so the stand-in sees the string.
    expect(third!.args).toMatchObject({ thread_ts: '1700000000.000001', reply_broadcast: 'true' });
  });

  it('keeps the thread of the message a ticket came from and starts its own thread in the tier channel', async () => {
    const ticket = insertTicket(desk.app, { tier: 't2' });
    insertRows(desk.app.store, ticketThreads, [{ platform: 'slack', ticketId: ticket.id, channel: 'C0INTAKE', thread: '1600000000.000100', createdAt: desk.clock.now() }]);
    await sink().post('tier:t2', notice(`#${ticket.id} is red`, { ticketId: ticket.id }), [row(`sla:${ticket.id}:1:red`, { ticketId: ticket.id })]);
    expect(posts()[0]!.args.thread_ts).toBeUndefined();
    const threads = selectRows(desk.app.store, ticketThreads).map((t) => t.channel).sort();
    expect(threads).toEqual(['C0INTAKE', posts()[0]!.args.channel].sort());
  });

  it("posts ticket:<id> notifications into the requester's conversation, never the tier thread", async () => {
    const ticket = insertTicket(desk.app, { chatPlatform: 'slack', chatChannel: 'C0INTAKE' });
    answerThere(desk.app, ticket.id, { platform: 'slack', channel: 'C0INTAKE', thread: '1600000000.000100' });
    insertRows(desk.app.store, ticketThreads, [{ platform: 'slack', ticketId: ticket.id, channel: 'C0TIER', thread: '1600000000.000200', createdAt: desk.clock.now() }]);
    await sink().post(`ticket:${ticket.id}`, notice('Just checking in'), [row(`timer:${ticket.id}:remind:1`, { ticketId: ticket.id, audience: 'requester' })]);
    expect(posts()[0]!.args).toMatchObject({ channel: 'C0INTAKE', thread_ts: '1600000000.000100' });
  });
});

describe('people', () => {
  it('sends person:<id> as a DM and pings mentioned people by their Slack id', async () => {
    const alice = actAs(desk.app, 'U0ALICE', 'agent', 'slack').actor;
    if (alice.kind !== 'person') throw new Error('expected a person');
    api.on('conversations.open', () => ({ ok: true, channel: { id: 'D0ALICE' } }));
    const reply = notice('You were assigned #3');
    await sink().post(`person:${alice.personId}`, reply, [row('assigned:3:1:1', { channel: `person:${alice.personId}`, mentions: [alice.personId] })]);
    expect(api.callsTo('conversations.open')[0]!.args.users).toBe('U0ALICE');
    const [call] = posts();
    expect(call!.args.channel).toBe('D0ALICE');
    const blocks = JSON.stringify(call!.args.blocks);
    expect(blocks).toContain('cc <@U0ALICE>');
  });

  it('drops person:<id> for someone with no Slack identity', async () => {
    const bob = actAs(desk.app, 'bob');
    if (bob.actor.kind !== 'person') throw new Error('expected a person');
    const error = await rejection(sink().post(`person:${bob.actor.personId}`, notice('x'), [row('assigned:1:1:1')]));
    expect(error.drop).toBe(true);
  });
});

describe('failures', () => {
  it('turns HTTP 429 into retryAfterMs from Retry-After, without the SDK retrying', async () => {
    api.on('chat.postMessage', () => ({ status: 429, headers: { 'retry-after': '2' }, body: { ok: false, error: 'ratelimited' } }));
    const error = await rejection(sink().post('tier:t2', notice('x'), [row('sla:1:1:yellow')]));
    expect(error.retryAfterMs).toBe(2000);
    expect(error.permanent).toBe(false);
    expect(posts()).toHaveLength(1);
  });

  it('joins a public channel it is not in and posts again', async () => {
    let attempts = 0;
    api.on('chat.postMessage', () => (++attempts === 1 ? { ok: false, error: 'not_in_channel' } : { ok: true, ts: '1.2' }));
    await sink().post('tier:t2', notice('x'), [row('sla:1:1:yellow')]);
    expect(api.callsTo('conversations.join').map((c) => c.args.channel)).toEqual(['C0T2']);
    expect(posts()).toHaveLength(2);
  });

  it('tells the lead to /invite the bot into a private channel it is not in', async () => {
    api.on('conversations.info', () => ({ ok: true, channel: { id: 'C0T2', name: 'support-t2', is_private: true } }));
    api.on('chat.postMessage', () => ({ ok: false, error: 'not_in_channel' }));
    const error = await rejection(sink().post('tier:t2', notice('x'), [row('sla:1:1:yellow')]));
    expect(error.permanent).toBe(true);
    expect(error.message).toContain('#support-t2');
    expect(error.message).toContain('/invite @deskops');
    expect(api.callsTo('conversations.join')).toHaveLength(0);
  });

  it.each(['channel_not_found', 'is_archived', 'invalid_auth'])('treats %s as permanent', async (code) => {
    api.on('chat.postMessage', () => ({ ok: false, error: code }));
    const error = await rejection(sink().post('tier:t2', notice('x'), [row('sla:1:1:yellow')]));
    expect(error.permanent).toBe(true);
    expect(error.message).toContain(code);
  });

  it('treats a network failure as transient', async () => {
    const error = await rejection(sink({ minIntervalMs: 0 }, 'http://127.0.0.1:9/api/').post('tier:t2', notice('x'), [row('sla:1:1:yellow')]));
    expect(error.permanent).toBe(false);
    expect(error.drop).toBe(false);
  });
});

describe('rows for staff only', () => {
  beforeEach(() => {
    api.on('conversations.info', () => ({ ok: true, channel: { id: 'C0T2', name: 'support-t2', is_ext_shared: true } }));
  });

  it('never posts one to a shared channel, whatever its key', async () => {
    for (const key of ['escalated:4:t2:1', 'sla:4:1:yellow']) {
      const error = await rejection(sink().post('tier:t2', notice('Escalated'), [row(key)]));
      expect(error.permanent).toBe(true);
      expect(error.message).toContain('Slack Connect');
    }
    expect(posts()).toHaveLength(0);
  });

  it('posts rows for the requester there, and looks the channel up once', async () => {
    const slack = sink();
    await slack.post('tier:t2', notice('We are on it'), [row('still-looking:4', { audience: 'requester' })]);
    await slack.post('tier:t2', notice('We are on it'), [row('still-looking:5', { audience: 'requester' })]);
    expect(posts()).toHaveLength(2);
    expect(api.callsTo('conversations.info')).toHaveLength(1);
  });

  it('never posts one to an intake channel, a DM with a requester, or the thread a ticket was opened from', async () => {
    api.on('conversations.info', () => ({ ok: true, channel: { id: 'C0T2', name: 'support-t2' } }));
    // An install from before the commands refused it: the tier channel is also an intake channel.
    desk.app.store.transaction(() => writeSetting(actAs(desk.app, 'lead', 'lead'), 'intake-channels', ['slack:C0T2']));
    expect((await rejection(sink().post('tier:t2', notice('x'), [row('sla:4:1:red')]))).message).toContain('intake');
    const customer = actAs(desk.app, 'U0CUSTOMER', 'requester', 'slack').actor;
    if (customer.kind !== 'person') throw new Error('expected a person');
    api.on('conversations.open', () => ({ ok: true, channel: { id: 'D0CUSTOMER' } }));
    expect((await rejection(sink().post(`person:${customer.personId}`, notice('x'), [row('assigned:1:1:1')]))).message).toContain("requester's");
    expect(posts()).toHaveLength(0);
  });
});

describe('pacing', () => {
  it('posts at most about once a second per channel', async () => {
    const slack = sink({});
    await Promise.all([1, 2, 3].map((n) => slack.post('tier:t2', notice(`n${n}`), [row(`sla:${n}:1:yellow`)])));
    const times = posts().map((c) => c.at);
    expect(times).toHaveLength(3);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(950);
    expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(950);
  });
});

describe('with the outbox worker', () => {
  it('delivers an SLA warning exactly once, through a 429 and its retry', async () => {
    const ticket = insertTicket(desk.app, { tier: 't2' });
    const ctx = desk.engine;
    enqueue(desk.app, { audience: 'staff', dedupeKey: `sla:${ticket.id}:1:red`, channel: 'tier:t2', reply: notice(`#${ticket.id} is red`, { tone: 'error', ticketId: ticket.id }), ticketId: ticket.id });
    const slack = sink({});
    let attempts = 0;
    api.on('chat.postMessage', () => (++attempts === 1 ? { status: 429, headers: { 'retry-after': '1' }, body: { ok: false, error: 'ratelimited' } } : { ok: true, ts: '1700000000.000009' }));

    const now = desk.clock.now();
    expect(await deliverDue(ctx, now, slack)).toMatchObject({ sent: 0, retrying: 1 });
    const queued = selectRow(desk.app.store, outbox)!;
    expect(queued.nextAttemptAt.getTime()).toBe(now.getTime() + 1000);

    const later = new Date(now.getTime() + 1000);
    expect(await deliverDue(ctx, later, slack)).toMatchObject({ sent: 1, messages: 1 });
    expect(await deliverDue(ctx, new Date(later.getTime() + 60_000), slack)).toMatchObject({ sent: 0, messages: 0 });
    expect(selectRow(desk.app.store, outbox)).toMatchObject({ state: 'sent', attempts: 2 });
    expect(posts().filter((_, i) => i > 0)).toHaveLength(1);
    expect(selectRow(desk.app.store, ticketThreads, eq(ticketThreads.ticketId, ticket.id))?.thread).toBe('1700000000.000009');
  });
});
