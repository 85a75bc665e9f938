/**
 * The interactive surfaces through a real Bolt App in HTTP mode: signed shortcut, view_submission,
 * block_actions and Events API requests in; what Slack's Web API stand-in received and what the
 * store holds out. The app here is a minimal one of our own, so these tests do not depend on the
 * production app wiring.
 */
import { createSlackSink } from '../../src/adapters/slack/sink.js';
import { catchUpConversations } from '../../src/adapters/slack/interactions/conversations.js';
import { drainOutbox } from '../../src/delivery/worker.js';
import { refreshDirectory } from '../../src/adapters/slack/app.js';
import { slackDepsWith } from '../../src/adapters/slack/start.js';
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import { and, eq } from 'drizzle-orm';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SlackDeps } from '../../src/adapters/slack/deps.js';
import { registerInteractions, openEscalateModal, openHandoffModal } from '../../src/adapters/slack/interactions/index.js';
import { INTAKE_SETTING } from '../../src/app/intake.js';
import { listSection } from '../../src/adapters/slack/interactions/home-view.js';
import { auditEvents, comments, identities, people, tags, teamSettings, tickets, ticketThreads } from '../../src/store/schema.js';
import { createTestDesk, type TestDesk } from '../doubles/deskops.js';
import { startSlackApi, type SlackApiStandIn } from '../doubles/slack-api.js';
import { insertRows, selectFields, selectRow, selectRows, updateRows } from '../doubles/db.js';

const SECRET = 'interactions-signing-secret';
const PERMALINK = 'https://acme.slack.com/archives/CINTAKE/p1700000000000100';
const MESSAGE = { type: 'message', user: 'UAUTHOR', ts: '1700000000.000100', text: 'Login fails after SSO change\nSince this morning every login loops back to the "sign in" page.' };

interface Harness {
  api: SlackApiStandIn;
  desk: TestDesk;
  deps: SlackDeps;
  url: string;
  server: Server;
}

let h: Harness;

beforeEach(async () => {
  const api = await startSlackApi();
  api.on('chat.getPermalink', () => ({ ok: true, channel: 'CINTAKE', permalink: PERMALINK }));
  api.on('views.open', (call) => ({ ok: true, view: { id: 'VOPENED', ...(call.args.view as object) } }));
  api.on('conversations.history', () => ({ ok: true, messages: [MESSAGE], has_more: false }));
  const desk = createTestDesk();
  const logger = pino({ level: 'silent' });
  const client = new WebClient('xoxb-test', { slackApiUrl: api.url, retryConfig: { retries: 0 } });
  const deps: SlackDeps = slackDepsWith(desk.engine, { botToken: 'xoxb-test', signingSecret: SECRET, appToken: undefined, mode: 'http', prefixCommand: '/desk', botId: 'B1', botUserId: 'U1' }, client, logger, desk.app.settings);
  // processBeforeResponse: each request answers once its listener has finished, so assertions need no polling.
  const receiver = new HTTPReceiver({ signingSecret: SECRET, processBeforeResponse: true, logLevel: LogLevel.ERROR });
  const app = new App({ token: 'xoxb-test', botId: 'B1', botUserId: 'U1', receiver, clientOptions: { slackApiUrl: api.url, retryConfig: { retries: 0 } } });
  app.use(refreshDirectory(deps));
  registerInteractions(app, deps);
  const server = createServer(receiver.requestListener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  h = { api, desk, deps, url: `http://127.0.0.1:${port}/slack/events`, server };
});

afterEach(async () => {
  await new Promise((resolve) => h.server.close(resolve));
  await h.api.close();
  h.desk.dispose();
});

/** POSTs a signed request the way Slack does; `retry` adds Slack's retry headers. */
async function post(body: string, contentType: string, retry?: number): Promise<{ status: number; text: string }> {
  const timestamp = Math.floor(Date.now() / 1000).toString();
  const signature = `v0=${createHmac('sha256', SECRET).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  const response = await fetch(h.url, {
    method: 'POST',
    headers: {
      'content-type': contentType,
      'x-slack-signature': signature,
      'x-slack-request-timestamp': timestamp,
      ...(retry ? { 'x-slack-retry-num': String(retry), 'x-slack-retry-reason': 'http_timeout' } : {}),
    },
    body,
  });
  return { status: response.status, text: await response.text() };
}

/** An interactivity payload: form-encoded `payload=<json>`. */
function interactive(payload: Record<string, unknown>) {
  return post(new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), 'application/x-www-form-urlencoded');
}

/** An Events API callback: JSON. */
function event(inner: Record<string, unknown>, eventId: string, retry?: number) {
  const body = { token: 'legacy', team_id: 'T1', api_app_id: 'A1', type: 'event_callback', event_id: eventId, event_time: 1_700_000_000, event: inner };
  return post(JSON.stringify(body), 'application/json', retry);
}

const team = { id: 'T1', domain: 'acme' };

function messageShortcut(callbackId: string, message: typeof MESSAGE = MESSAGE, user = { id: 'UAGENT', name: 'agent' }) {
  return interactive({
    type: 'message_action',
    callback_id: callbackId,
    trigger_id: `trigger-${callbackId}`,
    message_ts: message.ts,
    response_url: `${h.api.url}response/shortcut`,
    message,
    user: { ...user, team_id: 'T1' },
    channel: { id: 'CINTAKE', name: 'intake' },
    team,
    token: 'legacy',
    action_ts: '1700000001.000000',
  });
}

type Values = Record<string, Record<string, Record<string, unknown>>>;

/** A view_submission for a view this module opened (its callback id and private_metadata), with `values` typed in. */
function submit(view: Record<string, unknown>, values: Values, viewId = 'VSUBMIT', user = { id: 'UAGENT', name: 'agent' }) {
  return interactive({
    type: 'view_submission',
    team,
    user: { ...user, team_id: 'T1' },
    api_app_id: 'A1',
    token: 'legacy',
    trigger_id: `trigger-${viewId}`,
    view: { ...view, id: viewId, team_id: 'T1', app_id: 'A1', bot_id: 'B1', hash: 'h1', state: { values }, root_view_id: viewId, previous_view_id: null },
  });
}

const text = (value: string | null) => ({ value: { type: 'plain_text_input', value } });
const select = (value: string | null) => ({ value: { type: 'static_select', selected_option: value ? { text: { type: 'plain_text', text: value }, value } : null } });

/** The last view sent with `method`. */
function lastView(method: string): Record<string, unknown> & { blocks: Record<string, unknown>[]; private_metadata: string; callback_id: string } {
  const call = h.api.callsTo(method).at(-1);
  if (!call) throw new Error(`no ${method} call`);
  return call.args.view as never;
}

function initialValue(view: { blocks: Record<string, unknown>[] }, blockId: string): unknown {
  const block = view.blocks.find((b) => b.block_id === blockId) as { element: { initial_value?: string } } | undefined;
  return block?.element.initial_value;
}

function setSetting(key: string, value: unknown): void {
  insertRows(h.desk.app.store, teamSettings, [{ key, value, updatedAt: new Date() }]);
}

function allTickets() {
  return selectRows(h.desk.app.store, tickets);
}

function personOf(slackId: string): number | undefined {
  return selectFields(h.desk.app.store, identities, { id: identities.personId }, and(eq(identities.platform, 'slack'), eq(identities.externalId, slackId)))[0]?.id;
}

describe('Create ticket from message', () => {
  it('opens the New ticket modal prefilled from the message, with its permalink', async () => {
    const response = await messageShortcut('create_ticket_from_message');
    expect(response.status).toBe(200);
    expect(h.api.callsTo('chat.getPermalink')[0]?.args).toMatchObject({ channel: 'CINTAKE', message_ts: MESSAGE.ts });
    const open = h.api.callsTo('views.open')[0]!;
    expect(open.args.trigger_id).toBe('trigger-create_ticket_from_message');
    const view = lastView('views.open');
    expect(view.callback_id).toBe('deskops_new_ticket');
    expect(initialValue(view, 'title')).toBe('Login fails after SSO change');
    expect(initialValue(view, 'description')).toBe(MESSAGE.text);
    expect(initialValue(view, 'requester')).toBe('@UAUTHOR');
    expect(view.private_metadata).toContain(PERMALINK);
    // The taxonomy (seeded by the migrations) is offered as tags, grouped by family.
    const tagBlock = view.blocks.find((b) => b.block_id === 'tags') as { element: { option_groups: unknown[] } };
    expect(tagBlock.element.option_groups.length).toBeGreaterThan(0);
  });

  it('shows an empty title and a malformed requester as errors on those fields, and creates nothing', async () => {
    await messageShortcut('create_ticket_from_message');
    const view = lastView('views.open');
    const response = await submit(view, { title: text('   '), requester: text('not a person'), priority: select('medium'), department: select('paid') });
    expect(response.status).toBe(200);
    const body = JSON.parse(response.text) as { response_action: string; errors: Record<string, string> };
    expect(body.response_action).toBe('errors');
    expect(body.errors.title).toMatch(/title/);
    expect(body.errors.requester).toMatch(/email address/);
    expect(allTickets()).toHaveLength(0);
  });

  it('creates the ticket with its source link and requester, linked to the message thread, once', async () => {
    await messageShortcut('create_ticket_from_message');
    const view = lastView('views.open');
    const values = {
      title: text('Login fails after SSO change'),
      description: text(MESSAGE.text),
      priority: select('high'),
      department: select('paid'),
      requester: text('@UAUTHOR'),
    };
    const first = await submit(view, values);
    expect(first.status).toBe(200);
    expect(first.text).toBe('');
    // Slack retrying the same submission (same view id) must not open a second ticket.
    await submit(view, values);
    const [ticket, ...others] = allTickets();
    expect(others).toHaveLength(0);
    expect(ticket).toMatchObject({ title: 'Login fails after SSO change', priority: 'high', requester: '@UAUTHOR', sourceLink: PERMALINK, chatPlatform: 'slack' });
    const thread = selectRow(h.desk.app.store, ticketThreads, eq(ticketThreads.ticketId, ticket!.id));
    expect(thread).toMatchObject({ platform: 'slack', channel: 'CINTAKE', thread: MESSAGE.ts });
    // The confirmation goes into the message's thread.
    const posted = h.api.callsTo('chat.postMessage');
    expect(posted).toHaveLength(1);
    expect(posted[0]!.args).toMatchObject({ channel: 'CINTAKE', thread_ts: MESSAGE.ts });
    expect(String(posted[0]!.args.text)).toContain(`#${ticket!.id}`);
    // The submitter became a deskops person on first use, and is the ticket's creator.
    expect(ticket!.createdBy).toBe(personOf('UAGENT'));
  });
});

describe('Create ticket from message with a NUL character', () => {
  it('stores the title and description with U+FFFD on every engine, and confirms the same title in the thread', async () => {
    const message = { ...MESSAGE, text: 'Login\u0000fails\nEvery login\u0000loops.' };
    h.api.on('conversations.history', () => ({ ok: true, messages: [message], has_more: false }));
    await messageShortcut('create_ticket_from_message', message);
    const view = lastView('views.open');
    await submit(view, { title: text('Login\u0000fails'), description: text(message.text), priority: select('high'), department: select('paid'), requester: text('@UAUTHOR') });
    const [ticket, ...others] = allTickets();
    expect(others).toHaveLength(0);
    expect(ticket).toMatchObject({ title: 'Login\uFFFDfails', description: 'Login\uFFFDfails\nEvery login\uFFFDloops.' });
    const posted = h.api.callsTo('chat.postMessage');
    expect(posted).toHaveLength(1);
    expect(JSON.stringify(posted[0]!.args)).toContain('Login\uFFFDfails');
    expect(h.desk.say(`/ticket show ${ticket!.id}`)).toContain('Every login\uFFFDloops.');
  });
});

describe('A message longer than a modal input', () => {
  const long = { ...MESSAGE, text: `Export times out\n${'The nightly export of every workspace stops halfway. '.repeat(100)}` };

  it('keeps the whole message as the description when the cut prefill is left as it was', async () => {
    h.api.on('conversations.history', () => ({ ok: true, messages: [long] }));
    await messageShortcut('create_ticket_from_message', long);
    const view = lastView('views.open');
    const prefill = initialValue(view, 'description') as string;
    expect(prefill.length).toBeLessThanOrEqual(3000);
    await submit(view, { title: text('Export times out'), description: text(prefill), priority: select('medium'), department: select('paid') });
    expect(allTickets()[0]!.description).toBe(long.text.trim());
  });

  it('reads the message back for Add to ticket when it does not fit the modal metadata', async () => {
    h.api.on('conversations.history', () => ({ ok: true, messages: [long] }));
    h.desk.run('/ticket new "Export"');
    await messageShortcut('add_to_ticket', long);
    const view = lastView('views.open');
    expect(view.private_metadata).not.toContain('nightly export');
    const pub = { value: { type: 'radio_buttons', selected_option: { text: { type: 'plain_text', text: 'Public' }, value: 'public' } } };
    await submit(view, { ticket: text('1'), visibility: pub });
    const [reply] = selectRows(h.desk.app.store, comments, eq(comments.ticketId, 1));
    expect(reply).toMatchObject({ visibility: 'public' });
    expect(reply!.body.startsWith(long.text)).toBe(true);
  });
});

describe('New ticket modal without a source message', () => {
  it('takes the /ticket new command path with the picked tags and answers the person', async () => {
    await interactive({
      type: 'block_actions',
      user: { id: 'UAGENT', username: 'agent', name: 'agent', team_id: 'T1' },
      api_app_id: 'A1',
      token: 'legacy',
      trigger_id: 'trigger-home',
      team,
      container: { type: 'view', view_id: 'VHOME' },
      actions: [{ type: 'button', action_id: 'deskops_home_new_ticket', block_id: 'b1', action_ts: '1700000002.000000', text: { type: 'plain_text', text: 'New ticket' } }],
    });
    const view = lastView('views.open');
    const tag = selectRow(h.desk.app.store, tags, eq(tags.family, 'area'))!;
    const response = await submit(view, {
      title: text('Invoice shows "VAT" twice: area:Billing in the title stays text'),
      description: text('Customer says: "it\'s wrong"'),
      priority: select('low'),
      department: select('community'),
      requester: text('Jane@Example.com'),
      tags: { value: { type: 'multi_static_select', selected_options: [{ text: { type: 'plain_text', text: tag.name }, value: String(tag.id) }] } },
    });
    expect(response.text).toBe('');
    const [ticket] = allTickets();
    expect(ticket).toMatchObject({ title: 'Invoice shows "VAT" twice: area:Billing in the title stays text', priority: 'low', department: 'community', requester: 'jane@example.com', description: 'Customer says: "it\'s wrong"' });
    expect(h.desk.say(`/ticket show ${ticket!.id}`)).toContain(tag.name);
    // No channel: the confirmation is a direct message.
    expect(h.api.callsTo('chat.postMessage').at(-1)?.args.channel).toBe('UAGENT');
  });
});

describe('Add to ticket', () => {
  it('checks the ticket number on the field, then appends the message with its permalink as a note', async () => {
    h.desk.run('/ticket new "Login loop"');
    await messageShortcut('add_to_ticket');
    const view = lastView('views.open');
    expect(view.callback_id).toBe('deskops_add_to_ticket');
    const internal = { value: { type: 'radio_buttons', selected_option: { text: { type: 'plain_text', text: 'Internal' }, value: 'internal' } } };
    const wrong = await submit(view, { ticket: text('forty-two'), visibility: internal });
    expect(JSON.parse(wrong.text)).toMatchObject({ response_action: 'errors', errors: { ticket: expect.stringMatching(/ticket number/) } });
    const missing = await submit(view, { ticket: text('#99'), visibility: internal });
    expect(JSON.parse(missing.text)).toMatchObject({ errors: { ticket: 'There is no ticket #99.' } });
    await submit(view, { ticket: text('#1'), visibility: internal }, 'VADD');
    const notes = selectRows(h.desk.app.store, comments, eq(comments.ticketId, 1));
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ visibility: 'internal' });
    expect(notes[0]!.body).toContain('every login loops back to the "sign in" page');
    expect(notes[0]!.body).toContain(PERMALINK);
    expect(notes[0]!.body).toContain('@UAUTHOR');
    // The confirmation is for the agent only.
    expect(h.api.callsTo('chat.postEphemeral').at(-1)?.args).toMatchObject({ channel: 'CINTAKE', user: 'UAGENT' });
  });
});

describe('Reactions', () => {
  const reaction = (name: string, user: string, channel = 'CINTAKE') => ({
    type: 'reaction_added',
    user,
    reaction: name,
    item_user: 'UAUTHOR',
    item: { type: 'message', channel, ts: MESSAGE.ts },
    event_ts: '1700000003.000000',
  });

  it(':ticket: opens a ticket from a message in an intake channel only, once however often Slack retries', async () => {
    await event(reaction('ticket', 'UREACTOR', 'COTHER'), 'Ev0');
    expect(allTickets()).toHaveLength(0);
    setSetting(INTAKE_SETTING, ['slack:CINTAKE']);
    // The retry arrives while the first attempt is still running.
    await Promise.all([event(reaction('ticket', 'UREACTOR'), 'Ev1'), event(reaction('ticket', 'UREACTOR'), 'Ev1', 1)]);
    await event(reaction('ticket', 'UREACTOR'), 'Ev1', 2);
    const all = allTickets();
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ title: 'Login fails after SSO change', requester: '@UAUTHOR', sourceLink: PERMALINK });
    expect(h.api.callsTo('chat.postMessage')).toHaveLength(1);
    expect(h.api.callsTo('conversations.history')[0]?.args).toMatchObject({ channel: 'CINTAKE', latest: MESSAGE.ts, inclusive: 'true', limit: '1' }); // form-encoded by the WebClient
    // Another person's :ticket: on the same message finds the ticket it already has.
    await event(reaction('ticket', 'USECOND'), 'Ev2');
    expect(allTickets()).toHaveLength(1);
  });

  it(':eyes: assigns the message ticket to the reactor and :white_check_mark: resolves it, each once', async () => {
    setSetting(INTAKE_SETTING, ['slack:CINTAKE']);
    await event(reaction('ticket', 'UREACTOR'), 'Ev1');
    const id = allTickets()[0]!.id;
    await Promise.all([event(reaction('eyes', 'UREACTOR'), 'Ev3'), event(reaction('eyes', 'UREACTOR'), 'Ev3', 1)]);
    const ticket = selectRow(h.desk.app.store, tickets, eq(tickets.id, id))!;
    expect(ticket.assigneeId).toBe(personOf('UREACTOR'));
    const assigned = selectRows(h.desk.app.store, auditEvents, and(eq(auditEvents.action, 'ticket.assigned'), eq(auditEvents.entityId, String(id))));
    expect(assigned).toHaveLength(1);
    expect(h.api.callsTo('chat.postEphemeral')).toHaveLength(1);
    await event(reaction('white_check_mark', 'UREACTOR'), 'Ev4');
    expect(selectRow(h.desk.app.store, tickets, eq(tickets.id, id))!.status).toBe('resolved');
  });

  it('ignores :eyes: on a message without a ticket', async () => {
    await event(reaction('eyes', 'UREACTOR'), 'Ev5');
    expect(h.api.calls.filter((c) => c.method.startsWith('chat.'))).toHaveLength(0);
    expect(selectRows(h.desk.app.store, people).some((p) => p.displayName === 'UREACTOR')).toBe(false);
  });
});

describe('Escalation and hand-off modals', () => {
  it('adds question inputs up to five, shows a missing question on the field, and escalates with every question', async () => {
    h.desk.run('/ticket new "Import crashes"');
    await openEscalateModal(h.deps.client, 'trigger-esc', h.deps, 1, { channel: 'CT1' });
    let view = lastView('views.open');
    expect(view.blocks.filter((b) => /^q\d$/.test(String(b.block_id)))).toHaveLength(1);
    const press = (current: Record<string, unknown>) =>
      interactive({
        type: 'block_actions',
        user: { id: 'UAGENT', username: 'agent', name: 'agent', team_id: 'T1' },
        api_app_id: 'A1',
        token: 'legacy',
        trigger_id: 'trigger-add',
        team,
        container: { type: 'view', view_id: 'VESC' },
        view: { ...current, id: 'VESC', hash: 'h1', state: { values: { q1: text('Which log shows the crash?') } } },
        actions: [{ type: 'button', action_id: 'deskops_escalate_add_question', block_id: 'add', action_ts: '1700000004.000000', text: { type: 'plain_text', text: 'Add question' } }],
      });
    await press(view);
    const update = h.api.callsTo('views.update').at(-1)!;
    expect(update.args).toMatchObject({ view_id: 'VESC', hash: 'h1' });
    view = lastView('views.update');
    expect(view.blocks.filter((b) => /^q\d$/.test(String(b.block_id)))).toHaveLength(2);
    // What was typed survives the update.
    expect(initialValue(view, 'q1')).toBe('Which log shows the crash?');
    for (let i = 0; i < 5; i++) {
      await press(view);
      view = lastView('views.update');
    }
    expect(view.blocks.filter((b) => /^q\d$/.test(String(b.block_id)))).toHaveLength(5);
    expect(view.blocks.some((b) => b.type === 'actions')).toBe(false);

    const empty = await submit(view, { tier: select('t1'), q1: text('  '), q2: text(null) });
    expect(JSON.parse(empty.text)).toMatchObject({ response_action: 'errors', errors: { q1: expect.stringMatching(/at least one question/) } });
    const down = await submit(view, { tier: select('triage'), q1: text('Why?') });
    expect(JSON.parse(down.text)).toMatchObject({ errors: { tier: expect.stringMatching(/not above/) } });
    const major = { value: { type: 'checkboxes', selected_options: [{ text: { type: 'plain_text', text: 'Major' }, value: 'major' }] } };
    const notOncall = await submit(view, { tier: select('t2'), q1: text('Why?'), major });
    expect(JSON.parse(notOncall.text)).toMatchObject({ errors: { major: expect.stringMatching(/On-Call/) } });

    await submit(view, { tier: select('t2'), q1: text('Which log shows the crash?'), q2: text('Is a | in a question safe?') }, 'VESC');
    const ticket = selectRow(h.desk.app.store, tickets, eq(tickets.id, 1))!;
    expect(ticket.tier).toBe('t2');
    const note = selectRows(h.desk.app.store, comments, eq(comments.ticketId, 1)).at(-1)!;
    expect(note.body).toContain('*ESCALATED QUESTION 2*');
    expect(note.body).toContain('Is a ¦ in a question safe?');
    expect(h.api.callsTo('chat.postMessage').at(-1)?.args.channel).toBe('CT1');
  });

  it('requires a team and a reason for a hand-off, then hands the ticket over', async () => {
    h.desk.run('/ticket new "Wants the enterprise plan"');
    await openHandoffModal(h.deps.client, 'trigger-handoff', h.deps, 1);
    const view = lastView('views.open');
    const missing = await submit(view, { team: select(null), reason: text('') });
    expect(JSON.parse(missing.text)).toMatchObject({ response_action: 'errors', errors: { team: expect.any(String), reason: expect.any(String) } });
    await submit(view, { team: select('engagement'), reason: text('Asks about upgrading') });
    expect(selectRow(h.desk.app.store, tickets, eq(tickets.id, 1))!.team).toBe('engagement');
  });
});

describe('App Home', () => {
  it('publishes my tickets, my queue by SLA, on-call and known issues', async () => {
    h.desk.run('/ticket new "Login loop" priority:high');
    await event({ type: 'app_home_opened', user: 'UAGENT', channel: 'DHOME', tab: 'home', event_ts: '1700000005.000000' }, 'EvH0');
    const slackPerson = personOf('UAGENT')!;
    updateRows(h.desk.app.store, tickets, { assigneeId: slackPerson }, eq(tickets.id, 1));
    await event({ type: 'app_home_opened', user: 'UAGENT', channel: 'DHOME', tab: 'home', event_ts: '1700000006.000000' }, 'EvH1');
    const publish = h.api.callsTo('views.publish').at(-1)!;
    expect(publish.args.user_id).toBe('UAGENT');
    const view = publish.args.view as { type: string; blocks: { text?: { text: string } }[] };
    expect(view.type).toBe('home');
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    const shown = view.blocks.map((b) => b.text?.text ?? '').join('\n');
    expect(shown).toContain('Your open tickets (1)');
    expect(shown).toContain('#1');
    expect(shown).toContain('Triage queue by SLA time left');
    expect(shown).toMatch(/on-call rotation|on call/i);
    expect(shown).toContain('Known issues under investigation');
    // The Messages tab has no view to publish.
    await event({ type: 'app_home_opened', user: 'UAGENT', channel: 'DHOME', tab: 'messages', event_ts: '1700000007.000000' }, 'EvH2');
    expect(h.api.callsTo('views.publish')).toHaveLength(2);
  });

  it('keeps each section within 3000 characters with "… N more"', () => {
    const lines = Array.from({ length: 60 }, (_, i) => `*#${i + 1}* ${'x'.repeat(100)}`);
    const block = listSection('Your open tickets (60)', lines, 60, '/ticket list mine', 'none');
    const value = block.text!.text;
    expect(value.length).toBeLessThanOrEqual(3000);
    expect(value).toMatch(/… \d+ more: \/ticket list mine/);
    const shownCount = value.split('\n').filter((l) => l.startsWith('*#')).length;
    expect(value).toContain(`… ${60 - shownCount} more`);
  });
});


describe("The requester's conversation", () => {
  /** UCUST belongs to another organisation (a requester); everyone else is a member of the workspace T1. */
  beforeEach(() => {
    h.api.on('users.info', (call) => ({ ok: true, user: { id: String(call.args.user), name: String(call.args.user).toLowerCase(), team_id: call.args.user === 'UCUST' ? 'T0OTHER' : 'T1' } }));
    h.api.on('conversations.info', (call) => ({ ok: true, channel: { id: String(call.args.channel), is_im: String(call.args.channel).startsWith('D') } }));
  });

  const said = (channel: string, user: string, text: string, ts: string, extra: Record<string, unknown> = {}) => ({
    type: 'message',
    channel,
    channel_type: channel.startsWith('D') ? 'im' : 'channel',
    user,
    text,
    ts,
    ...extra,
  });
  const timeline = (id: number) => selectRows(h.desk.app.store, comments, eq(comments.ticketId, id));
  const ticket = (id: number) => selectRow(h.desk.app.store, tickets, eq(tickets.id, id))!;
  /** Delivers the outbox through the real Slack sink, as the scheduler would; returns the posts it made. */
  async function deliver(): Promise<Array<Record<string, unknown>>> {
    const before = h.api.callsTo('chat.postMessage').length;
    const sink = createSlackSink(h.deps, { minIntervalMs: 0 });
    await drainOutbox(h.desk.engine, h.desk.clock.now(), sink);
    return h.api.callsTo('chat.postMessage').slice(before).map((call) => call.args);
  }

  it("opens a ticket from a requester's DM, answers in its thread, and takes back what they write there, once", async () => {
    const ROOT = '1700000100.000100';
    await event(said('D0CUST', 'UCUST', 'My invoice shows the wrong VAT', ROOT), 'EvDm1');
    // Slack retries the event: still one ticket.
    await event(said('D0CUST', 'UCUST', 'My invoice shows the wrong VAT', ROOT), 'EvDm1', 1);
    expect(allTickets()).toHaveLength(1);
    const id = allTickets()[0]!.id;
    expect(ticket(id)).toMatchObject({ title: 'My invoice shows the wrong VAT', requester: '@ucust', requesterPersonId: personOf('UCUST') });
    const told = await deliver();
    expect(told).toEqual([expect.objectContaining({ channel: 'D0CUST', thread_ts: ROOT })]);
    expect(JSON.stringify(told[0])).toContain(`we got your request (#${id})`);

    // An agent's public reply goes into the thread, signed; their internal note goes nowhere near it.
    h.desk.run(`/ticket note ${id} Customer is on the old price list.`);
    expect(JSON.stringify(h.desk.run(`/ticket reply ${id} status:pending The VAT rate was fixed; here is the corrected invoice.`))).toContain('Sent to the requester in their thread (slack:D0CUST)');
    const replies = await deliver();
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatchObject({ channel: 'D0CUST', thread_ts: ROOT });
    expect(JSON.stringify(replies[0])).toContain('The VAT rate was fixed');
    expect(JSON.stringify(replies[0])).not.toContain('old price list');
    expect(ticket(id).status).toBe('pending');

    // The requester answers in the thread: their reply, and the ticket is Open again.
    await event(said('D0CUST', 'UCUST', 'Thanks, but the total is still off.', '1700000200.000100', { thread_ts: ROOT }), 'EvDm2');
    expect(ticket(id).status).toBe('open');
    expect(timeline(id).at(-1)).toMatchObject({ visibility: 'public', body: 'Thanks, but the total is still off.', authorLabel: '@ucust (requester)' });
    // An agent writing in the thread is a public reply, recorded and not posted again.
    await event(said('D0CUST', 'UAGENT', 'Looking at the total now.', '1700000300.000100', { thread_ts: ROOT }), 'EvDm3');
    expect(timeline(id).at(-1)).toMatchObject({ visibility: 'public', body: 'Looking at the total now.' });
    expect(await deliver()).toHaveLength(0);

    // Edits and deletions of the requester's answer are noted for the agents.
    const edited = { type: 'message', subtype: 'message_changed', channel: 'D0CUST', channel_type: 'im', ts: '1700000400.000100', message: { user: 'UCUST', text: 'The total is off by 19%.', ts: '1700000200.000100', thread_ts: ROOT }, previous_message: { user: 'UCUST', text: 'Thanks, but the total is still off.', ts: '1700000200.000100' } };
    await event(edited, 'EvDm4');
    expect(timeline(id).at(-1)).toMatchObject({ visibility: 'internal' });
    expect(timeline(id).at(-1)!.body).toContain('The total is off by 19%.');
    await event({ type: 'message', subtype: 'message_deleted', channel: 'D0CUST', channel_type: 'im', deleted_ts: '1700000200.000100', ts: '1700000500.000100', previous_message: { user: 'UCUST', text: 'The total is off by 19%.', ts: '1700000200.000100' } }, 'EvDm5');
    expect(timeline(id).at(-1)!.body).toMatch(/deleted their message/);
    // The bot's own posts are never taken for someone's message.
    await event(said('D0CUST', 'UBOT', 'The VAT rate was fixed', '1700000600.000100', { thread_ts: ROOT, bot_id: 'B1' }), 'EvDm6');
    expect(timeline(id).filter((c) => c.body === 'The VAT rate was fixed')).toHaveLength(0);
  });

  it('stores a NUL character in what a requester writes as U+FFFD on every engine, and both sides read the same', async () => {
    const ROOT = '1700000150.000100';
    await event(said('D0CUST', 'UCUST', 'Printer\u0000jam on floor 2', ROOT), 'EvNul1');
    const [opened] = allTickets();
    expect(opened).toMatchObject({ title: 'Printer\uFFFDjam on floor 2', description: 'Printer\uFFFDjam on floor 2' });
    await event(said('D0CUST', 'UCUST', 'Still\u0000jammed', '1700000160.000100', { thread_ts: ROOT }), 'EvNul2');
    expect(timeline(opened!.id).at(-1)).toMatchObject({ visibility: 'public', body: 'Still\uFFFDjammed' });
    // The agent reads what was stored; the requester is told in their thread, by the same title.
    const shown = h.desk.say(`/ticket show ${opened!.id}`);
    expect(shown).toContain('Printer\uFFFDjam on floor 2');
    expect(shown).toContain('Still\uFFFDjammed');
    const told = await deliver();
    expect(told).toEqual([expect.objectContaining({ channel: 'D0CUST', thread_ts: ROOT })]);
    expect(JSON.stringify(told[0])).toContain(`we got your request (#${opened!.id})`);
  });

  it('opens tickets from requesters in intake channels only, offers a second message while one is open, and leaves staff and other chat alone', async () => {
    setSetting(INTAKE_SETTING, ['slack:CINTAKE']);
    await event(said('COTHER', 'UCUST', 'Random chatter', '1700000700.000100'), 'EvIn1');
    await event(said('CINTAKE', 'UAGENT', 'Morning all', '1700000710.000100'), 'EvIn2');
    expect(allTickets()).toHaveLength(0);
    await event(said('CINTAKE', 'UCUST', 'Exports are empty since yesterday', '1700000720.000100'), 'EvIn3');
    expect(allTickets()).toHaveLength(1);
    await event(said('CINTAKE', 'UCUST', 'Also: can I get a refund?', '1700000730.000100'), 'EvIn4');
    expect(allTickets()).toHaveLength(1);
    const waiting = h.desk.say('/ticket inbox');
    expect(waiting).toContain('Also: can I get a refund?');
    expect(h.desk.say('/ticket inbox new 1')).toMatch(/#2 opened from @ucust's message/);
    expect(allTickets()).toHaveLength(2);
    // The new ticket answers in that message's thread.
    h.desk.run('/ticket reply 2 Refunds go through billing; I have asked them.');
    const posts = await deliver();
    expect(posts.find((post) => JSON.stringify(post).includes('Refunds go through billing'))).toMatchObject({ channel: 'CINTAKE', thread_ts: '1700000730.000100' });
  });

  it('reads back what a requester wrote in an open ticket thread while deskops was away, once', async () => {
    const ROOT = '1700000800.000100';
    await event(said('D0CUST', 'UCUST', 'The app crashes on start', ROOT), 'EvCu1');
    const id = allTickets()[0]!.id;
    h.api.on('conversations.replies', () => ({
      ok: true,
      messages: [
        { user: 'UCUST', text: 'The app crashes on start', ts: ROOT },
        { user: 'UCUST', text: 'It also crashes after a reinstall.', ts: '1700000900.000100', thread_ts: ROOT },
        { bot_id: 'B1', user: 'UBOT', text: 'Thanks, we got your request', ts: '1700000850.000100', thread_ts: ROOT },
      ],
    }));
    expect(await catchUpConversations(h.deps, h.deps.client, 'UBOT', 1700000950_000)).toBe(1);
    expect(await catchUpConversations(h.deps, h.deps.client, 'UBOT', 1700000950_000)).toBe(1);
    expect(timeline(id).filter((c) => c.body === 'It also crashes after a reinstall.')).toHaveLength(1);
  });
});
