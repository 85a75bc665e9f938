/**
 * `deskops tick --at` and the piped shell's `:clock` / `:tick`, end to end: real child processes
 * on a database in a temp dir.
 */
import { describe, it } from 'vitest';
import { cliSandbox, TROUBLE_ON_STDERR } from '../doubles/cli.js';

// Each run loads the sources in a fresh process (about a second, more on a busy runner).
const PROCESSES = { timeout: 90_000 };

describe.concurrent('deskops tick', PROCESSES, () => {
  it('runs every job as of --at and reports, with nothing due on a fresh database', async ({ expect, onTestFinished }) => {
    const box = cliSandbox(onTestFinished);
    const result = await box.deskops(['tick', '--at', '2026-11-23T09:00:00Z']);
    expect(result.code).toBe(0);
    expect(result.stderr).not.toMatch(TROUBLE_ON_STDERR);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('Tick as of 2026-11-23T09:00:00.000Z (Mon 23 Nov 2026 09:00 UTC)');
    expect(lines.slice(1, -1).every((line) => /^ {2}[a-z-]+ +looked at \d+, queued \d+$/.test(line))).toBe(true);
    expect(result.stdout).toMatch(/^ {2}sla-watch +looked at/m);
    expect(lines.at(-1)).toBe('Delivery: nothing due');
  });

  it('delivers what commands queued to stdout, once', async ({ expect, onTestFinished }) => {
    const box = cliSandbox(onTestFinished);
    // Pinned, so the SLA clocks have nothing to say a few seconds later.
    expect((await box.deskops(['start'], { input: ':clock 2026-11-23T09:00:00Z\n/ticket new "Printer on fire"\n' })).code).toBe(0);
    const first = await box.deskops(['tick', '--at', '2026-11-23T09:00:05Z']);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^Delivery: posted 1 message$/m);
    expect(first.stdout).toMatch(/\n\n→ tier:triage\n✓ New ticket #1: Printer on fire\n/);
    const second = await box.deskops(['tick', '--at', '2026-11-23T09:00:20Z']);
    expect(second.stdout).toMatch(/^Delivery: nothing due$/m);
    expect(second.stdout).not.toContain('→');
  });

  it('leaves the outbox to the running bot when a platform is configured: nothing printed, nothing marked sent', async ({ expect, onTestFinished }) => {
    const box = cliSandbox(onTestFinished);
    // Email configured (its SMTP server need not answer: tick must not try it).
    const env = { DESKOPS_MAIL_FROM: 'support@desk.test', DESKOPS_SMTP_URL: 'smtp://127.0.0.1:9' };
    expect((await box.deskops(['shell'], { env, input: ':clock 2026-11-23T09:00:00Z\n/ticket new "Printer on fire"\n' })).code).toBe(0);
    const withPlatform = await box.deskops(['tick', '--at', '2026-11-23T09:00:05Z'], { env });
    expect(withPlatform.code).toBe(0);
    expect(withPlatform.stdout).toContain('delivered there by the running bot (deskops start), not printed here');
    expect(withPlatform.stdout).not.toContain('→');
    // The row is still due: without the platform, the tick prints it.
    const without = await box.deskops(['tick', '--at', '2026-11-23T09:00:20Z']);
    expect(without.stdout).toMatch(/^Delivery: posted 1 message$/m);
  });

  it('refuses an --at that is not an instant with exit code 2, naming the format', async ({ expect, onTestFinished }) => {
    const box = cliSandbox(onTestFinished);
    for (const at of ['yesterday', '2026-02-30T10:00:00Z']) {
      const result = await box.deskops(['tick', '--at', at]);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain(`deskops tick: --at "${at}" is not a valid instant`);
      expect(result.stderr).toContain('such as 2026-11-23T10:00:00Z');
    }
  });

  it('is listed in --help', async ({ expect, onTestFinished }) => {
    const box = cliSandbox(onTestFinished);
    expect((await box.deskops(['--help'])).stdout).toMatch(/^ {2}tick \[options\]/m);
  });
});

describe.concurrent('piped shell :clock and :tick', PROCESSES, () => {
  it('walks a pinned clock and prints what the tick posted, one block per command', async ({ expect, onTestFinished }) => {
    const box = cliSandbox(onTestFinished);
    const result = await box.deskops(['start'], { input: ':clock 2026-11-23T09:00:00Z\n/ticket new "Login fails"\n:tick\n:tick\n' });
    expect(result.code).toBe(0);
    expect(result.stderr).not.toMatch(TROUBLE_ON_STDERR);
    const blocks = result.stdout.trimEnd().split('\n\n');
    expect(blocks).toHaveLength(4);
    expect(blocks[0]).toMatch(/^✓ Clock pinned at Mon 23 Nov 2026 09:00 UTC/);
    expect(blocks[2]).toMatch(/^ℹ Tick at Mon 23 Nov 2026 09:00 UTC: posted 1 message\n {2}→ tier:triage\n {4}✓ New ticket #1: Login fails/);
    expect(blocks[3]).toContain('nothing due');
  });
});
