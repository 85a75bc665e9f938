/**
 * Real mail peers on loopback for the email tests: an SMTP server (smtp-server) that receives and
 * parses what deskops sends, nodemailer to send mail to deskops' listener, and a desk with the
 * email adapter running.
 */
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import nodemailer from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer/index.js';
import { SMTPServer } from 'smtp-server';
import type { PlatformAdapter } from '../../src/adapters/contract.js';
import type { MailOutcome } from '../../src/app/mail-inbound.js';
import { emailModule } from '../../src/adapters/email/module.js';
import { drainOutbox } from '../../src/delivery/worker.js';
import { createTestDesk, type TestDesk } from './deskops.js';

/** One mail the catcher received: the envelope and the parsed mail with its raw bytes. */
export interface CaughtMail {
  from: string;
  to: string[];
  raw: Buffer;
  mail: ParsedMail;
}

export interface MailCatcher {
  port: number;
  url: string;
  mails: CaughtMail[];
  /** Answers the next `count` mails with this SMTP code (451, 550) instead of taking them. */
  refuseNext(code: number, count?: number): void;
  /** Resolves once `count` mails arrived in all. */
  waitFor(count: number, timeoutMs?: number): Promise<CaughtMail[]>;
  close(): Promise<void>;
}

/** An SMTP server on a free loopback port that keeps every mail it is sent. */
export async function startMailCatcher(): Promise<MailCatcher> {
  const mails: CaughtMail[] = [];
  const refusals: number[] = [];
  const waiters: Array<() => void> = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const code = refusals.shift();
        if (code !== undefined) return callback(Object.assign(new Error(`${code} refused by the test`), { responseCode: code }));
        const raw = Buffer.concat(chunks);
        void simpleParser(raw).then((mail) => {
          mails.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), raw, mail });
          for (const wake of waiters.splice(0)) wake();
          callback();
        });
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    mails,
    refuseNext(code, count = 1) {
      for (let i = 0; i < count; i++) refusals.push(code);
    },
    async waitFor(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (mails.length < count) {
        if (Date.now() > deadline) throw new Error(`waited for ${count} mails, got ${mails.length}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 100);
        });
      }
      return mails;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Sends one mail to an SMTP server on loopback with nodemailer (no TLS); resolves with its info, rejects with the server's refusal. */
export async function sendMail(port: number, mail: Mail.Options): Promise<{ response: string; messageId: string }> {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, logger: false });
  try {
    return (await transport.sendMail(mail)) as { response: string; messageId: string };
  } finally {
    transport.close();
  }
}

/** The email adapter's extras (see module.ts). */
export type EmailAdapter = PlatformAdapter & { smtpPort(): number | undefined; sweep(): Promise<void> };

export interface EmailDesk extends TestDesk {
  adapter: EmailAdapter;
  outcomes: MailOutcome[];
  /** The SMTP listener's port. */
  port: number;
  /** Delivers what is due through the email sink, as the running bot's worker does. */
  deliver(): Promise<Awaited<ReturnType<typeof drainOutbox>>>;
  stop(): Promise<void>;
}

export const SUPPORT = 'support@desk.test';

/** A test desk with the email adapter started (the SMTP listener on a free port unless `env` says otherwise). */
export async function createEmailDesk(options: { env?: Record<string, string>; now?: string; rateLimits?: boolean } = {}): Promise<EmailDesk> {
  const desk = createTestDesk({ env: { DESKOPS_MAIL_FROM: `Desk Support <${SUPPORT}>`, DESKOPS_SMTP_LISTEN: '127.0.0.1:0', ...options.env }, ...(options.now ? { now: options.now } : {}), ...(options.rateLimits !== undefined ? { rateLimits: options.rateLimits } : {}) });
  const outcomes: MailOutcome[] = [];
  const { loadConfig } = await import('../../src/config.js');
  const config = loadConfig({ DESKOPS_DB: `${desk.dir}/deskops.db`, DESKOPS_MAIL_FROM: `Desk Support <${SUPPORT}>`, DESKOPS_SMTP_LISTEN: '127.0.0.1:0', ...options.env });
  const adapter = emailModule({ onMail: (outcome) => outcomes.push(outcome) }).create({ config, engine: desk.engine, logger: desk.logger }) as EmailAdapter;
  await adapter.start();
  return {
    ...desk,
    adapter,
    outcomes,
    port: adapter.smtpPort() ?? 0,
    deliver: () => drainOutbox(desk.engine, desk.clock.now(), adapter.sink),
    async stop() {
      await adapter.stop();
      desk.dispose();
    },
  };
}
