/**
 * Email rules that decide without I/O: which mail must never be answered (robots, lists, loops),
 * which senders a block pattern covers, the ticket a subject names, how deskops' own mail is
 * identified (subject, Message-ID) and the References chain it carries.
 */
import { createHash } from 'node:crypto';

/** The headers that say a mail was written by a machine or for many readers. */
export interface AutomaticSigns {
  /** RFC 3834 Auto-Submitted: anything but "no" (auto-replied, auto-generated, auto-notified). */
  autoSubmitted?: string | undefined;
  /** Precedence: bulk, list or junk. */
  precedence?: string | undefined;
}

/** Local parts that are robots, never people: bounces, postmasters, no-reply senders. */
const ROBOT_LOCAL_PART = /^(mailer-daemon|postmaster|no[-_.]?reply|do[-_.]?not[-_.]?reply|bounces?|mail-daemon)([+-].*)?$/i;

/** Why a mail must not be answered (no ticket, no receipt), or undefined when a person wrote it. */
export function automaticReason(signs: AutomaticSigns): string | undefined {
  const auto = signs.autoSubmitted?.trim().toLowerCase();
  if (auto && auto !== 'no') return `it says Auto-Submitted: ${auto.split(/[;\s]/)[0]}`;
  const precedence = signs.precedence?.trim().toLowerCase();
  if (precedence && /^(bulk|list|junk)\b/.test(precedence)) return `it says Precedence: ${precedence.split(/[;\s]/)[0]}`;
  return undefined;
}

/** Whether the address is a robot's (mailer-daemon, postmaster, no-reply …). */
export function isRobotAddress(address: string): boolean {
  const at = address.lastIndexOf('@');
  return ROBOT_LOCAL_PART.test(at < 0 ? address : address.slice(0, at));
}

/** The domain of an address, lower-cased ("" when there is none). */
export function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  return at < 0 ? '' : address.slice(at + 1).toLowerCase();
}

const ADDRESS_SHAPE = /^[^\s@<>"(),;:]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;
const DOMAIN_SHAPE = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;

/** A block pattern as typed: an address ("spam@example.com") or a domain ("@example.com"), lower-cased; undefined otherwise. */
export function blockPattern(raw: string): string | undefined {
  const value = raw.trim().toLowerCase();
  if (value.startsWith('@')) return DOMAIN_SHAPE.test(value.slice(1)) ? value : undefined;
  return ADDRESS_SHAPE.test(value) ? value : undefined;
}

/** The pattern among `patterns` that covers `address` (the address itself, its domain, or a parent domain). */
export function blockingPattern(address: string, patterns: Iterable<string>): string | undefined {
  const lower = address.toLowerCase();
  const domain = domainOf(lower);
  for (const pattern of patterns) {
    if (pattern === lower) return pattern;
    if (pattern.startsWith('@') && (domain === pattern.slice(1) || domain.endsWith(`.${pattern.slice(1)}`))) return pattern;
  }
  return undefined;
}

/** The ticket number a subject names as deskops writes it ("Re: [#123] Login fails"), if any. */
export function ticketInSubject(subject: string | undefined): number | undefined {
  const match = subject ? /\[#(\d{1,9})\]/.exec(subject) : null;
  return match ? Number(match[1]) : undefined;
}

/** The subject of deskops' mail about a ticket: "[#123] Login fails" (no prefix without a ticket), on one line with no control characters. */
export function ticketSubject(ticketId: number | null, title: string): string {
  // CR and LF (and every other control) become spaces: a title can never add a header line.
  // eslint-disable-next-line no-control-regex
  const line = title.replace(/[\u0000-\u001F\u007F-\u009F\u2028\u2029]+/g, ' ').replace(/\s+/g, ' ').trim();
  const shown = line.length > 180 ? `${line.slice(0, 179)}…` : line;
  return ticketId === null ? shown : `[#${ticketId}] ${shown}`;
}

/**
 * The Message-ID of the mail an outbox row becomes: a hash of its dedupe key, so the same row
 * sent again after a crash carries the same id (the receiving client shows it once, and deskops
 * finds it in mail_messages and does not send it at all).
 */
export function outboundMessageId(dedupeKey: string, domain: string): string {
  const hash = createHash('sha256').update(dedupeKey).digest('base64url').replace(/[-_]/g, '').slice(0, 24);
  return `<deskops.${hash}@${domain || 'deskops.invalid'}>`;
}

/** Message-IDs as written in In-Reply-To and References ("<a@b> <c@d>"), each with its brackets. */
export function messageIdsIn(value: string | readonly string[] | undefined): string[] {
  if (value === undefined) return [];
  const text = typeof value === 'string' ? value : value.join(' ');
  return [...text.matchAll(/<[^<>\s]{1,250}>/g)].map((m) => m[0]);
}

/** The References of a new mail in a thread: the ids so far (oldest first), the last `max` of them, without repeats. */
export function referencesChain(ids: readonly string[], max = 20): string[] {
  const seen = new Set<string>();
  const unique = ids.filter((id) => (seen.has(id) ? false : (seen.add(id), true)));
  // RFC 5322 keeps the first (the thread's root) and the most recent ones when it must shorten.
  return unique.length <= max ? unique : [unique[0]!, ...unique.slice(unique.length - (max - 1))];
}

/** One attachment as it came. */
export interface MailAttachment {
  filename: string;
  contentType: string;
  size: number;
  /** The bytes (a Buffer as parsed; a Uint8Array once it crossed to the engine's thread). */
  content: Uint8Array;
}

/** A failed delivery reported back (RFC 3464). */
export interface BounceReport {
  /** The recipient whose mail failed. */
  address: string;
  /** The status and the server's words ("5.1.1 smtp; 550 no such user"). */
  reason: string;
  /** Message-IDs of the mail that failed, from the returned headers. */
  originalIds: string[];
}

/** A mail as deskops reads it. */
export interface InboundMail {
  /** The Message-ID with its brackets; a hash of the bytes when the mail has none (a re-delivery is the same mail). */
  messageId: string;
  /** The sender, lower-cased; undefined when From holds no address. */
  from: string | undefined;
  fromName: string | undefined;
  /** To, Cc and Delivered-To, lower-cased, in that order. */
  recipients: string[];
  subject: string;
  /** The new text the sender wrote, without quoted history or signature. */
  text: string;
  attachments: MailAttachment[];
  /** In-Reply-To then References: the mails this one answers. */
  answers: string[];
  autoSubmitted: string | undefined;
  precedence: string | undefined;
  /** Set when the mail is a delivery status notification (multipart/report; report-type=delivery-status). */
  report: { bounces: BounceReport[] } | undefined;
}
