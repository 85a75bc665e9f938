/**
 * Requesters on Slack, through Bolt with the production wiring (the directory middleware, every
 * slash command, Reply button, message shortcut, modal submission, reaction and the Home tab)
 * against the Web API stand-in. The requesters: a Slack Connect user (users.info gives another
 * organisation's team_id), one whose own team only the payload names (user.team_id, user_team:
 * users.info is never asked), a single-channel guest (is_restricted) and a multi-channel guest
 * (is_ultra_restricted). Each is refused everywhere with the friendly line, or gets their own
 * view; nothing but their person row, the audit of the attempt and reaction claims is stored; and
 * nothing any of them can read carries staff text.
 *
 * Each part can fail: trusting the payload's workspace (team.id) instead of the user's own,
 * ignoring the guest flags, opening a form for a requester, publishing the staff Home, letting a
 * requester's :white_check_mark: resolve someone else's ticket, or posting a staff reply in the
 * channel each turned a test red when tried.
 */
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import { eq } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { refreshDirectory } from '../../src/adapters/slack/app.js';
import { registerActions } from '../../src/adapters/slack/actions.js';
import { registerCommands } from '../../src/adapters/slack/commands.js';
import type { SlackDeps } from '../../src/adapters/slack/deps.js';
import { registerInteractions, openEscalateModal, openHandoffModal, openNewTicketModal } from '../../src/adapters/slack/interactions/index.js';
import { buildAddToTicketView } from '../../src/adapters/slack/interactions/shortcuts.js';
import { slackDepsWith } from '../../src/adapters/slack/start.js';
import { comments, tickets } from '../../src/store/schema.js';
import { createTestDesk, replyText, type TestDesk } from '../doubles/deskops.js';
import { startSlackApi, type SlackApiStandIn, type SlackCall } from '../doubles/slack-api.js';
import { expectOnlyRequesterTraces, snapshotStore, addedAuditActions } from '../doubles/store-snapshot.js';
import { selectFields, selectRows } from '../doubles/db.js';

const SECRET = 'slack-requesters-secret';
const REFUSAL = /deskops commands are for the support team; to ask for help, write in <#C0INTAKE>/;
const STAFF_ONLY = ['NOTE-SECRET', '5550199', 'ESCALATION-SECRET', 'KI-SECRET', 'HANDOFF-SECRET', 'jane@example.com', 'Login fails after SSO change', 'Invoice shows the wrong VAT'];

/** What users.info says about each user (team_id, guest flags). */
const DIRECTORY: Record<string, Record<string, unknown>> = {
  U0AGENT: { team_id: 'T1' },
  U0AUTHOR: { team_id: 'T0OTHER' },
  U0CONNECT: { team_id: 'T0OTHER' },
  U0GUEST: { team_id: 'T1', is_restricted: true },
  U0ULTRA: { team_id: 'T1', is_ultra_restricted: true },
  // Only the payload says where this one belongs: users.info must not be needed (and would say T1).
  U0HINTED: { team_id: 'T1' },
};

interface Requester {
  id: string;
  name: string;
  /** The team the payloads say the user belongs to (user.team_id, event.user_team). */
  team: string;
  /** Message in the intake channel their ticket was opened from. */
  ts: string;
  /** Slash commands carry no user team: the payload-only requester cannot be told apart there. */
  slash: boolean;
}

const REQUESTERS: Requester[] = [
  { id: 'U0CONNECT', name: 'connie', team: 'T0OTHER', ts: '1700000100.000001', slash: true },
  { id: 'U0HINTED', name: 'hugo', team: 'T0OTHER', ts: '1700000100.000002', slash: false },
  { id: 'U0GUEST', name: 'gus', team: 'T1', ts: '1700000100.000003', slash: true },
  { id: 'U0ULTRA', name: 'ursula', team: 'T1', ts: '1700000100.000004', slash: true },
];
/** Another requester's message with a ticket, for reactions on someone else's ticket. */
const OTHER_TS = '1700000200.000000';
/** A message in the intake channel that is no ticket yet. */
const LOOSE_TS = '1700000300.000000';

type Values = Record<string, Record<string, Record<string, unknown>>>;

interface Harness {
  api: SlackApiStandIn;
  desk: TestDesk;
  deps: SlackDeps;
  url: string;
  server: Server;
}
let h: Harness;
/** Each requester's ticket number. */
const own = new Map<string, number>();
/** Every command a staff Reply offers as a button. */
let buttons: string[] = [];
/** Forms staff opened: what they are, the view, what to type in them. */
let forms: Array<[string, Record<string, unknown>, Values]> = [];

async function post(body: string, contentType: string): Promise<{ status: number; text: string }> {
  const timestamp = Math.floor(Date.now() / 1000).toString();
  const signature = `v0=${createHmac('sha256', SECRET).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  const response = await fetch(h.url, { method: 'POST', headers: { 'content-type': contentType, 'x-slack-signature': signature, 'x-slack-request-timestamp': timestamp }, body });
  return { status: response.status, text: await response.text() };
}
const interactive = (payload: Record<string, unknown>) => post(new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), 'application/x-www-form-urlencoded');
let eventCount = 0;
const event = (inner: Record<string, unknown>) =>
  post(JSON.stringify({ token: 'legacy', team_id: 'T1', api_app_id: 'A1', type: 'event_callback', event_id: `Ev${++eventCount}`, event_time: 1_700_000_000, event: inner }), 'application/json');

let triggers = 0;
/** A signed slash command; resolves with what deskops sent to its response_url. */
async function slash(user: { id: string; name: string }, command: string, text: string, channel = 'C0HELP'): Promise<SlackCall | undefined> {
  const trigger = `trig-${++triggers}`;
  const body = new URLSearchParams({
    token: 'legacy',
    team_id: 'T1',
    team_domain: 'acme',
    channel_id: channel,
    channel_name: 'helpdesk',
    user_id: user.id,
    user_name: user.name,
    command,
    text,
    api_app_id: 'A1',
    response_url: `${h.api.url}response/${trigger}`,
    trigger_id: trigger,
  }).toString();
  const response = await post(body, 'application/x-www-form-urlencoded');
  expect(response.status).toBe(200);
  return h.api.callsTo(`response/${trigger}`)[0];
}

function user(r: Pick<Requester, 'id' | 'name' | 'team'>) {
  return { id: r.id, username: r.name, name: r.name, team_id: r.team };
}

/** A Reply button pressed: block_actions with the command as the value. */
async function press(r: Pick<Requester, 'id' | 'name' | 'team'>, command: string): Promise<SlackCall | undefined> {
  const trigger = `press-${++triggers}`;
  await interactive({
    type: 'block_actions',
    user: user(r),
    api_app_id: 'A1',
    token: 'legacy',
    container: { type: 'message', message_ts: '1700000500.000100', channel_id: 'C0HELP', is_ephemeral: false },
    trigger_id: trigger,
    team: { id: 'T1', domain: 'acme' },
    channel: { id: 'C0HELP', name: 'helpdesk' },
    message: { type: 'message', ts: '1700000500.000100', text: 'ticket card', user: 'UBOT' },
    response_url: `${h.api.url}response/${trigger}`,
    actions: [{ type: 'button', action_id: 'deskops:cmd:0', block_id: 'b1', text: { type: 'plain_text', text: 'Press' }, value: command, action_ts: '1700000500.000200' }],
  });
  return h.api.callsTo(`response/${trigger}`)[0];
}

function shortcut(r: Pick<Requester, 'id' | 'name' | 'team'>, callbackId: string) {
  return interactive({
    type: 'message_action',
    callback_id: callbackId,
    trigger_id: `sc-${++triggers}`,
    message_ts: LOOSE_TS,
    response_url: `${h.api.url}response/shortcut`,
    message: { type: 'message', user: 'U0AUTHOR', ts: LOOSE_TS, text: 'My printer is on fire' },
    user: user(r),
    channel: { id: 'C0INTAKE', name: 'support' },
    team: { id: 'T1', domain: 'acme' },
    token: 'legacy',
    action_ts: '1700000001.000000',
  });
}

const text = (value: string) => ({ value: { type: 'plain_text_input', value } });
const select = (value: string) => ({ value: { type: 'static_select', selected_option: { text: { type: 'plain_text', text: value }, value } } });
const radio = (value: string) => ({ value: { type: 'radio_buttons', selected_option: { text: { type: 'plain_text', text: value }, value } } });

function submit(r: Pick<Requester, 'id' | 'name' | 'team'>, view: Record<string, unknown>, values: Values) {
  const viewId = `V${++triggers}`;
  return interactive({
    type: 'view_submission',
    team: { id: 'T1', domain: 'acme' },
    user: user(r),
    api_app_id: 'A1',
    token: 'legacy',
    trigger_id: `sub-${viewId}`,
    view: { ...view, id: viewId, team_id: 'T1', app_id: 'A1', bot_id: 'B1', hash: 'h1', state: { values }, root_view_id: viewId, previous_view_id: null },
  });
}

const reaction = (r: Pick<Requester, 'id' | 'team'>, name: string, ts: string) =>
  event({ type: 'reaction_added', user: r.id, user_team: r.team, reaction: name, item_user: 'U0AUTHOR', item: { type: 'message', channel: 'C0INTAKE', ts }, event_ts: '1700000003.000000' });

/** Every Web API call from index `from` on, as text; `echoes` are answers that may repeat what the requester typed. */
function callsText(from: number, echoes = new Set<string>()): string {
  return JSON.stringify(h.api.calls.slice(from).filter((c) => !echoes.has(c.method)).map((c) => ({ method: c.method, args: c.args })));
}

function expectNoStaffText(from: number, label: string, echoes?: Set<string>): void {
  const sent = callsText(from, echoes);
  for (const secret of STAFF_ONLY) expect(sent, `${label}: "${secret}" reached Slack`).not.toContain(secret);
}

function ticketStatus(id: number): string {
  return selectFields(h.desk.app.store, tickets, { status: tickets.status }, eq(tickets.id, id))[0]!.status;
}

async function startHarness(): Promise<Harness> {
  const api = await startSlackApi();
  api.on('users.info', (call) => {
    const id = String(call.args.user);
    return { ok: true, user: { id, name: id.toLowerCase(), ...(DIRECTORY[id] ?? { team_id: 'T1' }) } };
  });
  api.on('conversations.info', (call) => ({ ok: true, channel: { id: call.args.channel, name: 'x', is_private: false, is_ext_shared: call.args.channel === 'C0SHARED' } }));
  const messages = new Map<string, Record<string, unknown>>([
    [OTHER_TS, { type: 'message', user: 'U0AUTHOR', ts: OTHER_TS, text: 'Someone else asks' }],
    [LOOSE_TS, { type: 'message', user: 'U0AUTHOR', ts: LOOSE_TS, text: 'My printer is on fire' }],
    ...REQUESTERS.map((r) => [r.ts, { type: 'message', user: r.id, ts: r.ts, text: `Printer on fire for ${r.name}` }] as [string, Record<string, unknown>]),
  ]);
  api.on('conversations.history', (call) => ({ ok: true, messages: [messages.get(String(call.args.latest))].filter(Boolean), has_more: false }));
  api.on('chat.getPermalink', (call) => ({ ok: true, permalink: `https://acme.slack.com/archives/C0INTAKE/p${String(call.args.message_ts).replace('.', '')}` }));
  api.on('views.open', (call) => ({ ok: true, view: { id: 'VOPENED', ...(call.args.view as object) } }));
  api.on('chat.postMessage', (call) => ({ ok: true, channel: call.args.channel, ts: `1700009999.${String(api.calls.length).padStart(6, '0')}` }));
  const desk = createTestDesk();
  const logger = pino({ level: 'silent' });
  const client = new WebClient('xoxb-test', { slackApiUrl: api.url, retryConfig: { retries: 0 } });
  const deps = slackDepsWith(desk.engine, { botToken: 'xoxb-test', signingSecret: SECRET, appToken: undefined, mode: 'http', prefixCommand: '/desk', botId: 'B1', botUserId: 'U1' }, client, logger, desk.config.settings);
  // The production wiring (see createSlackApp), with each request answered once its listener is done.
  const receiver = new HTTPReceiver({ signingSecret: SECRET, processBeforeResponse: true, logLevel: LogLevel.ERROR });
  const app = new App({ token: 'xoxb-test', botId: 'B1', botUserId: 'U1', receiver, clientOptions: { slackApiUrl: api.url, retryConfig: { retries: 0 } } });
  app.use(refreshDirectory(deps));
  registerCommands(app, deps, desk.registry);
  registerActions(app, deps);
  registerInteractions(app, deps);
  const server = createServer(receiver.requestListener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { api, desk, deps, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`, server };
}

beforeAll(async () => {
  h = await startHarness();
  const agent = { id: 'U0AGENT', name: 'agent', team: 'T1' };
  for (const line of [
    '/channel intake add slack:C0INTAKE',
    '/ticket new "Login fails after SSO change" requester:jane@example.com priority:high area:Authentication',
    '/ticket note 1 NOTE-SECRET-1: the customer is on 6.4',
    '/ticket new "Invoice shows the wrong VAT" requester:jane@example.com',
    '/oncall contacts set phone +49 30 5550199',
    '/oncall rotation set @lead',
    '/known-issue new "KI-SECRET login loop after the 6.5 update"',
    '/escalate 1 ESCALATION-SECRET why does the token cache loop?',
    '/ticket handoff 2 engagement HANDOFF-SECRET asks about the enterprise plan',
    '/macro new trial-offer Hi {requester.name}, your trial is on.',
  ]) {
    const reply = h.desk.run(line);
    expect(reply.tone, `${line}: ${replyText(reply)}`).not.toBe('error');
  }
  // Tickets opened by an agent's :ticket: on requesters' messages in the intake channel.
  for (const ts of [OTHER_TS, ...REQUESTERS.map((r) => r.ts)]) await reaction(agent, 'ticket', ts);
  const opened = selectFields(h.desk.app.store, tickets, { id: tickets.id, title: tickets.title });
  for (const r of REQUESTERS) {
    const id = opened.find((t) => t.title === `Printer on fire for ${r.name}`)?.id;
    expect(id, r.name).toBeDefined();
    own.set(r.id, id!);
    expect(h.desk.run(`/ticket reply ${id} PUBLIC-REPLY for ${r.name}`).tone).toBe('success');
    expect(h.desk.run(`/ticket note ${id} NOTE-SECRET-own about ${r.name}`).tone).toBe('success');
  }
  // The buttons staff replies carry, pressed by requesters below.
  const found = new Set<string>();
  for (const line of ['/ticket show 1', '/ticket show 2', `/ticket show ${own.get('U0CONNECT')}`, '/ticket list', '/oncall', '/known-issue show 1', '/known-issue list', '/macro pick 1', '/sla queue', '/sla 1', '/rotation show', '/duplicates list']) {
    for (const button of h.desk.run(line).buttons ?? []) found.add(button.command);
  }
  buttons = [...found];
  expect(buttons.length).toBeGreaterThan(8);
  // The forms staff open, for requesters to submit below.
  const fills: Values[] = [];
  await openNewTicketModal(h.deps.client, 'tr-new', h.deps, { channel: 'C0HELP' });
  fills.push({ title: text('Requester ticket'), priority: select('high'), department: select('paid') });
  await openNewTicketModal(h.deps.client, 'tr-src', h.deps, { title: 'From a message', description: 'x', source: { channel: 'C0INTAKE', ts: LOOSE_TS, permalink: undefined }, channel: 'C0INTAKE' });
  fills.push({ title: text('From a message'), priority: select('high'), department: select('paid'), requester: text('@U0AUTHOR') });
  await openEscalateModal(h.deps.client, 'tr-esc', h.deps, 1, { channel: 'C0HELP' });
  fills.push({ tier: select('t2'), q1: text('Why?') });
  await openHandoffModal(h.deps.client, 'tr-hand', h.deps, 1, { channel: 'C0HELP' });
  fills.push({ team: select('product'), reason: text('Requester wants it') });
  const names = ['new ticket', 'new ticket from a message', 'escalation', 'hand-off'];
  forms = h.api
    .callsTo('views.open')
    .slice(-4)
    .map((c, i) => [names[i]!, c.args.view as Record<string, unknown>, fills[i]!]);
  forms.push(['add to ticket', buildAddToTicketView({ channel: 'C0INTAKE', ts: LOOSE_TS, user: 'U0AUTHOR', text: 'My printer is on fire' }) as unknown as Record<string, unknown>, { ticket: text('1'), visibility: radio('public') }]);
}, 60_000);

afterAll(async () => {
  await new Promise((resolve) => h.server.close(resolve));
  await h.api.close();
  h.desk.dispose();
});

describe.each(REQUESTERS)('requester $name ($id, own team $team)', (r) => {
  // Only where the test types every command as this requester (the slash flag): the others' commands take the same path.
  if (r.slash) it('every slash command (each sub-command and example, under its family and /desk) is refused or shows their own view', async () => {
    const before = snapshotStore(h.desk.app);
    const from = h.api.calls.length;
    let refused = 0;
    for (const definition of h.desk.registry.all()) {
      const lines = [definition.path.join(' '), ...(definition.examples ?? []).slice(0, 1).map((e) => e.replace(/^\//, '').replace(/\b42\b/g, '1'))];
      for (const line of lines) {
        const [family, ...rest] = line.split(' ');
        for (const [command, text] of [[`/${family}`, rest.join(' ')], ['/desk', line]] as const) {
          const answer = await slash(r, command, text);
          const label = `${r.name}: ${command} ${text}`;
          expect(answer, label).toBeDefined();
          const shown = JSON.stringify(answer!.args);
          for (const secret of STAFF_ONLY) if (!line.includes(secret)) expect(shown, `${label} shows ${secret}`).not.toContain(secret);
          if (definition.requesters) continue;
          expect(answer!.args.response_type, label).toBe('ephemeral');
          expect(String(answer!.args.text), label).toMatch(REFUSAL);
          refused++;
        }
      }
    }
    expect(refused).toBeGreaterThan(300);
    expect(h.api.callsTo('views.open').slice(0)).toHaveLength(h.api.calls.slice(0, from).filter((c) => c.method === 'views.open').length);
    expectNoStaffText(from, r.name);
    expectOnlyRequesterTraces(before, snapshotStore(h.desk.app), r.name);
  }, 120_000);

  it('every Reply button, every shortcut and every form submission is refused; nothing opens, nothing changes', async () => {
    const before = snapshotStore(h.desk.app);
    const from = h.api.calls.length;
    const opens = h.api.callsTo('views.open').length;
    const echoes = new Set<string>();
    for (const command of buttons) {
      const answer = await press(r, command);
      const label = `${r.name} pressed ${command}`;
      expect(answer, label).toBeDefined();
      expect(answer!.args.response_type, label).toBe('ephemeral');
      const shown = String(answer!.args.text);
      for (const secret of STAFF_ONLY) if (!command.includes(secret)) expect(JSON.stringify(answer!.args), `${label} shows ${secret}`).not.toContain(secret);
      echoes.add(answer!.method);
      if (/^\/ticket (show|list)\b/.test(command)) expect(shown, label).toMatch(/You have no request|Your requests|You have no requests|Unexpected|Printer on fire/);
      else expect(shown, label).toMatch(REFUSAL);
    }
    for (const callback of ['create_ticket_from_message', 'add_to_ticket']) {
      const ephemerals = h.api.callsTo('chat.postEphemeral').length;
      await shortcut(r, callback);
      const answer = h.api.callsTo('chat.postEphemeral')[ephemerals];
      expect(answer?.args, callback).toMatchObject({ channel: 'C0INTAKE', user: r.id });
      expect(String(answer!.args.text), callback).toMatch(REFUSAL);
    }
    expect(h.api.callsTo('views.open')).toHaveLength(opens);

    // Forms opened for staff (or kept open by someone who has since lost staff), submitted by the requester.
    for (const [what, view, values] of forms) {
      const sent = h.api.calls.length;
      const snapshot = snapshotStore(h.desk.app);
      const response = await submit(r, view, values);
      expect(response.status, what).toBe(200);
      const answer = h.api.calls.slice(sent).find((c) => c.method === 'chat.postEphemeral' || c.method === 'chat.postMessage');
      expect(answer, `${what}: no answer`).toBeDefined();
      expect(String(answer!.args.text), what).toMatch(REFUSAL);
      expect(addedAuditActions(snapshot, snapshotStore(h.desk.app)), what).toContain('access.denied');
    }
    expectNoStaffText(from, r.name, echoes);
    expectOnlyRequesterTraces(before, snapshotStore(h.desk.app), r.name);
  }, 60_000);

  it('Home shows their own requests only; the New ticket button does nothing for them', async () => {
    const from = h.api.calls.length;
    await event({ type: 'app_home_opened', user: r.id, user_team: r.team, channel: 'DHOME', tab: 'home', event_ts: '1700000005.000000' });
    const publish = h.api.callsTo('views.publish').at(-1)!;
    expect(publish.args.user_id).toBe(r.id);
    const shown = JSON.stringify(publish.args.view);
    expect(shown).toContain('Your requests (1)');
    expect(shown).toContain(`#${own.get(r.id)} Printer on fire for ${r.name}`);
    for (const staff of ['Known issues', 'queue by SLA', 'on call', 'On call', 'New ticket', 'Someone else asks']) expect(shown).not.toContain(staff);
    await interactive({ type: 'block_actions', user: user(r), api_app_id: 'A1', token: 'legacy', trigger_id: 'home-new', team: { id: 'T1', domain: 'acme' }, container: { type: 'view', view_id: 'VHOME' }, actions: [{ type: 'button', action_id: 'deskops_home_new_ticket', block_id: 'b', action_ts: '1', text: { type: 'plain_text', text: 'New ticket' } }] });
    expect(h.api.calls.slice(from).filter((c) => c.method === 'views.open')).toEqual([]);
    expectNoStaffText(from, r.name);
  });

  it("reactions: :ticket: and :eyes: do nothing, :white_check_mark: on someone else's ticket does nothing, on their own it is solved", async () => {
    const before = snapshotStore(h.desk.app);
    const from = h.api.calls.length;
    const ticketsBefore = selectRows(h.desk.app.store, tickets).length;
    await reaction(r, 'ticket', LOOSE_TS);
    await reaction(r, 'eyes', r.ts);
    await reaction(r, 'eyes', OTHER_TS);
    await reaction(r, 'white_check_mark', OTHER_TS);
    expect(selectRows(h.desk.app.store, tickets)).toHaveLength(ticketsBefore);
    expect(ticketStatus(own.get(r.id)!)).toBe('open');
    expect(h.api.calls.slice(from).filter((c) => c.method.startsWith('chat.'))).toEqual([]);
    expectOnlyRequesterTraces(before, snapshotStore(h.desk.app), r.name, /^slack:reaction:C0INTAKE:/);

    const id = own.get(r.id)!;
    await reaction(r, 'white_check_mark', r.ts);
    expect(ticketStatus(id)).toBe('resolved');
    const entry = selectRows(h.desk.app.store, comments, eq(comments.ticketId, id)).at(-1)!;
    expect(entry).toMatchObject({ visibility: 'internal', body: 'The requester marked it solved.' });
    const thanks = h.api.calls.slice(from).find((c) => c.method === 'chat.postMessage');
    expect(thanks?.args).toMatchObject({ channel: 'C0INTAKE', thread_ts: r.ts });
    expect(String(thanks!.args.text)).toContain(`#${id} is marked solved`);
    // Once: the same reaction again changes nothing.
    const resolvedEvents = selectRows(h.desk.app.store, comments, eq(comments.ticketId, id)).length;
    await reaction(r, 'white_check_mark', r.ts);
    expect(selectRows(h.desk.app.store, comments, eq(comments.ticketId, id))).toHaveLength(resolvedEvents);
    expectNoStaffText(from, r.name);
  });
});

describe('what decides the workspace', () => {
  it('never asks users.info about a user whose payloads name another organisation', () => {
    expect(h.api.callsTo('users.info').filter((c) => c.args.user === 'U0HINTED')).toEqual([]);
    expect(h.api.callsTo('users.info').filter((c) => c.args.user === 'U0CONNECT').length).toBeGreaterThan(0);
  });
});

describe('a staff member who becomes a guest', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('is a requester at their next command once users.info says so (its answer is kept a minute)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    DIRECTORY.U0AMY = { team_id: 'T1' };
    const amy = { id: 'U0AMY', name: 'amy' };
    expect(String((await slash(amy, '/sla', 'queue'))!.args.text)).not.toMatch(REFUSAL);
    DIRECTORY.U0AMY = { team_id: 'T1', is_restricted: true };
    // Within the minute the last answer stands.
    expect(String((await slash(amy, '/sla', 'queue'))!.args.text)).not.toMatch(REFUSAL);
    vi.setSystemTime(Date.now() + 61_000);
    expect(String((await slash(amy, '/sla', 'queue'))!.args.text)).toMatch(REFUSAL);
    expect(String((await slash(amy, '/ticket', 'show 1'))!.args.text)).toMatch(/You have no request #1/);
    DIRECTORY.U0AMY = { team_id: 'T1' };
    vi.setSystemTime(Date.now() + 61_000);
    expect(String((await slash(amy, '/sla', 'queue'))!.args.text)).not.toMatch(REFUSAL);
  });
});

describe('charts of staff replies', () => {
  it('upload where only staff read; in an intake or shared channel they go to the asker alone, never into the channel', async () => {
    const base = h.api.url.replace(/\/api\/$/, '');
    h.api.on('files.getUploadURLExternal', () => ({ ok: true, upload_url: `${base}/upload/F1`, file_id: 'F1' }));
    h.api.on('files.completeUploadExternal', () => ({ ok: true, files: [{ id: 'F1', title: 'chart' }] }));
    h.api.on('conversations.open', (call) => ({ ok: true, channel: { id: `D${String(call.args.users)}` } }));
    const agent = { id: 'U0AGENT', name: 'agent' };
    const uploadsTo = async (channel: string): Promise<unknown[]> => {
      const from = h.api.calls.length;
      const answer = await slash(agent, '/report', 'known-issues', channel);
      expect(String(answer!.args.text)).toMatch(/unresolved known issue/);
      return h.api.calls.slice(from).filter((c) => c.method === 'files.completeUploadExternal').map((c) => c.args.channel_id);
    };
    expect(await uploadsTo('C0HELP')).toEqual(['C0HELP']);
    for (const channel of ['C0INTAKE', 'C0SHARED']) {
      const places = await uploadsTo(channel);
      expect(places, channel).not.toContain(channel);
      expect(places, channel).toEqual(['DU0AGENT']);
    }
  });
});
