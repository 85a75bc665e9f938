/**
 * `deskops doctor`'s email checks: the IMAP login (and that the mailbox exists) and the outbound
 * SMTP server (it answers EHLO, and the login when the URL has one), each within the doctor's
 * timeout. Only masked URLs are printed: never a user's password.
 */
import type { Config } from '../config.js';
import { maskUrl } from '../config.js';
import type { Check } from './doctor.js';

const skip = (name: string, summary: string): Check => ({ name, status: 'skip', summary });
const ok = (name: string, summary: string): Check => ({ name, status: 'ok', summary });
const fail = (name: string, summary: string, fix: string): Check => ({ name, status: 'fail', summary, fix });

/** Rejects after `ms`, so a server that accepts the connection and says nothing cannot hold the doctor. */
function within<T>(ms: number, what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

function reason(error: unknown): string {
  const detail = error as { message?: unknown; response?: unknown; responseText?: unknown };
  const text = [detail.response, detail.responseText, detail.message].find((value): value is string => typeof value === 'string' && value !== '');
  return (text ?? String(error)).slice(0, 200);
}

/** Logs in to the IMAP server of DESKOPS_IMAP_URL and looks at the mailbox. */
export async function checkImap(config: Config | undefined, timeoutMs: number): Promise<Check> {
  if (!config) return skip('imap', 'configuration invalid');
  const imap = config.email?.imap;
  if (!imap) return skip('imap', 'not configured (DESKOPS_IMAP_URL unset)');
  const { imapClient } = await import('../adapters/email/imap-reader.js');
  const client = imapClient(imap, timeoutMs);
  client.on('error', () => undefined);
  const shown = maskUrl(imap.url);
  try {
    await within(timeoutMs, `the IMAP server ${imap.host}:${imap.port}`, client.connect());
    const status = await within(timeoutMs, 'the mailbox status', client.status(imap.mailbox, { messages: true }));
    if (!status) throw new Error(`NONEXISTENT: no mailbox ${imap.mailbox}`);
    const done = imap.done.kind === 'move' ? `taken-in mail moves to ${imap.done.folder}` : 'taken-in mail is flagged';
    return ok('imap', `logged in at ${shown}; ${imap.mailbox} holds ${status.messages ?? 0} mail${status.messages === 1 ? '' : 's'} waiting; ${done}`);
  } catch (error) {
    if ((error as { authenticationFailed?: boolean }).authenticationFailed) return fail('imap', `${shown}: the login as ${imap.user} was refused`, 'check the user and password in DESKOPS_IMAP_URL (URL-encode @ and : in them); some hosts want an app password');
    if (/mailbox|NONEXISTENT|doesn't exist|not exist/i.test(reason(error))) return fail('imap', `${shown}: logged in, but there is no mailbox ${imap.mailbox}`, 'name an existing folder after the host in DESKOPS_IMAP_URL (INBOX is the usual one)');
    return fail('imap', `${shown}: ${reason(error)}`, 'check the host and port (imaps:// is 993, imap:// 143), the network, and that the server is up');
  } finally {
    client.close();
  }
}

/** Asks the SMTP server of DESKOPS_SMTP_URL to greet us (and log us in, when the URL has a login). */
export async function checkSmtp(config: Config | undefined, timeoutMs: number): Promise<Check> {
  if (!config) return skip('smtp', 'configuration invalid');
  const url = config.email?.smtpUrl;
  if (!url) return skip('smtp', config.email ? 'not configured (DESKOPS_SMTP_URL unset): mail is taken in but no answer can be sent' : 'not configured (DESKOPS_SMTP_URL unset)');
  const { smtpTransport } = await import('../adapters/email/module.js');
  const transport = smtpTransport(url, timeoutMs);
  const shown = maskUrl(url);
  try {
    await within(timeoutMs, `the SMTP server ${shown}`, transport.verify());
    return ok('smtp', `${shown} answered${new URL(url).password ? ' and accepted the login' : ''}; mail comes from ${config.email!.from.address}`);
  } catch (error) {
    if ((error as { code?: string }).code === 'EAUTH') return fail('smtp', `${shown}: the login was refused (${reason(error)})`, 'check the user and password in DESKOPS_SMTP_URL');
    return fail('smtp', `${shown}: ${reason(error)}`, 'check the host and port in DESKOPS_SMTP_URL (smtp://127.0.0.1:25 for a local relay), the network, and that the server is up');
  } finally {
    transport.close();
  }
}
