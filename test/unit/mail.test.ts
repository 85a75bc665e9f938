/** The pure email rules (src/domain/mail.ts), the mail renderer and the email configuration. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderMail } from '../../src/adapters/email/render.js';
import { newText } from '../../src/adapters/email/parse.js';
import { ConfigError, configSecrets, loadConfig } from '../../src/config.js';
import { emailUrlSecrets } from '../../src/config-email.js';
import { automaticReason, blockingPattern, blockPattern, isRobotAddress, messageIdsIn, outboundMessageId, referencesChain, ticketInSubject, ticketSubject } from '../../src/domain/mail.js';
import { scrubSecrets } from '../../src/log.js';
import { publicReplyMessage } from '../../src/views/conversation.js';
import { checkProperty } from '../doubles/property.js';

describe('mail that is never answered', () => {
  it('knows robots and lists by their headers', () => {
    expect(automaticReason({ autoSubmitted: 'auto-replied' })).toMatch(/Auto-Submitted: auto-replied/);
    expect(automaticReason({ autoSubmitted: 'Auto-Generated; owner-email="x@y"' })).toMatch(/auto-generated/);
    expect(automaticReason({ autoSubmitted: 'no' })).toBeUndefined();
    expect(automaticReason({ precedence: 'Bulk' })).toMatch(/bulk/);
    expect(automaticReason({ precedence: 'list' })).toMatch(/list/);
    expect(automaticReason({ precedence: 'junk' })).toMatch(/junk/);
    expect(automaticReason({ precedence: 'first-class' })).toBeUndefined();
    expect(automaticReason({})).toBeUndefined();
  });

  it('knows robots by their address', () => {
    for (const robot of ['MAILER-DAEMON@x.test', 'postmaster@x.test', 'no-reply@x.test', 'noreply@x.test', 'do-not-reply@x.test', 'donotreply@x.test', 'bounces+abc@x.test', 'no_reply@x.test']) expect(isRobotAddress(robot), robot).toBe(true);
    for (const person of ['jane@x.test', 'noreen@x.test', 'postman@x.test', 'reply@x.test']) expect(isRobotAddress(person), person).toBe(false);
  });
});

describe('blocking', () => {
  it('reads an address or a domain, and covers subdomains', () => {
    expect(blockPattern(' Spam@Example.COM ')).toBe('spam@example.com');
    expect(blockPattern('@Example.com')).toBe('@example.com');
    for (const bad of ['spam', '@', '@nodot', 'a@b', 'a b@c.test', '<a@b.test>']) expect(blockPattern(bad), bad).toBeUndefined();
    expect(blockingPattern('x@mail.spam.test', ['@spam.test'])).toBe('@spam.test');
    expect(blockingPattern('x@notspam.test', ['@spam.test'])).toBeUndefined();
    expect(blockingPattern('X@Example.com', ['x@example.com'])).toBe('x@example.com');
    expect(blockingPattern('y@example.com', ['x@example.com'])).toBeUndefined();
  });
});

describe('subjects and thread ids', () => {
  it('finds [#n] in a subject', () => {
    expect(ticketInSubject('Re: [#123] Login fails')).toBe(123);
    expect(ticketInSubject('Fwd: RE: [#7]')).toBe(7);
    expect(ticketInSubject('About #123')).toBeUndefined();
    expect(ticketInSubject(undefined)).toBeUndefined();
  });

  it('writes a subject on one line whatever the title holds', () => {
    checkProperty(
      fc.property(fc.integer({ min: 1, max: 1e6 }), fc.string({ maxLength: 400, unit: 'binary' }), (id, title) => {
        const subject = ticketSubject(id, title);
        expect(subject.startsWith(`[#${id}] `)).toBe(true);
        // eslint-disable-next-line no-control-regex
        expect(subject).not.toMatch(/[\u0000-\u001F\u007F\u2028\u2029]/);
        expect(ticketInSubject(subject)).toBe(id);
      }),
      { numRuns: 300 },
    );
    expect(ticketSubject(5, 'Help\r\nBcc: x@y.test')).toBe('[#5] Help Bcc: x@y.test');
    expect(ticketSubject(null, 'Hello')).toBe('Hello');
  });

  it('derives the same Message-ID from the same dedupe key, and another from another', () => {
    expect(outboundMessageId('reply:12', 'desk.test')).toBe(outboundMessageId('reply:12', 'desk.test'));
    expect(outboundMessageId('reply:12', 'desk.test')).not.toBe(outboundMessageId('reply:13', 'desk.test'));
    expect(outboundMessageId('reply:12', 'desk.test')).toMatch(/^<deskops\.[A-Za-z0-9]{24}@desk\.test>$/);
  });

  it('reads Message-IDs and keeps the root and the latest when References grow long', () => {
    expect(messageIdsIn('<a@b> junk <c@d>')).toEqual(['<a@b>', '<c@d>']);
    expect(messageIdsIn(['<a@b>', '<c@d>'])).toEqual(['<a@b>', '<c@d>']);
    const ids = Array.from({ length: 30 }, (_, i) => `<m${i}@x>`);
    const chain = referencesChain([...ids, '<m3@x>'], 20);
    expect(chain).toHaveLength(20);
    expect(chain[0]).toBe('<m0@x>');
    expect(chain.at(-1)).toBe('<m29@x>');
  });
});

describe('the mail a requester receives', () => {
  it('escapes everything in the HTML and signs the text', () => {
    const mail = renderMail(publicReplyMessage(4, 'Use <b>this</b> & "that" <script>x()</script>', 'Alice Agent (support team)'));
    expect(mail.html).toContain('Use &lt;b&gt;this&lt;/b&gt; &amp; &quot;that&quot; &lt;script&gt;x()&lt;/script&gt;');
    expect(mail.html).not.toMatch(/<b>|<script/);
    expect(mail.text).toBe('Use <b>this</b> & "that" <script>x()</script>\n\n-- \nAlice Agent (support team)\nRequest #4');
  });

  it('trims quoted history and signatures, keeping a mail that is all quote', () => {
    expect(newText('Thanks!\n\nOn Mon, Nov 23, 2026 at 10:00 Support <s@x.test> wrote:\n> old text')).toBe('Thanks!');
    expect(newText('Hi\r\n\r\n-- \r\nJane\r\nACME')).toBe('Hi');
    expect(newText('> only a quote')).toBe('> only a quote');
  });
});

describe('email configuration', () => {
  const base = { DESKOPS_DB: ':memory:', DESKOPS_MAIL_FROM: 'support@desk.test' };

  function problems(env: Record<string, string>): string {
    try {
      loadConfig({ ...base, ...env });
    } catch (error) {
      if (error instanceof ConfigError) return error.message;
      throw error;
    }
    return '';
  }

  it('is off without its variables, and on with any of the three', () => {
    expect(loadConfig({ DESKOPS_DB: ':memory:' }).email).toBeUndefined();
    expect(loadConfig({ ...base, DESKOPS_SMTP_URL: 'smtp://127.0.0.1:25' }).email).toMatchObject({ smtpUrl: 'smtp://127.0.0.1:25', from: { address: 'support@desk.test' } });
    expect(loadConfig({ ...base, DESKOPS_SMTP_LISTEN: '0.0.0.0:2525' }).email?.listen).toEqual({ host: '0.0.0.0', port: 2525 });
    expect(loadConfig({ ...base, DESKOPS_IMAP_URL: 'imaps://me%40x.test:p%3Ass@mail.x.test/Support' }).email?.imap).toMatchObject({ host: 'mail.x.test', port: 993, secure: true, user: 'me@x.test', password: 'p:ss', mailbox: 'Support', done: { kind: 'move', folder: 'deskops-done' } });
    expect(loadConfig({ ...base, DESKOPS_MAIL_FROM: '"Acme Support" <Help@Acme.test>', DESKOPS_SMTP_URL: 'smtp://h:25' }).email?.from).toEqual({ name: 'Acme Support', address: 'help@acme.test' });
  });

  it('refuses every wrong value, naming the variable and what to write', () => {
    expect(problems({ DESKOPS_SMTP_URL: 'http://mail.test' })).toMatch(/DESKOPS_SMTP_URL=.*must be a URL such as smtp:/);
    expect(problems({ DESKOPS_IMAP_URL: 'imap://mail.test/INBOX' })).toMatch(/DESKOPS_IMAP_URL has no login/);
    expect(problems({ DESKOPS_IMAP_URL: 'pop3://a:b@mail.test' })).toMatch(/DESKOPS_IMAP_URL=.*must be a URL such as imaps:/);
    expect(problems({ DESKOPS_SMTP_LISTEN: '2525' })).toMatch(/DESKOPS_SMTP_LISTEN=.*host:port/);
    expect(problems({ DESKOPS_SMTP_LISTEN: '127.0.0.1:99999' })).toMatch(/DESKOPS_SMTP_LISTEN=.*0-65535/);
    expect(problems({ DESKOPS_SMTP_LISTEN: '127.0.0.1:2525', DESKOPS_SMTP_TLS_CERT: '/no/such/cert.pem' })).toMatch(/DESKOPS_SMTP_TLS_CERT=.*no such file/);
    expect(problems({ DESKOPS_SMTP_LISTEN: '127.0.0.1:2525', DESKOPS_SMTP_TLS_CERT: '/etc/hostname' })).toMatch(/go together/);
    expect(problems({ DESKOPS_SMTP_URL: 'smtp://h:25', DESKOPS_MAIL_FROM: 'not an address' })).toMatch(/DESKOPS_MAIL_FROM=.*must be an address/);
    expect(problems({ DESKOPS_SMTP_URL: 'smtp://h:25', DESKOPS_MAIL_FROM: '' })).toMatch(/DESKOPS_MAIL_FROM is not set/);
    expect(problems({ DESKOPS_MAIL_MAX_ATTACHMENT_BYTES: '-1' })).toMatch(/DESKOPS_MAIL_MAX_ATTACHMENT_BYTES/);
    expect(problems({ DESKOPS_IMAP_POLL_SECONDS: '1' })).toMatch(/DESKOPS_IMAP_POLL_SECONDS/);
    expect(problems({ DESKOPS_MAIL_SENDER_LIMIT: 'lots' })).toMatch(/DESKOPS_MAIL_SENDER_LIMIT=.*burst/);
    expect(problems({ DESKOPS_IMAP_URL: 'imap://a:b@h/INBOX', DESKOPS_IMAP_DONE_FOLDER: 'INBOX' })).toMatch(/DESKOPS_IMAP_DONE_FOLDER is the mailbox/);
  });

  it('never shows a password from a mail URL, in errors or in logs', () => {
    expect(problems({ DESKOPS_SMTP_URL: 'ftp://user:hunter2-secret@mail.test' })).not.toContain('hunter2-secret');
    const config = loadConfig({ ...base, DESKOPS_SMTP_URL: 'smtps://user:smtp-secret-99@mail.test:465', DESKOPS_IMAP_URL: 'imaps://user:imap%2Fsecret-77@mail.test/INBOX' });
    const secrets = configSecrets(config);
    const line = `connecting to smtps://user:smtp-secret-99@mail.test:465 and imaps://user:imap%2Fsecret-77@mail.test/INBOX with imap/secret-77`;
    const scrubbed = scrubSecrets(line, secrets);
    expect(scrubbed).not.toMatch(/smtp-secret-99|secret-77/);
    // What the CLI prints outside the logger (a crash) is scrubbed with the same passwords, read from the environment.
    const fromEnv = emailUrlSecrets({ DESKOPS_SMTP_URL: 'smtps://user:smtp-secret-99@mail.test:465', DESKOPS_IMAP_URL: 'imaps://user:imap%2Fsecret-77@mail.test/INBOX' });
    expect(scrubSecrets(line, fromEnv)).not.toMatch(/smtp-secret-99|secret-77/);
    expect(emailUrlSecrets({ DESKOPS_SMTP_URL: 'smtp://127.0.0.1:25' })).toEqual([]);
  });
});
