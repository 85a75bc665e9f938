/**
 * The property behind "nothing internal reaches anyone else": whatever the outbox holds, nothing
 * written for staff is ever posted where a requester reads. Two parts, both through the real
 * delivery worker and the real Slack and Rocket.Chat sinks against their loopback stand-ins:
 *
 * 1. Random worlds (fixed fast-check seed): five Slack channels, each internal, shared with
 *    another organisation (Slack Connect, or its invitation pending), an intake channel or a group
 *    DM; five Rocket.Chat rooms, each staff-only, with a requester member, or an intake room; the
 *    tier, leads and team channels mapped to any of them; staff and requester DMs; two tickets
 *    whose conversations sit in any of them; and random rows of either audience to any of those
 *    places. What reached the stand-ins is checked against a model of who reads each place:
 *    no staff row's text in a place a requester reads, every staff row for a staff-only place
 *    delivered, every requester row delivered.
 * 2. A realistic workflow (tickets, notes, replies, escalations, hand-offs, the on-call page, SLA
 *    warnings, the digest) whose outbox rows go to a world where every logical channel is mapped to
 *    a place requesters read: every row with audience 'staff' is refused, and only requester rows
 *    reach those places.
 *
 * Each would fail if a sink ignored the audience, trusted a cached answer about a place, or the
 * worker let a staff row share a message with requester rows (tried by hand).
 */
import { WebClient } from '@slack/web-api';
import { eq, inArray } from 'drizzle-orm';
import fc from 'fast-check';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRocketChatPeople } from '../../src/adapters/rocketchat/people.js';
import { createRocketChatRest } from '../../src/adapters/rocketchat/rest.js';
import { createRocketChatSink } from '../../src/adapters/rocketchat/sink.js';
import { deliverReply } from '../../src/adapters/slack/interactions/common.js';
import { createSlackSink } from '../../src/adapters/slack/sink.js';
import { slackDepsWith } from '../../src/adapters/slack/start.js';
import { INTAKE_SETTING } from '../../src/app/intake.js';
import { answerThere } from '../../src/app/conversations.js';
import { enqueue } from '../../src/app/outbox.js';
import { writeSetting } from '../../src/app/team-settings.js';
import { createPlatformSink } from '../../src/delivery/platform-sink.js';
import { drainOutbox } from '../../src/delivery/worker.js';
import type { Audience } from '../../src/domain/vocabulary.js';
import { outbox, ticketThreads, tickets } from '../../src/store/schema.js';
import { warning } from '../../src/views/reply.js';
import { actAs, grantStaff } from '../doubles/context.js';
import { deleteRows, insertRows, personIdOf, selectFields, updateRows } from '../doubles/db.js';
import { FakeSink } from '../doubles/delivery.js';
import { createTestDesk, replyText, type TestDesk } from '../doubles/deskops.js';
import { checkAsyncProperty } from '../doubles/property.js';
import { startRocketChatServer, type RocketChatStandIn } from '../doubles/rocketchat-server.js';
import { startSlackApi, type SlackApiStandIn } from '../doubles/slack-api.js';
import { insertTicket } from '../doubles/tickets.js';

/** Fixed seed: a failure reproduces with its counterexample. */
const SEED = 20261210;
const RUNS = 100;

type SlackKind = 'internal' | 'shared' | 'pending' | 'intake' | 'group-dm';
type RoomKind = 'staff-only' | 'with-requester' | 'intake';
const SLACK_CHANNELS = ['C0A', 'C0B', 'C0C', 'C0D', 'C0E'] as const;
const ROOMS = ['R0A', 'R0B', 'R0C', 'R0D', 'R0E'] as const;
const LOGICAL = ['tier:t1', 'tier:t2', 'role:leads', 'team:product'] as const;
const SLACK_THREAD = '1700000000.000100';
const RC_THREAD = 'msg-conversation';

const RC_AGENT = { id: 'rcAgentSupport001', username: 'sam' };
const RC_REQUESTER = { id: 'rcRequesterRita01', username: 'rita' };

let desk: TestDesk;
let slackApi: SlackApiStandIn;
let rc: RocketChatStandIn;
/** Person ids: Slack agent and requester, Rocket.Chat agent and requester. */
const person = { slackAgent: 0, slackRequester: 0, rcAgent: 0, rcRequester: 0 };
/** What each Slack channel and Rocket.Chat room is in the current run. */
let slackKinds: Record<string, SlackKind> = {};
let roomKinds: Record<string, RoomKind> = {};

beforeAll(async () => {
  desk = createTestDesk();
  slackApi = await startSlackApi();
  let ts = 0;
  slackApi.on('chat.postMessage', (call) => ({ ok: true, channel: call.args.channel, ts: `1700001000.${String(++ts).padStart(6, '0')}` }));
  slackApi.on('conversations.open', (call) => ({ ok: true, channel: { id: `D${String(call.args.users)}` } }));
  slackApi.on('conversations.info', (call) => {
    const id = String(call.args.channel);
    const kind = slackKinds[id] ?? 'internal';
    return { ok: true, channel: { id, name: id.toLowerCase(), is_private: false, is_ext_shared: kind === 'shared', is_pending_ext_shared: kind === 'pending', is_mpim: kind === 'group-dm', is_im: id.startsWith('D') } };
  });
  rc = await startRocketChatServer();
  rc.addUser(RC_AGENT.id, RC_AGENT.username, 'Sam Agent', ['user', 'support']);
  rc.addUser(RC_REQUESTER.id, RC_REQUESTER.username, 'Rita Requester', ['user']);
  for (const room of ROOMS) rc.addRoom(room, 'c', room.toLowerCase());
  person.slackAgent = grantStaff(desk.app, 'slack', 'U0AGENT', 'agent', 'agent');
  person.rcAgent = grantStaff(desk.app, 'rocketchat', RC_AGENT.id, 'agent', RC_AGENT.username);
  person.slackRequester = desk.app.store.transaction(() => {
    desk.router.handle({ platform: 'slack', user: { externalId: 'U0REQ', handle: 'req' }, channel: null, thread: null, text: 'help' });
    return personIdOf(desk.app.store, 'U0REQ');
  });
  person.rcRequester = desk.app.store.transaction(() => {
    desk.router.handle({ platform: 'rocketchat', user: { externalId: RC_REQUESTER.id, handle: RC_REQUESTER.username }, channel: null, thread: null, text: 'help' });
    return personIdOf(desk.app.store, RC_REQUESTER.id);
  });
});

afterAll(async () => {
  await slackApi.close();
  await rc.close();
  desk.dispose();
});

/** The worker's sinks, fresh for each run: neither may remember a place from another run. */
function sinks(): ReturnType<typeof createPlatformSink> {
  const logger = pino({ level: 'silent' });
  const slackDeps = slackDepsWith(desk.engine, { botToken: 'xoxb-test', signingSecret: 's', appToken: undefined, mode: 'http', prefixCommand: '/desk', botId: 'BBOT', botUserId: 'UBOT' }, new WebClient('xoxb-test', { slackApiUrl: slackApi.url }), logger, desk.config.settings);
  const rest = createRocketChatRest(rc.url, { userId: rc.botId, authToken: rc.authToken });
  const people = createRocketChatPeople({ engine: desk.engine, settings: desk.config.settings, rest, logger, botId: () => rc.botId, roomInfo: (rid) => rest.roomInfo(rid) });
  return createPlatformSink(desk.engine, {
    platforms: [
      { platform: 'slack', sink: createSlackSink(slackDeps, { minIntervalMs: 0 }) },
      { platform: 'rocketchat', sink: createRocketChatSink({ engine: desk.engine, rest, logger, prefix: '!', pacing: { callsPerWindow: 10_000, roomIntervalMs: 0 }, people }) },
    ],
    webhook: new FakeSink(),
  });
}

/** A place a message can land: a Slack conversation (and thread) or a Rocket.Chat room (and thread). */
interface Landed {
  platform: 'slack' | 'rocketchat';
  place: string;
  thread?: string;
  text: string;
}

/** Every message the stand-ins received since the marks. */
function landed(marks: { slack: number; rc: number }): Landed[] {
  const slack = slackApi.calls.slice(marks.slack).filter((c) => c.method === 'chat.postMessage').map((c): Landed => ({ platform: 'slack', place: String(c.args.channel), ...(c.args.thread_ts ? { thread: String(c.args.thread_ts) } : {}), text: JSON.stringify([c.args.text, c.args.blocks]) }));
  const rocket = rc.sent.slice(marks.rc).map((m): Landed => ({ platform: 'rocketchat', place: String(m.rid), ...(m.tmid ? { thread: String(m.tmid) } : {}), text: JSON.stringify([m.msg, m.attachments]) }));
  return [...slack, ...rocket];
}

/** The model: whether a requester reads this place. */
function requesterReads(l: Pick<Landed, 'platform' | 'place' | 'thread'>, conversations: { slack: string; rc: string }): boolean {
  if (l.platform === 'slack') {
    if (l.place === 'DU0REQ') return true;
    if (l.place.startsWith('D')) return false;
    if (l.place === conversations.slack && l.thread === SLACK_THREAD) return true;
    return (slackKinds[l.place] ?? 'internal') !== 'internal';
  }
  if (l.place === `dm-${RC_REQUESTER.username}`) return true;
  if (l.place.startsWith('dm-')) return false;
  if (l.place === conversations.rc && l.thread === RC_THREAD) return true;
  return (roomKinds[l.place] ?? 'staff-only') !== 'staff-only';
}

/** Where a logical channel of a run goes, in the model: the place, for requesterReads. */
function placeOf(channel: string, mapping: Record<string, string>, tickets: { slack: number; rc: number }, conversations: { slack: string; rc: string }): Pick<Landed, 'platform' | 'place' | 'thread'> {
  const person = /^person:(\d+)$/.exec(channel);
  if (person) {
    const id = Number(person[1]);
    if (id === personIds().slackAgent) return { platform: 'slack', place: 'DU0AGENT' };
    if (id === personIds().slackRequester) return { platform: 'slack', place: 'DU0REQ' };
    if (id === personIds().rcAgent) return { platform: 'rocketchat', place: `dm-${RC_AGENT.username}` };
    return { platform: 'rocketchat', place: `dm-${RC_REQUESTER.username}` };
  }
  if (channel === `ticket:${tickets.slack}`) return { platform: 'slack', place: conversations.slack, thread: SLACK_THREAD };
  if (channel === `ticket:${tickets.rc}`) return { platform: 'rocketchat', place: conversations.rc, thread: RC_THREAD };
  const real = mapping[channel] ?? channel;
  return real.startsWith('slack:') ? { platform: 'slack', place: real.slice(6) } : { platform: 'rocketchat', place: real.replace(/^rocketchat:/, '') };
}
const personIds = () => person;

const world = fc.record({
  slack: fc.array(fc.constantFrom<SlackKind>('internal', 'internal', 'shared', 'pending', 'intake', 'group-dm'), { minLength: 5, maxLength: 5 }),
  rooms: fc.array(fc.constantFrom<RoomKind>('staff-only', 'staff-only', 'with-requester', 'intake'), { minLength: 5, maxLength: 5 }),
  mapping: fc.array(fc.oneof(fc.constantFrom(...SLACK_CHANNELS).map((c) => `slack:${c}`), fc.constantFrom(...ROOMS).map((r) => `rocketchat:${r}`)), { minLength: 4, maxLength: 4 }),
  slackConversation: fc.constantFrom(...SLACK_CHANNELS),
  rcConversation: fc.constantFrom(...ROOMS),
  rows: fc.array(
    fc.record({
      target: fc.constantFrom('tier:t1', 'tier:t2', 'role:leads', 'team:product', 'slack-raw', 'rc-raw', 'person:slackAgent', 'person:slackRequester', 'person:rcAgent', 'person:rcRequester', 'ticket:slack', 'ticket:rc'),
      raw: fc.nat(4),
      audience: fc.constantFrom<Audience>('staff', 'requester'),
      about: fc.constantFrom('none', 'slack', 'rc'),
      buttons: fc.boolean(),
    }),
    { minLength: 1, maxLength: 14 },
  ),
});

let run = 0;

describe('the audience property over the sinks', () => {
  it('never posts a staff row where a requester reads, and delivers every row that may go where it is sent', async () => {
    await checkAsyncProperty(
      fc.asyncProperty(world, async (w) => {
        run++;
        slackKinds = Object.fromEntries(SLACK_CHANNELS.map((c, i) => [c, w.slack[i]!]));
        roomKinds = Object.fromEntries(ROOMS.map((r, i) => [r, w.rooms[i]!]));
        for (const room of ROOMS) rc.setMembers(room, roomKinds[room] === 'with-requester' ? [RC_AGENT.id, RC_REQUESTER.id] : [RC_AGENT.id]);
        const mapping = Object.fromEntries(LOGICAL.map((l, i) => [l, w.mapping[i]!]));
        const lead = actAs(desk.app, 'lead', 'admin');
        desk.app.store.transaction(() => {
          deleteRows(desk.app.store, outbox);
          writeSetting(lead, 'channels', mapping);
          writeSetting(lead, INTAKE_SETTING, [...SLACK_CHANNELS.filter((c) => slackKinds[c] === 'intake').map((c) => `slack:${c}`), ...ROOMS.filter((r) => roomKinds[r] === 'intake').map((r) => `rocketchat:${r}`)]);
        });
        // Two tickets, each with its requester's conversation somewhere.
        const slackTicket = insertTicket(desk.app, { title: `Slack ticket ${run}`, chatPlatform: 'slack', chatChannel: w.slackConversation, requesterPersonId: person.slackRequester });
        const rcTicket = insertTicket(desk.app, { title: `Rocket.Chat ticket ${run}`, chatPlatform: 'rocketchat', chatChannel: w.rcConversation, requesterPersonId: person.rcRequester });
        answerThere(desk.app, slackTicket.id, { platform: 'slack', channel: w.slackConversation, thread: SLACK_THREAD });
        answerThere(desk.app, rcTicket.id, { platform: 'rocketchat', channel: w.rcConversation, thread: RC_THREAD });
        const ids = { slack: slackTicket.id, rc: rcTicket.id };
        const conversations = { slack: w.slackConversation, rc: w.rcConversation };
        const keys: Array<{ key: string; audience: Audience; channel: string; marker: string }> = [];
        desk.app.store.transaction(() => {
          w.rows.forEach((r, i) => {
            const channel =
              r.target === 'slack-raw' ? `slack:${SLACK_CHANNELS[r.raw]}` :
              r.target === 'rc-raw' ? `rocketchat:${ROOMS[r.raw]}` :
              r.target.startsWith('person:') ? `person:${person[r.target.slice(7) as keyof typeof person]}` :
              r.target === 'ticket:slack' ? `ticket:${ids.slack}` :
              r.target === 'ticket:rc' ? `ticket:${ids.rc}` : r.target;
            const marker = `${r.audience === 'staff' ? 'STAFF' : 'REQ'}-MARK-${run}-${i}-END`;
            const ticketId = r.about === 'slack' ? ids.slack : r.about === 'rc' ? ids.rc : undefined;
            const reply = warning(`Update ${i}`, { visibility: 'channel', text: `${marker} internal detail`, ...(r.buttons ? { buttons: [{ label: 'Show', command: `/ticket show ${ids.slack}` }] } : {}), ...(ticketId ? { ticketId } : {}) });
            const key = `prop:${run}:${i}`;
            enqueue(desk.app, { dedupeKey: key, channel, audience: r.audience, reply, ...(ticketId ? { ticketId } : {}) });
            keys.push({ key, audience: r.audience, channel, marker });
          });
        });
        const marks = { slack: slackApi.calls.length, rc: rc.sent.length };
        await drainOutbox(desk.engine, desk.clock.now(), sinks());

        // Safety: nothing for staff where a requester reads.
        for (const message of landed(marks)) {
          if (!requesterReads(message, conversations)) continue;
          expect(message.text, `${message.platform} ${message.place} ${message.thread ?? ''} (${JSON.stringify(w)})`).not.toContain('STAFF-MARK');
        }
        // Liveness: requester rows and staff rows for staff-only places arrive; the rest are refused for good.
        const states = new Map(selectFields(desk.app.store, outbox, { key: outbox.dedupeKey, state: outbox.state }, inArray(outbox.dedupeKey, keys.map((k) => k.key))).map((r) => [r.key, r.state]));
        const everything = landed(marks).map((m) => m.text).join('\n');
        for (const k of keys) {
          const place = placeOf(k.channel, mapping, ids, conversations);
          const readable = requesterReads(place, conversations);
          const label = `${k.key} ${k.audience} -> ${k.channel} (${place.platform} ${place.place}, ${readable ? 'requesters read it' : 'staff only'})`;
          if (k.audience === 'requester' || !readable) {
            expect(states.get(k.key), label).toBe('sent');
            expect(everything, label).toContain(k.marker);
          } else {
            expect(states.get(k.key), label).toBe('failed');
            expect(everything, label).not.toContain(k.marker);
          }
        }
      }),
      { numRuns: RUNS, seed: SEED },
    );
  }, 120_000);
});

describe('answers to commands, buttons and forms on Slack', () => {
  it('post a reply in the channel only when it is for the requester or only staff read there; else only the asker sees it', async () => {
    await checkAsyncProperty(
      fc.asyncProperty(
        fc.constantFrom<SlackKind>('internal', 'shared', 'pending', 'intake', 'group-dm'),
        fc.constantFrom<Audience>('staff', 'requester'),
        fc.constantFrom<'channel' | 'ephemeral'>('channel', 'ephemeral'),
        fc.boolean(),
        async (kind, audience, visibility, inConversation) => {
          run++;
          const channel = 'C0A';
          slackKinds = { C0A: kind };
          const lead = actAs(desk.app, 'lead', 'admin');
          desk.app.store.transaction(() => writeSetting(lead, INTAKE_SETTING, kind === 'intake' ? ['slack:C0A'] : []));
          const thread = inConversation ? `1700002000.${String(run).padStart(6, '0')}` : undefined;
          if (thread) {
            const ticket = insertTicket(desk.app, { title: `Reply ${run}`, chatPlatform: 'slack', chatChannel: channel });
            insertRows(desk.app.store, ticketThreads, [{ platform: 'slack', ticketId: ticket.id, channel, thread, conversation: true, createdAt: desk.clock.now() }]);
          }
          const deps = slackDepsWith(desk.engine, { botToken: 'xoxb-test', signingSecret: 's', appToken: undefined, mode: 'http', prefixCommand: '/desk', botId: 'BBOT', botUserId: 'UBOT' }, new WebClient('xoxb-test', { slackApiUrl: slackApi.url }), pino({ level: 'silent' }), desk.config.settings);
          const mark = slackApi.calls.length;
          const reply = { ...warning(`${audience === 'staff' ? 'STAFF' : 'REQ'}-MARK reply`, { visibility, text: 'details' }), audience };
          await deliverReply(deps, deps.client, { userId: 'U0ASKER', channel, ...(thread ? { threadTs: thread } : {}) }, reply);
          const calls = slackApi.calls.slice(mark).filter((c) => c.method.startsWith('chat.'));
          expect(calls).toHaveLength(1);
          const everyone = calls[0]!.method === 'chat.postMessage';
          const requesters = kind !== 'internal' || inConversation;
          expect(everyone, JSON.stringify({ kind, audience, visibility, inConversation })).toBe(visibility === 'channel' && (audience === 'requester' || !requesters));
        },
      ),
      { numRuns: 80, seed: SEED + 1 },
    );
  });
});

describe('a realistic workflow, every place read by requesters', () => {
  it('refuses every staff row the workflow queues and delivers only requester rows there', async () => {
    const lead = actAs(desk.app, 'lead', 'admin');
    desk.app.store.transaction(() => {
      deleteRows(desk.app.store, outbox);
      writeSetting(lead, INTAKE_SETTING, []);
    });
    slackKinds = { C0SHARED: 'shared' };
    const ok = (line: string) => {
      const reply = desk.run(line);
      expect(reply.tone, `${line}: ${replyText(reply)}`).not.toBe('error');
      return reply;
    };
    // Mapped before anyone could refuse it (the channel was shared later): every staff channel is the shared one.
    desk.app.store.transaction(() =>
      writeSetting(lead, 'channels', Object.fromEntries(['tier:triage', 'tier:t1', 'tier:t2', 'tier:t3', 'tier:oncall', 'role:helpdesk', 'role:support-dev', 'role:leads', 'team:engagement', 'team:product', 'team:marketing'].map((l) => [l, 'slack:C0SHARED']))),
    );
    ok('/oncall rotation set @lead');
    ok('/oncall contacts set phone +49 30 5550199');
    const opened = ok('/ticket new "Checkout fails for every card" priority:high requester:<@U0REQ>');
    const id = opened.ticketId!;
    // The requester wrote in the shared channel: the ticket's conversation is their thread there.
    updateRows(desk.app.store, tickets, { chatPlatform: 'slack', chatChannel: 'C0SHARED' }, eq(tickets.id, id));
    answerThere(desk.app, id, { platform: 'slack', channel: 'C0SHARED', thread: SLACK_THREAD });
    ok(`/ticket note ${id} STAFF-MARK note: card processor token expired`);
    ok(`/ticket reply ${id} REQ-MARK We are on it.`);
    ok(`/escalate ${id} to:t2 STAFF-MARK escalation: which processor?`);
    ok(`/ticket handoff ${id} engagement STAFF-MARK handoff: asks for a refund`);
    ok(`/escalate ${id} to:oncall major STAFF-MARK page: checkout is down`);
    ok(`/ticket status ${id} pending`);
    desk.clock.set(new Date(desk.clock.now().getTime() + 4 * 24 * 3600_000));
    await desk.engine.runJobs(desk.clock.now());
    const queued = selectFields(desk.app.store, outbox, { key: outbox.dedupeKey, audience: outbox.audience, channel: outbox.channel });
    expect(queued.filter((r) => r.audience === 'staff').length).toBeGreaterThan(4);
    expect(queued.some((r) => r.audience === 'requester')).toBe(true);
    const marks = { slack: slackApi.calls.length, rc: rc.sent.length };
    await drainOutbox(desk.engine, desk.clock.now(), sinks());
    const shared = landed(marks).filter((m) => m.platform === 'slack' && m.place === 'C0SHARED');
    for (const message of shared) expect(message.text).not.toMatch(/STAFF-MARK|5550199|ESCALATED QUESTION|token expired/);
    const states = selectFields(desk.app.store, outbox, { key: outbox.dedupeKey, audience: outbox.audience, state: outbox.state, channel: outbox.channel });
    for (const row of states.filter((r) => !r.channel.startsWith('person:') && !r.channel.startsWith('webhook:'))) {
      if (row.audience === 'staff') expect(row.state, `${row.key} -> ${row.channel}`).not.toBe('sent');
    }
    expect(states.filter((r) => r.audience === 'requester' && r.channel === `ticket:${id}`).every((r) => r.state === 'sent')).toBe(true);
  }, 60_000);
});
