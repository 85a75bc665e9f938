/**
 * The shell adapter against a scratch registry, with in-memory streams: line handling, meta-commands,
 * roles, output blocks. The end-to-end run through a real process is in test/integration/shell.test.ts.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable, Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { actorLabel } from '../../src/app/context.js';
import { shellCompleter } from '../../src/adapters/shell/completion.js';
import { historyPathFor, loadHistory, saveHistory } from '../../src/adapters/shell/history.js';
import { localHandle, shellLocalAdmin, toChannel, toHandle } from '../../src/adapters/shell/session.js';
import { classifyLine, runShell, stripTrailingComment, type ShellBackend, type ShellOptions } from '../../src/adapters/shell/shell.js';
import { CommandRegistry } from '../../src/commands/registry.js';
import { createRouter } from '../../src/commands/router.js';
import { createTestApp, type TestApp } from '../doubles/context.js';
import { info } from '../../src/views/reply.js';
import { systemClock } from '../../src/clock.js';
import { createInProcessEngine } from '../../src/engine/in-process.js';
import { collector } from '../doubles/streams.js';

const logger = pino({ level: 'silent' });

/** A registry with one command that reports who ran it, where, and with what text. */
function scratchRegistry(): CommandRegistry {
  const registry = new CommandRegistry();
  registry.family({ name: 'echo', summary: 'Says who asked', aliases: ['say'] });
  registry.define({
    path: ['echo'],
    usage: '/echo <text>',
    summary: 'Echoes the text with the actor and channel',
    run(args, ctx) {
      const role = ctx.actor.kind === 'person' ? ctx.actor.role : 'system';
      return info(`${actorLabel(ctx.actor)} (${role}) in ${ctx.origin.channel}`, { text: args.restText() });
    },
  });
  registry.family({ name: 'ticket', summary: 'Tickets' });
  for (const sub of ['new', 'list', 'assign']) {
    registry.define({ path: ['ticket', sub], usage: `/ticket ${sub}`, summary: sub, run: () => info(`ticket ${sub}`) });
  }
  return registry;
}

let t: TestApp;
let backend: ShellBackend;

beforeEach(() => {
  t = createTestApp();
  const { store } = t.app;
  const registry = scratchRegistry();
  const app = { clock: systemClock, store, settings: { timeZone: 'UTC', defaultDepartment: 'paid' as const, admins: [], staffRules: [], pageSize: 10 } };
  backend = createInProcessEngine({ app, registry, logger, router: createRouter({ registry, app, logger, localAdmin: shellLocalAdmin('alice') }) });
});

afterEach(() => t.close());

/** Pipes `script` through a non-interactive shell as @alice and returns what it printed. */
async function piped(script: string | string[], options: Partial<ShellOptions> = {}): Promise<string> {
  const out = collector();
  await runShell({ engine: backend, logger, input: Readable.from(Array.isArray(script) ? script : [script]), output: out.stream, interactive: false, localUser: 'alice', ...options });
  return out.text();
}

describe('classifyLine', () => {
  it.each([
    ['', 'skip'],
    ['   ', 'skip'],
    ['#', 'skip'],
    ['# a comment', 'skip'],
    ['#\ttabbed comment', 'skip'],
    ['#!/usr/bin/env deskops', 'skip'],
    ['   # indented comment', 'skip'],
    ['#42', 'command'],
    ['#helpdesk', 'command'],
    ['/ticket list', 'command'],
    ['ticket list', 'command'],
    [':as bob', 'meta'],
    ['  :quit', 'meta'],
  ] as const)('%j is %s', (line, kind) => {
    expect(classifyLine(line)).toBe(kind);
  });
});

describe('stripTrailingComment (piped scripts)', () => {
  it.each([
    [':tick                                # "#1 is yellow: 1 h of business time in Triage"', ':tick'],
    ['/ticket new "Login # 3 fails" priority:high # the title keeps its #', '/ticket new "Login # 3 fails" priority:high'],
    ['/ticket show #42', '/ticket show #42'],
    [':in #helpdesk', ':in #helpdesk'],
    ['/ticket note 1 see issue#12 #', '/ticket note 1 see issue#12'],
    ['/ticket note 1 "a \\" # quoted" # comment', '/ticket note 1 "a \\" # quoted"'],
    ['/ticket note 1 a#b c', '/ticket note 1 a#b c'],
  ] as const)('%j -> %j', (line, expected) => {
    expect(stripTrailingComment(line)).toBe(expected);
  });

  it('applies to piped scripts, meta-commands included', async () => {
    const out = await piped(':whoami   # who am I?\n/echo hello # not part of the text\n');
    const blocks = out.trimEnd().split('\n\n');
    expect(blocks[0]).toContain('You are @alice');
    expect(blocks[1]).toBe('ℹ @alice (admin) in #helpdesk\n  hello');
  });
});

describe('names', () => {
  it.each([
    ['alice', 'alice'],
    ['@Alice', 'alice'],
    ['Alice Smith', 'alice-smith'],
    ['CORP\\bob', 'corp-bob'],
    ['  .dot.  ', 'dot'],
    ['@@@', ''],
  ])('toHandle(%j) is %j', (name, handle) => {
    expect(toHandle(name)).toBe(handle);
    expect(toHandle(handle)).toBe(handle);
  });

  it('falls back to "local" when a login name has nothing usable', () => {
    expect(localHandle('…')).toBe('local');
  });

  it.each([
    ['t2', '#t2'],
    ['#T2', '#t2'],
    ['##support dev', '#support-dev'],
    ['#', ''],
  ])('toChannel(%j) is %j', (name, channel) => {
    expect(toChannel(name)).toBe(channel);
  });

  it('makes the local shell user, and nobody else, the local admin', () => {
    const local = shellLocalAdmin('alice');
    const as = (externalId: string, platform: 'shell' | 'slack' = 'shell') => local({ platform, user: { externalId, handle: externalId }, channel: null, thread: null, text: '' });
    expect(as('alice')).toBe(true);
    expect(as('bob')).toBe(false);
    expect(as('alice', 'slack')).toBe(false);
  });
});

describe('runShell (piped)', () => {
  it('prints one block per command, separated by one blank line, and nothing else', async () => {
    const out = await piped('/echo one\necho two\n');
    expect(out).toBe('ℹ @alice (admin) in #helpdesk\n  one\n\nℹ @alice (admin) in #helpdesk\n  two\n');
  });

  it('skips blank lines and comments but runs #42 as a command', async () => {
    const out = await piped('#!/usr/bin/env deskops\n# set-up\n\n   \n#\n/echo hi\n#42\n');
    const blocks = out.trimEnd().split('\n\n');
    expect(blocks).toHaveLength(2);
    expect(blocks[0]).toContain('  hi');
    expect(blocks[1]).toMatch(/^✗ There is no \/#42 command\./);
  });

  it('handles the last line without a newline, CRLF line ends and a byte-order mark', async () => {
    const out = await piped('\uFEFF/echo first\r\n/echo last');
    expect(out).toBe('ℹ @alice (admin) in #helpdesk\n  first\n\nℹ @alice (admin) in #helpdesk\n  last\n');
  });

  it('keeps lines in order across chunk boundaries', async () => {
    const script = Array.from({ length: 300 }, (_, i) => `/echo line ${i}\n`).join('');
    // Chunks that split lines in the middle, as a pipe may deliver them.
    const chunks = script.match(/[\s\S]{1,7}/g)!;
    const out = await piped(chunks);
    const echoed = [...out.matchAll(/^ {2}line (\d+)$/gm)].map((m) => Number(m[1]));
    expect(echoed).toEqual(Array.from({ length: 300 }, (_, i) => i));
  });

  it('answers a malformed command with an error and goes on with the next line', async () => {
    const out = await piped('/echo "unclosed\n/nope\n/echo still here\n');
    const blocks = out.trimEnd().split('\n\n');
    expect(blocks).toHaveLength(3);
    expect(blocks[0]).toMatch(/^✗ A closing quote is missing/);
    expect(blocks[1]).toMatch(/^✗ There is no \/nope command\./);
    expect(blocks[2]).toContain('still here');
  });

  it(':as switches the actor (with or without @), who starts as an agent; :as back to yourself is admin again', async () => {
    const out = await piped(':as @Bob\n/echo x\n:as carol\n/echo y\n:as alice\n/echo z\n');
    expect(out).toContain('ℹ Now acting as @bob');
    expect(out).toContain('ℹ @bob (agent) in #helpdesk');
    expect(out).toContain('ℹ @carol (agent) in #helpdesk');
    expect(out).toContain('ℹ Back to yourself: @alice');
    expect(out).toContain('ℹ @alice (admin) in #helpdesk');
    const back = await piped(':as bob\n:as me\n/echo z\n');
    expect(back).toContain('ℹ Back to yourself: @alice');
    expect(back).toContain('ℹ @alice (admin) in #helpdesk');
  });

  it(':in changes the channel, with or without #', async () => {
    const out = await piped(':in t2\n/echo a\n:in #Ops\n/echo b\n');
    expect(out).toContain('ℹ Now in #t2');
    expect(out).toContain('ℹ @alice (admin) in #t2');
    expect(out).toContain('ℹ @alice (admin) in #ops');
  });

  it('starts in the channel it is given', async () => {
    expect(await piped('/echo a\n', { channel: '#support' })).toContain('in #support');
  });

  it(':whoami shows the actor and the channel', async () => {
    const out = await piped(':whoami\n:as bob\n:in #t2\n:whoami\n');
    const blocks = out.trimEnd().split('\n\n');
    expect(blocks[0]).toContain('ℹ You are @alice in #helpdesk');
    expect(blocks[0]).toContain('@alice (local user, admin)');
    expect(blocks[3]).toContain('ℹ You are @bob in #t2');
    expect(blocks[3]).toContain(':as alice switches back');
  });

  it(':help lists the meta-commands and points to /help', async () => {
    const out = await piped(':help\n');
    for (const usage of [':as <user>', ':in <#channel>', ':whoami', ':clock', ':tick', ':help', ':quit']) expect(out).toContain(usage);
    expect(out).toContain('/help');
  });

  it('answers an unknown or incomplete meta-command with the list of them', async () => {
    const out = await piped(':who\n:\n:as\n:as bob carol\n:in\n');
    const blocks = out.trimEnd().split('\n\n');
    expect(blocks[0]).toMatch(/^✗ There is no :who shell command\.\n {2}Did you mean :whoami\? Shell commands: :as, :in, :whoami, :clock, :tick, :help, :quit, :exit\./);
    expect(blocks[1]).toMatch(/^✗ A shell command needs a name/);
    expect(blocks[2]).toBe('✗ :as needs a user name.\n  Usage: :as <user>|me');
    expect(blocks[3]).toBe('✗ :as takes one user name, not 2.\n  Usage: :as <user>|me');
    expect(blocks[4]).toBe('✗ :in needs a channel.\n  Usage: :in <#channel>');
  });

  it('stops at :quit or :exit without running what follows', async () => {
    expect(await piped('/echo before\n:quit\n/echo after\n')).not.toContain('after');
    expect(await piped(':EXIT\n/echo after\n')).toBe('');
  });

  it('keeps going with an apology when the router itself throws', async () => {
    backend = { catalog: backend.catalog, renderChart: backend.renderChart, handle: () => Promise.reject(new Error('disk on fire')) };
    const out = await piped('/echo a\n/echo b\n');
    const blocks = out.trimEnd().split('\n\n');
    expect(blocks).toHaveLength(2);
    expect(blocks[0]).toMatch(/^✗ Sorry, something went wrong on our side \(ref [0-9a-f]{8}\)\./);
  });

  it('renders in colour only when asked', async () => {
    expect(await piped('/echo a\n')).not.toContain('\u001b[');
    expect(await piped('/echo a\n', { style: 'color' })).toContain('\u001b[');
  });

  it('ends quietly when the reader goes away (EPIPE)', async () => {
    let writes = 0;
    const output = new Writable({
      write(_chunk, _encoding, done) {
        writes++;
        done(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      },
    });
    const script = Array.from({ length: 50 }, () => '/echo x\n').join('');
    await runShell({ engine: backend, logger, input: Readable.from([script]), output, interactive: false, localUser: 'alice' });
    expect(writes).toBeLessThan(50);
  });
});

describe('runShell (interactive)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'deskops-shell-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function interactive(lines: string, historyFile?: string): Promise<string> {
    const input = new PassThrough();
    const out = collector();
    const done = runShell({ engine: backend, logger, input, output: out.stream, interactive: true, localUser: 'alice', style: 'plain', ...(historyFile ? { historyFile } : {}) });
    input.end(lines);
    await done;
    return out.text();
  }

  it('shows a banner and a prompt naming the user and channel, which follows :as and :in', async () => {
    const out = await interactive('/echo hi\n:as bob\n:in t2\n:quit\n');
    expect(out).toContain('deskops shell · you are @alice');
    expect(out).toContain('deskops @alice #helpdesk> ');
    expect(out).toContain('ℹ @alice (admin) in #helpdesk');
    expect(out).toContain('deskops @bob #helpdesk> ');
    expect(out).toContain('deskops @bob #t2> ');
  });

  it('persists history to the file and restores it next time, newest last in the file', async () => {
    const file = historyPathFor(join(dir, 'deskops.db'))!;
    await interactive('/echo one\n/echo two\n:quit\n', file);
    expect(readFileSync(file, 'utf8')).toBe('/echo one\n/echo two\n:quit\n');
    expect(loadHistory(file)).toEqual([':quit', '/echo two', '/echo one']);
    await interactive('/echo three\n:quit\n', file);
    expect(readFileSync(file, 'utf8')).toBe('/echo one\n/echo two\n/echo three\n:quit\n');
  });
});

describe('history file', () => {
  it('lives beside the database, and not at all for :memory:', () => {
    expect(historyPathFor('/var/lib/deskops/desk.db')).toBe('/var/lib/deskops/.deskops_history');
    expect(historyPathFor(':memory:')).toBeUndefined();
  });

  it('keeps the last 500 lines', () => {
    const dir = mkdtempSync(join(tmpdir(), 'deskops-history-'));
    try {
      const file = join(dir, '.deskops_history');
      writeFileSync(file, Array.from({ length: 600 }, (_, i) => `cmd ${i}`).join('\n'));
      const history = loadHistory(file);
      expect(history).toHaveLength(500);
      expect(history[0]).toBe('cmd 599');
      saveHistory(file, [...history, 'older']);
      expect(readFileSync(file, 'utf8').split('\n').filter(Boolean)).toHaveLength(500);
      expect(loadHistory(join(dir, 'missing'))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('tab completion', () => {
  const complete = (line: string) => shellCompleter(scratchRegistry())(line);

  it('completes command families, keeping the slash when typed', () => {
    expect(complete('/ti')).toEqual([['/ticket'], '/ti']);
    expect(complete('ec')).toEqual([['echo'], 'ec']);
    expect(complete('/')).toEqual([['/echo', '/say', '/ticket'], '/']);
  });

  it('completes subcommands and meta-commands', () => {
    expect(complete('/ticket a')).toEqual([['assign'], 'a']);
    expect(complete(':w')).toEqual([[':whoami'], ':w']);
    expect(complete('/nope x')).toEqual([[], 'x']);
  });
});
