/**
 * What the email sink needs to know from the store before it sends a batch of outbox rows by mail
 * (the engine's side of delivery by mail): the requester's address and the mail it answers, each
 * ticket's title and support address, the ticket's earlier mail for threading, and which rows' mails
 * went out already (sent before a crash kept the row from being marked). The sink composes and
 * sends; it records each mail sent with `recordMailSent`.
 */
import type { AppContext } from './context.js';
import { conversationOf } from './conversations.js';
import { addressOfDepartment } from './mail-settings.js';
import { DeliveryError } from '../delivery/sink.js';
import { domainOf, outboundMessageId } from '../domain/mail.js';

/** Where a channel's mail goes: the requester's address, the ticket it is about, the mail it answers. */
export interface MailRecipient {
  address: string;
  ticketId: number | null;
  inReplyTo: string | null;
}

/** One row's mail as the store sees it. */
export interface PlannedMail {
  dedupeKey: string;
  ticketId: number | null;
  /** The ticket's title, when the mail is about one. */
  title: string | null;
  /** The department's support address, else DESKOPS_MAIL_FROM. */
  fromAddress: string;
  /** The Message-ID the mail carries (derived from the dedupe key and the sender's domain). */
  messageId: string;
  /** The ticket's mail so far, oldest first (References). */
  thread: string[];
  /** This mail went out before (a crash kept its row from being marked): not sent again. */
  alreadySent: boolean;
}

/** Where `channel` leads by mail; a channel that is no requester's mail is dropped. */
export function mailRecipient(app: AppContext, channel: string, rowTickets: readonly (number | null)[]): MailRecipient {
  const ticket = /^ticket:(\d+)$/.exec(channel);
  if (ticket) {
    const conversation = conversationOf(app, Number(ticket[1]));
    if (conversation.kind !== 'email') throw new DeliveryError(`ticket #${ticket[1]}'s conversation is not by email`, { drop: true });
    return { address: conversation.address, ticketId: Number(ticket[1]), inReplyTo: conversation.inReplyTo };
  }
  const direct = /^email:(.+)$/i.exec(channel);
  if (direct) return { address: direct[1]!.toLowerCase(), ticketId: rowTickets.find((id) => id !== null) ?? null, inReplyTo: null };
  throw new DeliveryError(`${channel} is not a requester's mail`, { drop: true });
}

/** The recipient of `channel` and, for each row, what its mail needs from the store. */
export function planMails(app: AppContext, defaultFrom: string, channel: string, rows: readonly { dedupeKey: string; ticketId: number | null }[]): { recipient: MailRecipient; mails: PlannedMail[] } {
  const recipient = mailRecipient(app, channel, rows.map((row) => row.ticketId));
  const facts = new Map<number, { title: string; fromAddress: string; thread: string[] }>();
  const factsOf = (ticketId: number) => {
    let known = facts.get(ticketId);
    if (!known) {
      const ticket = app.store.mail.ticketForMail(ticketId);
      const thread = app.store.mail.threadOf(ticketId);
      known = { title: ticket?.title ?? '', fromAddress: (ticket && addressOfDepartment(app, ticket.department)) ?? defaultFrom, thread };
      facts.set(ticketId, known);
    }
    return known;
  };
  const mails = rows.map((row): PlannedMail => {
    const ticketId = recipient.ticketId ?? row.ticketId;
    const about = ticketId === null ? undefined : factsOf(ticketId);
    const fromAddress = about?.fromAddress ?? defaultFrom;
    return { dedupeKey: row.dedupeKey, ticketId, title: about ? about.title : null, fromAddress, messageId: outboundMessageId(row.dedupeKey, domainOf(fromAddress)), thread: about?.thread ?? [], alreadySent: false };
  });
  const ids = mails.map((mail) => mail.messageId);
  const sent = new Set(ids.length === 0 ? [] : app.store.mail.recordedMessageIds(ids));
  return { recipient, mails: mails.map((mail) => ({ ...mail, alreadySent: sent.has(mail.messageId) })) };
}

/** Records a mail sent about `ticketId` (its Message-ID threads the requester's answer back). */
export function recordMailSent(app: AppContext, messageId: string, ticketId: number, to: string): void {
  app.store.transaction(() => app.store.mail.insertMessage({ messageId, ticketId, direction: 'out', address: to, at: app.clock.now() }));
}
