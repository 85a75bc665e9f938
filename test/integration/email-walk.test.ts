/**
 * The issue's "Done when", by mail and with real protocol peers: a mail sent with nodemailer to
 * deskops' SMTP listener opens a ticket; /ticket reply goes out through the email sink to an SMTP
 * server started here, threaded (Message-ID, In-Reply-To, References, "[#n] title"); the
 * requester's answer by mail reopens the Pending ticket.
 */
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mailMessages, outbox, tickets } from '../../src/store/schema.js';
import { selectFields, selectRow, updateRows } from '../doubles/db.js';
import { createEmailDesk, sendMail, startMailCatcher, SUPPORT, type EmailDesk, type MailCatcher } from '../doubles/mail.js';

describe('email, both ways (the walk)', () => {
  let catcher: MailCatcher;
  let desk: EmailDesk;

  beforeEach(async () => {
    catcher = await startMailCatcher();
    desk = await createEmailDesk({ env: { DESKOPS_SMTP_URL: catcher.url } });
  });

  afterEach(async () => {
    await desk.stop();
    await catcher.close();
  });

  it('opens a ticket from a mail, mails the reply threaded, and reopens on the answer', async () => {
    const first = await sendMail(desk.port, { from: 'Jane Doe <Jane@Customer.test>', to: SUPPORT, subject: 'Export fails', text: 'The CSV export stops at 50%.\n\n-- \nJane Doe\nCustomer Inc.', messageId: '<q1@customer.test>' });
    expect(first.response).toMatch(/^250/);
    expect(desk.outcomes[0]).toMatchObject({ kind: 'taken', outcome: { kind: 'opened', ticketId: 1 } });
    const ticket = selectRow(desk.app.store, tickets, eq(tickets.id, 1))!;
    expect(ticket).toMatchObject({ title: 'Export fails', requester: 'jane@customer.test', origin: 'email' });
    // The signature is trimmed from the description.
    expect(ticket.description).toBe('The CSV export stops at 50%.');
    expect(desk.say('/ticket show 1')).toContain('jane@customer.test');

    expect(desk.say('/ticket reply 1 Go to Settings > Export and pick "all rows".')).not.toMatch(/sorry|error/i);
    desk.run('/ticket status 1 pending');
    const report = await desk.deliver();
    expect(report.sent).toBe(1);
    const [sent] = await catcher.waitFor(1);
    expect(sent!.to).toEqual(['jane@customer.test']);
    expect(sent!.mail.subject).toBe('[#1] Export fails');
    expect(sent!.mail.inReplyTo).toBe('<q1@customer.test>');
    expect(sent!.mail.references).toEqual('<q1@customer.test>');
    expect(sent!.mail.messageId).toMatch(/^<deskops\.[A-Za-z0-9]{24}@desk\.test>$/);
    expect(sent!.mail.from?.value[0]).toMatchObject({ address: SUPPORT, name: 'Desk Support' });
    expect(sent!.mail.text).toContain('Go to Settings > Export and pick "all rows".');
    expect(sent!.mail.html).toContain('Go to Settings &gt; Export and pick &quot;all rows&quot;.');
    expect(sent!.mail.headers.get('auto-submitted')).toBeUndefined();
    const out = selectRow(desk.app.store, mailMessages, eq(mailMessages.messageId, sent!.mail.messageId!));
    expect(out).toMatchObject({ ticketId: 1, direction: 'out', address: 'jane@customer.test' });
    expect(selectFields(desk.app.store, tickets, { status: tickets.status }, eq(tickets.id, 1))[0]!.status).toBe('pending');

    // The requester answers from their mail client: In-Reply-To names deskops' mail.
    await sendMail(desk.port, {
      from: 'jane@customer.test',
      to: SUPPORT,
      subject: 'Re: [#1] Export fails',
      text: 'That worked, thanks!\n\nOn Mon, Nov 23, 2026 Desk Support wrote:\n> Go to Settings > Export',
      inReplyTo: sent!.mail.messageId!,
      references: [sent!.mail.messageId!],
      messageId: '<a1@customer.test>',
    });
    expect(desk.outcomes[1]).toMatchObject({ kind: 'taken', outcome: { kind: 'recorded', ticketId: 1, reopenedFrom: 'pending' } });
    expect(selectFields(desk.app.store, tickets, { status: tickets.status }, eq(tickets.id, 1))[0]!.status).toBe('open');
    const show = desk.say('/ticket show 1');
    expect(show).toContain('That worked, thanks!');
    expect(show).not.toContain('> Go to Settings');

    // The next reply threads under the answer, and its References carry the whole thread.
    desk.run('/ticket reply 1 Glad it works.');
    await desk.deliver();
    const [, second] = await catcher.waitFor(2);
    expect(second!.mail.inReplyTo).toBe('<a1@customer.test>');
    expect(second!.mail.references).toEqual(['<q1@customer.test>', sent!.mail.messageId, '<a1@customer.test>']);
  });

  it('sends the Pending reminder with Auto-Submitted, and a delivery again after a crash is not a second mail', async () => {
    await sendMail(desk.port, { from: 'bob@customer.test', to: SUPPORT, subject: 'Question', text: 'How do I reset?' });
    desk.run('/ticket reply 1 Use the reset link.');
    desk.run('/ticket status 1 pending');
    await desk.deliver();
    desk.clock.set(new Date('2026-11-27T10:00:00Z'));
    await desk.engine.runJobs(desk.clock.now());
    await desk.deliver();
    const mails = await catcher.waitFor(2);
    expect(mails[1]!.mail.headers.get('auto-submitted')).toBe('auto-replied');
    expect(mails[1]!.mail.subject).toBe('[#1] Question');

    // A crash after the send and before the row was marked: the row comes back, the mail is known.
    updateRows(desk.app.store, outbox, { state: 'queued', nextAttemptAt: new Date(0) }, eq(outbox.channel, 'ticket:1'));
    const again = await desk.deliver();
    expect(again.sent).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(catcher.mails).toHaveLength(2);
  });
});
