/**
 * What a new user trips on in their first session: titles that swallow a word meant for an
 * option, the handbooks' channel words, an admin the environment names, paging past the end.
 */
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tickets } from '../../src/store/schema.js';
import { createTestDesk, replyText, type TestDesk } from '../doubles/deskops.js';
import { selectRow } from '../doubles/db.js';

let desk: TestDesk;
beforeEach(() => {
  desk = createTestDesk();
});
afterEach(() => desk.dispose());

const ticket = (id: number) => selectRow(desk.app.store, tickets, eq(tickets.id, id));

describe('/ticket new reads the title in one piece', () => {
  it('refuses a word after an option instead of adding it to the title', () => {
    const reply = desk.run('/ticket new "Invoice shows the wrong VAT" dept:Paid Support');
    expect(reply.tone).toBe('error');
    expect(reply.title).toContain('"Support" comes after dept:Paid');
    expect(reply.title).toContain('dept:"Paid Support"');
    expect(ticket(1)).toBeUndefined();
    const bare = desk.run('/ticket new Invoice wrong dept:paid VAT');
    expect(bare.title).toContain('"VAT" comes after dept:paid');
  });

  it('takes the title before or after the options, and quoted option values with spaces', () => {
    expect(desk.run('/ticket new Invoice shows the wrong VAT dept:"Paid Support" priority:low').tone).toBe('success');
    expect(ticket(1)).toMatchObject({ title: 'Invoice shows the wrong VAT', department: 'paid', priority: 'low' });
    expect(desk.run('/ticket new priority:high Login fails for @bob').tone).toBe('success');
    expect(ticket(2)).toMatchObject({ title: 'Login fails for @bob', priority: 'high' });
  });

  it("accepts the handbooks' channel words for where a request came from", () => {
    desk.run('/ticket new "From a tweet" channel:twitter');
    desk.run('/ticket new "From Facebook" channel:facebook');
    desk.run('/ticket new "From the website chat" channel:livechat');
    expect([1, 2, 3].map((id) => ticket(id)?.origin)).toEqual(['social', 'social', 'chat']);
    expect(desk.run('/ticket new "From a pigeon" channel:pigeon').title).toMatch(/not a channel/);
  });
});

describe('/people role on an admin from DESKOPS_ADMINS', () => {
  it('says the environment decides, even for the only admin', () => {
    desk.run('/whoami', 'alice');
    const reply = desk.run('/people role @lead agent');
    expect(reply.tone).toBe('error');
    expect(reply.title).toBe('@lead is an admin because DESKOPS_ADMINS names them: the environment decides their role, not /people role.');
    expect(reply.text).toContain('take them out of DESKOPS_ADMINS and restart deskops');
  });
});

describe('paging', () => {
  it('says when a page is past the end of the list', () => {
    for (let n = 1; n <= 12; n++) desk.run(`/ticket new "Ticket ${n}"`);
    const reply = desk.run('/ticket list page:5');
    expect(reply.title).toBe('12 active tickets (page 2 of 2)');
    expect(reply.text).toBe('There is no page 5: the list has 2 pages; this is page 2.');
    expect(desk.run('/ticket list page:2').text).toBeUndefined();
    expect(replyText(desk.run('/ticket list tier:t5 page:3'))).toContain('There is no page 3: the list is empty.');
  });
});
