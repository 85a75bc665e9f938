/**
 * The outbox sink for mail: each row for a requester (a public reply, the Pending reminder, a
 * receipt) becomes one mail through nodemailer, threaded with the ticket's earlier mail
 * (In-Reply-To, References), subject "[#123] <title>", From the department's support address or
 * DESKOPS_MAIL_FROM, and a Message-ID derived from the row's dedupe key: a row whose mail is in
 * mail_messages already is not sent again, and one sent again after a crash carries the same id.
 * SMTP 4xx answers are retried with backoff, 5xx fail the row (the worker posts the failure notice).
 * Rows for staff are refused: every mail is read by its requester.
 */
import type { Transporter } from 'nodemailer';
import type { EmailConfig } from '../../config.js';
import { staffOnlyRefusal, staffRows } from '../../delivery/destinations.js';
import { DeliveryError, type DeliverySink } from '../../delivery/sink.js';
import { referencesChain, ticketSubject } from '../../domain/mail.js';
import type { MailRecipient, PlannedMail } from '../../engine/ops/email.js';
import type { EnginePort } from '../../engine/port.js';
import type { Logger } from '../../log.js';
import { isReply } from '../../views/delivery.js';
import type { Reply } from '../../views/reply.js';
import { renderMail } from './render.js';

/** One mail as handed to nodemailer (also what the adapter's `render` shows). */
export interface OutgoingMail {
  from: { name: string; address: string };
  to: string;
  subject: string;
  text: string;
  html: string;
  messageId: string;
  inReplyTo?: string;
  references?: string[];
  headers: Record<string, string>;
}

/** What the sink asks the engine: each batch's plan, and each mail sent. */
export type EmailSinkEngine = Pick<EnginePort, 'planMails' | 'mailSent'>;

export interface EmailSinkDeps {
  engine: EmailSinkEngine;
  email: Pick<EmailConfig, 'from'>;
  transport: Pick<Transporter, 'sendMail'>;
  logger: Logger;
}

/** The mail deskops sends for `reply` to `recipient`, as `plan` (the engine's facts about its ticket) says. */
export function composeMail(email: Pick<EmailConfig, 'from'>, reply: Reply, recipient: MailRecipient, plan: PlannedMail): OutgoingMail {
  const references = referencesChain([...plan.thread, ...(recipient.inReplyTo ? [recipient.inReplyTo] : [])]);
  const inReplyTo = recipient.inReplyTo ?? references.at(-1);
  const body = renderMail(reply);
  return {
    from: { name: email.from.name ?? 'Support', address: plan.fromAddress },
    to: recipient.address,
    subject: plan.title !== null ? ticketSubject(plan.ticketId, plan.title) : ticketSubject(null, reply.title),
    text: body.text,
    html: body.html,
    messageId: plan.messageId,
    ...(inReplyTo ? { inReplyTo } : {}),
    ...(references.length > 0 ? { references } : {}),
    // RFC 3834: deskops' own messages (a reminder, a receipt) must not be answered by robots; a person's reply may be.
    headers: reply.automatic ? { 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All' } : {},
  };
}

/** The mail a Reply becomes, as `render` shows it: subject ("[#12] <the ticket's title>"), text and HTML. */
export async function previewMail(engine: Pick<EnginePort, 'ticketBrief'>, reply: Reply): Promise<{ subject: string; text: string; html: string }> {
  const title = reply.ticketId === undefined ? undefined : (await engine.ticketBrief(reply.ticketId))?.title;
  return { subject: title === undefined ? ticketSubject(null, reply.title) : ticketSubject(reply.ticketId!, title), ...renderMail(reply) };
}

/** The SMTP server's answer as a DeliveryError: 4xx and network trouble retried, 5xx permanent. */
export function smtpFailure(error: unknown): DeliveryError {
  const detail = error as { responseCode?: number; response?: string; code?: string; message?: string };
  const code = detail.responseCode;
  const words = (detail.response ?? detail.message ?? String(error)).slice(0, 300);
  if (code !== undefined && code >= 500) return new DeliveryError(`the mail server refused the mail for good (${words})`, { permanent: true, cause: error });
  return new DeliveryError(`the mail server did not take the mail (${code !== undefined ? words : `${detail.code ?? 'error'}: ${words}`}); retrying`, { cause: error });
}

/** The email sink (see the module comment). */
export function createEmailSink(deps: EmailSinkDeps): DeliverySink {
  const { engine, email, transport, logger } = deps;
  return {
    async post(channel, _message, rows) {
      const refused = staffRows(rows);
      if (refused.length > 0) {
        // Tier channels and staff DMs have no mail form: with email alone, staff read them in the shell.
        if (!/^(ticket:|email:)/i.test(channel)) throw new DeliveryError(`${channel}: staff notices are not sent by mail (configure Slack or Rocket.Chat, or read them with /ticket show)`, { drop: true });
        throw staffOnlyRefusal(refused, channel, 'would go out by mail, which the requester reads', '#<internal-channel>');
      }
      const { recipient, mails } = await engine.planMails(email.from.address, channel, rows.map((row) => ({ dedupeKey: row.dedupeKey, ticketId: row.ticketId })));
      for (const [i, row] of rows.entries()) {
        const plan = mails[i]!;
        const payload = typeof row.payload === 'object' && row.payload !== null ? { ...row.payload, audience: row.audience } : row.payload;
        if (!isReply(payload)) throw new DeliveryError(`outbox row ${row.dedupeKey} is not a message`, { permanent: true });
        // Sent before a crash kept the row from being marked: the mail is out, do not send it twice.
        if (plan.alreadySent) continue;
        const mail = composeMail(email, payload, recipient, plan);
        try {
          await transport.sendMail(mail);
        } catch (error) {
          throw smtpFailure(error);
        }
        if (plan.ticketId !== null) await engine.mailSent(mail.messageId, plan.ticketId, mail.to);
        logger.debug({ channel, dedupeKey: row.dedupeKey, messageId: mail.messageId }, 'mail sent');
      }
    },
  };
}
