/**
 * The email sink against an SMTP server started here: 4xx answers retried with backoff, 5xx
 * failing the row with a notice, staff rows refused, From per department; and two desks that
 * auto-answer each other (receipts on, each one's SMTP pointing at the other's listener) stop
 * after one message.
 */
import { createServer, type AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { enqueue } from '../../src/app/outbox.js';
import { outbox, tickets } from '../../src/store/schema.js';
import { info } from '../../src/views/reply.js';
import { createEmailDesk, sendMail, startMailCatcher, SUPPORT, type EmailDesk, type MailCatcher } from '../doubles/mail.js';
import { selectRow, selectRows } from '../doubles/db.js';

const desks: EmailDesk[] = [];
let catcher: MailCatcher | undefined;
afterEach(async () => {
  for (const desk of desks.splice(0)) await desk.stop();
  await catcher?.close();
  catcher = undefined;
});

async function deskWithCatcher(env: Record<string, string> = {}): Promise<EmailDesk> {
  catcher = await startMailCatcher();
  const desk = await createEmailDesk({ env: { DESKOPS_SMTP_URL: catcher.url, ...env } });
  desks.push(desk);
  return desk;
}

function rowOf(desk: EmailDesk, key: string) {
  return selectRow(desk.app.store, outbox, eq(outbox.dedupeKey, key))!;
}

describe('the email sink', () => {
  it('retries a 4xx answer with backoff and fails a 5xx one with a notice', async () => {
    const desk = await deskWithCatcher();
    await sendMail(desk.port, { from: 'jane@customer.test', to: SUPPORT, subject: 'Q', text: 'q' });
    desk.run('/ticket reply 1 First answer');
    catcher!.refuseNext(451);
    const first = await desk.deliver();
    expect(first).toMatchObject({ sent: 0, retrying: 1, failed: 0 });
    const retrying = selectRow(desk.app.store, outbox, eq(outbox.channel, 'ticket:1'))!;
    expect(retrying.state).toBe('queued');
    expect(retrying.lastError).toMatch(/451.*retrying/);
    expect(retrying.nextAttemptAt.getTime()).toBeGreaterThan(desk.clock.now().getTime());
    desk.clock.set(new Date(desk.clock.now().getTime() + 60 * 60_000));
    expect(await desk.deliver()).toMatchObject({ sent: 1 });
    expect(catcher!.mails).toHaveLength(1);

    desk.run('/ticket reply 1 Second answer');
    catcher!.refuseNext(550);
    expect(await desk.deliver()).toMatchObject({ sent: 0, failed: 1 });
    const failed = selectRows(desk.app.store, outbox, eq(outbox.state, 'failed'));
    expect(failed).toHaveLength(1);
    expect(failed[0]!.lastError).toMatch(/refused the mail for good \(550/);
    // The worker's failure notice (for staff, to the tier channel) says what did not arrive.
    const notices = selectRows(desk.app.store, outbox, eq(outbox.audience, 'staff'));
    expect(notices.some((row) => JSON.stringify(row.payload).includes('550'))).toBe(true);
  });

  it('retries when the SMTP server is down', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const desk = await createEmailDesk({ env: { DESKOPS_SMTP_URL: `smtp://127.0.0.1:${port}` } });
    desks.push(desk);
    await sendMail(desk.port, { from: 'jane@customer.test', to: SUPPORT, subject: 'Q', text: 'q' });
    desk.run('/ticket reply 1 Answer');
    expect(await desk.deliver()).toMatchObject({ sent: 0, retrying: 1 });
    expect(desk.adapter.health().state).toBe('reconnecting');
  });

  it('refuses staff rows for a requester\'s mail, and drops staff notices that have no mail form', async () => {
    const desk = await deskWithCatcher();
    await sendMail(desk.port, { from: 'jane@customer.test', to: SUPPORT, subject: 'Q', text: 'q' });
    desk.app.store.transaction(() => {
      enqueue(desk.app, { dedupeKey: 'internal-leak', channel: 'ticket:1', audience: 'staff', reply: info('Internal note: customer is difficult'), ticketId: 1 });
      enqueue(desk.app, { dedupeKey: 'tier-notice', channel: 'tier:t2', audience: 'staff', reply: info('New ticket in T2') });
    });
    const report = await desk.deliver();
    expect(rowOf(desk, 'internal-leak')).toMatchObject({ state: 'failed', lastError: expect.stringContaining('for staff only') });
    expect(rowOf(desk, 'tier-notice').state).toBe('dropped');
    expect(report.sent).toBe(0);
    expect(catcher!.mails).toHaveLength(0);
  });

  it('sends from the department\'s support address', async () => {
    const desk = await deskWithCatcher();
    desk.run('/mail address add cloud@desk.test dept:trials area:"Cloud Service"');
    await sendMail(desk.port, { from: 'jane@customer.test', to: 'cloud@desk.test', subject: 'Cloud down', text: 'help' });
    const ticket = selectRow(desk.app.store, tickets, eq(tickets.id, 1))!;
    expect(ticket.department).toBe('trials');
    expect(desk.say('/ticket show 1')).toContain('area:"Cloud Service"');
    desk.run('/ticket reply 1 Looking into it');
    await desk.deliver();
    const [mail] = await catcher!.waitFor(1);
    expect(mail!.mail.from?.value[0]?.address).toBe('cloud@desk.test');
    expect(mail!.from).toBe('cloud@desk.test');
    expect(mail!.mail.messageId).toMatch(/@desk\.test>$/);
  });
});

describe('two desks that auto-answer each other', () => {
  it('stop after one message', async () => {
    // Two free ports first: each desk's SMTP URL is the other's listener.
    const ports = await Promise.all(
      [0, 1].map(
        () =>
          new Promise<number>((resolve) => {
            const server = createServer();
            server.listen(0, '127.0.0.1', () => {
              const { port } = server.address() as AddressInfo;
              server.close(() => resolve(port));
            });
          }),
      ),
    );
    const a = await createEmailDesk({ env: { DESKOPS_MAIL_FROM: 'support@a.test', DESKOPS_SMTP_LISTEN: `127.0.0.1:${ports[0]}`, DESKOPS_SMTP_URL: `smtp://127.0.0.1:${ports[1]}` } });
    desks.push(a);
    const b = await createEmailDesk({ env: { DESKOPS_MAIL_FROM: 'support@b.test', DESKOPS_SMTP_LISTEN: `127.0.0.1:${ports[1]}`, DESKOPS_SMTP_URL: `smtp://127.0.0.1:${ports[0]}` } });
    desks.push(b);
    a.run('/mail receipts on');
    b.run('/mail receipts on');
    // Someone at B writes to A by hand, from B's support address: a person, so A opens a ticket.
    await sendMail(a.port, { from: 'support@b.test', to: 'support@a.test', subject: 'Partner question', text: 'Do you resell?' });
    // An agent at A answers too (a person's reply, not automatic).
    a.run('/ticket reply 1 Yes, we do.');
    for (let round = 0; round < 5; round++) {
      await a.deliver();
      await b.deliver();
    }
    const sent = (desk: EmailDesk) => selectRows(desk.app.store, outbox, eq(outbox.state, 'sent')).filter((row) => row.audience === 'requester');
    // A sent its receipt and the reply; B opened one ticket for the human reply and sent one receipt, which A dropped.
    expect(sent(a).map((row) => row.dedupeKey).sort()).toEqual(['mail-receipt:1', expect.stringMatching(/^reply:/)]);
    expect(selectRows(b.app.store, tickets)).toHaveLength(1);
    expect(sent(b).map((row) => row.dedupeKey)).toEqual(['mail-receipt:1']);
    expect(selectRows(a.app.store, tickets)).toHaveLength(1);
    expect(a.outcomes.map((o) => o.kind)).toEqual(['taken', 'dropped']);
    expect(b.outcomes.map((o) => o.kind)).toEqual(['dropped', 'taken']);
    expect(selectRows(a.app.store, outbox, eq(outbox.state, 'queued')).filter((row) => row.audience === 'requester')).toHaveLength(0);
  });
});
