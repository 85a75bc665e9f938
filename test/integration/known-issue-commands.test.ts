/** The commands of this slice end to end through the real router: parsing, replies, refusals. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditTrail } from '../doubles/audit.js';
import { createTestDesk, type TestDesk } from '../doubles/deskops.js';

let desk: TestDesk;
beforeEach(() => {
  desk = createTestDesk({ now: '2026-03-04T10:00:00Z' });
  desk.run('/whoami', 'amy');
});
afterEach(() => desk.dispose());

const newTicket = (title: string, tags = 'area:Authentication') => {
  const reply = desk.run(`/ticket new "${title}" ${tags}`);
  const id = /#(\d+)/.exec(reply.title)?.[1];
  if (!id) throw new Error(`no ticket in ${reply.title}`);
  return Number(id);
};

describe('/known-issue', () => {
  it('opens, links with thresholds, shows and resolves a known issue', () => {
    const created = desk.run('/known-issue new Login loop after the SSO update bug:https://github.com/acme/chat/issues/9', 'amy');
    expect(created.tone).toBe('success');
    expect(created.title).toBe('Opened KI-1: Login loop after the SSO update');
    expect(desk.say('/ki show KI-1')).toContain('1-login-loop-sso');

    const ids = Array.from({ length: 6 }, (_, i) => newTicket(`SSO ${i}`));
    expect(desk.say(`/ki link 1 ${ids[0]} #${ids[1]}`)).not.toContain('tracked');
    const third = desk.say(`/known-issue link 1 ${ids[2]}`, 'amy');
    expect(third).toContain('Now 3 linked: that makes it a tracked known issue');
    expect(desk.say(`/known link 1 ${ids[3]},${ids[4]}`)).not.toMatch(/tracked|status-page/);
    expect(desk.say(`/ki link 1 ${ids[5]}`)).toContain('6 linked (6+): consider a status-page post');
    expect(desk.say(`/ki link 1 ${ids[5]}`)).toContain(`#${ids[5]} was already linked`);

    const shown = desk.run('/ki show 1');
    expect(shown.fields).toContainEqual({ label: 'Linked tickets', value: '6' });
    expect(shown.buttons?.map((b) => b.command)).toContain('/known-issue status 1 resolved');

    expect(desk.say('/ki status 1 resolve')).toContain('Investigating → *Resolved*');
    expect(desk.say('/ki list')).toContain('No open known issues');
    expect(desk.say('/ki list all')).toContain('*KI-1* Login loop after the SSO update — Resolved, 6 tickets');
  });

  it('answers mistakes with a reason and the usage', () => {
    expect(desk.run('/ki new').title).toBe('Give the known issue a short title.');
    expect(desk.run('/ki new Crash bug:nope').title).toContain('needs a link');
    const badNumber = desk.run('/ki show three');
    expect(badNumber.title).toBe('"three" is not a known issue number: type it as 3 or KI-3.');
    expect(badNumber.text).toContain('Usage: /known-issue show <n>');
    expect(desk.run('/ki link 1').title).toContain('Add at least one ticket number');
    expect(desk.run('/ki status 1 fixing').title).toContain('is not a known issue status');
    expect(desk.run('/ki show 4').title).toBe('There is no known issue KI-4.');
  });

  it('links nothing when one ticket number is unknown', () => {
    desk.run('/ki new Login loop');
    const id = newTicket('SSO');
    const reply = desk.run(`/ki link 1 ${id} 404`);
    expect(reply.tone).toBe('error');
    expect(reply.title).toContain('#404');
    expect(desk.say('/ki show 1')).toContain('None yet');
  });
});

describe('/ticket tag, untag and tags', () => {
  it('tags a ticket and suggests a matching known issue', () => {
    desk.run('/ki new SSO loop');
    desk.run(`/ki link 1 ${newTicket('SSO 1')}`);
    const id = newTicket('Login trouble', 'type:Bug');
    const reply = desk.run(`/ticket tag ${id} area:authentication`);
    expect(reply.title).toBe(`Tagged #${id} area:Authentication`);
    expect(reply.buttons).toContainEqual({ label: 'Link to KI-1', command: `/known-issue link 1 ${id}` });
  });

  it('suggests the right spelling for mistyped tags', () => {
    const id = newTicket('Login trouble');
    expect(desk.run(`/ticket tag ${id} area:Authenticaton`).text).toContain('Closest: area:Authentication');
    expect(desk.run(`/ticket tag ${id} Bug`).title).toContain('Did you mean type:Bug?');
    expect(desk.run(`/ticket tag ${id} area:Video Conferencing`).title).toContain('area:"Video Conferencing"');
    expect(desk.run(`/ticket tag ${id}`).title).toContain('Add at least one tag');
  });

  it('untags and lists the taxonomy', () => {
    const id = newTicket('Login trouble', 'area:Authentication type:Bug');
    expect(desk.run(`/ticket untag ${id} type:bug`).title).toBe(`Removed type:Bug from #${id}`);
    expect(desk.say('/ticket tags type')).toContain('"Feature Request"');
    expect(desk.say('/ticket tags')).toContain('special (11)');
  });

  it('lets leads edit the taxonomy and refuses agents, auditing the denial', () => {
    expect(desk.run('/ticket tags add area:Billing').title).toBe('Added area:Billing to the taxonomy');
    expect(desk.run('/ticket tags add product:Widgets --new-family').tone).toBe('success');
    const denied = desk.run('/ticket tags remove area:Billing', 'amy');
    expect(denied).toMatchObject({ tone: 'error', title: 'Only leads and admins can edit the tag taxonomy.' });
    expect(auditTrail(desk.app, 'person').at(-1)).toMatchObject({ action: 'access.denied', actorLabel: '@amy' });
    expect(desk.run('/ticket tags retire area:Billing').title).toBe('Retired area:Billing');
  });
});

describe('/guard', () => {
  it('logs, shows with numbers first and closes loops', () => {
    desk.run('/guard log hotfix Rolled back push gateway 4.2.1');
    desk.run('/guard log sql Ran fix-users.sql: 12 rows');
    const loop = desk.run('/guard log loop Check the nightly export for acme');
    expect(loop.title).toBe('Logged open loop `3` for the week of Mon 2 Mar 2026');
    const week = desk.run('/guard show');
    expect(week.title).toBe('This week Mon 2 Mar 2026 – Sun 8 Mar 2026: 1 hotfix, 1 SQL script, 1 open loop');
    expect(desk.say('/guard show')).toContain('Ran fix-users.sql: 12 rows');
    expect(desk.run('/guard done 1').title).toContain('only open loops can be closed');
    expect(desk.run('/guard done 3').title).toBe('Closed loop `3`');
    expect(desk.run('/guard show').title).toContain('1 closed loop');
  });

  it('shows other weeks and explains bad input', () => {
    expect(desk.run('/guard show last').title).toBe('Week Mon 23 Feb 2026 – Sun 1 Mar 2026: Nothing logged');
    expect(desk.run('/guard show 2026-02-30').title).toContain('does not exist');
    expect(desk.run('/guard log deploy Something').title).toContain('is not a guard log kind');
    expect(desk.run('/guard log loop').title).toContain('What happened?');
  });
});

describe('/people and /whoami', () => {
  it('lists people, changes roles (admins) and tiers (leads)', () => {
    expect(desk.say('/people')).toContain('@amy — agent, no tier');
    expect(desk.say('/agents list')).toContain('@lead — admin');
    expect(desk.run('/people role @amy lead').title).toBe('@amy is now a lead');
    expect(desk.run('/people tier @amy t2', 'amy').title).toBe('@amy is now on T2');
    expect(desk.run('/whoami', 'amy').fields).toContainEqual({ label: 'Tier', value: 'T2' });
    expect(desk.run('/people tier @amy none').title).toBe('@amy no longer has a tier');
  });

  it('refuses agents and protects the last admin', () => {
    expect(desk.run('/people tier @amy t2', 'amy').title).toBe('Only leads and admins can change tiers.');
    // @lead is an admin through DESKOPS_ADMINS: the environment decides, before any other rule.
    const pinned = '@lead is an admin because DESKOPS_ADMINS names them: the environment decides their role, not /people role.';
    expect(desk.run('/people role @lead agent').title).toBe(pinned);
    desk.run('/people role @amy admin');
    expect(desk.run('/people role @lead agent').title).toBe(pinned);
    desk.run('/people role @amy agent');
    expect(desk.run('/people role @amy agent').title).toContain('already an agent');
    expect(desk.run('/people role @amy boss').title).toContain('is not a role');
    expect(desk.run('/people lst').title).toContain('Did you mean /people list?');
  });
});
