/**
 * Email as a platform of `deskops start`: the IMAP reader and/or the SMTP listener take mail in,
 * the sink sends the requester's mail through DESKOPS_SMTP_URL. Health: the reader connected to
 * its mailbox, the listener bound, the SMTP server answering (verified at start and by every send).
 */
import nodemailer, { type Transporter } from 'nodemailer';
import type { EmailConfig } from '../../config.js';
import { DeliveryError, type DeliverySink } from '../../delivery/sink.js';
import type { AdapterHealth, AdapterModule, PlatformAdapter } from '../contract.js';
import type { MailOutcome } from '../../engine/ops/email.js';
import { startImapReader, type ImapReader } from './imap-reader.js';
import { createEmailSink, previewMail } from './sink.js';
import { startSmtpListener, type SmtpListener } from './smtp-listener.js';

/** Options for tests: see each mail's outcome. */
export interface EmailModuleOptions {
  onMail?: (outcome: MailOutcome) => void;
}

/**
 * The SMTP transport for DESKOPS_SMTP_URL: plain smtp://host:port works for a local relay (no TLS,
 * no login). Pooled: the outbox worker sends a batch over a few connections instead of one each.
 */
export function smtpTransport(smtpUrl: string, timeoutMs = 30_000): Transporter {
  return nodemailer.createTransport({ url: smtpUrl, pool: true, maxConnections: 3, maxMessages: 500, connectionTimeout: timeoutMs, greetingTimeout: timeoutMs, socketTimeout: Math.max(timeoutMs, 60_000), logger: false, debug: false });
}

/** Email's module. */
export function emailModule(options: EmailModuleOptions = {}): AdapterModule {
  return {
    platform: 'email',
    configured: (config) => config.email !== undefined,
    create({ config, engine, logger }): PlatformAdapter {
      const email: EmailConfig = config.email!;
      const transport = email.smtpUrl ? smtpTransport(email.smtpUrl) : undefined;
      let smtp: AdapterHealth = transport ? { state: 'connecting', detail: 'checking the SMTP server' } : { state: 'ready' };
      let listener: SmtpListener | undefined;
      let reader: ImapReader | undefined;
      let running = false;
      const mailSink = transport ? createEmailSink({ engine, email, transport, logger }) : undefined;
      const sink: DeliverySink = {
        async post(channel, message, rows) {
          if (!mailSink) throw new DeliveryError(`${channel} goes out by mail, and DESKOPS_SMTP_URL is not set: set it to send mail`, { permanent: true });
          try {
            await mailSink.post(channel, message, rows);
            smtp = { state: 'ready' };
          } catch (error) {
            // A server that answered (4xx/5xx) is up; one that did not answer is what health reports.
            if (error instanceof DeliveryError && !error.permanent && !error.drop && !/^the mail server did not take the mail \(\d/.test(error.message)) smtp = { state: 'reconnecting', detail: error.message };
            throw error;
          }
        },
      };
      return {
        platform: 'email',
        sink,
        render: (reply) => previewMail(engine, reply),
        async start() {
          running = true;
          if (transport) {
            transport.verify().then(
              () => (smtp = { state: 'ready' }),
              (error: unknown) => {
                smtp = { state: 'reconnecting', detail: `the SMTP server did not answer: ${(error as Error).message}` };
                logger.warn({ err: error }, 'the SMTP server for outbound mail did not answer; mail is retried');
              },
            );
          }
          if (email.listen) listener = await startSmtpListener({ engine, email, logger, ...(options.onMail ? { onMail: options.onMail } : {}) });
          if (email.imap) reader = startImapReader({ engine, email, imap: email.imap, logger, ...(options.onMail ? { onMail: options.onMail } : {}) });
          logger.info({ listen: email.listen !== undefined, imap: email.imap !== undefined, smtp: transport !== undefined }, 'deskops started with email');
        },
        async stop() {
          running = false;
          await reader?.stop();
          await listener?.close();
          transport?.close();
        },
        health() {
          if (!running) return { state: 'stopped' };
          const parts = [reader?.health(), smtp].filter((part): part is AdapterHealth => part !== undefined);
          return parts.find((part) => part.state !== 'ready') ?? { state: 'ready' };
        },
        /** The port the SMTP listener bound (tests listen on port 0). */
        smtpPort: () => listener?.port,
        sweep: () => reader?.sweep() ?? Promise.resolve(),
      } as PlatformAdapter & { smtpPort(): number | undefined; sweep(): Promise<void> };
    },
  };
}
