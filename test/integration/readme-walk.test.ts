/**
 * The README's shell examples, pasted into the real executable as a new user would: the quick
 * start session, the piped script and the walked-through day. They are read from README.md
 * itself, so the README and the code cannot drift apart. Every command must answer without an
 * error, and what the README says a line shows (its `# "…"` comments and the output lines of
 * the quick start) must be there.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it, onTestFinished } from 'vitest';
import { cliSandbox, TROUBLE_ON_STDERR } from '../doubles/cli.js';
import { createTestDesk, replyText } from '../doubles/deskops.js';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** The fenced block of `language` that follows the paragraph ending in `after`. */
function blockAfter(after: string, language: string): string {
  const at = README.indexOf(after);
  expect(at, `README.md has "${after}"`).toBeGreaterThanOrEqual(0);
  const open = README.indexOf('```' + language + '\n', at);
  const close = README.indexOf('\n```', open + 4);
  return README.slice(open + language.length + 4, close);
}

/** Reply blocks, split on the blank lines between them. */
const blocks = (stdout: string) => stdout.trim().split(/\n\n(?=\S)/);
const errors = (stdout: string) => blocks(stdout).filter((b) => b.startsWith('✗'));

describe('the README, pasted into the shell', () => {
  it('runs the quick start session as shown', async () => {
    const session = blockAfter('type commands as you would in Slack', 'text');
    const lines = session.split('\n');
    const commands = lines.flatMap((line) => /^deskops @\S+ #\S+> (.*)$/.exec(line)?.slice(1) ?? []);
    const shown = lines.filter((line) => !line.startsWith('deskops @'));
    expect(commands.length).toBeGreaterThan(2);
    const run = await cliSandbox(onTestFinished).deskops(['start'], { input: `${commands.join('\n')}\n` });
    expect(run.code).toBe(0);
    expect(errors(run.stdout)).toEqual([]);
    for (const line of shown) expect(run.stdout).toContain(line);
  });

  it('runs the piped script as shown', async () => {
    const [, script] = /printf '([^']*)' \| npm start --silent/.exec(README) ?? [];
    expect(script).toBeDefined();
    const run = await cliSandbox(onTestFinished).deskops(['start'], { input: script!.replace(/\\n/g, '\n') });
    expect(run.code).toBe(0);
    expect(errors(run.stdout)).toEqual([]);
    expect(blocks(run.stdout)).toHaveLength(2);
  });

  it('walks the day of the workflow as written, comments and all', async () => {
    const script = blockAfter('A whole day of the workflow, walked by hand:', 'text');
    const run = await cliSandbox(onTestFinished).deskops(['start'], { input: `${script}\n` });
    expect(run.code).toBe(0);
    expect(run.stderr).not.toMatch(TROUBLE_ON_STDERR);
    expect(errors(run.stdout)).toEqual([]);
    // Each `# "…"` comment quotes what that line shows.
    for (const [, quoted] of script.matchAll(/# .*?"([^"]+)"/g)) expect(run.stdout).toContain(quoted);
  });

  it('types every example of the command reference as the grammar reads it: no usage errors, no apologies', () => {
    const reference = README.slice(README.indexOf('<!-- commands:start'), README.indexOf('<!-- commands:end'));
    const examples = [...reference.matchAll(/^ {2}- e\.g\. `(.+)`$/gm)].map((m) => m[1]!);
    expect(examples.length).toBeGreaterThan(100);
    const desk = createTestDesk({ now: '2026-03-02T09:00:00Z' });
    try {
      for (const user of ['alice', 'bob', 'carol']) desk.run('/whoami', user);
      for (let n = 1; n <= 44; n++) desk.run(`/ticket new "Ticket ${n}"`);
      const misread = examples
        .map((example) => ({ example, reply: desk.run(example) }))
        .filter(({ reply }) => /Usage:|something went wrong/.test(replyText(reply)))
        .map(({ example, reply }) => `${example} -> ${replyText(reply)}`);
      expect(misread).toEqual([]);
    } finally {
      desk.dispose();
    }
  });
});
