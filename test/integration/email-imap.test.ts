/**
 * The IMAP reader against a real Dovecot (see test/doubles/dovecot.ts): mail that came while
 * deskops was down is read at start, new mail arrives through IDLE, taken-in mail is moved to the
 * done folder (created if missing) or flagged, a mail taken in before a crash is not taken twice,
 * and a refused login shows in health. Skipped, with one line saying so, where there is no Dovecot.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { takeInMail } from '../../src/app/mail-inbound.js';
import { parseMail } from '../../src/adapters/email/parse.js';
import { DONE_KEYWORD } from '../../src/adapters/email/imap-reader.js';
import { tickets } from '../../src/store/schema.js';
import { testImap, type TestImap } from '../doubles/dovecot.js';
import { createEmailDesk, SUPPORT, type EmailDesk } from '../doubles/mail.js';
import { selectFields, selectRows } from '../doubles/db.js';

let imap: TestImap | undefined;
beforeAll(async () => {
  imap = await testImap();
}, 30_000);
afterAll(() => imap?.stop());

function mail(from: string, subject: string, id: string, body = 'hello'): string {
  return `From: ${from}\r\nTo: ${SUPPORT}\r\nSubject: ${subject}\r\nMessage-ID: <${id}@customer.test>\r\nDate: Mon, 23 Nov 2026 10:00:00 +0000\r\n\r\n${body}\r\n`;
}

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function uidsIn(mailbox: string, query: Record<string, unknown> = { all: true }): Promise<number[]> {
  const client = await imap!.client();
  try {
    const lock = await client.getMailboxLock(mailbox);
    try {
      return (await client.search(query, { uid: true })) || [];
    } finally {
      lock.release();
    }
  } finally {
    await client.logout();
  }
}

async function append(mailbox: string, ...raws: string[]): Promise<void> {
  const client = await imap!.client();
  try {
    await client.mailboxCreate(mailbox).catch(() => undefined);
    for (const raw of raws) await client.append(mailbox, raw);
  } finally {
    await client.logout();
  }
}

describe('the IMAP reader (Dovecot)', () => {
  it('reads what came while it was down, then new mail through IDLE, and moves it to the done folder', async (context) => {
    if (!imap) return context.skip();
    const box = imap.mailbox('inbox');
    const done = `${box.name}-done`;
    await append(box.name, mail('jane@customer.test', 'While you were down', 'down1'), mail('bob@customer.test', 'Me too', 'down2'));
    const desk: EmailDesk = await createEmailDesk({ env: { DESKOPS_SMTP_LISTEN: '', DESKOPS_IMAP_URL: box.url, DESKOPS_IMAP_DONE_FOLDER: done } });
    try {
      await until(() => desk.outcomes.length === 2, 'the two waiting mails');
      expect(selectFields(desk.app.store, tickets, { title: tickets.title }).map((t) => t.title).sort()).toEqual(['Me too', 'While you were down']);
      await until(async () => (await uidsIn(box.name)).length === 0, 'the inbox to empty');
      expect(await uidsIn(done)).toHaveLength(2);
      expect(desk.adapter.health()).toEqual({ state: 'ready' });

      await append(box.name, mail('carol@customer.test', 'Live one', 'live1'));
      await until(() => desk.outcomes.length === 3, 'the new mail (IDLE)');
      expect(desk.outcomes[2]).toMatchObject({ kind: 'taken', outcome: { kind: 'opened', ticketId: 3 } });
      await until(async () => (await uidsIn(done)).length === 3, 'the new mail to move');
    } finally {
      await desk.stop();
    }
  }, 60_000);

  it('does not take a mail twice when deskops stopped between its transaction and marking it done', async (context) => {
    if (!imap) return context.skip();
    const box = imap.mailbox('crash');
    const raw = mail('jane@customer.test', 'Taken before the crash', 'crash1');
    await append(box.name, raw);
    // The first run took it in and died before moving it: the ticket exists, the mail is still there.
    const desk = await createEmailDesk({ env: { DESKOPS_SMTP_LISTEN: '', DESKOPS_IMAP_URL: box.url, DESKOPS_IMAP_DONE_FOLDER: 'flag' } });
    try {
      await until(() => desk.outcomes.length >= 1, 'the mail');
      // Take it "in again" as a restarted reader would: same Message-ID, no second ticket.
      expect(takeInMail(desk.app, { from: { address: SUPPORT, name: undefined }, maxAttachmentBytes: 1000 }, await parseMail(Buffer.from(raw)))).toMatchObject({ kind: 'taken', outcome: { kind: 'ignored', why: 'already taken in' } });
      expect(selectRows(desk.app.store, tickets)).toHaveLength(1);
      // Flag mode: it stays in the mailbox with the keyword, and a sweep does not read it again.
      await until(async () => (await uidsIn(box.name, { keyword: DONE_KEYWORD })).length === 1, 'the keyword');
      await desk.adapter.sweep();
      expect(desk.outcomes).toHaveLength(1);
    } finally {
      await desk.stop();
    }
  }, 60_000);

  it('reports a refused login in health and keeps trying', async (context) => {
    if (!imap) return context.skip();
    const wrong = imap.base.replace(/:[^:@/]+@/, ':wrong-password@');
    const desk = await createEmailDesk({ env: { DESKOPS_SMTP_LISTEN: '', DESKOPS_IMAP_URL: `${wrong}/INBOX` } });
    try {
      await until(() => desk.adapter.health().state === 'reconnecting', 'health to say reconnecting');
      expect(desk.adapter.health().detail).toMatch(/login was refused/);
    } finally {
      await desk.stop();
    }
  }, 60_000);
});
