/**
 * The Rocket.Chat delivery sink and its REST client against a loopback recorder standing in for
 * the REST API: attachments, ticket threads (tmid), DMs, pings, rate limits, pacing, mappings,
 * internal notes, login, and the outbox worker end to end.
 */
import { answerThere } from '../../src/app/conversations.js';
import { writeSetting } from '../../src/app/team-settings.js';
import { createRocketChatPeople } from '../../src/adapters/rocketchat/people.js';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { renderMessage } from '../../src/adapters/rocketchat/render.js';
import { createRocketChatRest, login, restFromConfig, type RocketChatRest } from '../../src/adapters/rocketchat/rest.js';
import { createRocketChatSink } from '../../src/adapters/rocketchat/sink.js';
import { createPacer, type PacingOptions } from '../../src/adapters/rocketchat/pacing.js';
import { enqueue } from '../../src/app/outbox.js';
import { type DeliverySink, type OutboxRow } from '../../src/delivery/sink.js';
import { deliverDue } from '../../src/delivery/worker.js';
import { outbox, ticketThreads } from '../../src/store/schema.js';
import { engineOver } from '../doubles/delivery.js';
import { actAs, createTestApp, type TestApp } from '../doubles/context.js';
import { insertTicket } from '../doubles/tickets.js';
import { mapChannelsIn, notice, outboxRow, rejection } from '../doubles/sink-fixtures.js';
import { selectRow } from '../doubles/db.js';

/** One request the recorder received. */
interface Recorded {
  method: string;
  endpoint: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}

interface Answer {
  status?: number;
  headers?: Record<string, string>;
  body: unknown;
}

type Handler = (request: Recorded) => Answer;

/** A loopback HTTP server that records every /api/v1 call and answers from per-endpoint handlers. */
async function startRecorder(): Promise<{ url: string; calls: Recorded[]; on(endpoint: string, handler: Handler): void; close(): Promise<void> }> {
  const calls: Recorded[] = [];
  const handlers = new Map<string, Handler>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const raw = Buffer.concat(chunks).toString('utf8');
      const recorded: Recorded = {
        method: req.method ?? 'GET',
        endpoint: url.pathname.replace(/^\/api\/v1\//, ''),
        query: url.searchParams,
        headers: req.headers,
        body: raw ? (JSON.parse(raw) as Record<string, unknown>) : {},
      };
      calls.push(recorded);
      const handler = handlers.get(recorded.endpoint);
      const answer = handler ? handler(recorded) : { status: 404, body: { success: false, error: 'no such endpoint' } };
      res.writeHead(answer.status ?? 200, { 'content-type': 'application/json', ...answer.headers });
      res.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    on: (endpoint, handler) => handlers.set(endpoint, handler),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let test: TestApp;
let server: Awaited<ReturnType<typeof startRecorder>>;
let rest: RocketChatRest;
let sent: number;
const logger = pino({ level: 'silent' });
const AUTH = { userId: 'UBOT', authToken: 'tok-secret' };

/** A sink without pacing unless a test asks for it, so tests that are not about pacing stay fast. */
function sink(pacing: PacingOptions = { callsPerWindow: 1000, roomIntervalMs: 0 }): DeliverySink {
  const engine = engineOver({ ...test.app, logger });
  const people = createRocketChatPeople({ engine, settings: test.app.settings, rest, logger, botId: () => AUTH.userId, roomInfo: (rid) => rest.roomInfo(rid) });
  return createRocketChatSink({ engine, rest, logger, prefix: '!', pacing, people });
}

const mapChannels = (map: Record<string, string>): void => mapChannelsIn(test.app, map);
const row = (dedupeKey: string, extra: Partial<OutboxRow> = {}): OutboxRow => outboxRow(test.clock.now(), dedupeKey, extra);

const posts = (): Recorded[] => server.calls.filter((c) => c.endpoint === 'chat.sendMessage');
const message = (call: Recorded | undefined): Record<string, unknown> => call!.body.message as Record<string, unknown>;

beforeEach(async () => {
  // Staff on Rocket.Chat: the role "support" (the agents of these tests have it; see users.info below).
  test = createTestApp({ settings: { staffRules: [{ platform: 'rocketchat', role: 'support' }] } });
  server = await startRecorder();
  rest = createRocketChatRest(server.url, AUTH);
  sent = 0;
  server.on('chat.sendMessage', (req) => ({ body: { success: true, message: { _id: `m${++sent}`, rid: message(req).rid } } }));
  server.on('rooms.info', (req) => ({ body: { success: true, room: { _id: req.query.get('roomId') ?? `ID-${req.query.get('roomName')}`, t: 'c', name: 'support-t2' } } }));
  server.on('im.create', (req) => ({ body: { success: true, room: { _id: `dm-${String(req.body.username)}`, t: 'd' } } }));
  // Every room's members: the bot and one agent with the support role, unless a test says otherwise.
  for (const endpoint of ['channels.members', 'groups.members']) server.on(endpoint, () => ({ body: { success: true, members: [{ _id: 'UBOT', username: 'deskops' }, { _id: 'UAGENT', username: 'agent' }], total: 2 } }));
  server.on('users.info', (req) => ({ body: { success: true, user: { _id: req.query.get('userId'), username: 'agent', roles: ['user', 'support'] } } }));
  mapChannels({ 'tier:t2': 'rocketchat:ROOMT2', 'role:helpdesk': 'slack:C0HELP' });
});

afterEach(async () => {
  await server.close();
  test.close();
});

describe('posting', () => {
  it('posts a Reply to the mapped room as msg + attachments, with the bot headers', async () => {
    const reply = notice('Ticket #7 turns yellow in 30 minutes', { fields: [{ label: 'Tier', value: 't2' }], buttons: [{ label: 'Assign to me', command: '/ticket assign 7 me' }] });
    await sink().post('tier:t2', reply, [row('sla:7:1:pre-yellow')]);
    expect(posts()).toHaveLength(1);
    const [call] = posts();
    expect(call!.headers['x-auth-token']).toBe('tok-secret');
    expect(call!.headers['x-user-id']).toBe('UBOT');
    const rendered = renderMessage(reply);
    expect(message(call)).toEqual({ rid: 'ROOMT2', msg: rendered.msg, attachments: rendered.attachments });
    expect(JSON.stringify(message(call))).toContain('"msg":"!ticket assign 7 me"');
  });

  it('refuses an unmapped room for good, saying what a lead types', async () => {
    mapChannels({});
    const error = await rejection(sink().post('tier:t2', notice('x'), [row('sla:1:1:yellow')]));
    expect(error.permanent).toBe(true);
    expect(error.message).toContain('/channel set t2 rocketchat:<roomId>');
    expect(error.message).toContain('!channel set t2 rocketchat:<roomId>');
    expect(posts()).toHaveLength(0);
  });

  it('finds a room mapped by #name through rooms.info?roomName=, once', async () => {
    mapChannels({ 'role:leads': '#leads' });
    const rc = sink();
    await rc.post('role:leads', notice('Digest'), [row('digest:1', { channel: 'role:leads' })]);
    await rc.post('role:leads', notice('Digest'), [row('escalated:1:1', { channel: 'role:leads' })]);
    const lookups = server.calls.filter((c) => c.endpoint === 'rooms.info');
    // Once by name, once by id for who reads it (members and type); the second post asks nothing again.
    expect(lookups.map((c) => c.query.get('roomName') ?? c.query.get('roomId'))).toEqual(['leads', 'ID-leads']);
    expect(posts().map((c) => message(c).rid)).toEqual(['ID-leads', 'ID-leads']);
  });

  it('drops a channel mapped to Slack: the Slack sink delivers it', async () => {
    const error = await rejection(sink().post('role:helpdesk', notice('x'), [row('oncall:1:ack', { channel: 'role:helpdesk' })]));
    expect(error.drop).toBe(true);
    expect(posts()).toHaveLength(0);
  });

  it('refuses for good a room the server does not know, with the invite and remap hint', async () => {
    server.on('chat.sendMessage', () => ({ status: 400, body: { success: false, error: 'Room not found', errorType: 'error-room-not-found' } }));
    const error = await rejection(sink().post('tier:t2', notice('x'), [row('sla:1:1:yellow')]));
    expect(error.permanent).toBe(true);
    expect(error.message).toContain('/invite');
    expect(error.message).toContain('/channel set t2 rocketchat:<roomId>');
  });

  it('pings mentioned people by their username', async () => {
    const alice = actAs(test.app, 'alice', 'agent', 'rocketchat');
    const personId = alice.actor.kind === 'person' ? alice.actor.personId : 0;
    const reply = notice('Paged');
    await sink().post('tier:t2', reply, [row('oncall:1:page', { mentions: [personId] })]);
    const sentMessage = message(posts()[0]);
    expect(sentMessage.msg).toBe(':warning: *Paged*\ncc @alice');
    expect(JSON.stringify(sentMessage.attachments)).not.toContain('cc @alice');
  });
});

describe('ticket threads', () => {
  it('makes the first post about a ticket its thread in the room, and posts later ones with tmid', async () => {
    const ticket = insertTicket(test.app, { tier: 't2' });
    const rc = sink();
    await rc.post('tier:t2', notice(`#${ticket.id} new`, { ticketId: ticket.id }), [row(`ticket-new:${ticket.id}`, { ticketId: ticket.id })]);
    expect(selectRow(test.app.store, ticketThreads, eq(ticketThreads.ticketId, ticket.id))).toMatchObject({ platform: 'rocketchat', channel: 'ROOMT2', thread: 'm1' });
    await rc.post('tier:t2', notice(`#${ticket.id} assigned`, { ticketId: ticket.id }), [row(`assigned:${ticket.id}:1:1`, { ticketId: ticket.id })]);
    await rc.post('tier:t2', notice(`#${ticket.id} red`, { ticketId: ticket.id }), [row(`sla:${ticket.id}:1:red`, { ticketId: ticket.id })]);
    const [first, second, third] = posts().map(message);
    expect(first!.tmid).toBeUndefined();
    expect(second).toMatchObject({ tmid: 'm1' });
    expect(second!.tshow).toBeUndefined();
    // A red SLA warning is also shown in the room, as Slack broadcasts it.
    expect(third).toMatchObject({ tmid: 'm1', tshow: true });
  });

  it("posts ticket:<id> to the ticket's own room and thread", async () => {
    const ticket = insertTicket(test.app, { tier: 't2' });
    answerThere(test.app, ticket.id, { platform: 'rocketchat', channel: 'ROOMCUST', thread: 'msg-origin' });
    await sink().post(`ticket:${ticket.id}`, notice('We replied'), [row(`reply:${ticket.id}:1`, { ticketId: ticket.id, channel: `ticket:${ticket.id}`, audience: 'requester' })]);
    expect(message(posts()[0])).toMatchObject({ rid: 'ROOMCUST', tmid: 'msg-origin' });
  });
});

describe('direct messages', () => {
  it("opens a DM with the person's Rocket.Chat username and posts there, once per person", async () => {
    const bob = actAs(test.app, 'bob', 'agent', 'rocketchat');
    const personId = bob.actor.kind === 'person' ? bob.actor.personId : 0;
    const rc = sink();
    await rc.post(`person:${personId}`, notice('You are on call'), [row('oncall:1:call', { channel: `person:${personId}` })]);
    await rc.post(`person:${personId}`, notice('Still on call'), [row('oncall:2:call', { channel: `person:${personId}` })]);
    expect(server.calls.filter((c) => c.endpoint === 'im.create').map((c) => c.body)).toEqual([{ username: 'bob' }]);
    expect(posts().map((c) => message(c).rid)).toEqual(['dm-bob', 'dm-bob']);
  });

  it('drops a message for someone without a Rocket.Chat identity', async () => {
    const carol = actAs(test.app, 'carol', 'agent', 'slack');
    const personId = carol.actor.kind === 'person' ? carol.actor.personId : 0;
    const error = await rejection(sink().post(`person:${personId}`, notice('x'), [row('oncall:1:call')]));
    expect(error.drop).toBe(true);
  });
});

describe('rows for staff only', () => {
  it("never posts an escalation note to the requester's conversation", async () => {
    const ticket = insertTicket(test.app, { tier: 't2' });
    answerThere(test.app, ticket.id, { platform: 'rocketchat', channel: 'ROOMCUST', thread: 'msg-origin' });
    const error = await rejection(sink().post(`ticket:${ticket.id}`, notice('Escalated'), [row(`escalated:${ticket.id}:1`, { ticketId: ticket.id })]));
    expect(error.permanent).toBe(true);
    expect(posts()).toHaveLength(0);
    expect(server.calls.filter((c) => c.endpoint === 'rooms.info')).toHaveLength(0);
  });

  it('never posts one to a livechat room, and names the fix', async () => {
    server.on('rooms.info', () => ({ body: { success: true, room: { _id: 'ROOMT2', t: 'l' } } }));
    const error = await rejection(sink().post('tier:t2', notice('Escalated'), [row('escalated:1:1')]));
    expect(error.message).toContain('/channel set t2 rocketchat:<roomId>');
    expect(server.calls.find((c) => c.endpoint === 'rooms.info')!.query.get('roomId')).toBe('ROOMT2');
    expect(posts()).toHaveLength(0);
  });

  it('posts one to an internal room', async () => {
    await sink().post('tier:t2', notice('Escalated'), [row('escalated:1:1')]);
    expect(posts()).toHaveLength(1);
  });

  it('never posts one to a room with a member who is not staff, whatever its key; a row for the requester goes there', async () => {
    for (const endpoint of ['channels.members', 'groups.members']) {
      server.on(endpoint, () => ({ body: { success: true, members: [{ _id: 'UBOT', username: 'deskops' }, { _id: 'UAGENT', username: 'agent' }, { _id: 'UCUSTOMER', username: 'customer' }], total: 3 } }));
    }
    server.on('users.info', (req) => ({ body: { success: true, user: { _id: req.query.get('userId'), username: 'x', roles: req.query.get('userId') === 'UCUSTOMER' ? ['user'] : ['user', 'support'] } } }));
    const error = await rejection(sink().post('tier:t2', notice('#1 is yellow'), [row('sla:1:1:yellow')]));
    expect(error.permanent).toBe(true);
    expect(error.message).toContain('member who is not staff');
    expect(posts()).toHaveLength(0);
    await sink().post('tier:t2', notice('Still looking'), [row('still-looking:1', { audience: 'requester' })]);
    expect(posts()).toHaveLength(1);
  });

  it('never posts one to an intake room', async () => {
    test.app.store.transaction(() => writeSetting(actAs(test.app, 'lead', 'lead'), 'intake-channels', ['rocketchat:ROOMT2']));
    const error = await rejection(sink().post('tier:t2', notice('#1 is red'), [row('sla:1:1:red')]));
    expect(error.message).toContain('intake');
    expect(posts()).toHaveLength(0);
  });
});

describe('rate limits and pacing', () => {
  it('turns a 429 into retryAfterMs from x-ratelimit-reset (epoch ms) and holds back the next post', async () => {
    const reset = Date.now() + 42_000;
    server.on('chat.sendMessage', () => ({ status: 429, headers: { 'x-ratelimit-reset': String(reset) }, body: { success: false, error: 'Too many requests' } }));
    const rc = sink();
    const error = await rejection(rc.post('tier:t2', notice('x'), [row('sla:1:1:yellow')]));
    expect(error.permanent).toBe(false);
    expect(error.deferred).toBe(false);
    expect(error.retryAfterMs).toBeGreaterThan(40_000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(42_000);
    const next = await rejection(rc.post('tier:t2', notice('y'), [row('sla:2:1:yellow')]));
    expect(next.deferred).toBe(true);
    expect(posts()).toHaveLength(1);
  });

  it("reads the limiter's error-too-many-requests answer and its timeToReset", async () => {
    server.on('chat.sendMessage', () => ({
      status: 400,
      body: { success: false, error: 'Error, too many requests. Please slow down. [error-too-many-requests]', errorType: 'error-too-many-requests', details: { timeToReset: 9000 } },
    }));
    const error = await rejection(sink().post('tier:t2', notice('x'), [row('sla:1:1:yellow')]));
    expect(error.retryAfterMs).toBe(9000);
  });

  it('paces posts to the endpoint allowance and hands the rest back as deferred', async () => {
    const rc = sink({ callsPerWindow: 2, windowMs: 60_000, roomIntervalMs: 0 });
    await rc.post('tier:t2', notice('1'), [row('sla:1:1:yellow')]);
    await rc.post('tier:t2', notice('2'), [row('sla:2:1:yellow')]);
    const error = await rejection(rc.post('tier:t2', notice('3'), [row('sla:3:1:yellow')]));
    expect(error.deferred).toBe(true);
    expect(error.retryAfterMs).toBeGreaterThan(55_000);
    expect(posts()).toHaveLength(2);
  });

  it('keeps posting when another endpoint (im.create) is rate-limited', async () => {
    const dave = actAs(test.app, 'dave', 'agent', 'rocketchat');
    const personId = dave.actor.kind === 'person' ? dave.actor.personId : 0;
    server.on('im.create', () => ({ status: 429, headers: { 'x-ratelimit-reset': String(Date.now() + 30_000) }, body: { success: false } }));
    const rc = sink();
    const error = await rejection(rc.post(`person:${personId}`, notice('x'), [row('oncall:1:call')]));
    expect(error.retryAfterMs).toBeGreaterThan(25_000);
    await rc.post('tier:t2', notice('y'), [row('sla:1:1:yellow')]);
    expect(posts()).toHaveLength(1);
  });

  it('keeps a sliding window per endpoint and a gap per room (pacer with a test clock)', async () => {
    let now = 0;
    const waits: number[] = [];
    const pacer = createPacer({ callsPerWindow: 3, windowMs: 10_000, roomIntervalMs: 1000, maxWaitMs: 5000, now: () => now, sleep: async (ms) => void waits.push(ms) });
    await pacer.take('A');
    await pacer.take('B');
    await pacer.take('A');
    expect(waits).toEqual([1000]);
    const full = await rejection(pacer.take('C'));
    expect(full).toMatchObject({ deferred: true, retryAfterMs: 10_000 });
    now = 10_000;
    await pacer.take('C');
    pacer.blockFor(7000);
    expect((await rejection(pacer.take('D'))).retryAfterMs).toBe(7000);
  });

  it('counts replies posted without a turn, so the outbox makes room for them', async () => {
    let now = 0;
    const pacer = createPacer({ callsPerWindow: 2, windowMs: 10_000, roomIntervalMs: 1000, maxWaitMs: 5000, now: () => now, sleep: async () => undefined });
    pacer.note('A');
    pacer.note('B');
    expect((await rejection(pacer.take('C'))).retryAfterMs).toBe(10_000);
    now = 10_000;
    await pacer.take('C');
  });

  it('spaces posts to one room', async () => {
    const rc = sink({ callsPerWindow: 100, roomIntervalMs: 300 });
    const started = Date.now();
    await Promise.all([1, 2, 3].map((n) => rc.post('tier:t2', notice(String(n)), [row(`sla:${n}:1:yellow`)])));
    expect(Date.now() - started).toBeGreaterThanOrEqual(550);
    expect(posts()).toHaveLength(3);
  });
});

describe('the REST client', () => {
  it('logs in with the password, and once more when the token expired', async () => {
    let logins = 0;
    server.on('login', (req) => ({ body: { status: 'success', data: { userId: 'UBOT', authToken: `tok-${++logins}`, me: { username: String(req.body.user) } } } }));
    server.on('chat.sendMessage', (req) =>
      req.headers['x-auth-token'] === 'tok-1' ? { status: 401, body: { status: 'error', message: 'You must be logged in to do this.' } } : { body: { success: true, message: { _id: 'm1', rid: 'R' } } },
    );
    const client = restFromConfig({ url: `${server.url}/`, user: 'deskops', password: 'pw', authToken: undefined, userId: undefined, prefix: '!' });
    expect(await client.sendMessage({ rid: 'R', msg: 'hi' })).toEqual({ id: 'm1', rid: 'R' });
    expect(server.calls.filter((c) => c.endpoint === 'login').map((c) => c.body)).toEqual([{ user: 'deskops', password: 'pw' }, { user: 'deskops', password: 'pw' }]);
  });

  it('fails a rejected token for good, naming the variables to check, without the token', async () => {
    server.on('chat.sendMessage', () => ({ status: 401, body: { status: 'error', message: 'You must be logged in to do this.' } }));
    const error = await rejection(rest.sendMessage({ rid: 'R', msg: 'hi' }));
    expect(error.permanent).toBe(true);
    expect(error.message).toContain('check ROCKETCHAT_USER/PASSWORD');
    expect(error.message).not.toContain('tok-secret');
    const badLogin = await rejection(login(server.url, 'deskops', 'wrong'));
    expect(badLogin.permanent).toBe(true);
  });

  it('treats an unreachable server as transient', async () => {
    const dead = createRocketChatRest('http://127.0.0.1:1', AUTH, { timeoutMs: 2000 });
    const error = await rejection(dead.roomInfo('R'));
    expect(error.permanent).toBe(false);
    expect(error.message).not.toContain('tok-secret');
  });
});

describe('with the outbox worker', () => {
  it('delivers an SLA warning exactly once, through a 429 and its retry', async () => {
    const ticket = insertTicket(test.app, { tier: 't2' });
    const ctx = engineOver({ ...test.app, logger });
    enqueue(test.app, { audience: 'staff', dedupeKey: `sla:${ticket.id}:1:red`, channel: 'tier:t2', reply: notice(`#${ticket.id} is red`, { tone: 'error', ticketId: ticket.id }), ticketId: ticket.id });
    let attempts = 0;
    server.on('chat.sendMessage', (req) =>
      ++attempts === 1
        ? { status: 429, headers: { 'x-ratelimit-reset': String(Date.now() + 1000) }, body: { success: false, error: 'error-too-many-requests' } }
        : { body: { success: true, message: { _id: 'thread-parent', rid: message(req).rid } } },
    );
    const rc = sink();
    const now = test.clock.now();
    expect(await deliverDue(ctx, now, rc)).toMatchObject({ sent: 0, retrying: 1 });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const later = new Date(now.getTime() + 60_000);
    expect(await deliverDue(ctx, later, rc)).toMatchObject({ sent: 1, messages: 1 });
    expect(await deliverDue(ctx, new Date(later.getTime() + 60_000), rc)).toMatchObject({ sent: 0, messages: 0 });
    expect(selectRow(test.app.store, outbox)).toMatchObject({ state: 'sent', attempts: 2 });
    expect(selectRow(test.app.store, ticketThreads, eq(ticketThreads.ticketId, ticket.id))?.thread).toBe('thread-parent');
  });
});
