/** /ticket search (FTS5), requester history, merge, followers and watchers, known-issue notes and partner refs. */
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runFollowerUpdates } from '../../src/jobs/follower-updates.js';
import { comments, outbox, tickets } from '../../src/store/schema.js';
import { EARLIER_TICKETS_COUNTED, LIST_COUNTED_AHEAD } from '../../src/app/ticket-queries.js';
import { auditActions } from '../doubles/audit.js';
import { insertTicket } from '../doubles/tickets.js';
import { createTestDesk, replyText, type TestDesk } from '../doubles/deskops.js';
import pino from 'pino';
import { selectRow, selectRows } from '../doubles/db.js';

let desk: TestDesk;
beforeEach(() => {
  desk = createTestDesk();
  for (const user of ['alice', 'bob', 'jane']) desk.run('/whoami', user);
});
afterEach(() => desk.dispose());

const ok = (text: string, user?: string) => {
  const reply = desk.run(text, user);
  expect(reply.tone, `${text}\n${replyText(reply).slice(0, 500)}`).not.toBe('error');
  return reply;
};
const rows = () => selectRows(desk.app.store, outbox);
const jobCtx = () => ({ ...desk.app, logger: pino({ level: 'silent' }) });

describe('/ticket search', () => {
  beforeEach(() => {
    ok('/ticket new "SSO login loops after update" requester:jane@example.com description:"Every login redirects back to the IdP"');
    ok('/ticket new "Invoice shows wrong VAT" requester:jane@example.com');
    ok('/ticket new "Export times out" requester:@bob');
    ok('/ticket reply 2 The VAT rate comes from the billing country; change it under Billing settings.');
    ok('/ticket note 3 The nightly export job hits the 30 s gateway timeout.');
  });

  it('finds words in titles, descriptions, replies and internal notes, stemmed, with a snippet', () => {
    expect(desk.say('/ticket search login loop')).toMatch(/#1\*[\s\S]*\*loops\*/);
    expect(desk.say('/ticket search redirects idp')).toContain('#1');
    const billing = desk.run('/ticket search billing country');
    expect(replyText(billing)).toContain('#2');
    expect(replyText(billing)).toContain('in the reply');
    expect(desk.say('/ticket search gateway timeout')).toContain('in the internal note');
  });

  it('filters by requester, status and tag', () => {
    ok('/ticket tag 2 special:billing');
    expect(desk.say('/ticket search vat requester:jane@example.com')).toContain('#2');
    expect(desk.say('/ticket search vat requester:@bob')).toContain('No tickets match');
    expect(desk.say('/ticket search vat status:resolved')).toContain('No tickets match');
    expect(desk.say('/ticket search vat tag:special:billing')).toContain('#2');
    expect(desk.say('/ticket search export tag:special:billing')).toContain('No tickets match');
  });

  it('keeps up with changes in the same transaction: a merge moves replies to the surviving ticket', () => {
    ok('/ticket merge 2 into 1');
    expect(desk.say('/ticket search billing country')).toContain('#1*');
  });

  it('answers FTS syntax and SQL-looking input kindly, never with an error page', () => {
    for (const text of ['"*" OR 1=1', 'NEAR(login loop', 'title:sso', '* AND ^', "'; DROP TABLE tickets; --", 'login" OR "1"="1']) {
      const reply = desk.run(`/ticket search ${text}`);
      expect(reply.title, text).not.toMatch(/Sorry, something went wrong/);
    }
    const stars = desk.run('/ticket search "*"');
    expect(stars.tone).toBe('error');
    expect(stars.text).toContain('/ticket search');
    expect(selectRows(desk.app.store, tickets)).toHaveLength(3);
  });
});

describe('requester history', () => {
  it('lists a requester\'s tickets and shows "N earlier tickets" on the card', () => {
    ok('/ticket new "First" requester:Jane@Example.com');
    ok('/ticket new "Second" requester:jane@example.com');
    ok('/ticket new "Other" requester:@bob');
    ok('/ticket new "Third" requester:jane@example.com');
    expect(desk.say('/ticket list requester:jane@example.com status:all')).toMatch(/3 .*tickets/);
    expect(desk.say('/ticket list requester:@bob')).toContain('#3');
    const card = desk.run('/ticket show 4');
    expect(replyText(card)).toContain('2 earlier tickets from this requester');
    expect(card.buttons?.map((b) => b.command)).toContain('/ticket list requester:jane@example.com status:all');
    expect(replyText(desk.run('/ticket show 1'))).not.toContain('earlier ticket');
    expect(desk.run('/ticket list requester:not-an-address').tone).toBe('error');
  });

  it('counts a requester\'s earlier tickets up to 100 ("100+"): a monitoring address with thousands costs the card no more', () => {
    for (let i = 0; i < EARLIER_TICKETS_COUNTED + 5; i++) insertTicket(desk.app, { title: `Alert ${i}`, requester: 'alerts@example.com' });
    const last = EARLIER_TICKETS_COUNTED + 5;
    expect(replyText(desk.run(`/ticket show ${last}`))).toContain(`${EARLIER_TICKETS_COUNTED}+ earlier tickets from this requester`);
    expect(replyText(desk.run(`/ticket show ${EARLIER_TICKETS_COUNTED}`))).toContain(`${EARLIER_TICKETS_COUNTED - 1} earlier tickets from this requester`);
  });
});

describe('/ticket merge', () => {
  beforeEach(() => {
    ok('/ticket new "Login fails" requester:jane@example.com area:Authentication');
    ok('/ticket new "Cannot sign in" requester:jane@example.com type:Bug');
    ok('/ticket reply 2 Which browser do you use?');
    ok('/ticket follow 2', 'bob');
    ok('/known-issue new "SSO loop"');
    ok('/known-issue link 1 2');
  });

  it('moves timeline, tags, followers and links, closes the merged ticket with a link, tells the requester once', () => {
    ok('/ticket merge 2 into 1');
    const merged = selectRow(desk.app.store, tickets, eq(tickets.id, 2))!;
    expect(merged).toMatchObject({ status: 'closed', mergedIntoId: 1, knownIssueId: null });
    const survivor = selectRow(desk.app.store, tickets, eq(tickets.id, 1))!;
    expect(survivor.knownIssueId).toBe(1);
    const card = replyText(desk.run('/ticket show 1'));
    expect(card).toContain('Which browser do you use?');
    expect(card).toContain('type:Bug');
    expect(card).toContain('merged into this ticket');
    expect(replyText(desk.run('/ticket show 2'))).toContain('Merged into: #1');
    const told = rows().filter((r) => r.dedupeKey.startsWith('merged:'));
    expect(told.map((r) => [r.dedupeKey, r.channel])).toEqual([['merged:2', 'ticket:2']]);
    expect(auditActions(desk.app, 'ticket', 2)).toContain('ticket.merged');
    expect(auditActions(desk.app, 'ticket', 1)).toContain('ticket.merge_received');
    expect(desk.say('/ticket show 1')).toContain('Timeline');
  });

  it('refuses a merge into itself, a second merge and a cycle, changing nothing', () => {
    const before = selectRows(desk.app.store, comments).length;
    expect(desk.run('/ticket merge 1 into 1').title).toContain('cannot be merged into itself');
    ok('/ticket merge 2 into 1');
    expect(desk.run('/ticket merge 2 into 1').title).toContain('merged into #1 already');
    expect(desk.run('/ticket merge 1 into 2').title).toMatch(/was itself merged into #1|cycle|closed/);
    ok('/ticket new "Third"');
    expect(desk.run('/ticket merge 3 into 2').text).toContain('/ticket merge 3 into 1');
    expect(desk.run('/ticket merge 3 4').tone).toBe('error');
    expect(selectRows(desk.app.store, comments).length).toBe(before + 2);
  });
});

describe('followers and watchers', () => {
  it('DM each follower the public activity and status changes, coalesced, never their own, until unfollow', () => {
    ok('/ticket new "Printer on fire"');
    ok('/ticket follow 1', 'alice');
    ok('/ticket watch 1 @bob', 'alice');
    ok('/ticket reply 1 We are sending someone.', 'bob');
    ok('/ticket note 1 Internal: facilities called.', 'bob');
    ok('/ticket status 1 pending', 'bob');
    ok('/ticket reply-as-requester 1 Thanks!', 'jane');
    expect(runFollowerUpdates(jobCtx(), desk.clock.now()).queued).toBe(2);
    const dms = rows().filter((r) => r.dedupeKey.startsWith('follow:'));
    const alice = dms.find((r) => r.channel === 'person:1')!;
    const text = replyText(alice.payload as never);
    expect(text).toContain('We are sending someone.');
    expect(text).toContain('Open → Pending');
    expect(text).toContain('Thanks!');
    expect(text).not.toContain('facilities');
    const bob = replyText(dms.find((r) => r.channel === 'person:2')!.payload as never);
    expect(bob).not.toContain('We are sending someone.');
    expect(bob).toContain('Thanks!');
    expect(runFollowerUpdates(jobCtx(), desk.clock.now()).queued).toBe(0);
    ok('/ticket unfollow 1', 'alice');
    ok('/ticket reply 1 On the way.', 'bob');
    runFollowerUpdates(jobCtx(), desk.clock.now());
    expect(rows().filter((r) => r.dedupeKey.startsWith('follow:1:'))).toHaveLength(1);
    expect(auditActions(desk.app, 'ticket', 1)).toEqual(expect.arrayContaining(['ticket.followed', 'ticket.unfollowed']));
  });
});

describe('known-issue notes and partner refs', () => {
  it('sends a note to the agents of linked active tickets and the queues of unassigned ones', () => {
    ok('/ticket new "One"');
    ok('/ticket new "Two"');
    ok('/ticket new "Three"');
    ok('/ticket assign 1 @alice');
    ok('/known-issue new "Token cache" partner:ACME-4411');
    ok('/known-issue link 1 1 2 3');
    ok('/ticket status 3 resolved');
    const reply = ok('/known-issue note 1 Cause identified; fix at 14:00 UTC.', 'bob');
    expect(reply.text).toContain('1 agent and 1 queue');
    const notes = rows().filter((r) => r.dedupeKey.startsWith('ki-note:'));
    expect(notes.map((r) => r.channel).sort()).toEqual(['person:1', 'tier:triage']);
    const shown = desk.say('/known-issue show 1');
    expect(shown).toContain('ACME-4411');
    expect(shown).toContain('Cause identified');
    ok('/known-issue partner 1 none');
    expect(desk.say('/known-issue show 1')).not.toContain('ACME-4411');
    expect(auditActions(desk.app, 'known_issue', 1)).toEqual(expect.arrayContaining(['known_issue.note', 'known_issue.partner']));
  });
});

describe('long lists', () => {
  it('count up to 1,000 tickets past the page asked for ("1000+"), and every page stays reachable', () => {
    const desk = createTestDesk();
    try {
      for (let i = 0; i < LIST_COUNTED_AHEAD + 30; i++) insertTicket(desk.app, { title: `Queue ${i}` });
      const first = desk.run('/ticket list');
      expect(first.title).toBe(`${LIST_COUNTED_AHEAD}+ active tickets (page 1 of ${LIST_COUNTED_AHEAD / 10}+)`);
      // Past the counted pages: counted again from there, to the real end.
      const last = desk.run(`/ticket list page:${LIST_COUNTED_AHEAD / 10 + 3}`);
      expect(last.title).toBe(`${LIST_COUNTED_AHEAD + 30} active tickets (page ${LIST_COUNTED_AHEAD / 10 + 3} of ${LIST_COUNTED_AHEAD / 10 + 3})`);
      expect(replyText(last)).toContain('*#1*');
      expect(desk.run('/ticket list page:200').text).toContain(`the list has ${LIST_COUNTED_AHEAD / 10 + 3} pages`);
    } finally {
      desk.dispose();
    }
  });
});
