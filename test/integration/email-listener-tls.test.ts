/**
 * The SMTP listener offers STARTTLS only where DESKOPS_SMTP_TLS_CERT and _KEY are set (a test-only
 * self-signed pair in test/fixtures), and never offers AUTH: a relay delivers without logging in.
 */
import { readFileSync } from 'node:fs';
import nodemailer from 'nodemailer';
import { afterEach, describe, expect, it } from 'vitest';
import { tickets } from '../../src/store/schema.js';
import { createEmailDesk, SUPPORT, type EmailDesk } from '../doubles/mail.js';
import { selectRows } from '../doubles/db.js';

const CERT = new URL('../fixtures/smtp-test-cert.pem', import.meta.url).pathname;
const KEY = new URL('../fixtures/smtp-test-key.pem', import.meta.url).pathname;

let desk: EmailDesk | undefined;
afterEach(async () => {
  await desk?.stop();
  desk = undefined;
});

function send(port: number, options: { requireTLS?: boolean; auth?: { user: string; pass: string } }) {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ...options, tls: { ca: readFileSync(CERT), servername: 'localhost' }, logger: false });
  return transport.sendMail({ from: 'jane@customer.test', to: SUPPORT, subject: 'Over TLS?', text: 'hello' }).finally(() => transport.close());
}

describe('the SMTP listener and TLS', () => {
  it('offers STARTTLS with a configured certificate, and the mail comes through encrypted', async () => {
    desk = await createEmailDesk({ env: { DESKOPS_SMTP_TLS_CERT: CERT, DESKOPS_SMTP_TLS_KEY: KEY } });
    const info = await send(desk.port, { requireTLS: true });
    expect(info.response).toMatch(/^250/);
    expect(selectRows(desk.app.store, tickets)).toHaveLength(1);
  });

  it('does not offer STARTTLS without one, and takes plain mail', async () => {
    desk = await createEmailDesk();
    await expect(send(desk.port, { requireTLS: true })).rejects.toMatchObject({ code: 'ETLS' });
    expect((await send(desk.port, {})).response).toMatch(/^250/);
  });

  it('offers no AUTH: any sender delivers without logging in', async () => {
    desk = await createEmailDesk();
    const info = (await send(desk.port, { auth: { user: 'someone', pass: 'secret' } })) as unknown as { ehlo: string[]; accepted: string[] };
    expect(info.ehlo.filter((line) => /^AUTH/i.test(line))).toEqual([]);
    expect(info.accepted).toEqual([SUPPORT]);
  });
});
