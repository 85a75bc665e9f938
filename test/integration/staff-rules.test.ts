/**
 * Who is staff, decided again on every command: DESKOPS_STAFF rules read what the platform says
 * about the person now (workspace, guest flag, roles), /people add and /people remove grants beat
 * the rules, DESKOPS_ADMINS names admins by immutable id only, and deskops always keeps an admin.
 *
 * The admin-by-handle and bare-entry attacks of issue 10 fail on the old main (b77e699): there
 * `loadConfig` took DESKOPS_ADMINS as a plain list of strings (so "lead_bob", "U0ADMIN1",
 * "slack:lead_bob" and "rocketchat:alice" were all accepted and no ConfigError was thrown), and
 * `isConfiguredAdmin` matched an entry against `user.handle` as well as the id, on every platform
 * for a bare entry, so the Slack user who named themselves "u0admin1" and the Rocket.Chat user who
 * registered the username of an admin's id were admins at their first command (`/whoami` answered
 * "admin" and `/people role` worked for them). Every expectation of the "attacks" block is the
 * opposite of that behaviour.
 */
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import type { PlatformUser } from '../../src/app/people.js';
import type { DirectoryFacts } from '../../src/domain/access.js';
import type { Platform } from '../../src/domain/vocabulary.js';
import { people } from '../../src/store/schema.js';
import type { Reply } from '../../src/views/reply.js';
import { auditActions } from '../doubles/audit.js';
import { grantStaff } from '../doubles/context.js';
import { selectFields, storedStaffFlag } from '../doubles/db.js';
import { createTestDesk, replyText, slackMember, type TestDesk } from '../doubles/deskops.js';

const REFUSAL = /^deskops commands are for the support team/;
/** A Rocket.Chat user id as the server makes them (17 characters). */
const RC_BOSS_ID = 'rcBossAdminUser01';

let desk: TestDesk;
beforeEach(() => {
  desk = createTestDesk({ env: { DESKOPS_ADMINS: `shell:lead,slack:U0BOSS,rocketchat:${RC_BOSS_ID}` } });
});
afterEach(() => desk.dispose());

const slackFacts = (extra: Partial<Extract<DirectoryFacts, { platform: 'slack' }>> = {}): DirectoryFacts => ({ ...(slackMember('x').facts as Extract<DirectoryFacts, { platform: 'slack' }>), ...extra });
const rcUser = (externalId: string, handle: string, roles: string[]): PlatformUser => ({ externalId, handle, facts: { platform: 'rocketchat', roles, active: true } });

function run(platform: Platform, user: PlatformUser, text: string): Reply {
  return desk.router.handle({ platform, user, channel: platform === 'slack' ? 'C0HELP' : 'GENERAL', thread: null, text });
}
const slack = (user: PlatformUser, text: string) => run('slack', user, text);
const rocket = (user: PlatformUser, text: string) => run('rocketchat', user, text);

function whoami(platform: Platform, user: PlatformUser): string {
  const reply = run(platform, user, 'whoami');
  if (REFUSAL.test(reply.title)) return 'requester';
  const role = /Role: (\w+)/.exec(replyText(reply))?.[1];
  if (!role) throw new Error(`no role in ${replyText(reply)}`);
  return role;
}

function isStaffStored(handle: string): boolean {
  return storedStaffFlag(desk.app.store, handle) === true;
}

describe('staff status is checked on every command', () => {
  it('a Slack member who becomes a guest, leaves the workspace or is deleted is a requester at their next command, and staff again when covered again', () => {
    const amy: PlatformUser = { externalId: 'U0AMY', handle: 'amy', facts: slackFacts() };
    expect(slack(amy, 'ticket new "Printer jam"').tone).toBe('success');
    expect(whoami('slack', amy)).toBe('agent');
    for (const facts of [slackFacts({ guest: true }), slackFacts({ teamId: 'T0OTHER' }), slackFacts({ deleted: true }), slackFacts({ bot: true }), { platform: 'unavailable', reason: 'timeout' } as const]) {
      const now = { ...amy, facts };
      const reply = slack(now, 'ticket assign 1 me');
      expect(reply.title, JSON.stringify(facts)).toMatch(REFUSAL);
      expect(isStaffStored('amy')).toBe(false);
      expect(whoami('slack', amy)).toBe('agent');
    }
    expect(auditActions(desk.app, 'person').filter((a) => a === 'person.access').length).toBeGreaterThanOrEqual(2);
  });

  it('a Rocket.Chat user who loses the support role (or is deactivated) is a requester at their next command', () => {
    expect(whoami('rocketchat', rcUser('rcSupportSam00001', 'sam', ['user', 'support']))).toBe('agent');
    expect(rocket(rcUser('rcSupportSam00001', 'sam', ['user']), 'ticket new "x"').title).toMatch(REFUSAL);
    expect(isStaffStored('sam')).toBe(false);
    expect(rocket({ externalId: 'rcSupportSam00001', handle: 'sam', facts: { platform: 'rocketchat', roles: ['support'], active: false } }, 'whoami').title).toMatch(REFUSAL);
    expect(whoami('rocketchat', rcUser('rcSupportSam00001', 'sam', ['support']))).toBe('agent');
  });

  it('/people remove makes a covered person a requester at once; /people add brings them back', () => {
    const amy: PlatformUser = { externalId: 'U0AMY', handle: 'amy', facts: slackFacts() };
    const boss = slackMember('U0BOSS', 'boss');
    expect(whoami('slack', amy)).toBe('agent');
    expect(slack(boss, 'people remove <@U0AMY>').title).toBe('@amy is off the support team');
    expect(slack(amy, 'ticket list').title).toMatch(/Your requests|You have no requests/);
    expect(slack(amy, 'whoami').title).toMatch(REFUSAL);
    expect(selectFields(desk.app.store, people, { grant: people.staffGrant }, eq(people.displayName, 'amy'))[0]?.grant).toBe('removed');
    expect(slack(boss, 'people add <@U0AMY> lead').title).toBe('@amy is on the support team as a lead');
    expect(whoami('slack', amy)).toBe('lead');
    expect(auditActions(desk.app, 'person').filter((a) => a === 'person.staff')).toHaveLength(2);
  });

  it('/people add beats the rules: a Slack Connect user, a guest and a Rocket.Chat user without the role become staff, named by id before their first message', () => {
    const boss = slackMember('U0BOSS', 'boss');
    const connie: PlatformUser = { externalId: 'U0CONNECT', handle: 'connie', facts: slackFacts({ teamId: 'T0OTHER' }) };
    const gus: PlatformUser = { externalId: 'U0GUEST', handle: 'gus', facts: slackFacts({ guest: true }) };
    expect(slack(boss, 'people add <@U0CONNECT> agent').tone).toBe('success');
    expect(whoami('slack', connie)).toBe('agent');
    expect(whoami('slack', gus)).toBe('requester');
    expect(slack(boss, 'people add <@U0GUEST> agent').tone).toBe('success');
    expect(whoami('slack', gus)).toBe('agent');
    const rita = rcUser('rcRequesterRita01', 'rita', ['user']);
    expect(whoami('rocketchat', rita)).toBe('requester');
    expect(rocket(rcUser(RC_BOSS_ID, 'boss', []), 'people add @rita agent').tone).toBe('success');
    expect(whoami('rocketchat', rita)).toBe('agent');
  });

  it('with no rule for a platform, only admins and people added by hand are staff there', () => {
    desk.dispose();
    desk = createTestDesk({ env: { DESKOPS_ADMINS: 'shell:lead,slack:U0BOSS', DESKOPS_STAFF: '' } });
    expect(whoami('slack', { externalId: 'U0AMY', handle: 'amy', facts: slackFacts() })).toBe('requester');
    expect(whoami('rocketchat', rcUser('rcSupportSam00001', 'sam', ['support', 'admin']))).toBe('requester');
    expect(whoami('slack', slackMember('U0BOSS', 'boss'))).toBe('admin');
    expect(whoami('shell', { externalId: 'lead', handle: 'lead' })).toBe('admin');
  });
});

describe('admins', () => {
  it('keeps the last admin: neither /people remove nor /people role takes it away', () => {
    desk.dispose();
    desk = createTestDesk({ env: { DESKOPS_ADMINS: '' } });
    grantStaff(desk.app, 'slack', 'U0ERIN', 'admin', 'erin');
    grantStaff(desk.app, 'slack', 'U0DANA', 'lead', 'dana');
    const erin = slackMember('U0ERIN', 'erin');
    const dana = slackMember('U0DANA', 'dana');
    expect(slack(erin, 'people remove <@U0ERIN>')).toMatchObject({ tone: 'error', title: '@erin is the last admin; deskops needs at least one.' });
    expect(slack(erin, 'people role <@U0ERIN> agent')).toMatchObject({ tone: 'error', title: '@erin is the last admin; deskops needs at least one.' });
    expect(slack(dana, 'people remove <@U0ERIN>').title).toMatch(/^Only admins can remove an admin/);
    expect(whoami('slack', erin)).toBe('admin');
    // With a second admin, the first may go.
    expect(slack(erin, 'people add <@U0DANA> admin').tone).toBe('success');
    expect(slack(dana, 'people remove <@U0ERIN>').tone).toBe('success');
    expect(whoami('slack', erin)).toBe('requester');
    expect(slack(dana, 'people remove <@U0DANA>')).toMatchObject({ tone: 'error', title: '@dana is the last admin; deskops needs at least one.' });
  });

  it('keeps the last admin and every admin from a lead when the role is changed through /people add', () => {
    desk.dispose();
    desk = createTestDesk({ env: { DESKOPS_ADMINS: '' } });
    grantStaff(desk.app, 'slack', 'U0ERIN', 'admin', 'erin');
    grantStaff(desk.app, 'slack', 'U0DANA', 'lead', 'dana');
    const erin = slackMember('U0ERIN', 'erin');
    const dana = slackMember('U0DANA', 'dana');
    expect(slack(dana, 'people add <@U0ERIN> agent').title).toMatch(/^Only admins can change the role of an admin/);
    expect(whoami('slack', erin)).toBe('admin');
    expect(slack(erin, 'people add <@U0ERIN> lead')).toMatchObject({ tone: 'error', title: '@erin is the last admin; deskops needs at least one.' });
    expect(whoami('slack', erin)).toBe('admin');
  });

  it('DESKOPS_ADMINS entries cannot be removed or demoted from chat', () => {
    grantStaff(desk.app, 'slack', 'U0ERIN', 'admin', 'erin');
    const erin = slackMember('U0ERIN', 'erin');
    const boss = slackMember('U0BOSS', 'boss');
    expect(whoami('slack', boss)).toBe('admin');
    expect(slack(erin, 'people remove <@U0BOSS>').title).toBe('@boss is an admin through DESKOPS_ADMINS; the environment decides.');
    expect(slack(erin, 'people role <@U0BOSS> agent').title).toBe('@boss is an admin because DESKOPS_ADMINS names them: the environment decides their role, not /people role.');
    expect(slack(erin, 'people add <@U0BOSS> agent').title).toBe('@boss is an admin through DESKOPS_ADMINS; the environment decides.');
    expect(whoami('slack', boss)).toBe('admin');
    // Even from another workspace, as a guest, or with no directory answer at all: the environment decides.
    for (const facts of [slackFacts({ teamId: 'T0OTHER' }), slackFacts({ guest: true }), undefined]) {
      expect(whoami('slack', { externalId: 'U0BOSS', handle: 'boss', ...(facts ? { facts } : {}) })).toBe('admin');
    }
    expect(whoami('rocketchat', { externalId: RC_BOSS_ID, handle: 'the-boss' })).toBe('admin');
  });
});

describe('DESKOPS_STAFF rules', () => {
  it('takes DESKOPS_STAFF rules for a workspace, a Grid org, a built-in role and a custom role by its id', () => {
    const config = loadConfig({ DESKOPS_DB: ':memory:', DESKOPS_STAFF: 'slack:team:T0123ABC,slack:team:E0123ABC,rocketchat:role:livechat-agent,rocketchat:role:63444b374684a412adb6c4f9' });
    expect(config.settings.staffRules).toEqual([
      { platform: 'slack', team: 'T0123ABC' },
      { platform: 'slack', team: 'E0123ABC' },
      { platform: 'rocketchat', role: 'livechat-agent' },
      { platform: 'rocketchat', role: '63444b374684a412adb6c4f9' },
    ]);
    for (const bad of ['slack:T0123ABC', 'slack:team:acme', 'rocketchat:support', 'rocketchat:role:', 'support']) {
      expect(() => loadConfig({ DESKOPS_DB: ':memory:', DESKOPS_STAFF: bad }), bad).toThrow(/DESKOPS_STAFF/);
    }
    desk.dispose();
    desk = createTestDesk({ env: { DESKOPS_STAFF: 'rocketchat:role:63444b374684a412adb6c4f9,slack:team:E0GRID' } });
    // users.info lists a custom role by its id.
    expect(whoami('rocketchat', rcUser('rcSupportSam00001', 'sam', ['user', '63444b374684a412adb6c4f9']))).toBe('agent');
    expect(whoami('rocketchat', rcUser('rcNamedOnly000001', 'nemo', ['user', 'support']))).toBe('requester');
    // A Grid org rule covers members of any of its workspaces, whatever their own workspace.
    expect(whoami('slack', { externalId: 'U0GRID', handle: 'gina', facts: slackFacts({ teamId: 'T0SOMEWS', enterpriseId: 'E0GRID', teams: ['T0SOMEWS', 'T0OTHERWS'] }) })).toBe('agent');
    expect(whoami('slack', { externalId: 'U0NOGRID', handle: 'ned', facts: slackFacts({ teamId: 'T0SOMEWS', enterpriseId: 'E0ELSE' }) })).toBe('requester');
  });
});

describe('the admin-by-handle and bare-entry attacks of issue 10', () => {
  it.each([
    ['lead_bob', /"lead_bob" names no platform/],
    ['U0ADMIN1', /"U0ADMIN1" names no platform/],
    ['slack:lead_bob', /"slack:lead_bob" is not a Slack user id/],
    ['rocketchat:alice', /"rocketchat:alice" is not a Rocket.Chat user id/],
    ['slack:U0BOSS,alice', /"alice" names no platform/],
    ['discord:12345', /unknown platform "discord"/],
  ])('refuses DESKOPS_ADMINS=%s at start-up, naming the variable and what to write instead', (value, why) => {
    let error: unknown;
    try {
      loadConfig({ DESKOPS_DB: ':memory:', DESKOPS_ADMINS: value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain('DESKOPS_ADMINS');
    expect(message).toMatch(why);
    expect(message).toMatch(/slack:U0123ABC|slack:, rocketchat: or shell:|rocketchat:hw5DThnhQmxDWnavu|member id/);
  });

  it('accepts ids: slack:U…/W…, rocketchat:<_id>, shell:<name>', () => {
    const config = loadConfig({ DESKOPS_DB: ':memory:', DESKOPS_ADMINS: ` slack:U0123ABC , slack:W0ORG1, rocketchat:hw5DThnhQmxDWnavu, shell:Alice ` });
    expect(config.settings.admins).toEqual([
      { platform: 'slack', id: 'U0123ABC' },
      { platform: 'slack', id: 'W0ORG1' },
      { platform: 'rocketchat', id: 'hw5DThnhQmxDWnavu' },
      { platform: 'shell', id: 'alice' },
    ]);
  });

  it('grants nothing for a handle: a Slack user of another team named like an admin id, a Rocket.Chat user who registered it', () => {
    desk.dispose();
    desk = createTestDesk({ env: { DESKOPS_ADMINS: `shell:lead,slack:U0ADMIN1,rocketchat:${RC_BOSS_ID}` } });
    // "lead_bob" from another organisation, and one who even took the handle "u0admin1".
    for (const user of [
      { externalId: 'U0EVIL1', handle: 'lead_bob', facts: slackFacts({ teamId: 'T0OTHER' }) },
      { externalId: 'U0EVIL2', handle: 'u0admin1', facts: slackFacts({ teamId: 'T0OTHER' }) },
      { externalId: 'U0EVIL3', handle: 'U0ADMIN1' },
    ] satisfies PlatformUser[]) {
      expect(whoami('slack', user), user.handle).toBe('requester');
      expect(slack(user, 'people add <@U0EVIL9> admin').title).toMatch(REFUSAL);
    }
    // A full member of the workspace with that handle is an agent, never an admin.
    const insider: PlatformUser = { externalId: 'U0EVIL4', handle: 'u0admin1', facts: slackFacts() };
    expect(whoami('slack', insider)).toBe('agent');
    expect(slack(insider, 'people role <@U0EVIL4> admin').title).toMatch(/^Only admins can change roles/);
    // Rocket.Chat: the Slack admin's id, and the Rocket.Chat admin's _id, registered as usernames.
    for (const user of [rcUser('rcEvilUserAAAAAA1', 'U0ADMIN1', ['user']), rcUser('rcEvilUserAAAAAA2', RC_BOSS_ID, ['user']), rcUser('rcEvilUserAAAAAA3', RC_BOSS_ID, ['user', 'support'])]) {
      expect(['requester', 'agent'], user.handle).toContain(whoami('rocketchat', user));
      expect(rocket(user, 'people add @someone admin').tone).toBe('error');
    }
    // The real ones, by id, whatever their handle.
    expect(whoami('slack', { externalId: 'U0ADMIN1', handle: 'renamed-anything' })).toBe('admin');
    expect(whoami('rocketchat', { externalId: RC_BOSS_ID, handle: 'whatever' })).toBe('admin');
    expect(auditActions(desk.app, 'person').filter((a) => a === 'person.role')).toEqual([]);
  });
});

describe('work goes to the support team only', () => {
  it('refuses to assign a ticket to a requester, put one on a rotation or on call, or make one a follower; a staff member is taken', () => {
    const agent = slackMember('U0AGENT', 'agent');
    const customer: PlatformUser = { externalId: 'U0CUST', handle: 'cust', facts: { ...slackFacts({ teamId: 'T9' }) } };
    // Known to deskops (their first message made them a person), as a requester.
    expect(whoami('slack', customer)).toBe('requester');
    expect(slack(agent, 'ticket new "Printer jam"').tone).toBe('success');
    const refusals = ['ticket assign 1 @cust', 'oncall rotation set @agent @cust', 'oncall override @cust now 2026-11-25', 'rotation set triage @cust', 'ticket watch 1 @cust'];
    for (const text of refusals) {
      const reply = slack(slackMember('U0BOSS', 'boss'), text);
      expect(reply.tone, `${text}: ${replyText(reply)}`).toBe('error');
      expect(replyText(reply), text).toContain('@cust is not on the support team');
      expect(replyText(reply), text).toContain('/people add @cust agent');
    }
    expect(slack(slackMember('U0BOSS', 'boss'), 'ticket assign 1 @agent').tone).toBe('success');
    expect(slack(slackMember('U0BOSS', 'boss'), 'oncall rotation set @agent').tone).toBe('success');
  });
});
