import { and, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditEvents, comments, outbox, slaClocks, tickets } from '../../src/store/schema.js';
import { deleteRows, selectRow, selectRows } from '../doubles/db.js';
import { createTestDesk, replyText, type TestDesk } from '../doubles/deskops.js';

let desk: TestDesk;
beforeEach(() => {
  desk = createTestDesk();
  // People exist once they have run a command.
  desk.run('/whoami', 'alice');
  desk.run('/whoami', 'bob');
});
afterEach(() => desk.dispose());

const ticket = (id: number) => selectRow(desk.app.store, tickets, eq(tickets.id, id))!;
const audit = (id: number) =>
  selectRows(desk.app.store, auditEvents, and(eq(auditEvents.entity, 'ticket'), eq(auditEvents.entityId, String(id))), auditEvents.id);
const notes = (id: number) => selectRows(desk.app.store, comments, eq(comments.ticketId, id), comments.id);

describe('/ticket new', () => {
  it('opens a ticket in Triage, Open, Medium by default, with its audit event and a triage notice', () => {
    const reply = desk.run('/ticket new "Login fails" area:Authentication type:Bug', 'alice');
    expect(reply.tone).toBe('success');
    expect(reply.title).toBe('Ticket #1 opened: Login fails');
    const row = ticket(1);
    expect(row).toMatchObject({ tier: 'triage', status: 'open', priority: 'medium', department: 'paid', requester: '@alice', origin: 'chat' });
    const [created] = audit(1);
    expect(created).toMatchObject({ action: 'ticket.created', actorLabel: '@alice' });
    expect(created!.after).toMatchObject({ title: 'Login fails', tags: ['area:Authentication', 'type:Bug'] });
    const notices = selectRows(desk.app.store, outbox);
    expect(notices.map((n) => [n.dedupeKey, n.channel])).toEqual([['ticket-new:1', 'tier:triage']]);
  });

  it('takes every option, and email tickets default to Medium too', () => {
    desk.run('/ticket new Invoice has wrong VAT requester:Jane@Example.com channel:email dept:community severity:minor special:billing');
    expect(ticket(1)).toMatchObject({ title: 'Invoice has wrong VAT', requester: 'jane@example.com', origin: 'email', department: 'community', severity: 'minor', priority: 'medium' });
  });

  it('never reuses a number', () => {
    desk.run('/ticket new one');
    desk.run('/ticket new two');
    const { store } = desk.app;
    deleteRows(store, auditEvents, eq(auditEvents.entityId, '2'));
    deleteRows(store, outbox);
    deleteRows(store, slaClocks, eq(slaClocks.ticketId, 2));
    deleteRows(store, tickets, eq(tickets.id, 2));
    expect(desk.run('/ticket new three').title).toMatch(/^Ticket #3 /);
  });

  it('shortens a 10 kB title and keeps the full text in the description', () => {
    const long = 'word '.repeat(2048).trim();
    const reply = desk.run(`/ticket new "${long}"`);
    expect(reply.tone).toBe('success');
    expect(ticket(1).title.length).toBeLessThanOrEqual(200);
    expect(ticket(1).description).toContain(long);
  });

  it('stores SQL-looking and unicode text as text', () => {
    desk.run(`/ticket new "Robert'); DROP TABLE tickets;-- 🎫 日本語"`);
    expect(ticket(1).title).toBe("Robert'); DROP TABLE tickets;-- 🎫 日本語");
  });

  it('rejects unknown options and tags with the closest ones, and creates nothing', () => {
    const option = desk.run('/ticket new Login fails prio:high');
    expect(option.tone).toBe('error');
    expect(option.title).toMatch(/Unknown option "prio:".*priority:/);
    expect(option.text).toMatch(/Usage: \/ticket new/);
    const tag = desk.run('/ticket new Login fails area:Authentification');
    expect(tag.title).toBe('Unknown tag area:Authentification.');
    expect(tag.text).toMatch(/area:Authentication/);
    const value = desk.run('/ticket new Login fails priority:urgent');
    expect(value.title).toMatch(/"urgent" is not a priority: use high, medium, low/);
    expect(selectRows(desk.app.store, tickets)).toHaveLength(0);
  });

  it('explains a missing title', () => {
    const reply = desk.run('/ticket new priority:high');
    expect(reply.tone).toBe('error');
    expect(reply.title).toBe('A ticket needs a title.');
  });
});

describe('/ticket show and list', () => {
  it('shows fields, tags, and the timeline of replies and notes', () => {
    desk.run('/ticket new "Login fails" priority:high area:Authentication');
    desk.run('/ticket reply 1 We are on it.', 'alice');
    desk.run('/ticket note #1 Customer is on 6.4', 'alice');
    const text = desk.say('/ticket show #1');
    expect(text).toContain('#1 Login fails');
    expect(text).toContain('Priority: High');
    expect(text).toContain('Tags: area:Authentication');
    expect(text).toContain('SLA: 🟢 Green · 1 h to yellow'); // High priority: yellow after 1 business hour
    expect(text).toMatch(/\*Reply\* by @alice[^\n]*\nWe are on it\./);
    expect(text).toMatch(/\*Internal note\* by @alice[^\n]*\nCustomer is on 6\.4/);
  });

  it('says which numbers exist for an unknown ticket', () => {
    desk.run('/ticket new one');
    const reply = desk.run('/ticket show 99');
    expect(reply).toMatchObject({ tone: 'error', title: 'There is no ticket #99.' });
    expect(reply.text).toMatch(/#1 to #1/);
  });

  it('lists newest first with filters, pages and the total', () => {
    for (let i = 1; i <= 12; i++) desk.run(`/ticket new "Ticket ${i}" priority:${i % 2 === 0 ? 'high' : 'low'}`);
    desk.run('/ticket assign 3 @alice');
    const first = desk.run('/ticket list');
    expect(first.title).toBe('12 active tickets (page 1 of 2)');
    expect(first.sections![0]!.lines[0]).toMatch(/^\*#12\*/);
    expect(first.footer).toBe('Next page: /ticket list page:2');
    const second = desk.run('/ticket list page:2');
    expect(second.sections![0]!.lines).toHaveLength(2);
    expect(desk.run('/ticket list priority:high').title).toBe('6 active High tickets');
    expect(desk.run('/ticket list mine', 'alice').sections![0]!.lines).toEqual([expect.stringMatching(/^\*#3\*.*Ticket 3$/)]);
    expect(desk.run('/ticket list unassigned').title).toMatch(/^11 /);
    expect(desk.run('/ticket list status:closed').title).toBe('No Closed tickets');
    expect(desk.run('/ticket list frobnicate').tone).toBe('error');
  });

  it('filters by tag with or without the family', () => {
    desk.run('/ticket new a area:Mobile');
    desk.run('/ticket new b area:Authentication');
    expect(desk.run('/ticket list tag:area:Mobile').title).toMatch(/^1 /);
    expect(desk.run('/ticket list tag:mobile').title).toMatch(/^1 /);
    expect(desk.run('/ticket list tag:nonsense').tone).toBe('error');
  });
});

describe('assignment', () => {
  beforeEach(() => desk.run('/ticket new "Login fails"'));

  it('assigns to me by default and to a mentioned agent, notifying only others', () => {
    expect(desk.run('/ticket assign 1', 'alice').title).toMatch(/assigned to @alice/);
    expect(desk.run('/ticket assign 1 @bob', 'alice').title).toMatch(/assigned to @bob/);
    expect(desk.run('/ticket assign 1 me', 'bob').title).toBe('#1 is already assigned to @bob.');
    const notices = selectRows(desk.app.store, outbox).filter((n) => n.channel.startsWith('person:'));
    expect(notices).toHaveLength(1);
    expect(audit(1).map((a) => a.action)).toEqual(['ticket.created', 'ticket.assigned', 'ticket.assigned']);
  });

  it('refuses someone deskops has never seen, naming who it knows', () => {
    const reply = desk.run('/ticket assign 1 @mallory');
    expect(reply.title).toBe('Nobody called @mallory has used deskops yet.');
    expect(reply.text).toContain('@alice');
  });

  it('unassigns', () => {
    desk.run('/ticket assign 1 @bob');
    expect(desk.run('/ticket unassign 1').title).toMatch(/unassigned, back in the Triage queue/);
    expect(ticket(1).assigneeId).toBeNull();
    expect(desk.run('/ticket unassign 1').title).toBe('#1 has no assignee.');
  });
});

describe('statuses', () => {
  beforeEach(() => desk.run('/ticket new "Login fails"'));

  it('walks allowed transitions with audit events', () => {
    desk.run('/ticket status 1 pending');
    desk.run('/ticket status 1 open');
    desk.run('/ticket status 1 resolved');
    desk.run('/ticket status 1 closed');
    expect(ticket(1).status).toBe('closed');
    const moves = audit(1).filter((a) => a.action === 'ticket.status').map((a) => [(a.before as { status: string }).status, (a.after as { status: string }).status]);
    expect(moves).toEqual([['open', 'pending'], ['pending', 'open'], ['open', 'resolved'], ['resolved', 'closed']]);
  });

  it('refuses a disallowed move and says why', () => {
    const reply = desk.run('/ticket status 1 closed');
    expect(reply.tone).toBe('error');
    expect(reply.title).toBe('Only a Resolved ticket can be closed (this one is Open).');
    expect(reply.text).toContain('/ticket status 1 resolved');
  });

  it('holds for N days', () => {
    expect(desk.run('/ticket status 1 hold 3d').title).toBe('#1 is now on Hold for 3 days.');
    expect(ticket(1).holdUntil!.toISOString()).toBe('2026-11-26T10:00:00.000Z');
    expect(desk.run('/ticket status 1 hold').title).toMatch(/Hold needs a number of days/);
    expect(desk.run('/ticket status 1 hold 0d').title).toMatch(/from 1 to 365/);
    expect(desk.run('/ticket status 1 hold 3 days').tone).toBe('success');
  });

  it('accepts the waiting-on-customer alias and suggests for typos', () => {
    expect(desk.run('/ticket status 1 waiting-on-customer').title).toBe('#1 is now Waiting on Customer.');
    expect(desk.run('/ticket status 1 pendng').title).toMatch(/Did you mean pending\?/);
  });
});

describe('comments, priority, severity', () => {
  beforeEach(() => desk.run('/ticket new "Login fails"'));

  it('keeps reply text exactly as typed and stamps the last public reply', () => {
    desk.clock.advance(60_000);
    desk.run('/ticket reply 1 Hi,  please try "Clear cache" then: restart.');
    expect(notes(1)[0]).toMatchObject({ visibility: 'public', body: 'Hi,  please try "Clear cache" then: restart.' });
    expect(ticket(1).lastPublicReplyAt!.toISOString()).toBe('2026-11-23T10:01:00.000Z');
    expect(desk.run('/ticket reply 1').tone).toBe('error');
  });

  it('changes priority and severity, clearing severity with none', () => {
    expect(desk.run('/ticket priority 1 high').title).toBe('#1 priority is now High.');
    expect(desk.run('/ticket priority 1 high').title).toBe('#1 is already High priority.');
    desk.run('/ticket severity 1 critical');
    expect(ticket(1).severity).toBe('critical');
    desk.run('/ticket severity 1 none');
    expect(ticket(1).severity).toBeNull();
    expect(audit(1).map((a) => a.action)).toEqual(['ticket.created', 'ticket.priority', 'ticket.severity', 'ticket.severity']);
  });
});

describe('split and hand-off', () => {
  it('splits into a new Triage ticket, unassigned, linked, with a note on both', () => {
    desk.run('/ticket new "Login fails"');
    desk.run('/escalate 1 What broke?');
    desk.run('/ticket assign 1 @alice');
    const reply = desk.run('/ticket split 1 "Invoice address question"');
    expect(reply.title).toBe('Split #2 out of #1: Invoice address question');
    expect(ticket(2)).toMatchObject({ tier: 'triage', assigneeId: null, parentId: 1, status: 'open' });
    expect(notes(1).at(-1)!.body).toMatch(/Split out #2/);
    expect(notes(2)[0]!.body).toMatch(/Split from #1/);
    expect(desk.say('/ticket show 1')).toContain('Split into: #2');
  });

  it('hands off with a bold team note and routes to that queue', () => {
    desk.run('/ticket new "Wants enterprise"');
    desk.run('/ticket assign 1 @alice');
    desk.run('/ticket handoff 1 engagement asks about the enterprise plan');
    expect(ticket(1)).toMatchObject({ team: 'engagement', assigneeId: null });
    expect(notes(1)[0]!.body).toBe('*Engagement* — asks about the enterprise plan');
    expect(selectRows(desk.app.store, outbox).some((n) => n.channel === 'team:engagement')).toBe(true);
    expect(desk.run('/ticket list team:engagement').title).toMatch(/^1 /);
    expect(desk.run('/ticket handoff 1 sales because').title).toMatch(/not a team/);
  });
});

describe('escalation', () => {
  beforeEach(() => desk.run('/ticket new "SSO loop" area:Authentication type:Bug'));

  it('offers Escalate on the card as a template that names the missing question', () => {
    expect(desk.run('/ticket show 1').buttons).toContainEqual({ label: 'Escalate', command: '/escalate 1', needs: '<question>' });
  });

  it('moves up one tier, clears the assignee and writes the questions as headers', () => {
    desk.run('/ticket assign 1 @alice');
    const reply = desk.run('/escalate 1 Why does SSO loop? | Which log shows it?', 'alice');
    expect(reply.title).toBe('#1 escalated from Triage to T1');
    expect(ticket(1)).toMatchObject({ tier: 't1', assigneeId: null });
    expect(notes(1).at(-1)!.body).toBe('Escalated from Triage to T1 by @alice.\n\n*ESCALATED QUESTION 1*\nWhy does SSO loop?\n\n*ESCALATED QUESTION 2*\nWhich log shows it?');
    expect(selectRows(desk.app.store, outbox).some((n) => n.channel === 'tier:t1')).toBe(true);
  });

  it('goes to a named tier and announces on-call escalations in the helpdesk channel', () => {
    desk.run('/escalate 1 to:eng1 Crash in worker');
    expect(ticket(1).tier).toBe('t3');
    desk.run('/escalate 1 to:oncall Everything is down');
    expect(ticket(1).tier).toBe('oncall');
    expect(selectRows(desk.app.store, outbox).some((n) => n.channel === 'role:helpdesk')).toBe(true);
    expect(desk.run('/ticket show 1').buttons?.find((b) => b.label === 'Escalate')).toBeUndefined();
    const card = desk.say('/ticket show 1');
    expect(card).toContain('[Acknowledge] /oncall ack 1');
    expect(card).not.toContain('SLA:');
    desk.run('/oncall ack 1');
    expect(desk.say('/ticket show 1')).not.toContain('[Acknowledge]');
  });

  it('refuses an escalation without a question, downward, or past the top', () => {
    expect(desk.run('/escalate 1').title).toMatch(/at least one question/);
    expect(desk.run('/escalate 1 to:t2 |  | ').title).toMatch(/at least one question/);
    desk.run('/escalate 1 to:t5 deep question');
    expect(desk.run('/escalate 1 more?').title).toBe('T5 (Arch) is the top of the ladder.');
    expect(desk.run('/escalate 1 to:t2 q').title).toBe('T2 is below T5 (Arch).');
  });

  it('suggests a "still looking" note when the requester has not heard from us for a day', () => {
    desk.clock.advance(26 * 3600_000);
    const reply = desk.run('/escalate 1 q');
    expect(replyText(reply)).toMatch(/still looking into it/);
  });

  it('de-escalates with a missed doc, tagging and noting it', () => {
    desk.run('/escalate 1 to:t2 q');
    const reply = desk.run('/deescalate 1 missed-doc:https://docs.example.com/sso The SSO guide covers this.');
    expect(reply.title).toBe('#1 moved down from T2 to T1');
    expect(desk.say('/ticket show 1')).toContain('process:"Missed Doc Review"');
    expect(notes(1).at(-1)!.body).toMatch(/De-escalated from T2 to T1[\s\S]*https:\/\/docs\.example\.com\/sso/);
    expect(desk.run('/deescalate 1 to:t3 no').title).toBe('T3 (Eng1) is above T1.');
    expect(desk.run('/deescalate 1 missed-doc:notaurl x').title).toMatch(/https:\/\//);
  });
});
