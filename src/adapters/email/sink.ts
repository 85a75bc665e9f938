/**
 * The outbox sink for mail: each row for a requester (a public reply, the Pending reminder, a
 * receipt) becomes one mail through nodemailer, threaded with the ticket's earlier mail
 * (In-Reply-To, References), subject "[#123] <title>", From the department's support address or
 * DESKOPS_MAIL_FROM, and a Message-ID derived from the row's dedupe key: a row whose mail is in
 * mail_messages already is not sent again, and one sent again after a crash carries the same id.
 * SMTP 4xx answers are retried with backoff, 5xx fail the row (the worker posts the failure notice).
 * Rows for staff are refused: every mail is read by its requester.
 */
import { asc, eq } from 'drizzle-orm';
import type { Transporter } from 'nodemailer';
import type { AppContext } from '../../app/context.js';
import { conversationOf } from '../../app/conversations.js';
import { addressOfDepartment } from '../../app/mail-settings.js';
import type { EmailConfig } from '../../config.js';
import { staffOnlyRefusal, staffRows } from '../../delivery/destinations.js';
import { DeliveryError, type DeliverySink, type OutboxRow } from '../../delivery/sink.js';
import { domainOf, outboundMessageId, referencesChain, ticketSubject } from '../../domain/mail.js';
import type { Logger } from '../../log.js';
import { mailMessages, tickets } from '../../store/schema.js';
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

export interface EmailSinkDeps {
  app: AppContext;
  email: Pick<EmailConfig, 'from'>;
  transport: Pick<Transporter, 'sendMail'>;
  logger: Logger;
}

/** Where a channel's mail goes: the requester's address and the ticket it is about. */
function recipientOf(app: AppContext, channel: string, rows: readonly OutboxRow[]): { address: string; ticketId: number | null; inReplyTo: string | null } {
  const ticket = /^ticket:(\d+)$/.exec(channel);
  if (ticket) {
    const conversation = conversationOf(app, Number(ticket[1]));
    if (conversation.kind !== 'email') throw new DeliveryError(`ticket #${ticket[1]}'s conversation is not by email`, { drop: true });
    return { address: conversation.address, ticketId: Number(ticket[1]), inReplyTo: conversation.inReplyTo };
  }
  const direct = /^email:(.+)$/i.exec(channel);
  if (direct) return { address: direct[1]!.toLowerCase(), ticketId: rows.find((row) => row.ticketId !== null)?.ticketId ?? null, inReplyTo: null };
  throw new DeliveryError(`${channel} is not a requester's mail`, { drop: true });
}

/** The mail deskops sends for `reply` to `address` (about `ticketId` when it has one). */
export function composeMail(app: AppContext, email: Pick<EmailConfig, 'from'>, reply: Reply, target: { address: string; ticketId: number | null; inReplyTo: string | null }, dedupeKey: string): OutgoingMail {
  const ticket = target.ticketId === null ? undefined : app.store.db.select({ title: tickets.title, department: tickets.department }).from(tickets).where(eq(tickets.id, target.ticketId)).get();
  const fromAddress = (ticket && addressOfDepartment(app, ticket.department)) ?? email.from.address;
  const thread = target.ticketId === null ? [] : app.store.db.select({ id: mailMessages.messageId }).from(mailMessages).where(eq(mailMessages.ticketId, target.ticketId)).orderBy(asc(mailMessages.at)).all().map((row) => row.id);
  const references = referencesChain([...thread, ...(target.inReplyTo ? [target.inReplyTo] : [])]);
  const inReplyTo = target.inReplyTo ?? references.at(-1);
  const body = renderMail(reply);
  return {
    from: { name: email.from.name ?? 'Support', address: fromAddress },
    to: target.address,
    subject: ticket ? ticketSubject(target.ticketId, ticket.title) : ticketSubject(null, reply.title),
    text: body.text,
    html: body.html,
    messageId: outboundMessageId(dedupeKey, domainOf(fromAddress)),
    ...(inReplyTo ? { inReplyTo } : {}),
    ...(references.length > 0 ? { references } : {}),
    // RFC 3834: deskops' own messages (a reminder, a receipt) must not be answered by robots; a person's reply may be.
    headers: reply.automatic ? { 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All' } : {},
  };
}

/** The mail a Reply becomes, as `render` shows it: subject ("[#12] <the ticket's title>"), text and HTML. */
export function previewMail(app: AppContext, reply: Reply): { subject: string; text: string; html: string } {
  const title = reply.ticketId === undefined ? undefined : app.store.db.select({ title: tickets.title }).from(tickets).where(eq(tickets.id, reply.ticketId)).get()?.title;
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
  const { app, email, transport, logger } = deps;
  return {
    async post(channel, _message, rows) {
      const refused = staffRows(rows);
      if (refused.length > 0) {
        // Tier channels and staff DMs have no mail form: with email alone, staff read them in the shell.
        if (!/^(ticket:|email:)/i.test(channel)) throw new DeliveryError(`${channel}: staff notices are not sent by mail (configure Slack or Rocket.Chat, or read them with /ticket show)`, { drop: true });
        throw staffOnlyRefusal(refused, channel, 'would go out by mail, which the requester reads', '#<internal-channel>');
      }
      const target = recipientOf(app, channel, rows);
      for (const row of rows) {
        const payload = typeof row.payload === 'object' && row.payload !== null ? { ...row.payload, audience: row.audience } : row.payload;
        if (!isReply(payload)) throw new DeliveryError(`outbox row ${row.dedupeKey} is not a message`, { permanent: true });
        const mail = composeMail(app, email, payload, { ...target, ticketId: target.ticketId ?? row.ticketId }, row.dedupeKey);
        // Sent before a crash kept the row from being marked: the mail is out, do not send it twice.
        if (app.store.db.select({ id: mailMessages.messageId }).from(mailMessages).where(eq(mailMessages.messageId, mail.messageId)).get()) continue;
        try {
          await transport.sendMail(mail);
        } catch (error) {
          throw smtpFailure(error);
        }
        const ticketId = target.ticketId ?? row.ticketId;
        if (ticketId !== null) {
          app.store.transaction(() => app.store.db.insert(mailMessages).values({ messageId: mail.messageId, ticketId, direction: 'out', address: mail.to, at: app.clock.now() }).onConflictDoNothing().run());
        }
        logger.debug({ channel, dedupeKey: row.dedupeKey, messageId: mail.messageId }, 'mail sent');
      }
    },
  };
}
