/**
 * A real IMAP server for the email tests: DESKOPS_TEST_IMAP_URL when .ci/run started one, else a
 * Dovecot started here with scripts/test-dovecot.sh when the binary is installed, else nothing (the
 * IMAP tests then say so in one line and skip). Each test gets mailboxes of its own on it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import { freePort } from './free-port.js';

export interface TestImap {
  /** imap://user:password@127.0.0.1:port (no mailbox). */
  base: string;
  /** A fresh mailbox name and the URL deskops reads it with. */
  mailbox(prefix: string): { name: string; url: string };
  /** A client logged in to the server (log out when done). */
  client(): Promise<ImapFlow>;
  stop(): void;
}

const SCRIPT = new URL('../../scripts/test-dovecot.sh', import.meta.url).pathname;

function dovecotInstalled(): boolean {
  return ['/usr/sbin/dovecot', '/usr/local/sbin/dovecot'].some((path) => existsSync(path));
}

/** The IMAP server to test against, or undefined (with the one line saying why printed) when there is none. */
export async function testImap(): Promise<TestImap | undefined> {
  let url = process.env.DESKOPS_TEST_IMAP_URL;
  let dir: string | undefined;
  if (!url) {
    if (!dovecotInstalled()) {
      console.log('IMAP tests skipped: no Dovecot here (DESKOPS_TEST_IMAP_URL unset and dovecot not installed; apt-get install -y dovecot-imapd)');
      return undefined;
    }
    dir = mkdtempSync(join(tmpdir(), 'deskops-dovecot-'));
    url = execFileSync('bash', [SCRIPT, 'start', dir, String(await freePort())], { encoding: 'utf8' }).trim();
  }
  const parsed = new URL(url);
  const base = `${parsed.protocol}//${parsed.username}:${parsed.password}@${parsed.host}`;
  let counter = 0;
  return {
    base,
    mailbox(prefix) {
      const name = `${prefix}-${process.pid}-${Date.now().toString(36)}-${counter++}`;
      return { name, url: `${base}/${name}` };
    },
    async client() {
      const client = new ImapFlow({ host: parsed.hostname, port: Number(parsed.port || 143), secure: parsed.protocol === 'imaps:', auth: { user: decodeURIComponent(parsed.username), pass: decodeURIComponent(parsed.password) }, logger: false });
      await client.connect();
      return client;
    },
    stop() {
      if (!dir) return;
      execFileSync('bash', [SCRIPT, 'stop', dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
