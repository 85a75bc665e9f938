/** Macros: saving, placeholders, sending them with /ticket reply, the status a reply sets, and hostile macro texts. */
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { comments, tickets } from '../../src/store/schema.js';
import { auditActions } from '../doubles/audit.js';
import { createTestDesk, replyText, type TestDesk } from '../doubles/deskops.js';
import { selectRow, selectRows } from '../doubles/db.js';

let desk: TestDesk;
beforeEach(() => {
  desk = createTestDesk();
  desk.run('/whoami', 'alice');
  desk.run('/whoami', 'jane');
});
afterEach(() => desk.dispose());

const ok = (text: string, user?: string) => {
  const reply = desk.run(text, user);
  expect(reply.tone, `${text}\n${replyText(reply)}`).not.toBe('error');
  return reply;
};
const lastComment = (ticketId: number) =>
  selectRows(desk.app.store, comments, eq(comments.ticketId, ticketId)).at(-1)!;
const ticket = (id: number) => selectRow(desk.app.store, tickets, eq(tickets.id, id))!;

describe('/macro', () => {
  it('saves, shows, lists by department, edits and removes a macro, each audited', () => {
    ok('/macro new fr1 type:Question Thanks for writing in, {requester.name}! We are looking into #{ticket.id}.');
    ok('/macro new trial-offer dept:trials status:pending Hi {requester.name}, your trial is ready: {link:trial}');
    expect(desk.say('/macro show fr1')).toContain('+type:Question');
    expect(desk.say('/macro list dept:trials')).toContain('trial-offer');
    expect(desk.say('/macro list dept:paid')).not.toContain('trial-offer');
    ok('/macro edit trial-offer hold:3d');
    expect(desk.say('/macro show trial-offer')).toContain('hold 3d');
    ok('/macro remove fr1');
    expect(desk.run('/macro show fr1').tone).toBe('error');
    expect(auditActions(desk.app, 'macro')).toEqual(['macro.created', 'macro.created', 'macro.changed', 'macro.removed']);
  });

  it('is refused to agents for new, edit, remove and links, and audited as a denial', () => {
    for (const line of ['/macro new x Hi', '/macro edit x Hi', '/macro remove x', '/macro link trial https://help.example.com/trial']) {
      const reply = desk.run(line, 'alice');
      expect(reply.tone, line).toBe('error');
      expect(reply.title).toMatch(/Only leads and admins/);
    }
    expect(auditActions(desk.app, 'person').filter((a) => a === 'access.denied')).toHaveLength(4);
    expect(desk.run('/macro list', 'alice').tone).toBe('info');
  });

  it('refuses unknown placeholders, unclosed braces and placeholders inside placeholders', () => {
    for (const text of ['Hi {requester.nmae}', 'Hi {requester.name', 'Hi {requester.{ticket.id}}', 'Hi {{agent.name}}', 'See {link:}']) {
      const reply = desk.run(`/macro new bad ${text}`);
      expect(reply.tone, text).toBe('error');
      expect(reply.text ?? '', text).toContain('{requester.name}');
    }
    expect(desk.say('/macro list')).toContain('No macros');
  });

  it('takes a macro of 30,000 characters, refuses 30,001, and a reply that would pass the limit sends nothing', () => {
    const long = 'a'.repeat(29_988);
    ok(`/macro new long ${long} {ticket.id}`);
    ok('/ticket new "Long answer" requester:@jane');
    expect(desk.run(`/macro new longer ${'b'.repeat(30_001)}`).title).toMatch(/30,001 characters; the limit is 30,000/);
    const over = desk.run('/ticket reply 1 macro:long and some more words that pass the limit');
    expect(over.tone).toBe('error');
    expect(over.title).toMatch(/limit is 30000/);
    expect(selectRows(desk.app.store, comments)).toHaveLength(0);
    ok('/ticket reply 1 macro:long');
    expect(lastComment(1).body).toHaveLength(29_990);
  });
});

describe('/ticket reply with macro: and status:', () => {
  it('fills the placeholders, applies status, priority and tags in one step, and marks the reply as a macro reply', () => {
    ok('/macro link trial https://help.example.com/trial');
    ok('/macro new trial-offer status:pending priority:low type:Question Hi {requester.name}, here is your trial: {link:trial}. — {agent.name}');
    ok('/ticket new "Wants a trial" requester:@jane');
    const reply = ok('/ticket reply 1 macro:trial-offer Ping us any time.', 'alice');
    expect(reply.title).toContain('from macro trial-offer');
    const comment = lastComment(1);
    expect(comment.body).toBe('Hi jane, here is your trial: https://help.example.com/trial. — alice\n\nPing us any time.');
    expect(comment.macroId).not.toBeNull();
    expect(ticket(1)).toMatchObject({ status: 'pending', priority: 'low' });
    expect(desk.say('/ticket show 1')).toContain('type:Question');
    expect(auditActions(desk.app, 'ticket', 1)).toEqual(expect.arrayContaining(['comment.reply', 'ticket.macro', 'ticket.status', 'ticket.priority', 'ticket.tags']));
  });

  it('refuses a macro whose placeholder has no value instead of sending "{requester.name}"', () => {
    ok('/macro new hello Hello {requester.name}!');
    ok('/ticket new "From email" requester:jane@example.com');
    const reply = desk.run('/ticket reply 1 macro:hello');
    expect(reply.tone).toBe('error');
    expect(reply.title).toContain('{requester.name}');
    expect(reply.text).toContain('/ticket reply 1 <text>');
    expect(selectRows(desk.app.store, comments)).toHaveLength(0);
    ok('/macro new docs See {link:missing}');
    expect(desk.run('/ticket reply 1 macro:docs').title).toContain('{link:missing}');
  });

  it('never expands a value that looks like a placeholder (a requester called "{agent.name}")', () => {
    desk.run('/whoami', '{agent.name}');
    ok('/macro new hello Hello {requester.name}, I am {agent.name}.');
    ok('/ticket new "Odd name" requester:@{agent.name}');
    ok('/ticket reply 1 macro:hello', 'alice');
    expect(lastComment(1).body).toBe('Hello {agent.name}, I am alice.');
  });

  it('sets pending, resolved or hold:3d with the reply, and a refused status takes the reply back', () => {
    ok('/ticket new "One"');
    ok('/ticket reply 1 status:pending Does 6.5.1 fix it?');
    expect(ticket(1).status).toBe('pending');
    ok('/ticket reply 1 hold:3d We will look again after the release.');
    expect(ticket(1).status).toBe('hold');
    expect(ticket(1).holdUntil!.getTime()).toBe(new Date('2026-11-26T10:00:00Z').getTime());
    ok('/ticket reply 1 status:resolved Fixed in 6.5.1.');
    expect(ticket(1).status).toBe('resolved');
    const before = selectRows(desk.app.store, comments).length;
    const refused = desk.run('/ticket reply 1 status:review Please review.');
    expect(refused.tone).toBe('error');
    expect(selectRows(desk.app.store, comments)).toHaveLength(before);
    expect(desk.run('/ticket reply 1 status:hold Soon').title).toMatch(/hold:3d/);
    expect(desk.run('/ticket reply 1 status:closed Bye').tone).toBe('error');
  });

  it('offers the macros of the ticket\'s department as buttons from the card', () => {
    ok('/macro new fr1 Thanks {requester.name}');
    ok('/macro new trial-offer dept:trials Your trial');
    ok('/ticket new "Paid question" requester:@jane');
    const card = desk.run('/ticket show 1');
    expect(card.buttons?.map((b) => b.command)).toContain('/macro pick 1');
    const picker = desk.run('/macro pick 1');
    expect(picker.buttons?.map((b) => b.command)).toEqual(['/ticket reply 1 macro:fr1']);
  });
});
