/**
 * The ticket workflow as the handbooks describe it: hand-offs leave the tier queue and stop its
 * clock until they come back, teams can be notified without moving a ticket, staff reopen closed
 * tickets, Review counts like Open, fields can be corrected (audited), and leads can read what
 * happened to a ticket or what someone did.
 */
import { and, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditEvents, comments, outbox, tickets } from '../../src/store/schema.js';
import { createTestDesk, replyText, type TestDesk } from '../doubles/deskops.js';
import { selectRow, selectRows } from '../doubles/db.js';

let desk: TestDesk;
beforeEach(() => {
  // Monday 23 Nov 2026 10:00 UTC; the calendar is Mon–Fri 09:00–17:00 UTC.
  desk = createTestDesk();
  desk.run('/whoami', 'alice');
  desk.run('/whoami', 'bob');
  desk.run('/people role @bob lead');
});
afterEach(() => desk.dispose());

const ticket = (id: number) => selectRow(desk.app.store, tickets, eq(tickets.id, id))!;
const notes = (id: number) => selectRows(desk.app.store, comments, eq(comments.ticketId, id), comments.id);
const audit = (id: number) =>
  selectRows(desk.app.store, auditEvents, and(eq(auditEvents.entity, 'ticket'), eq(auditEvents.entityId, String(id))), auditEvents.id);
const ok = (line: string, user?: string) => {
  const reply = desk.run(line, user);
  expect(reply.tone, `${line}: ${replyText(reply)}`).not.toBe('error');
  return replyText(reply);
};
const hours = (n: number) => desk.clock.advance(n * 3_600_000);

describe('hand-offs to other teams', () => {
  beforeEach(() => {
    ok('/ticket new "Wants SAML group sync"');
    ok('/escalate 1 to:t2 Can we sync SAML groups?');
  });

  it('take the ticket out of its tier queue and stop its tier clock until it comes back', () => {
    hours(1);
    ok('/ticket handoff 1 product Notify Product: wants SAML group sync');
    expect(ok('/ticket list tier:t2')).toContain('No active T2 tickets');
    expect(ok('/ticket list team:product')).toContain('#1');
    expect(ok('/sla queue tier:t2')).toContain('No open tickets with a running SLA in T2');
    expect(ok('/sla 1')).toMatch(/Clock: paused \(handed off to Product/);
    const usedBefore = ok('/sla 1').match(/Used: (.*) of business time/)![1];
    hours(5);
    expect(ok('/sla 1').match(/Used: (.*) of business time/)![1]).toBe(usedBefore);
    expect(ok('/ticket handoff 1 back Product answered: on the roadmap for Q2')).toContain('#1 is back with T2 from Product');
    expect(ticket(1)).toMatchObject({ team: null, tier: 't2' });
    expect(ok('/ticket list tier:t2')).toContain('#1');
    expect(ok('/sla 1')).toContain('Clock: running');
    expect(notes(1).at(-1)!.body).toBe('*Back from Product* — Product answered: on the roadmap for Q2');
    expect(audit(1).map((a) => a.action)).toEqual(expect.arrayContaining(['ticket.handoff', 'ticket.handoff.back']));
    expect(selectRows(desk.app.store, outbox).some((row) => row.channel === 'tier:t2' && row.dedupeKey.startsWith('handoff-back:1:'))).toBe(true);
  });

  it('says so when a ticket that is not handed off is sent back', () => {
    const reply = desk.run('/ticket handoff 1 back');
    expect(reply.tone).toBe('error');
    expect(reply.title).toBe('#1 is not handed off: it is in the T2 queue.');
  });

  it('notify a team without moving the ticket', () => {
    const reply = ok('/ticket notify 1 product Customer asks for SAML group sync');
    expect(reply).toContain('Product notified about #1');
    expect(ticket(1)).toMatchObject({ team: null, tier: 't2' });
    const notice = selectRows(desk.app.store, outbox).find((row) => row.channel === 'team:product')!;
    expect(notice.dedupeKey).toMatch(/^notify:1:product:/);
    expect(replyText(notice.payload as never)).toContain('Customer asks for SAML group sync');
    expect(notes(1).at(-1)!.body).toBe('*Notified Product* — Customer asks for SAML group sync');
    expect(audit(1).at(-1)!.action).toBe('ticket.notified');
    expect(desk.run('/ticket notify 1 sales hello').title).toMatch(/not a team/);
  });
});

describe('statuses', () => {
  beforeEach(() => ok('/ticket new "Login fails"'));

  it('lets staff reopen a Closed ticket', () => {
    ok('/ticket status 1 resolved');
    ok('/ticket status 1 closed');
    expect(ok('/ticket status 1 open', 'alice')).toContain('#1 is now Open.');
    expect(ticket(1).status).toBe('open');
    ok('/ticket status 1 resolved');
    ok('/ticket status 1 closed');
    const refusal = desk.run('/ticket status 1 pending');
    expect(refusal.title).toBe('A Closed ticket can only be reopened.');
    expect(refusal.text).toContain('/ticket status 1 open');
  });

  it('labels the ticket a requester opens by writing on a Closed one as a follow-up, not a split', () => {
    ok('/ticket status 1 resolved');
    ok('/ticket status 1 closed');
    expect(ok('/ticket reply-as-requester 1 It is broken again')).toContain('opened #2');
    const child = ok('/ticket show 2');
    expect(child).toContain('Follow-up of: #1 Login fails');
    expect(child).not.toContain('Split from');
    expect(ok('/ticket show 1')).toContain('Followed up in: #2');
    ok('/ticket split 2 "Another question"');
    expect(ok('/ticket show 3')).toContain('Split from: #2');
  });

  it('counts Review like Open: the SLA clock keeps running', () => {
    ok('/ticket status 1 review');
    hours(1);
    const sla = ok('/sla 1');
    expect(sla).toContain('Clock: running');
    expect(sla).toContain('Used: 1 h of business time in Triage');
  });

  it('accepts "waiting on customer" as the status it names', () => {
    expect(ok('/ticket status 1 waiting on customer')).toContain('#1 is now Waiting on Customer.');
    expect(ok('/ticket status 1 open')).toContain('#1 is now Open.');
    expect(ok('/ticket status 1 waiting-on-customer')).toContain('Waiting on Customer');
  });

  it('points /ticket close to the status command', () => {
    const reply = desk.run('/ticket close 1');
    expect(reply.tone).toBe('error');
    expect(replyText(reply)).toContain('/ticket status 1 closed');
  });
});

describe('/ticket edit', () => {
  beforeEach(() => ok('/ticket new "Login fials" requester:jane@example.com'));

  it('changes the title, description, department and requester, each audited', () => {
    expect(ok('/ticket edit 1 title Login fails after SSO change')).toContain('#1 title changed');
    ok('/ticket edit 1 description "Since the 6.5 update, every SSO login loops."');
    ok('/ticket edit 1 requester @alice');
    expect(ticket(1)).toMatchObject({ title: 'Login fails after SSO change', description: 'Since the 6.5 update, every SSO login loops.', requester: '@alice' });
    const edits = audit(1).filter((a) => a.action === 'ticket.edited');
    expect(edits).toHaveLength(3);
    expect(edits[0]).toMatchObject({ before: { title: 'Login fials' }, after: { title: 'Login fails after SSO change' } });
  });

  it('recomputes the SLA when the department changes', () => {
    hours(3); // Triage, Medium, Paid: yellow after 2 business hours
    expect(ok('/sla 1')).toContain('Yellow');
    expect(ok('/ticket edit 1 dept community')).toContain('#1 department changed from Paid Support to Community');
    const sla = ok('/sla 1');
    expect(sla).toContain('Green'); // Community gets twice as long: yellow after 4 business hours
    expect(sla).toContain('Thresholds: yellow after 4 h, red after 2 d');
  });

  it('refuses what is not a field, an empty value, or an unknown department', () => {
    expect(desk.run('/ticket edit 1 priority high').title).toMatch(/"priority" is not a field you can edit/);
    expect(replyText(desk.run('/ticket edit 1 priority high'))).toContain('/ticket priority 1 high');
    expect(desk.run('/ticket edit 1 title').title).toMatch(/new title/);
    expect(desk.run('/ticket edit 1 dept sales').title).toMatch(/not a department/);
    expect(desk.run('/ticket edit 1 requester not-a-person').tone).toBe('error');
  });
});

describe('what happened', () => {
  beforeEach(() => {
    ok('/ticket new "Login fails"', 'alice');
    hours(1);
    ok('/ticket assign 1 @alice', 'alice');
    ok('/ticket status 1 pending', 'alice');
    ok('/ticket new "Another one"', 'bob');
  });

  it('shows a ticket\'s audit events to leads, oldest first, with what changed', () => {
    const history = ok('/ticket history 1', 'bob');
    expect(history).toContain('History of #1 Login fails');
    const lines = history.split('\n');
    const created = lines.findIndex((l) => l.includes('@alice') && l.includes('opened'));
    const pending = lines.findIndex((l) => l.includes('status: Open → Pending'));
    expect(created).toBeGreaterThanOrEqual(0);
    expect(pending).toBeGreaterThan(created);
    expect(history).toContain('assignee: nobody → @alice');
    const refused = desk.run('/ticket history 1', 'alice');
    expect(refused.title).toMatch(/^Only leads and admins/);
  });

  it('lists what someone did since a date, newest first, for leads', () => {
    const all = ok('/audit @alice since:2026-11-23', 'bob');
    expect(all).toContain('What @alice did since Mon 23 Nov 2026');
    expect(all).toContain('#1');
    expect(all).not.toContain('#2');
    expect(all.indexOf('status: Open → Pending')).toBeLessThan(all.indexOf('opened'));
    expect(ok('/audit since:2026-11-23', 'bob')).toContain('#2');
    expect(desk.run('/audit', 'alice').title).toMatch(/^Only leads and admins/);
    expect(desk.run('/audit since:yesterday', 'bob').title).toMatch(/not a date/);
  });
});
