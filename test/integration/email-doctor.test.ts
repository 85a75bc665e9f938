/**
 * `deskops doctor` with email configured: the SMTP server answering (a server started here), one
 * that is not there, and the IMAP login against Dovecot (accepted, refused), each within the
 * doctor's timeout, with no password in the report.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDoctorReport, runDoctor, type DoctorReport } from '../../src/cli/doctor.js';
import { freePort } from '../doubles/free-port.js';
import { testImap, type TestImap } from '../doubles/dovecot.js';
import { startMailCatcher, type MailCatcher } from '../doubles/mail.js';
import { storageEnv } from '../doubles/test-engine.js';

let catcher: MailCatcher;
let imap: TestImap | undefined;
let dir: string;
/** The PostgreSQL run's databases the doctor checked, dropped after the file. */
const drops: Array<() => void> = [];
beforeAll(async () => {
  catcher = await startMailCatcher();
  imap = await testImap();
  dir = mkdtempSync(join(tmpdir(), 'deskops-doctor-mail-'));
}, 30_000);
afterAll(async () => {
  await catcher.close();
  imap?.stop();
  rmSync(dir, { recursive: true, force: true });
  for (const drop of drops.splice(0)) drop();
});

function check(report: DoctorReport, name: string) {
  return report.checks.find((c) => c.name === name)!;
}

function env(extra: Record<string, string>): Record<string, string> {
  return { ...storageEnv(join(dir, 'missing.db'), drops), DESKOPS_MAIL_FROM: 'support@desk.test', ...extra };
}

describe('deskops doctor with email', () => {
  it('passes an SMTP server that answers and fails one that is not there, within the timeout', async () => {
    const good = await runDoctor({ env: env({ DESKOPS_SMTP_URL: catcher.url }), timeoutMs: 3000 });
    expect(check(good, 'smtp')).toMatchObject({ status: 'ok', summary: expect.stringContaining('answered; mail comes from support@desk.test') });
    expect(check(good, 'imap').status).toBe('skip');
    expect(check(good, 'config').summary).toContain('email (SMTP out)');

    const port = await freePort();
    const started = Date.now();
    const bad = await runDoctor({ env: env({ DESKOPS_SMTP_URL: `smtp://nobody:smtp-pw-secret@127.0.0.1:${port}` }), timeoutMs: 2000 });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(check(bad, 'smtp')).toMatchObject({ status: 'fail', fix: expect.stringContaining('DESKOPS_SMTP_URL') });
    expect(formatDoctorReport(bad)).not.toContain('smtp-pw-secret');
  });

  it('logs in to IMAP, and says so when the login is refused, without printing the password', async (context) => {
    if (!imap) return context.skip();
    const good = await runDoctor({ env: env({ DESKOPS_IMAP_URL: `${imap.base}/INBOX` }), timeoutMs: 5000 });
    expect(check(good, 'imap')).toMatchObject({ status: 'ok', summary: expect.stringMatching(/logged in at imap:\/\/\*\*\*:\*\*\*@127\.0\.0\.1:\d+\/INBOX; INBOX holds \d+ mails? waiting/) });
    const wrong = `${imap.base.replace(/:[^:@/]+@/, ':imap-wrong-pw@')}/INBOX`;
    const bad = await runDoctor({ env: env({ DESKOPS_IMAP_URL: wrong }), timeoutMs: 5000 });
    expect(check(bad, 'imap')).toMatchObject({ status: 'fail', summary: expect.stringContaining('the login as deskops was refused') });
    expect(formatDoctorReport(bad)).not.toContain('imap-wrong-pw');
    expect(formatDoctorReport(good)).not.toContain(new URL(imap.base).password);
    const missing = await runDoctor({ env: env({ DESKOPS_IMAP_URL: `${imap.base}/NoSuchFolder` }), timeoutMs: 5000 });
    expect(check(missing, 'imap')).toMatchObject({ status: 'fail', summary: expect.stringContaining('there is no mailbox NoSuchFolder') });
  });
});
