/**
 * Hostile mail against the real SMTP listener (sent with nodemailer over loopback): malformed MIME,
 * a 25 MB attachment, 5,000 recipients, CRLF in a subject, HTML with scripts and tracking pixels,
 * a forged In-Reply-To naming another requester's ticket, robots and lists, blocked senders,
 * bounces, and a flood of 1,000 mails from one sender.
 */
import { eq } from 'drizzle-orm';
import nodemailer from 'nodemailer';
import { afterEach, describe, expect, it } from 'vitest';
import { renderBlocks } from '../../src/adapters/slack/render.js';
import { attachments, bouncingAddresses, outbox, pendingMessages, people, tickets } from '../../src/store/schema.js';
import { createEmailDesk, sendMail, startMailCatcher, SUPPORT, type EmailDesk, type MailCatcher } from '../doubles/mail.js';
import { selectFields, selectRow, selectRows } from '../doubles/db.js';

let desk: EmailDesk | undefined;
let catcher: MailCatcher | undefined;
afterEach(async () => {
  await desk?.stop();
  await catcher?.close();
  desk = undefined;
  catcher = undefined;
});

function ticketCount(d: EmailDesk): number {
  return selectRows(d.app.store, tickets).length;
}

/** Sends raw bytes as one mail (nodemailer's `raw`: nothing is fixed up on the way). */
function sendRaw(port: number, raw: string | Buffer, to: string[] = [SUPPORT]) {
  return sendMail(port, { envelope: { from: 'someone@customer.test', to }, raw });
}

describe('hostile mail', () => {
  it('takes in or refuses malformed MIME without crashing, and keeps listening', async () => {
    desk = await createEmailDesk();
    const broken = [
      'From: a@customer.test\r\nSubject: broken multipart\r\nContent-Type: multipart/mixed; boundary="x"\r\n\r\n--x\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!not base64!!!\r\n--x\r\nContent-Type: application/octet-stream\r\n\r\n',
      'From: b@customer.test\r\nThis line has no colon\r\nSubject: =?UTF-8?B?invalid?=\r\nContent-Type: text/plain; charset=klingon\r\n\r\nbody\u0000with\u0000nulls',
      'no headers at all, just text\r\n\r\n',
      'From: <>\r\nSubject: empty sender\r\n\r\nhi',
      `From: c@customer.test\r\nSubject: deep\r\nContent-Type: multipart/mixed; boundary="b0"\r\n\r\n${Array.from({ length: 60 }, (_, i) => `--b${i}\r\nContent-Type: multipart/mixed; boundary="b${i + 1}"\r\n\r\n`).join('')}`,
    ];
    for (const raw of broken) {
      await sendRaw(desk.port, raw).catch((error: { responseCode?: number }) => expect(error.responseCode).toBeGreaterThanOrEqual(500));
    }
    // Whatever could be read became a ticket with a sender; nothing else did.
    for (const ticket of selectRows(desk.app.store, tickets)) expect(ticket.requester).toMatch(/@customer\.test$/);
    const ok = await sendMail(desk.port, { from: 'd@customer.test', to: SUPPORT, subject: 'still here?', text: 'yes' });
    expect(ok.response).toMatch(/^250/);
  });

  it('keeps attachments up to the limit, lists a 25 MB one as not kept', async () => {
    desk = await createEmailDesk({ env: { DESKOPS_MAIL_MAX_ATTACHMENT_BYTES: String(10 * 1024 * 1024) } });
    const big = Buffer.alloc(25 * 1024 * 1024, 7);
    await sendMail(desk.port, {
      from: 'files@customer.test',
      to: SUPPORT,
      subject: 'Logs attached',
      text: 'See the logs.',
      attachments: [
        { filename: 'small.log', content: 'line 1\nline 2\n' },
        { filename: 'disk.img', content: big },
      ],
    });
    const rows = selectRows(desk.app.store, attachments);
    expect(rows.map((r) => [r.filename, r.size, r.data === null])).toEqual([
      ['small.log', 14, false],
      ['disk.img', 25 * 1024 * 1024, true],
    ]);
    const description = selectRow(desk.app.store, tickets)!.description!;
    expect(description).toContain('- small.log (14 B)');
    expect(description).toContain('- disk.img (25.0 MB, not kept: over the 10.0 MB limit)');
  }, 60_000);

  it('refuses a mail over DESKOPS_MAIL_MAX_MESSAGE_BYTES and recipients that are not support addresses', async () => {
    desk = await createEmailDesk({ env: { DESKOPS_MAIL_MAX_MESSAGE_BYTES: '20000' } });
    await expect(sendMail(desk.port, { from: 'a@customer.test', to: SUPPORT, subject: 'big', text: 'x'.repeat(50_000) })).rejects.toMatchObject({ responseCode: 552 });
    await expect(sendMail(desk.port, { from: 'a@customer.test', to: 'someone-else@desk.test', subject: 'relay me', text: 'hi' })).rejects.toMatchObject({ code: 'EENVELOPE' });
    expect(ticketCount(desk)).toBe(0);
  });

  it('opens one ticket for a mail naming 5,000 recipients, and takes only the support address from a long envelope', async () => {
    desk = await createEmailDesk();
    desk.run('/mail address add cloud@desk.test dept:trials');
    const many = Array.from({ length: 5000 }, (_, i) => `person${i}@elsewhere.test`);
    const started = Date.now();
    await sendMail(desk.port, { from: 'chain@customer.test', to: [...many, 'cloud@desk.test'], subject: 'To everyone', text: 'hello all', envelope: { from: 'chain@customer.test', to: ['cloud@desk.test'] } });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(selectFields(desk.app.store, tickets, { d: tickets.department })).toEqual([{ d: 'trials' }]);
    // 150 envelope recipients: the support address is accepted, the others refused one by one (at most 100 asked).
    const info = (await sendMail(desk.port, { from: 'chain2@customer.test', to: SUPPORT, subject: 'envelope', text: 'hi', envelope: { from: 'chain2@customer.test', to: [SUPPORT, ...many.slice(0, 149)] } })) as unknown as { accepted: string[]; rejected: string[] };
    expect(info.accepted).toEqual([SUPPORT]);
    expect(info.rejected).toHaveLength(149);
    expect(ticketCount(desk)).toBe(2);
  });

  it('keeps CRLF in a subject out of every header deskops writes', async () => {
    catcher = await startMailCatcher();
    desk = await createEmailDesk({ env: { DESKOPS_SMTP_URL: catcher.url } });
    const evil = 'Help\r\nBcc: victim@elsewhere.test\r\nX-Injected: yes';
    await sendMail(desk.port, { from: 'evil@customer.test', to: SUPPORT, subject: evil, text: 'body' });
    const title = selectRow(desk.app.store, tickets)!.title;
    expect(title).not.toMatch(/[\r\n]/);
    desk.run('/ticket reply 1 Hello');
    await desk.deliver();
    const [mail] = await catcher.waitFor(1);
    expect(mail!.to).toEqual(['evil@customer.test']);
    expect(mail!.mail.headers.get('x-injected')).toBeUndefined();
    expect(mail!.mail.bcc).toBeUndefined();
    expect(mail!.mail.subject).toMatch(/^\[#1\] Help Bcc: victim@elsewhere\.test X-Injected: yes$/);
    // In the raw header block the subject is one logical line.
    const head = mail!.raw.toString('utf8').split('\r\n\r\n')[0]!;
    expect(head).not.toMatch(/^Bcc:/im);
    expect(head).not.toMatch(/^X-Injected:/im);
  });

  it('stores a NUL character (subject, body, sender name, file name) as U+FFFD on every engine, and shows both sides the same', async () => {
    catcher = await startMailCatcher();
    desk = await createEmailDesk({ env: { DESKOPS_SMTP_URL: catcher.url } });
    desk.run('/mail receipts on');
    // Raw bytes, so no library on the way drops or encodes the NULs (PostgreSQL's text refuses them);
    // the name as an encoded word, since the address parser drops a bare NUL but decodes this one.
    const raw = [
      `From: =?UTF-8?B?${Buffer.from('Nul\u0000Name').toString('base64')}?= <nul@customer.test>`,
      `To: ${SUPPORT}`,
      'Subject: Printer\u0000jam',
      'Message-ID: <nul1@customer.test>',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b"',
      '',
      '--b',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'It jams\u0000on page 2.',
      '--b',
      'Content-Type: text/plain; name="tray\u00001.log"',
      'Content-Disposition: attachment; filename="tray\u00001.log"',
      '',
      'tray log',
      '--b--',
      '',
    ].join('\r\n');
    const sent = await sendRaw(desk.port, raw);
    expect(sent.response).toMatch(/^250/);
    expect(desk.outcomes.at(-1)).toMatchObject({ kind: 'taken', outcome: { kind: 'opened', ticketId: 1 } });
    const ticket = selectRow(desk.app.store, tickets)!;
    expect(ticket.title).toBe('Printer\uFFFDjam');
    expect(ticket.description).toContain('It jams\uFFFDon page 2.');
    expect(selectRows(desk.app.store, attachments).map((row) => row.filename)).toEqual(['tray\uFFFD1.log']);
    expect(selectRows(desk.app.store, people).map((row) => row.displayName)).toContain('Nul\uFFFDName');
    // The agent reads what was stored; the requester's receipt names the same title.
    const shown = desk.say('/ticket show 1');
    expect(shown).toContain('Printer\uFFFDjam');
    expect(shown).toContain('It jams\uFFFDon page 2.');
    await desk.deliver();
    const [receipt] = await catcher.waitFor(1);
    expect(receipt!.to).toEqual(['nul@customer.test']);
    expect(receipt!.mail.subject).toBe('[#1] Printer\uFFFDjam');
    expect(JSON.stringify(selectRows(desk.app.store, tickets))).not.toContain('\\u0000');
  });

  it('turns HTML into plain text without scripts or tracking pixels, and chat shows no markup from it', async () => {
    desk = await createEmailDesk();
    const html = '<html><head><style>p{color:red}</style><script>alert("xss")</script></head><body><p>Hi <b>team</b>,</p><p>the <a href="https://example.test/doc">doc</a> is wrong.</p><img src="https://tracker.test/p.gif?u=1" width="1" height="1"><p>&lt;@U123&gt; <script>steal()</script></p></body></html>';
    await sendMail(desk.port, { from: 'html@customer.test', to: SUPPORT, subject: 'HTML only', html });
    const description = selectRow(desk.app.store, tickets)!.description!;
    expect(description).toContain('Hi team,');
    expect(description).toContain('doc [https://example.test/doc]');
    expect(description).not.toMatch(/alert|steal|tracker\.test|<script|<img|color:red/);
    const blocks = JSON.stringify(renderBlocks(desk.run('/ticket show 1')));
    expect(blocks).not.toMatch(/<script|<img|tracker\.test/);
    expect(blocks).not.toContain('<@U123>');
  });

  it('never attaches a forged In-Reply-To or [#n] to another requester\'s ticket', async () => {
    catcher = await startMailCatcher();
    desk = await createEmailDesk({ env: { DESKOPS_SMTP_URL: catcher.url } });
    await sendMail(desk.port, { from: 'alice@customer.test', to: SUPPORT, subject: 'My invoice', text: 'private', messageId: '<alice1@customer.test>' });
    desk.run('/ticket reply 1 Here is your invoice.');
    await desk.deliver();
    const [ours] = await catcher.waitFor(1);
    await sendMail(desk.port, { from: 'mallory@evil.test', to: SUPPORT, subject: 'Re: [#1] My invoice', text: 'add me', inReplyTo: ours!.mail.messageId!, references: ['<alice1@customer.test>', ours!.mail.messageId!] });
    expect(desk.outcomes.at(-1)).toMatchObject({ kind: 'taken', outcome: { kind: 'opened', ticketId: 2 } });
    expect(desk.say('/ticket show 1')).not.toContain('add me');
    expect(selectRow(desk.app.store, tickets, eq(tickets.id, 2))!.requester).toBe('mallory@evil.test');
    // The real requester's answer, with only [#1] in the subject, does attach.
    await sendMail(desk.port, { from: 'Alice@Customer.test', to: SUPPORT, subject: 'Re: [#1] My invoice', text: 'thanks' });
    expect(desk.outcomes.at(-1)).toMatchObject({ kind: 'taken', outcome: { kind: 'recorded', ticketId: 1 } });
  });

  it('never answers robots, lists, loops, its own address or blocked senders', async () => {
    catcher = await startMailCatcher();
    desk = await createEmailDesk({ env: { DESKOPS_SMTP_URL: catcher.url } });
    desk.run('/mail receipts on');
    desk.run('/requester block @spam.test');
    const dropped = [
      { from: 'a@customer.test', headers: { 'Auto-Submitted': 'auto-replied' } },
      { from: 'b@customer.test', headers: { 'Auto-Submitted': 'auto-generated' } },
      { from: 'c@customer.test', headers: { Precedence: 'bulk' } },
      { from: 'd@customer.test', headers: { Precedence: 'list' } },
      { from: 'e@customer.test', headers: { Precedence: 'junk' } },
      { from: 'MAILER-DAEMON@customer.test', headers: {} },
      { from: 'postmaster@customer.test', headers: {} },
      { from: 'no-reply@customer.test', headers: {} },
      { from: 'noreply@customer.test', headers: {} },
      { from: SUPPORT, headers: {} },
      { from: 'x@spam.test', headers: {} },
      { from: 'y@mail.spam.test', headers: {} },
    ];
    for (const mail of dropped) await sendMail(desk.port, { ...mail, to: SUPPORT, subject: 'hello', text: 'hello' });
    expect(desk.outcomes.map((o) => o.kind)).toEqual(dropped.map(() => 'dropped'));
    expect(ticketCount(desk)).toBe(0);
    await sendMail(desk.port, { from: 'person@customer.test', to: SUPPORT, subject: 'A real question', text: 'hi', headers: { 'Auto-Submitted': 'no' } });
    expect(ticketCount(desk)).toBe(1);
    await desk.deliver();
    const [receipt] = await catcher.waitFor(1);
    expect(receipt!.mail.headers.get('auto-submitted')).toBe('auto-replied');
    expect(catcher.mails).toHaveLength(1);
  });

  it('marks a bouncing address, tells the agent and shows it on the card', async () => {
    catcher = await startMailCatcher();
    desk = await createEmailDesk({ env: { DESKOPS_SMTP_URL: catcher.url } });
    await sendMail(desk.port, { from: 'gone@customer.test', to: SUPPORT, subject: 'Question', text: 'hi' });
    desk.run('/ticket reply 1 An answer.');
    await desk.deliver();
    const [ours] = await catcher.waitFor(1);
    const dsn = [
      'From: Mail Delivery System <MAILER-DAEMON@mx.customer.test>',
      `To: ${SUPPORT}`,
      'Subject: Undelivered Mail Returned to Sender',
      'Message-ID: <dsn1@mx.customer.test>',
      'Auto-Submitted: auto-replied',
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="r"',
      '',
      '--r',
      'Content-Type: text/plain',
      '',
      'Your mail could not be delivered.',
      '--r',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; mx.customer.test',
      '',
      'Final-Recipient: rfc822; gone@customer.test',
      'Action: failed',
      'Status: 5.1.1',
      'Diagnostic-Code: smtp; 550 5.1.1 <gone@customer.test>: user unknown',
      '',
      '--r',
      'Content-Type: text/rfc822-headers',
      '',
      `Message-ID: ${ours!.mail.messageId}`,
      'Subject: [#1] Question',
      '',
      '--r--',
      '',
    ].join('\r\n');
    await sendRaw(desk.port, dsn);
    await sendRaw(desk.port, dsn);
    expect(desk.outcomes.slice(-2).map((o) => o.kind)).toEqual(['bounce', 'dropped']);
    expect(selectRows(desk.app.store, bouncingAddresses)).toMatchObject([{ address: 'gone@customer.test', bounces: 1, reason: expect.stringContaining('5.1.1') }]);
    const notice = selectRow(desk.app.store, outbox, eq(outbox.dedupeKey, 'mail-bounce:1:<dsn1@mx.customer.test>'));
    expect(notice).toMatchObject({ channel: 'tier:triage', audience: 'staff' });
    const card = desk.say('/ticket show 1');
    expect(card).toContain('gone@customer.test: bounces (5.1.1');
    expect(card).toContain('Mail to gone@customer.test bounced');
    expect(ticketCount(desk)).toBe(1);
  });

  it('holds back a flood: 1,000 mails from one sender make at most the limit of tickets and offers', async () => {
    desk = await createEmailDesk({ rateLimits: true, env: { DESKOPS_MAIL_SENDER_LIMIT: '10,30' } });
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: desk.port, secure: false, ignoreTLS: true, pool: true, maxConnections: 2, maxMessages: Infinity, logger: false });
    const answers = { ok: 0, held: 0 };
    try {
      for (let batch = 0; batch < 1000; batch += 50) {
        await Promise.all(
          Array.from({ length: 50 }, (_, i) =>
            transport.sendMail({ from: 'flood@customer.test', to: SUPPORT, subject: `Flood ${batch + i}`, text: 'again' }).then(
              () => answers.ok++,
              (error: { responseCode?: number }) => {
                expect(error.responseCode).toBe(451);
                answers.held++;
              },
            ),
          ),
        );
      }
    } finally {
      transport.close();
    }
    expect(answers).toEqual({ ok: 10, held: 990 });
    // One ticket; the other nine are offered to an agent ("add to #1 or open a new ticket"), not opened.
    expect(ticketCount(desk)).toBe(1);
    expect(selectRows(desk.app.store, pendingMessages)).toHaveLength(9);
    // Another sender is not held back by the flood.
    await sendMail(desk.port, { from: 'calm@customer.test', to: SUPPORT, subject: 'Hi', text: 'hello' });
    expect(ticketCount(desk)).toBe(2);
  }, 120_000);
});
