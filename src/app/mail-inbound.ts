/**
 * One inbound mail, whichever way it came (the SMTP listener, the IMAP reader), taken in: robots,
 * lists, loops, blocked senders and deskops' own mail are dropped without a ticket or an answer;
 * bounces mark the address and tell the agent; a flood from one sender is held back; everything
 * else goes through the requester-message use case (a new ticket, a reply, or an offer), with its
 * attachments and its Message-ID stored in the same transaction.
 */
import type { AppContext, RequestContext } from './context.js';
import { claimOnce } from './claims.js';
import { blockedBy, recordBounce, ticketOfBounce } from './mail-senders.js';
import { receiptsOn, supportAddressAmong, supportAddresses } from './mail-settings.js';
import { queueForRequester } from './requester-outbox.js';
import { receiveRequesterMessage, type RequesterMessageOutcome } from './requester-messages.js';
import type { EmailConfig } from '../config.js';
import { automaticReason, isRobotAddress, ticketInSubject, type InboundMail } from '../domain/mail.js';
import { supportMessage } from '../views/conversation.js';

/** What became of a mail. `held`: not taken in now (a flood, a limit): the sender's server, or the next sweep, tries again. */
export type MailOutcome =
  | { kind: 'taken'; outcome: RequesterMessageOutcome }
  | { kind: 'dropped'; why: string }
  | { kind: 'bounce'; addresses: string[] }
  | { kind: 'held'; why: string; retryAfterMs: number };

/** The receipt a new mail ticket gets when receipts are on. */
export const RECEIPT_TEXT = 'Thank you for writing to us. Your request is open and an agent will answer you here; keep the request number in the subject when you write again.';

/** The support addresses deskops answers from: every mapped one and DESKOPS_MAIL_FROM. */
export function ownAddresses(app: AppContext, fromAddress: string): Set<string> {
  return new Set([fromAddress, ...supportAddresses(app).map((entry) => entry.address)]);
}

/** The attachment list for the timeline: "report.pdf (120 KB)", "disk.iso (25.0 MB, not kept: over the 10.0 MB limit)". */
export function attachmentLines(files: readonly Pick<InboundMail['attachments'][number], 'filename' | 'size'>[], maxBytes: number): string[] {
  return files.map((file) => `${oneLineName(file.filename)} (${formatBytes(file.size)}${file.size > maxBytes ? `, not kept: over the ${formatBytes(maxBytes)} limit` : ''})`);
}

function oneLineName(name: string): string {
  // eslint-disable-next-line no-control-regex
  return name.replace(/[\u0000-\u001F\u007F]+/g, ' ').slice(0, 200);
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/**
 * The ticket the mail answers, only when its sender is that ticket's requester (the address on the
 * ticket, or an address linked to the same person): a forged In-Reply-To or a [#n] naming someone
 * else's ticket never attaches there.
 */
export function answeredTicket(app: AppContext, mail: Pick<InboundMail, 'answers' | 'subject'>, sender: string): number | undefined {
  const known = mail.answers.length === 0 ? [] : app.store.mail.ticketsOfMessages(mail.answers.slice(0, 100));
  const named = ticketInSubject(mail.subject);
  const candidates = [...new Set([...known.reverse(), ...(named === undefined ? [] : [named])])];
  if (candidates.length === 0) return undefined;
  const senderPerson = app.store.mail.personOfAddress(sender);
  for (const ticketId of candidates) {
    const ticket = app.store.conversations.ticketRequester(ticketId);
    if (!ticket) continue;
    if (ticket.requester?.toLowerCase() === sender || (senderPerson !== undefined && ticket.personId === senderPerson)) return ticketId;
  }
  return undefined;
}

/** Stores the mail's files (the bytes up to the limit) and its Message-ID, in the recording transaction. */
function storeMail(ctx: RequestContext, mail: InboundMail, sender: string, ticketId: number, commentId: number | null, maxAttachmentBytes: number): void {
  const now = ctx.clock.now();
  ctx.store.mail.insertMessage({ messageId: mail.messageId, ticketId, direction: 'in', address: sender, at: now });
  // The bytes arrive as a Uint8Array from the I/O thread; the column is a Buffer (a view, no copy).
  for (const file of mail.attachments) {
    ctx.store.mail.insertAttachment({ ticketId, commentId, filename: oneLineName(file.filename), contentType: file.contentType.slice(0, 200), size: file.size, data: file.size <= maxAttachmentBytes ? Buffer.from(file.content.buffer, file.content.byteOffset, file.content.byteLength) : null, createdAt: now });
  }
}

/** Takes in one parsed mail (see the module comment). `envelope`: the SMTP recipients, when the listener has them. */
export function takeInMail(app: AppContext, email: Pick<EmailConfig, 'from' | 'maxAttachmentBytes'>, mail: InboundMail, envelope: readonly string[] = []): MailOutcome {
  const sender = mail.from;
  if (mail.report) return takeInReport(app, mail);
  if (!sender) return { kind: 'dropped', why: 'it has no sender address' };
  const own = ownAddresses(app, email.from.address);
  if (own.has(sender)) return { kind: 'dropped', why: `it comes from deskops' own address ${sender}` };
  const automatic = automaticReason(mail);
  if (automatic) return { kind: 'dropped', why: `${automatic}: deskops never answers robots` };
  if (isRobotAddress(sender)) return { kind: 'dropped', why: `${sender} is a robot's address` };
  const blocked = blockedBy(app, sender);
  if (blocked) return { kind: 'dropped', why: `${sender} is blocked (${blocked})` };
  const wait = app.limits?.mail(sender);
  if (wait !== undefined) return { kind: 'held', why: `${sender} sent more mail than DESKOPS_MAIL_SENDER_LIMIT allows`, retryAfterMs: wait };
  const support = supportAddressAmong(app, [...envelope, ...mail.recipients]);
  const ticketId = answeredTicket(app, mail, sender);
  const attachmentList = attachmentLines(mail.attachments, email.maxAttachmentBytes);
  const text = [mail.text || '(no text)', ...(attachmentList.length > 0 ? ['', 'Attachments:', ...attachmentList.map((line) => `- ${line}`)] : [])].join('\n');
  const outcome = receiveRequesterMessage(app, {
    platform: 'email',
    author: { externalId: sender, handle: sender, ...(mail.fromName ? { displayName: mail.fromName } : {}) },
    messageId: mail.messageId,
    channel: null,
    thread: null,
    place: 'mail',
    text,
    subject: mail.subject,
    ...(ticketId !== undefined ? { ticketId } : {}),
    ...(support?.department ? { department: support.department } : {}),
    ...(support && support.tags.length > 0 ? { tags: support.tags } : {}),
    onRecorded(ctx, recordedTicket, commentId) {
      storeMail(ctx, mail, sender, recordedTicket, commentId, email.maxAttachmentBytes);
      // A new ticket (opened, or a follow-up of a closed one) gets the receipt when the team wants one.
      if (commentId === null && receiptsOn(ctx)) queueForRequester(ctx, recordedTicket, `mail-receipt:${recordedTicket}`, supportMessage(recordedTicket, RECEIPT_TEXT));
    },
  });
  if (outcome.kind === 'ignored' && outcome.code === 'UNAVAILABLE') return { kind: 'held', why: outcome.why, retryAfterMs: 60_000 };
  return { kind: 'taken', outcome };
}

/** A delivery status notification: each failed recipient marked bouncing, the ticket's agent told. */
function takeInReport(app: AppContext, mail: InboundMail): MailOutcome {
  const bounces = mail.report?.bounces ?? [];
  if (bounces.length === 0) return { kind: 'dropped', why: 'a delivery report that reports no failure' };
  const ctx: RequestContext = { ...app, actor: { kind: 'system', job: 'mail-bounces' }, origin: { platform: 'email', channel: null, thread: null } };
  return app.store.transaction((): MailOutcome => {
    if (!claimOnce(app, `email:report:${mail.messageId}`)) return { kind: 'dropped', why: 'this delivery report was taken in already' };
    for (const bounce of bounces) recordBounce(ctx, { address: bounce.address, reason: bounce.reason, ticketId: ticketOfBounce(app, bounce.address, bounce.originalIds), reportId: mail.messageId });
    return { kind: 'bounce', addresses: bounces.map((b) => b.address) };
  });
}
