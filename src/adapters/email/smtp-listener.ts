/**
 * The SMTP listener (DESKOPS_SMTP_LISTEN) an MTA relays support mail to, with smtp-server: mail for
 * the support addresses (DESKOPS_MAIL_FROM and the mapped ones) from any sender, without AUTH;
 * STARTTLS only where a certificate is configured; mail over DESKOPS_MAIL_MAX_MESSAGE_BYTES refused
 * (552). A mail is answered 250 only after its transaction committed, so the sending server keeps
 * it (and retries) on anything else: a flood held back or a database in trouble gets 451.
 */
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import type { EmailConfig } from '../../config.js';
import type { Logger } from '../../log.js';
import type { MailOutcome } from '../../engine/ops/email.js';
import type { EnginePort } from '../../engine/port.js';
import { parseMail } from './parse.js';

/** Recipients one mail may name in RCPT TO (a relay splits larger lists). */
export const MAX_RECIPIENTS = 100;

export interface SmtpListener {
  /** The port bound (DESKOPS_SMTP_LISTEN's, or the one picked for port 0). */
  readonly port: number;
  /** Mails taken in (or dropped) since start, for health and tests. */
  readonly received: number;
  close(): Promise<void>;
}

/** An SMTP reply with a code: smtp-server sends `responseCode` and the message. */
function smtpError(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

/** What the sending server is told about an outcome: undefined for 250, an error otherwise. */
function answerFor(outcome: MailOutcome): Error | undefined {
  return outcome.kind === 'held' ? smtpError(451, `4.7.1 Not now: ${outcome.why}; try again later`) : undefined;
}

/** What the listener asks the engine. */
export type MailEngine = Pick<EnginePort, 'takeInMail' | 'ownMailAddresses'>;

/** The part of the configuration taking a mail in needs (not the mailbox's password). */
export function mailLimits(email: EmailConfig): Pick<EmailConfig, 'from' | 'maxAttachmentBytes'> {
  return { from: email.from, maxAttachmentBytes: email.maxAttachmentBytes };
}

/** Starts listening; resolves once the port is bound. */
export async function startSmtpListener(deps: { engine: MailEngine; email: EmailConfig; logger: Logger; onMail?: (outcome: MailOutcome) => void }): Promise<SmtpListener> {
  const { engine, email, logger } = deps;
  const listen = email.listen!;
  let received = 0;
  const tls = email.tls ? { key: readFileSync(email.tls.keyPath), cert: readFileSync(email.tls.certPath) } : undefined;
  const server = new SMTPServer({
    name: email.from.address.split('@')[1] ?? 'deskops',
    banner: 'deskops',
    secure: false,
    authOptional: true,
    // A relay delivers to deskops: nobody logs in. STARTTLS only with a real certificate.
    disabledCommands: tls ? ['AUTH'] : ['AUTH', 'STARTTLS'],
    ...(tls ?? {}),
    size: email.maxMessageBytes,
    rejectOversized: true,
    maxRecipients: MAX_RECIPIENTS,
    maxClients: 50,
    socketTimeout: 60_000,
    closeTimeout: 5_000,
    logger: false,
    onRcptTo(address, _session, callback) {
      const recipient = address.address.toLowerCase();
      engine.ownMailAddresses(email.from.address).then(
        (own) => callback(own.includes(recipient) ? undefined : smtpError(550, `5.1.1 ${recipient.slice(0, 200)} is not a support address here`)),
        (error: unknown) => {
          logger.error({ err: error }, 'could not read the support addresses; the sender will retry');
          callback(smtpError(451, '4.3.0 The help desk cannot take mail now; try again later'));
        },
      );
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => {
        // Past the limit smtp-server answers 552 itself; keep nothing more in memory meanwhile.
        if (!stream.sizeExceeded) chunks.push(chunk);
      });
      stream.once('error', (error) => callback(error));
      stream.once('end', () => {
        if (stream.sizeExceeded) return callback(smtpError(552, '5.3.4 The mail is larger than this desk accepts'));
        const envelope = session.envelope.rcptTo.map((rcpt) => rcpt.address.toLowerCase());
        parseMail(Buffer.concat(chunks))
          .then(
            async (mail) => {
              try {
                const outcome = await engine.takeInMail(mailLimits(email), mail, envelope);
                received++;
                if (outcome.kind !== 'taken') logger.info({ messageId: mail.messageId, outcome: outcome.kind, why: 'why' in outcome ? outcome.why : undefined }, 'mail not made a ticket');
                deps.onMail?.(outcome);
                callback(answerFor(outcome));
              } catch (error) {
                // The transaction rolled back: the sending server keeps the mail and tries again.
                logger.error({ err: error, messageId: mail.messageId }, 'could not take in a mail; the sender will retry');
                callback(smtpError(451, '4.3.0 The help desk could not store the mail now; try again later'));
              }
            },
            (error: unknown) => {
              logger.warn({ err: error }, 'refused a mail that could not be read');
              callback(smtpError(550, '5.6.0 This mail could not be read'));
            },
          )
          .catch((error: unknown) => logger.error({ err: error }, 'SMTP listener answer failed'));
      });
    },
  });
  server.on('error', (error) => logger.warn({ err: error }, 'SMTP listener connection error'));
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(listen.port, listen.host, () => {
      server.server.off('error', reject);
      resolve();
    });
  });
  const port = (server.server.address() as AddressInfo).port;
  logger.info({ host: listen.host, port, starttls: tls !== undefined }, `SMTP listener on ${listen.host}:${port}`);
  return {
    port,
    get received() {
      return received;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
