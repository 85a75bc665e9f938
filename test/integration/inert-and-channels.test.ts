/**
 * Untrusted text made inert in every renderer (issue 10): bidi overrides and isolates ("Trojan
 * Source"), zero-width characters, Rocket.Chat links whose target is hidden ([text](url),
 * <url|text>) and quoted Slack user mentions (<@U…>) in any slot of any Reply, through the shell's
 * text, Slack's blocks and fallback, Rocket.Chat's message and attachments, Slack's Home sections
 * and modal titles; and end to end, a title carrying them through the Slack sink.
 *
 * And the places staff notifications may not go: /channel set refuses an intake channel, a Slack
 * Connect (shared) channel and a Rocket.Chat room with a requester in it; /channel intake add
 * refuses a channel staff notifications are mapped to.
 *
 * Before issue 10 every one of these passed through (the renderers only dropped C0/C1 controls),
 * and /channel set took any channel.
 */
import { WebClient } from '@slack/web-api';
import { eq } from 'drizzle-orm';
import fc from 'fast-check';
import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { renderMessage } from '../../src/adapters/rocketchat/render.js';
import { listSection } from '../../src/adapters/slack/interactions/home-view.js';
import { escapeMrkdwn, renderBlocks, renderModalTitle } from '../../src/adapters/slack/render.js';
import { createSlackSink } from '../../src/adapters/slack/sink.js';
import { slackDepsWith } from '../../src/adapters/slack/start.js';
import type { PlaceFacts } from '../../src/commands/invocation.js';
import { drainOutbox } from '../../src/delivery/worker.js';
import { stripInvisible } from '../../src/views/inert.js';
import { renderText } from '../../src/views/render-text.js';
import type { Reply, Tone } from '../../src/views/reply.js';
import { teamSettings } from '../../src/store/schema.js';
import { grantStaff } from '../doubles/context.js';
import { storedRows } from '../doubles/db.js';
import { createTestDesk, replyText, slackMember, type TestDesk } from '../doubles/deskops.js';
import { mapChannelsIn } from '../doubles/sink-fixtures.js';
import { checkProperty } from '../doubles/property.js';
import { startSlackApi } from '../doubles/slack-api.js';
import { startSlackDesk } from '../doubles/slack-desk.js';
import { postToSlackEndpoint, slashCommandBody } from '../doubles/slack-requests.js';

const SEED = 20261211;
/** The channels setting as stored (its JSON text), for checking what a refused /channel set left out. */
const storedChannels = (d: TestDesk) => JSON.stringify(storedRows(d.app.store, teamSettings, [teamSettings.value], eq(teamSettings.key, 'channels'))[0]);
/** Bidi embeddings, overrides, isolates and marks; zero-width space, non-joiner, word joiner, BOM… */
const INVISIBLE = ['\u202E', '\u202D', '\u202A', '\u202B', '\u202C', '\u2066', '\u2067', '\u2068', '\u2069', '\u200E', '\u200F', '\u061C', '\u200B', '\u200C', '\u2060', '\u2063', '\uFEFF', '\u180E'];
const INVISIBLE_RE = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C\u200B\u200C\u2060-\u2064\uFEFF\u180E]/;
/** A zero-width joiner that is not deskops' own (after an "@" it defuses) nor one joining emoji. */
const STRAY_JOINER = /(?<!@|\p{Extended_Pictographic})\u200D(?!\p{Extended_Pictographic})/u;
const PIECES = [
  ...INVISIBLE,
  '\u200D',
  '[click here](https://evil.example/steal)',
  '[docs](http://x.example/a?b=c)',
  '<https://evil.example/x|the help centre>',
  '<mailto:a@evil.example|mail us>',
  '<@U0BOSS>',
  '<@U0BOSS|boss>',
  '<@W0ORG1|grid>',
  'admin\u202Egnp.exe',
  '👩\u200D💻',
  'plain',
  ' ',
];
const text = fc.array(fc.constantFrom(...PIECES), { maxLength: 6 }).map((p) => p.join(''));
const reply: fc.Arbitrary<Reply> = fc.record(
  {
    tone: fc.constantFrom<Tone>('success', 'info', 'warning', 'error'),
    visibility: fc.constantFrom<Reply['visibility']>('channel', 'ephemeral'),
    audience: fc.constantFrom<Reply['audience']>('staff', 'requester'),
    title: text,
    text,
    fields: fc.array(fc.record({ label: text, value: text }), { maxLength: 3 }),
    sections: fc.array(fc.record({ heading: text, lines: fc.array(text, { maxLength: 3 }) }, { requiredKeys: ['lines'] }), { maxLength: 2 }),
    buttons: fc.array(fc.record({ label: text, command: text }), { maxLength: 2 }),
    footer: text,
  },
  { requiredKeys: ['tone', 'visibility', 'audience', 'title'] },
);

const MARKDOWN_LINK = /\[[^\]\n]*\]\([^)\s]+\)/;
const ANGLE_LINK = /<(?:https?|mailto):[^|>\s]+\|[^>]*>/i;
const SLACK_USER_MENTION = /<@[UW][A-Z0-9]+(?:\|[^>]*)?>/;

/** Every string a person sees of the rendered reply (button values are commands, not shown). */
function shownOnSlack(r: Reply): string {
  const slack = renderBlocks(r);
  return JSON.stringify([slack.text, slack.blocks]).replace(/"value":"(?:[^"\\]|\\.)*"/g, '');
}

function shownOnRocketChat(r: Reply): string {
  const rocket = renderMessage(r);
  return JSON.stringify([rocket.msg, ...rocket.attachments.map((a) => [a.title, a.text, a.fields, (a.actions ?? []).map((b) => b.text)])]);
}

/** JSON escapes non-ASCII as itself, so the characters can be searched for directly. */
function expectInert(shown: string, where: string): void {
  expect(shown, `${where}: an invisible character`).not.toMatch(INVISIBLE_RE);
  expect(shown, `${where}: a stray zero-width joiner`).not.toMatch(STRAY_JOINER);
}

describe('untrusted text in every renderer', () => {
  it('any Reply: no bidi control, zero-width character, live user mention or hidden link target survives', () => {
    checkProperty(
      fc.property(reply, (r) => {
        expectInert(renderText(r, 'plain'), 'shell');
        const slack = shownOnSlack(r);
        expectInert(slack, 'slack');
        expect(slack, 'slack: a live user mention').not.toMatch(SLACK_USER_MENTION);
        const rocket = shownOnRocketChat(r);
        expectInert(rocket, 'rocket.chat');
        expect(rocket, 'rocket.chat: a link hiding its target').not.toMatch(MARKDOWN_LINK);
        expect(rocket, 'rocket.chat: a link hiding its target').not.toMatch(ANGLE_LINK);
      }),
      { numRuns: 500, seed: SEED },
    );
  });

  it('shows a link with its target, a quoted mention as its name, and keeps emoji sequences', () => {
    const r: Reply = { tone: 'info', visibility: 'channel', audience: 'staff', title: 'See [the docs](https://evil.example/steal) now', text: 'ask <@U0BOSS|boss> 👩\u200D💻 or <https://evil.example/x|the help centre>' };
    expect(renderMessage(r).msg).toContain('the docs (https://evil.example/steal)');
    expect(shownOnRocketChat(r)).toContain('the help centre (https://evil.example/x)');
    expect(shownOnSlack(r)).toContain('ask @boss');
    expect(shownOnSlack(r)).toContain('👩\u200D💻');
    expect(stripInvisible('admin\u202Egnp.exe')).toBe('admingnp.exe');
  });

  it("Slack's Home sections and modal titles too", () => {
    checkProperty(
      fc.property(fc.array(text, { minLength: 1, maxLength: 5 }), text, (lines, title) => {
        const section = JSON.stringify(listSection(title, lines, lines.length, '/ticket list', 'none'));
        expectInert(section, 'home');
        expect(section).not.toMatch(SLACK_USER_MENTION);
        expectInert(escapeMrkdwn(title), 'mrkdwn');
        expectInert(JSON.stringify(renderModalTitle(`${title}x`)), 'modal title');
      }),
      { numRuns: 200, seed: SEED + 1 },
    );
  });

  it('end to end: a ticket title with an override and a quoted mention reaches Slack inert and pings nobody', async () => {
    const desk = createTestDesk();
    const api = await startSlackApi();
    try {
      api.on('chat.postMessage', (call) => ({ ok: true, channel: call.args.channel, ts: '1700000000.000001' }));
      api.on('conversations.info', (call) => ({ ok: true, channel: { id: call.args.channel, name: 'triage', is_private: false } }));
      mapChannelsIn(desk.app, { 'tier:triage': 'slack:C0TRIAGE' });
      const opened = desk.router.handle({ platform: 'slack', user: slackMember('U0AGENT', 'agent'), channel: 'C0HELP', thread: null, text: 'ticket new "Invoice \u202Efdp.exe for <@U0BOSS> \u200Bplease"' });
      expect(opened.tone, replyText(opened)).toBe('success');
      const sink = createSlackSink(slackDepsWith(desk.engine, { botToken: 'xoxb-test', signingSecret: 's', appToken: undefined, mode: 'http', prefixCommand: '/desk', botId: 'BBOT', botUserId: 'UBOT' }, new WebClient('xoxb-test', { slackApiUrl: api.url }), pino({ level: 'silent' }), desk.config.settings), { minIntervalMs: 0 });
      await drainOutbox(desk.engine, desk.clock.now(), sink);
      const posted = api.callsTo('chat.postMessage');
      expect(posted.length).toBeGreaterThan(0);
      const shown = JSON.stringify(posted.map((c) => [c.args.text, c.args.blocks]));
      expectInert(shown, 'posted');
      expect(shown).not.toMatch(SLACK_USER_MENTION);
      expect(shown).toContain('Invoice fdp.exe for @U0BOSS please');
    } finally {
      await api.close();
      desk.dispose();
    }
  });
});

describe('where staff notifications may go', () => {
  let desk: TestDesk;
  afterEach(() => desk?.dispose());
  const lead = slackMember('U0LEAD', 'lead');

  function set(text: string, places?: Record<string, PlaceFacts>, platform: 'slack' | 'rocketchat' = 'slack'): Reply {
    return desk.router.handle({
      platform,
      user: platform === 'slack' ? lead : { externalId: 'rcLeadUser0000001', handle: 'rclead' },
      channel: 'C0HELP',
      thread: null,
      text,
      ...(places ? { places: new Map(Object.entries(places)) } : {}),
    });
  }

  it('/channel set refuses an intake channel, a shared one and a room with requesters; takes an internal one', () => {
    desk = createTestDesk({ env: { DESKOPS_ADMINS: 'shell:lead,slack:U0LEAD,rocketchat:rcLeadUser0000001' } });
    expect(desk.run('/channel intake add slack:C0INTAKE').tone).toBe('success');
    const intake = set('channel set t2 <#C0INTAKE|support>');
    expect(intake).toMatchObject({ tone: 'error', title: 'slack:C0INTAKE is an intake channel: requesters read it, and tier:t2 carries internal notes.' });
    expect(intake.text).toContain('/channel set t2 #<internal-channel>');
    const shared = set('channel set t2 <#C0SHARED|partners>', { 'slack:C0SHARED': { readers: 'requester', why: 'shared with another organisation (Slack Connect)' } });
    expect(shared).toMatchObject({ tone: 'error', title: expect.stringContaining('shared with another organisation (Slack Connect)') });
    const room = set('channel set leads rocketchat:GENERAL', { 'rocketchat:GENERAL': { readers: 'requester', why: 'a member who is not staff' } }, 'rocketchat');
    expect(room).toMatchObject({ tone: 'error', title: expect.stringContaining('read by people outside the support team') });
    expect(set('channel set t2 <#C0T2|support-t2>', { 'slack:C0T2': { readers: 'staff' } })).toMatchObject({ tone: 'success' });
    expect(storedChannels(desk)).not.toMatch(/C0INTAKE|C0SHARED|GENERAL/);
  });

  it('/channel intake add refuses a channel staff notifications are mapped to', () => {
    desk = createTestDesk();
    expect(desk.run('/channel set t2 slack:C0T2').tone).toBe('success');
    const refused = desk.run('/channel intake add slack:C0T2');
    expect(refused).toMatchObject({ tone: 'error', title: 'slack:C0T2 is where deskops posts tier:t2 notifications, which carry internal notes.' });
    expect(refused.text).toContain('/channel set t2 #<internal-channel>');
    expect(desk.run('/channel intake list').sections?.flatMap((s) => s.lines).join('\n') ?? '').not.toContain('C0T2');
  });

  it('through Slack: a channel Slack says is shared is refused, as Slack tells deskops', async () => {
    const cleanups: Array<() => Promise<void> | void> = [];
    try {
      const h = await startSlackDesk(cleanups, 'channel-guard-secret');
      h.api.on('conversations.info', (call) => ({ ok: true, channel: { id: call.args.channel, name: 'x', is_private: false, is_ext_shared: call.args.channel === 'C0SHARED' } }));
      const ask = async (trigger: string, text: string) => {
        const ack = await postToSlackEndpoint(h.events, slashCommandBody({ command: '/channel', text, user_id: 'U0BOSS', trigger_id: trigger, response_url: `${h.api.url}response/${trigger}` }), { secret: 'channel-guard-secret' });
        expect(ack.status).toBe(200);
        return vi.waitFor(() => {
          const call = h.api.callsTo(`response/${trigger}`)[0];
          if (!call) throw new Error('no answer yet');
          return String(call.args.text);
        });
      };
      // A lead by hand on Slack.
      grantStaff(h.desk.app, 'slack', 'U0BOSS', 'lead', 'boss');
      expect(await ask('g1', 'set t2 <#C0SHARED|partners>')).toMatch(/shared with another organisation \(Slack Connect\)/);
      expect(await ask('g2', 'set t2 <#C0T2|support-t2>')).toMatch(/t2/);
      expect(storedChannels(h.desk)).toContain('C0T2');
      expect(storedChannels(h.desk)).not.toContain('C0SHARED');
    } finally {
      for (const cleanup of cleanups.reverse()) await cleanup();
    }
  });
});
