/**
 * Requesters at the command router, from every source deskops knows: a Slack Connect user (their
 * own workspace is another organisation's), a Slack guest, a Rocket.Chat user without the staff
 * role, and Slack users the directory could not or did not describe. Every command of the registry
 * (each sub-command, with the registry's own examples) is refused with the one friendly line, or
 * answers with their own-tickets view for /ticket list and /ticket show; the store keeps nothing
 * but their person row and the audit of the attempt; no reply carries staff-only text.
 *
 * Each check fails when the code it guards is broken: making everybody staff again (the old
 * `resolveActor`), letting a staff reply through requesterReply, dropping the audit of a denial,
 * or showing internal notes on the requester's view each turn one of these red (tried by hand).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlatformUser } from '../../src/app/people.js';
import type { Platform } from '../../src/domain/vocabulary.js';
import type { Reply } from '../../src/views/reply.js';
import { renderBlocks } from '../../src/adapters/slack/render.js';
import { renderMessage } from '../../src/adapters/rocketchat/render.js';
import { createTestDesk, replyText, slackMember, type TestDesk } from '../doubles/deskops.js';
import { addedAuditActions, expectOnlyRequesterTraces, snapshotStore } from '../doubles/store-snapshot.js';

/** The one line every staff command gives a requester (see requesterRefusal). */
export const REFUSAL = /^deskops commands are for the support team; to ask for help, /;

const T1_MEMBER = { platform: 'slack', teamId: 'T1', enterpriseId: null, teams: [], guest: false, deleted: false, bot: false } as const;

interface Source {
  platform: Platform;
  user: PlatformUser;
}

/** Everyone who is not staff under TEST_STAFF_RULES (slack:team:T1, rocketchat:role:support). */
export const REQUESTER_SOURCES: Record<string, Source> = {
  'a Slack Connect user (users.info: another organisation)': { platform: 'slack', user: { externalId: 'U0CONNECT', handle: 'connie', facts: { ...T1_MEMBER, teamId: 'T0OTHER' } } },
  'a Slack single-channel guest (is_restricted)': { platform: 'slack', user: { externalId: 'U0GUEST', handle: 'gus', facts: { ...T1_MEMBER, guest: true } } },
  'a Rocket.Chat user without the support role': { platform: 'rocketchat', user: { externalId: 'rcRequesterRita001', handle: 'rita', facts: { platform: 'rocketchat', roles: ['user'], active: true } } },
  'a Slack user the directory could not describe': { platform: 'slack', user: { externalId: 'U0UNKNOWN', handle: 'uma', facts: { platform: 'unavailable', reason: 'users.info timed out' } } },
  'a Slack user nobody asked the directory about': { platform: 'slack', user: { externalId: 'U0NOFACTS', handle: 'nora' } },
};

/** Text only staff may read; none of it may reach a requester. */
const STAFF_ONLY = ['NOTE-SECRET', '5550199', 'ESCALATION-SECRET', 'KI-SECRET', 'HANDOFF-SECRET', 'jane@example.com', 'Login fails after SSO change', 'Invoice shows the wrong VAT'];

/** A Slack agent and a Rocket.Chat agent, staff by the rules. */
const SLACK_AGENT = slackMember('U0AGENT', 'agent');
const RC_AGENT: PlatformUser = { externalId: 'rcSupportSam00001', handle: 'sam', facts: { platform: 'rocketchat', roles: ['user', 'support'], active: true } };

let desk: TestDesk;
/** Each requester's own ticket number. */
const own = new Map<string, number>();

function as(source: Source, text: string, key?: string): Reply {
  return desk.router.handle({ platform: source.platform, user: source.user, channel: source.platform === 'slack' ? 'C0HELP' : 'GENERAL', thread: null, text, ...(key ? { idempotencyKey: key } : {}) });
}

function ok(reply: Reply, what: string): Reply {
  expect(reply.tone, `${what}: ${replyText(reply)}`).not.toBe('error');
  return reply;
}

/** Everything a requester could read of a reply, on every platform. */
function readable(reply: Reply): string {
  const slack = renderBlocks(reply);
  const rocket = renderMessage(reply);
  return [replyText(reply), slack.text, JSON.stringify(slack.blocks), rocket.msg, JSON.stringify(rocket.attachments)].join('\n');
}

/** No staff-only text in what the requester can read (what they typed themselves may be echoed). */
function expectNoStaffText(reply: Reply, label: string, typed = ''): void {
  const text = readable(reply);
  for (const secret of STAFF_ONLY) if (!typed.includes(secret)) expect(text, `${label} shows "${secret}"`).not.toContain(secret);
}

beforeAll(() => {
  desk = createTestDesk();
  for (const line of [
    '/ticket new "Login fails after SSO change" requester:jane@example.com priority:high area:Authentication',
    '/ticket note 1 NOTE-SECRET-1: the customer is on 6.4, account id 99812',
    '/ticket reply 1 We are looking into it.',
    '/ticket new "Invoice shows the wrong VAT" requester:jane@example.com',
    '/oncall contacts set phone +49 30 5550199',
    '/oncall rotation set @lead',
    '/known-issue new "KI-SECRET login loop after the 6.5 update"',
    '/known-issue link 1 1',
    '/escalate 1 ESCALATION-SECRET why does the token cache loop?',
    '/ticket handoff 2 engagement HANDOFF-SECRET asks about the enterprise plan',
    '/macro new trial-offer Hi {requester.name}, your trial is on.',
  ]) {
    ok(desk.run(line), line);
  }
  ok(desk.router.handle({ platform: 'slack', user: SLACK_AGENT, channel: 'C0HELP', thread: null, text: 'whoami' }), 'slack agent');
  ok(desk.router.handle({ platform: 'rocketchat', user: RC_AGENT, channel: 'GENERAL', thread: null, text: 'whoami' }), 'rocket.chat agent');
  // Each requester has a ticket of their own, with a public reply and an internal note on it.
  for (const [name, source] of Object.entries(REQUESTER_SOURCES)) {
    as(source, 'ticket list');
    const agent = source.platform === 'slack' ? SLACK_AGENT : RC_AGENT;
    const mention = source.platform === 'slack' ? `<@${source.user.externalId}>` : `@${source.user.handle}`;
    const opened = ok(desk.router.handle({ platform: source.platform, user: agent, channel: 'C0T1', thread: null, text: `ticket new "Printer on fire for ${source.user.handle}" requester:${mention}` }), name);
    const id = opened.ticketId!;
    own.set(name, id);
    ok(desk.run(`/ticket reply ${id} PUBLIC-REPLY for ${source.user.handle}: try turning it off and on.`), name);
    ok(desk.run(`/ticket note ${id} NOTE-SECRET-own: ${source.user.handle} is a difficult customer`), name);
  }
});
afterAll(() => desk.dispose());

/** The command lines to try for a definition: its bare path and each example, pointed at ticket #1 and known issue 1. */
function linesFor(path: readonly string[], examples: readonly string[] = []): string[] {
  return [path.join(' '), ...examples.map((e) => e.replace(/^\//, '').replace(/\b42\b/g, '1').replace(/\b43\b/g, '2'))];
}

describe.each(Object.entries(REQUESTER_SOURCES))('%s', (name, source) => {
  it('is refused every staff command with the one friendly line, audited, and nothing else changes', () => {
    let tried = 0;
    for (const definition of desk.registry.all()) {
      for (const line of linesFor(definition.path, definition.examples)) {
        const before = snapshotStore(desk.app);
        const reply = as(source, line, `${name}:${line}`);
        const after = snapshotStore(desk.app);
        const label = `${name}: ${line}`;
        expect(reply.audience, label).toBe('requester');
        expectNoStaffText(reply, label, line);
        expectOnlyRequesterTraces(before, after, label);
        if (definition.requesters) continue;
        expect(reply.tone, label).toBe('error');
        expect(reply.title, label).toMatch(REFUSAL);
        expect(addedAuditActions(before, after), label).toContain('access.denied');
        tried++;
      }
    }
    expect(tried).toBeGreaterThan(150);
    // Every command of the registry: on PostgreSQL each statement is a bridge round trip, near 20 s on a busy two-core machine.
  }, 90_000);

  it('gets only their own help: what they can type, none of the staff commands', () => {
    for (const line of ['help', '/help', 'help ticket', 'ticket help', 'oncall help', 'ticket', '']) {
      const reply = as(source, line);
      expect(reply, line).toMatchObject({ audience: 'requester', title: 'What you can do here' });
      const text = replyText(reply);
      expect(text).toContain('/ticket list');
      for (const staff of ['/escalate', '/oncall', '/people', '/ticket note', '/ticket new']) expect(text, `${line} lists ${staff}`).not.toContain(staff);
    }
  });

  it('sees their own tickets only: status and public replies, never notes, and someone else\'s is "not found"', () => {
    const id = own.get(name)!;
    const list = as(source, '/ticket list');
    expect(list).toMatchObject({ audience: 'requester', title: 'Your requests (1)' });
    expect(replyText(list)).toContain(`#${id} Printer on fire for ${source.user.handle}`);
    expectNoStaffText(list, 'list');
    for (const other of Object.values(REQUESTER_SOURCES)) if (other !== source) expect(replyText(list)).not.toContain(`for ${other.user.handle}`);

    const mine = as(source, `/ticket show ${id}`);
    expect(mine).toMatchObject({ audience: 'requester', title: `#${id} Printer on fire for ${source.user.handle}` });
    expect(replyText(mine)).toContain(`PUBLIC-REPLY for ${source.user.handle}`);
    expect(replyText(mine)).toMatch(/Status: open/);
    expectNoStaffText(mine, 'own ticket');
    expect(readable(mine)).not.toMatch(/agent|sam|Tier|Triage|difficult customer/);

    // Jane's ticket and another requester's: exactly like a number that does not exist.
    const missing = as(source, '/ticket show 9999');
    expect(missing).toMatchObject({ audience: 'requester', tone: 'error', title: 'You have no request #9999.' });
    for (const other of [1, ...[...own.values()].filter((n) => n !== id)]) {
      const reply = as(source, `/ticket show ${other}`);
      expect({ ...reply, title: reply.title.replace(`#${other}`, '#N') }, `#${other}`).toEqual({ ...missing, title: missing.title.replace('#9999', '#N') });
    }
  });
});

describe('a look-alike sees nothing of a requester', () => {
  it("registering a requester's handle or id as a username shows none of their tickets, nor lets the look-alike mark them solved", () => {
    const name = 'a Slack Connect user (users.info: another organisation)';
    const id = own.get(name)!;
    for (const username of ['connie', 'U0CONNECT']) {
      const lookalike: Source = { platform: 'rocketchat', user: { externalId: `rcLookalike${username}`.padEnd(17, 'x'), handle: username, facts: { platform: 'rocketchat', roles: ['user'], active: true } } };
      expect(as(lookalike, '/ticket list').title, username).toBe('You have no requests yet.');
      expect(as(lookalike, `/ticket show ${id}`).title, username).toBe(`You have no request #${id}.`);
    }
    // The real one still sees it.
    expect(as(REQUESTER_SOURCES[name]!, `/ticket show ${id}`).title).toBe(`#${id} Printer on fire for connie`);
  });
});

describe('replies to requesters are never kept', () => {
  it('stores no reply of a requester command for retries (their own view included)', () => {
    const source = REQUESTER_SOURCES['a Slack Connect user (users.info: another organisation)']!;
    const before = snapshotStore(desk.app);
    as(source, `/ticket show ${own.get('a Slack Connect user (users.info: another organisation)')!}`, 'slack:command:kept-1');
    as(source, '/ticket note 1 let me in', 'slack:command:kept-2');
    expect(snapshotStore(desk.app).get('handled_invocations')).toEqual(before.get('handled_invocations'));
  });
});
