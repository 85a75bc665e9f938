/**
 * `deskops start` with only email configured, as a real process: it takes mail in on its SMTP
 * listener, `deskops shell` beside it (same .env, same database) works as staff without binding the
 * listener or delivering, and the running bot mails what the shell queued within 30 s (its delivery
 * runs every 15 s); SIGTERM stops it with exit 0; no password reaches its log, even at debug level.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanEnv, ROOT, runToEnd, startDeskopsProcess, type Run } from '../doubles/cli.js';
import { freePort } from '../doubles/free-port.js';
import { sendMail, startMailCatcher } from '../doubles/mail.js';
import { storageEnv } from '../doubles/test-engine.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Runs `deskops shell` in `cwd` with `input` piped in; resolves with its output. */
function shell(cwd: string, input: string): Promise<Run> {
  return runToEnd(process.execPath, [join(ROOT, 'bin', 'deskops.js'), 'shell'], { cwd, env: cleanEnv({}, {}), input });
}

describe('deskops start with email only', () => {
  it('takes mail in, delivers what a shell beside it queued within 30 s, and exits 0 on SIGTERM', async () => {
    const catcher = await startMailCatcher();
    cleanups.push(() => catcher.close());
    const dir = mkdtempSync(join(tmpdir(), 'deskops-mail-cli-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const [listen, health, imapPort] = await Promise.all([freePort(), freePort(), freePort()]);
    // One .env for both processes, as an operator would have it.
    writeFileSync(
      join(dir, '.env'),
      [
        ...Object.entries(storageEnv(join(dir, 'deskops.db'), cleanups)).map(([name, value]) => `${name}=${value}`),
        `PORT=${health}`,
        'DESKOPS_MAIL_FROM=Desk <support@desk.test>',
        `DESKOPS_SMTP_LISTEN=127.0.0.1:${listen}`,
        `DESKOPS_SMTP_URL=${catcher.url}`,
        // An IMAP server that is not there: the reader keeps trying, and its password never shows.
        `DESKOPS_IMAP_URL=imap://support:imap-secret-pw-42@127.0.0.1:${imapPort}/INBOX`,
        'DESKOPS_IMAP_POLL_SECONDS=5',
        'DESKOPS_LOG_LEVEL=debug',
      ].join('\n'),
    );
    const running = startDeskopsProcess(cleanups, { cwd: dir, env: {} });
    await vi.waitFor(() => expect(running.stderr()).toContain('deskops started with email'), { timeout: 15_000, interval: 50 });

    const sent = await sendMail(listen, { from: 'jane@customer.test', to: 'support@desk.test', subject: 'Printer on fire', text: 'It is on fire.' });
    expect(sent.response).toMatch(/^250/);

    // The shell beside it: staff, same database, no listener of its own (the port stays the bot's).
    const replied = await shell(dir, '/ticket reply 1 Please unplug it.\n/ticket show 1\n');
    expect(replied.stdout).toContain('Printer on fire');
    expect(replied.stdout).toContain('jane@customer.test');
    expect(replied.stderr).not.toMatch(/EADDRINUSE/);
    const queuedAt = Date.now();
    const [mail] = await catcher.waitFor(1, 30_000);
    expect(Date.now() - queuedAt).toBeLessThan(30_000);
    expect(mail!.mail.subject).toBe('[#1] Printer on fire');
    expect(mail!.mail.text).toContain('Please unplug it.');

    const status = await fetch(`http://127.0.0.1:${health}/healthz`);
    const body = (await status.json()) as { platforms: Record<string, string> };
    expect(body.platforms.email).toBe('reconnecting');

    running.child.kill('SIGTERM');
    expect(await running.exited).toBe(0);
    expect(running.stderr()).toContain('deskops stopping');
    expect(running.output()).not.toContain('imap-secret-pw-42');
  }, 60_000);
});
