/**
 * A raw mail (RFC 5322 bytes from the SMTP listener or the IMAP reader) turned into what deskops
 * needs, with mailparser: sender, recipients, subject, the new text (HTML turned to plain text with
 * html-to-text, quoted history and signatures trimmed with email-reply-parser), attachments, the
 * thread ids, the robot signs, and a delivery status notification's facts when it is a bounce.
 */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import EmailReplyParser from 'email-reply-parser';
import { convert } from 'html-to-text';
import { simpleParser, type AddressObject, type Attachment, type ParsedMail } from 'mailparser';
import { messageIdsIn, type BounceReport, type InboundMail } from '../../domain/mail.js';


const replyParser = new EmailReplyParser();

function addresses(field: AddressObject | AddressObject[] | undefined): string[] {
  const objects = field === undefined ? [] : Array.isArray(field) ? field : [field];
  return objects.flatMap((object) => object.value.flatMap((entry) => [entry.address, ...(entry.group ?? []).map((member) => member.address)])).filter((a): a is string => typeof a === 'string' && a.includes('@')).map((a) => a.toLowerCase());
}

function headerText(mail: ParsedMail, name: string): string | undefined {
  const value = mail.headers.get(name);
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(String).join(' ');
  if (typeof value === 'object' && 'value' in value) return String(value.value);
  return String(value as unknown);
}

/** HTML as plain text: no scripts, styles or images (tracking pixels), links as "text [url]". */
export function htmlToText(html: string): string {
  return convert(html, {
    wordwrap: false,
    selectors: [
      { selector: 'img', format: 'skip' },
      { selector: 'script', format: 'skip' },
      { selector: 'style', format: 'skip' },
      { selector: 'a', options: { hideLinkHrefIfSameAsText: true, ignoreHref: false } },
    ],
  });
}

/** The new part of a mail's text: quoted history and signature trimmed; the whole text when trimming leaves nothing. */
export function newText(text: string): string {
  const normalized = text.replace(/\r\n?/g, '\n');
  const visible = replyParser.parseReply(normalized).trim();
  return visible === '' ? normalized.trim() : visible;
}

/** The delivery status blocks of a report, each read as header fields by mailparser. */
async function bounceReports(mail: ParsedMail): Promise<BounceReport[]> {
  const status = mail.attachments.find((a) => /^message\/(global-)?delivery-status$/i.test(a.contentType));
  if (!status) return [];
  const returned = mail.attachments.find((a) => /^(text\/rfc822-headers|message\/rfc822|message\/global(-headers)?)$/i.test(a.contentType));
  const originalIds = returned ? messageIdsIn((await simpleParser(returned.content, { skipHtmlToText: true, skipTextToHtml: true })).messageId ?? '') : [];
  const blocks = status.content.toString('utf8').replace(/\r\n?/g, '\n').split(/\n\s*\n/).filter((block) => block.trim() !== '');
  const bounces: BounceReport[] = [];
  // The first block is about the report; each next one is about a recipient.
  for (const block of blocks.slice(1, 50)) {
    const fields = (await simpleParser(`${block.trim()}\r\n\r\n`, { skipHtmlToText: true, skipTextToHtml: true })).headers;
    const action = String(fields.get('action') ?? '').trim().toLowerCase();
    const recipient = String(fields.get('final-recipient') ?? fields.get('original-recipient') ?? '').replace(/^[^;]*;\s*/, '').trim().toLowerCase();
    if (action !== 'failed' || !recipient.includes('@')) continue;
    const reason = [String(fields.get('status') ?? '').trim(), String(fields.get('diagnostic-code') ?? '').trim()].filter(Boolean).join(' ');
    bounces.push({ address: recipient, reason: reason || 'delivery failed', originalIds });
  }
  return bounces;
}

function fileSize(attachment: Attachment): number {
  return attachment.size ?? attachment.content.length;
}

/** Reads a raw mail. Throws when the bytes are not a mail mailparser can read (the caller refuses it). */
export async function parseMail(raw: Buffer | Readable): Promise<InboundMail> {
  const bytes = Buffer.isBuffer(raw) ? raw : undefined;
  const mail = await simpleParser(raw, { skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true, keepDeliveryStatus: true, maxChildNodes: 500 });
  const contentType = mail.headers.get('content-type') as { value?: string; params?: Record<string, string> } | undefined;
  const isReport = contentType?.value?.toLowerCase() === 'multipart/report' && contentType.params?.['report-type']?.toLowerCase() === 'delivery-status';
  const from = addresses(mail.from)[0];
  const bodyText = mail.text && mail.text.trim() !== '' ? mail.text : typeof mail.html === 'string' ? htmlToText(mail.html) : '';
  const declared = messageIdsIn(mail.messageId ?? '')[0];
  const messageId = declared ?? `<sha256.${createHash('sha256').update(bytes ?? `${mail.subject ?? ''}\n${from ?? ''}\n${bodyText}`).digest('hex').slice(0, 32)}@deskops.invalid>`;
  const deliveredTo = (headerText(mail, 'delivered-to') ?? '').split(/[\s,]+/).filter((a) => a.includes('@')).map((a) => a.replace(/^<|>$/g, '').toLowerCase());
  return {
    messageId,
    from,
    fromName: mail.from?.value[0]?.name || undefined,
    recipients: [...new Set([...addresses(mail.to), ...addresses(mail.cc), ...deliveredTo])],
    subject: (mail.subject ?? '').trim(),
    text: newText(bodyText),
    attachments: isReport ? [] : mail.attachments.map((a) => ({ filename: a.filename ?? 'attachment', contentType: a.contentType, size: fileSize(a), content: a.content })),
    answers: [...new Set([...messageIdsIn(mail.inReplyTo), ...messageIdsIn(mail.references)])],
    autoSubmitted: headerText(mail, 'auto-submitted'),
    precedence: headerText(mail, 'precedence'),
    report: isReport ? { bounces: await bounceReports(mail) } : undefined,
  };
}
