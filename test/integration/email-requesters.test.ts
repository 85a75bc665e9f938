/**
 * A requester by mail (issue 10's "an unknown email" source): a stranger mails every command of the
 * registry, as the subject and as the body, and a forged `[#1]` reply to someone else's ticket.
 * Mail carries no commands: each is only text of their own request. Nothing that existed before
 * changes (the staff's ticket, its timeline, the on-call setup, people's roles), the stranger is
 * no staff member, and every mail deskops then sends them carries none of the staff's text.
 *
 * Broken on purpose, this fails: a mail body run as a command, a `[#1]` subject from a stranger
 * attached to ticket 1, or a staff row mailed to the requester.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { storeChanges, snapshotStore } from '../doubles/store-snapshot.js';
import { createEmailDesk, sendMail, startMailCatcher, SUPPORT, type EmailDesk, type MailCatcher } from '../doubles/mail.js';
import { onPostgres } from '../doubles/test-engine.js';

let desk: EmailDesk | undefined;
let catcher: MailCatcher | undefined;
afterEach(async () => {
  await desk?.stop();
  await catcher?.close();
  desk = undefined;
  catcher = undefined;
});

const STRANGER = 'mallory@evil.test';
const STAFF_ONLY = ['NOTE-SECRET', '5550199', 'ESCALATION-SECRET', 'HANDOFF-SECRET', 'jane@example.com', 'Login fails after SSO change'];

/** Tables a stranger's mail may add rows to; rows that existed before must stay as they were. */
const MAY_GROW = new Set(['tickets', 'comments', 'pending_messages', 'mail_messages', 'ticket_conversations', 'audit_events', 'outbox', 'people', 'identities', 'seen_events', 'sla_clocks', 'attachments']);

describe('a stranger mailing commands', () => {
  it('runs none of them: their text becomes their own request, nothing else changes, nothing for staff is mailed to them', async () => {
    catcher = await startMailCatcher();
    desk = await createEmailDesk({ env: { DESKOPS_SMTP_URL: catcher.url }, rateLimits: false });
    const d = desk;
    for (const line of [
      '/ticket new "Login fails after SSO change" requester:jane@example.com priority:high',
      '/ticket note 1 NOTE-SECRET: the customer is on 6.4',
      '/oncall contacts set phone +49 30 5550199',
      '/oncall rotation set @lead',
      '/escalate 1 ESCALATION-SECRET why does the cache loop?',
      '/ticket handoff 1 engagement HANDOFF-SECRET asks about the enterprise plan',
    ]) {
      expect(d.run(line).tone, line).not.toBe('error');
    }
    await d.deliver();
    const mailedBefore = catcher.mails.length;
    const before = snapshotStore(d.app);

    const lines = d.registry.all().flatMap((definition) => [`/${definition.path.join(' ')} 1`, ...(definition.examples ?? []).slice(0, 1).map((e) => e.replace(/\b42\b/g, '1'))]);
    lines.push('[#1] Re: Login fails after SSO change', '/people role @mallory admin', '/oncall ack 1', '/ticket status 1 closed');
    for (const [i, line] of lines.entries()) {
      const sent = await sendMail(d.port, { from: `Mallory <${STRANGER}>`, to: SUPPORT, subject: line, text: `${line}\n${line}`, messageId: `<m${i}@evil.test>` });
      expect(sent.response, line).toMatch(/^250/);
    }

    // Nothing that existed changed: only new rows, in the tables a request adds to.
    const changes = storeChanges(before, snapshotStore(d.app));
    for (const [table, { added, removed }] of changes) {
      // The search index's own pages and SQLite's id counters move with any new row.
      if (table === 'sqlite_sequence' || table.startsWith('search_docs')) continue;
      expect(removed, `${table}: rows that existed before changed`).toEqual([]);
      if (added.length > 0) expect([...MAY_GROW], `${table} grew`).toContain(table);
    }
    // Ticket 1 got nothing from them; their person is no staff member; each line is text of their own request.
    for (const row of (changes.get('comments')?.added ?? []).map((r) => JSON.parse(r) as { ticket_id: number })) expect(row.ticket_id).not.toBe(1);
    for (const row of (changes.get('people')?.added ?? []).map((r) => JSON.parse(r) as { is_staff: number; role: string })) {
      // SQLite stores a boolean as 0 or 1.
      expect(row.is_staff).toBe(onPostgres ? false : 0);
    }
    const theirs = (changes.get('tickets')?.added ?? []).map((r) => JSON.parse(r) as { requester: string; title: string });
    expect(theirs.length).toBeGreaterThan(0);
    for (const ticket of theirs) expect(ticket.requester).toBe(STRANGER);
    expect(d.say('/whoami')).toContain('admin');

    // What goes out to them (receipts are off by default: offers and replies only if staff act) carries no staff text.
    d.run('/ticket reply 2 We will look at it.');
    await d.deliver();
    const toThem = catcher.mails.slice(mailedBefore).filter((mail) => mail.to.includes(STRANGER));
    expect(toThem.length).toBeGreaterThan(0);
    const text = toThem.map((mail) => `${mail.mail.subject ?? ''}\n${mail.mail.text ?? ''}\n${typeof mail.mail.html === 'string' ? mail.mail.html : ''}`).join('\n');
    for (const secret of STAFF_ONLY) expect(text, secret).not.toContain(secret);
  }, 120_000);
});
