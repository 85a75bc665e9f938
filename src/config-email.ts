/**
 * The email part of the environment (DESKOPS_SMTP_URL, DESKOPS_IMAP_URL, DESKOPS_SMTP_LISTEN and
 * their companions), validated with zod like the rest of config.ts. Unlike the chat URLs, the
 * IMAP and SMTP URLs may carry a login (imaps://user:password@host/INBOX is how mail software
 * writes it): those values are secrets, scrubbed from every log line (see configSecrets).
 */
import { existsSync } from 'node:fs';
import { z } from 'zod';

/** Who outbound mail comes from: an address and an optional display name ("Acme Support"). */
export interface MailSender {
  address: string;
  name: string | undefined;
}

export interface EmailConfig {
  /** Outbound SMTP (smtp://relay:25 without TLS or login for a local relay; smtps://user:pass@host:465). */
  smtpUrl: string | undefined;
  /** The IMAP mailbox read for new mail (imaps://user:pass@host/INBOX). */
  imap: ImapConfig | undefined;
  /** Where the SMTP listener binds (DESKOPS_SMTP_LISTEN=host:port): an MTA relays support mail to it. */
  listen: { host: string; port: number } | undefined;
  /** PEM files for the listener's STARTTLS; none: STARTTLS is not offered. */
  tls: { certPath: string; keyPath: string } | undefined;
  /** From for every outbound mail, unless the ticket's department has its own support address. */
  from: MailSender;
  /** Attachments larger than this are listed on the ticket, not kept. */
  maxAttachmentBytes: number;
  /** The listener refuses larger mails (SMTP SIZE); the IMAP reader leaves them to a person. */
  maxMessageBytes: number;
}

export interface ImapConfig {
  url: string;
  host: string;
  port: number;
  secure: boolean;
  user: string;
  password: string;
  mailbox: string;
  /** Taken-in mail moves here (created if missing); 'flag' keeps it in place with a keyword. */
  done: { kind: 'move'; folder: string } | { kind: 'flag' };
  /** Polling interval when the server has no IDLE (and a sweep for mail held back). */
  pollMs: number;
}

const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const ADDRESS = z.email();

/** "support@example.com" or "Acme Support <support@example.com>". */
export function parseMailSender(value: string): MailSender | undefined {
  const named = /^\s*"?([^"<>]*?)"?\s*<([^<>\s]+)>\s*$/.exec(value);
  const address = (named ? named[2]! : value.trim()).toLowerCase();
  if (!ADDRESS.safeParse(address).success) return undefined;
  const name = named?.[1]?.trim();
  return { address, name: name ? name : undefined };
}

function mailUrl(protocols: readonly string[], example: string) {
  return optionalText.pipe(
    z
      .string()
      .refine(
        (value) => {
          try {
            return protocols.includes(new URL(value).protocol.replace(/:$/, ''));
          } catch {
            return false;
          }
        },
        { message: `must be a URL such as ${example}` },
      )
      .optional(),
  );
}

/** The email variables; merged into config.ts' environment schema. */
export const emailEnvironment = {
  DESKOPS_SMTP_URL: mailUrl(['smtp', 'smtps'], 'smtp://127.0.0.1:25 or smtps://user:password@mail.example.com:465'),
  DESKOPS_IMAP_URL: mailUrl(['imap', 'imaps'], 'imaps://user:password@mail.example.com/INBOX'),
  DESKOPS_IMAP_DONE_FOLDER: z
    .string()
    .trim()
    .default('deskops-done')
    .refine((v) => v !== '' && !/[\r\n*%]/.test(v), { message: 'must be a folder name such as deskops-done, or flag' }),
  DESKOPS_IMAP_POLL_SECONDS: z.coerce.number().int().min(5).max(3600).default(60),
  DESKOPS_SMTP_LISTEN: optionalText.pipe(
    z
      .string()
      .regex(/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, 'must be host:port such as 127.0.0.1:2525')
      .refine((v) => {
        const port = Number(v.slice(v.lastIndexOf(':') + 1));
        return port >= 0 && port <= 65535;
      }, 'the port must be 0-65535')
      .optional(),
  ),
  DESKOPS_SMTP_TLS_CERT: optionalText.pipe(z.string().refine(existsSync, 'no such file').optional()),
  DESKOPS_SMTP_TLS_KEY: optionalText.pipe(z.string().refine(existsSync, 'no such file').optional()),
  DESKOPS_MAIL_FROM: optionalText.pipe(
    z
      .string()
      .refine((v) => parseMailSender(v) !== undefined, 'must be an address such as support@example.com or "Acme Support <support@example.com>"')
      .optional(),
  ),
  DESKOPS_MAIL_MAX_ATTACHMENT_BYTES: z.coerce.number().int().min(0).max(1_000_000_000).default(10 * 1024 * 1024),
  DESKOPS_MAIL_MAX_MESSAGE_BYTES: z.coerce.number().int().min(10_000).max(1_000_000_000).default(50 * 1024 * 1024),
};

/** The email variables as parsed. */
export interface EmailEnvironment {
  DESKOPS_SMTP_URL?: string | undefined;
  DESKOPS_IMAP_URL?: string | undefined;
  DESKOPS_IMAP_DONE_FOLDER: string;
  DESKOPS_IMAP_POLL_SECONDS: number;
  DESKOPS_SMTP_LISTEN?: string | undefined;
  DESKOPS_SMTP_TLS_CERT?: string | undefined;
  DESKOPS_SMTP_TLS_KEY?: string | undefined;
  DESKOPS_MAIL_FROM?: string | undefined;
  DESKOPS_MAIL_MAX_ATTACHMENT_BYTES: number;
  DESKOPS_MAIL_MAX_MESSAGE_BYTES: number;
}

/** The email URL variables: shown masked in errors. */
export const EMAIL_URL_VARIABLES = ['DESKOPS_SMTP_URL', 'DESKOPS_IMAP_URL'] as const;

function imapConfig(url: string, e: EmailEnvironment): ImapConfig | { problem: string } {
  const parsed = new URL(url);
  const user = decodeURIComponent(parsed.username);
  const password = decodeURIComponent(parsed.password);
  if (!user || !password) return { problem: 'DESKOPS_IMAP_URL has no login: write it as imaps://user:password@host/INBOX (URL-encode @ and : in them)' };
  const secure = parsed.protocol === 'imaps:';
  const mailbox = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || 'INBOX';
  const done = e.DESKOPS_IMAP_DONE_FOLDER.toLowerCase() === 'flag' ? ({ kind: 'flag' } as const) : ({ kind: 'move', folder: e.DESKOPS_IMAP_DONE_FOLDER } as const);
  if (done.kind === 'move' && done.folder === mailbox) return { problem: `DESKOPS_IMAP_DONE_FOLDER is the mailbox deskops reads (${mailbox}): name another folder, or flag` };
  return { url, host: parsed.hostname.replace(/^\[|\]$/g, ''), port: parsed.port ? Number(parsed.port) : secure ? 993 : 143, secure, user, password, mailbox, done, pollMs: e.DESKOPS_IMAP_POLL_SECONDS * 1000 };
}

/** The email configuration, undefined when no email variable asks for it; or the problems to report. */
export function emailConfig(e: EmailEnvironment): EmailConfig | undefined | { problems: string[] } {
  if (!e.DESKOPS_SMTP_URL && !e.DESKOPS_IMAP_URL && !e.DESKOPS_SMTP_LISTEN) return undefined;
  const problems: string[] = [];
  const from = e.DESKOPS_MAIL_FROM ? parseMailSender(e.DESKOPS_MAIL_FROM) : undefined;
  if (!from) problems.push('DESKOPS_MAIL_FROM is not set: email needs the support address mail comes from and is answered at (support@example.com)');
  if (Boolean(e.DESKOPS_SMTP_TLS_CERT) !== Boolean(e.DESKOPS_SMTP_TLS_KEY)) problems.push('DESKOPS_SMTP_TLS_CERT and DESKOPS_SMTP_TLS_KEY go together: set both (PEM files) to offer STARTTLS, or neither');
  const imap = e.DESKOPS_IMAP_URL ? imapConfig(e.DESKOPS_IMAP_URL, e) : undefined;
  if (imap && 'problem' in imap) problems.push(imap.problem);
  if (problems.length > 0 || !from) return { problems };
  const listen = e.DESKOPS_SMTP_LISTEN;
  const colon = listen?.lastIndexOf(':') ?? -1;
  return {
    smtpUrl: e.DESKOPS_SMTP_URL,
    imap: imap as ImapConfig | undefined,
    listen: listen ? { host: listen.slice(0, colon).replace(/^\[|\]$/g, ''), port: Number(listen.slice(colon + 1)) } : undefined,
    tls: e.DESKOPS_SMTP_TLS_CERT && e.DESKOPS_SMTP_TLS_KEY ? { certPath: e.DESKOPS_SMTP_TLS_CERT, keyPath: e.DESKOPS_SMTP_TLS_KEY } : undefined,
    from,
    maxAttachmentBytes: e.DESKOPS_MAIL_MAX_ATTACHMENT_BYTES,
    maxMessageBytes: e.DESKOPS_MAIL_MAX_MESSAGE_BYTES,
  };
}

/**
 * The secret parts of mail URLs: each URL with a password, whole, and its password (raw and
 * decoded). The user name is not secret (often the support address itself, which logs must show);
 * a URL that does not parse is secret whole.
 */
function urlSecrets(urls: ReadonlyArray<string | undefined>): string[] {
  const values: string[] = [];
  for (const url of urls) {
    if (!url) continue;
    try {
      const parsed = new URL(url);
      if (parsed.password) values.push(url, parsed.password, decodeURIComponent(parsed.password));
    } catch {
      values.push(url);
    }
  }
  return values;
}

/** The passwords in the email URL variables of `env` (and those URLs whole), for scrubbing text printed outside the logger. */
export function emailUrlSecrets(env: Record<string, string | undefined>): string[] {
  return urlSecrets(EMAIL_URL_VARIABLES.map((name) => env[name]?.trim()));
}

/** The secret parts of the email configuration: the URLs with a password, whole, and the passwords. */
export function emailSecrets(email: EmailConfig | undefined): string[] {
  if (!email) return [];
  const values = urlSecrets([email.smtpUrl, email.imap?.url]);
  if (email.imap) values.push(email.imap.password);
  return values;
}
