/**
 * The `deskops` executable end to end: a real child process, commands piped on stdin, the
 * database in a temp dir. This is what `printf '...' | npm start --silent` does. `deskops migrate`
 * and `deskops backup`, which work on the SQLite file, are in cli-sqlite-file.test.ts.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { cliSandbox, ROOT, TROUBLE_ON_STDERR, type CliSandbox, type Run } from '../doubles/cli.js';

/** The CLI sandbox (test/doubles/cli.ts), and `deskops start` with `input` piped in. */
function sandbox(onTestFinished: (cleanup: () => void) => void): CliSandbox & { shell(input: string, env?: Record<string, string>): Promise<Run> } {
  const box = cliSandbox(onTestFinished);
  return { ...box, shell: (input, env = {}) => box.deskops(['start'], { input, env }) };
}

/** The reply blocks of piped output: separated by one blank line. */
function blocks(stdout: string): string[] {
  return stdout.trimEnd() === '' ? [] : stdout.trimEnd().split('\n\n');
}

// Each test starts its own processes in its own temp dir, so they can run side by side. A process
// spends about a second loading the sources; on a busy two-core runner a test of several runs
// needs more than the default timeout.
const PROCESSES = { timeout: 90_000 };

describe.concurrent('deskops start (piped)', PROCESSES, () => {
  it('runs each line and prints one reply per command, then exits 0', async ({ expect, onTestFinished }) => {
    const box = sandbox(onTestFinished);
    const result = await box.shell('/ticket new "Login fails" priority:high\n/ticket list\n');
    expect(result.code).toBe(0);
    expect(result.stderr).not.toMatch(TROUBLE_ON_STDERR);
    const [created, list, ...rest] = blocks(result.stdout);
    expect(rest).toEqual([]);
    expect(created).toMatch(/^✓ Ticket #1\b.*Login fails/);
    expect(list).toContain('#1');
    expect(list).toContain('Login fails');
    // Plain text for pipes: no ANSI codes, no markup markers.
    expect(result.stdout).not.toContain('\u001b[');
  });

  it('prints nothing but replies: no prompt, no banner, and comments and blank lines are skipped', async ({ expect, onTestFinished }) => {
    const box = sandbox(onTestFinished);
    const result = await box.shell('#!/usr/bin/env deskops\n# a comment\n\n/ticket new "Only one"\n');
    expect(result.code).toBe(0);
    expect(blocks(result.stdout)).toHaveLength(1);
    expect(result.stdout).toMatch(/^✓ Ticket #1\b/);
    expect(result.stdout).not.toContain('deskops @');
  });

  it('accepts commands without the leading slash', async ({ expect, onTestFinished }) => {
    const box = sandbox(onTestFinished);
    const result = await box.shell('ticket new "No slash"\n');
    expect(result.stdout).toMatch(/^✓ Ticket #1\b.*No slash/);
  });

  it('acts as another agent after :as', async ({ expect, onTestFinished }) => {
    const box = sandbox(onTestFinished);
    const result = await box.shell(':as @bob\n/ticket new "Printer on fire"\n/ticket assign 1 me\n:whoami\n');
    expect(result.code).toBe(0);
    const [switched, created, assigned, whoami] = blocks(result.stdout);
    expect(switched).toContain('@bob');
    expect(created).toMatch(/^✓ Ticket #1\b/);
    expect(assigned).toMatch(/#1 assigned to @bob/);
    expect(whoami).toMatch(/You are @bob in #helpdesk/);
  });

  it('moves to another channel after :in', async ({ expect, onTestFinished }) => {
    const box = sandbox(onTestFinished);
    const result = await box.shell(':in #t2\n:whoami\n');
    expect(blocks(result.stdout)[1]).toMatch(/You are @alice in #t2/);
  });

  it('answers a malformed command with an error reply and runs the next line', async ({ expect, onTestFinished }) => {
    const box = sandbox(onTestFinished);
    const result = await box.shell('/ticket new "unclosed title\n/ticket show 99\n/ticket frobnicate\n:bogus\n/ticket new "Still works"\n');
    expect(result.code).toBe(0);
    expect(result.stderr).not.toMatch(TROUBLE_ON_STDERR);
    const replies = blocks(result.stdout);
    expect(replies).toHaveLength(5);
    for (const reply of replies.slice(0, 4)) expect(reply).toMatch(/^✗ /);
    expect(replies[3]).toContain(':quit');
    expect(replies[4]).toMatch(/^✓ Ticket #1\b.*Still works/);
  });

  it('stops at :quit', async ({ expect, onTestFinished }) => {
    const box = sandbox(onTestFinished);
    const result = await box.shell('/ticket new "Before"\n:quit\n/ticket new "After"\n');
    expect(result.code).toBe(0);
    expect(blocks(result.stdout)).toHaveLength(1);
  });

  it('keeps data across runs on the same database', async ({ expect, onTestFinished }) => {
    const box = sandbox(onTestFinished);
    expect((await box.shell('/ticket new "First run"\n')).code).toBe(0);
    const second = await box.shell('/ticket list\n/ticket new "Second run"\n');
    expect(second.code).toBe(0);
    const [list, created] = blocks(second.stdout);
    expect(list).toContain('First run');
    expect(created).toMatch(/^✓ Ticket #2\b/);
  });

  it('shows the help reply for /help and nothing else', async ({ expect, onTestFinished }) => {
    const box = sandbox(onTestFinished);
    const result = await box.shell('/help\n');
    expect(result.code).toBe(0);
    const replies = blocks(result.stdout);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatch(/^ℹ deskops commands/);
    expect(replies[0]).toContain('/ticket new');
  });

  it('works through `npm start --silent`, as the README shows', async ({ expect, onTestFinished }) => {
    const box = sandbox(onTestFinished);
    const result = await box.run('npm', ['start', '--silent'], { input: '/help\n', cwd: ROOT });
    expect(result.code).toBe(0);
    expect(blocks(result.stdout)).toHaveLength(1);
    expect(result.stdout).toMatch(/^ℹ deskops commands/);
  });
});

describe.concurrent('deskops configuration', PROCESSES, () => {
  it('exits 2 naming the variable when a value is wrong', async ({ expect, onTestFinished }) => {
    const box = sandbox(onTestFinished);
    const result = await box.shell('/help\n', { DESKOPS_TIMEZONE: 'Mars/Base' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('DESKOPS_TIMEZONE');
    expect(result.stdout).toBe('');
  });

  it('reads .env from the working directory, and real environment variables win over it', async ({ expect, onTestFinished }) => {
    const box = sandbox(onTestFinished);
    writeFileSync(join(box.dir, '.env'), 'DESKOPS_PAGE_SIZE=0\n');
    const fromFile = await box.shell('/help\n');
    expect(fromFile.code).toBe(2);
    expect(fromFile.stderr).toContain('DESKOPS_PAGE_SIZE');
    const overridden = await box.shell('/help\n', { DESKOPS_PAGE_SIZE: '5' });
    expect(overridden.code).toBe(0);
  });
});

describe.concurrent('deskops CLI', PROCESSES, () => {
  it('lists its commands in --help and prints its version', async ({ expect, onTestFinished }) => {
    const box = sandbox(onTestFinished);
    const help = await box.deskops(['--help']);
    expect(help.code).toBe(0);
    for (const command of ['start', 'shell', 'migrate', 'backup']) expect(help.stdout).toContain(command);
    const version = await box.deskops(['--version']);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('rejects an unknown command through commander', async ({ expect, onTestFinished }) => {
    const box = sandbox(onTestFinished);
    const result = await box.deskops(['frobnicate']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("unknown command 'frobnicate'");
  });
});
