/**
 * The shell's `:clock` and `:tick`, the scheduler printing above the prompt, and /channel, with
 * in-memory streams, a real store and a probe job that reports the instant it ran at.
 */
import { PassThrough, Readable } from 'node:stream';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createShellTools, type ShellBackground, type ShellTools } from '../../src/adapters/shell/tools.js';
import { shellLocalAdmin } from '../../src/adapters/shell/session.js';
import { runShell, type ShellOptions } from '../../src/adapters/shell/shell.js';
import { createInProcessEngine } from '../../src/engine/in-process.js';
import type { TestAppContext } from '../doubles/context.js';
import { enqueue } from '../../src/app/outbox.js';
import { SettableClock } from '../../src/clock.js';
import { registerChannelCommands } from '../../src/commands/channel.js';
import { CommandRegistry } from '../../src/commands/registry.js';
import { createRouter } from '../../src/commands/router.js';
import type { Job } from '../../src/jobs/job.js';
import type { Engine } from '../../src/engine/port.js';
import { eq } from 'drizzle-orm';
import { identities, outbox, people } from '../../src/store/schema.js';
import { info, warning } from '../../src/views/reply.js';
import { actAs, createTestApp, type TestApp } from '../doubles/context.js';
import { setCalendarZone } from '../../src/app/calendar.js';
import { collector } from '../doubles/streams.js';
import { insertRows, selectRow, selectRows } from '../doubles/db.js';

const logger = pino({ level: 'silent' });
/** What "real time" is in these tests: the clock's fallback, fixed so output is stable. */
const REAL_NOW = new Date('2026-03-02T09:00:00Z');

let t: TestApp;
let app: TestAppContext;
let clock: SettableClock;
let tools: ShellTools;
let engine: Engine;
let seen: Date[];
let options: Omit<ShellOptions, 'input' | 'output' | 'interactive'>;

/** Runs every minute; queues one warning per instant it is run at (so a repeat queues nothing). */
const probe: Job = {
  name: 'probe',
  schedule: '* * * * *',
  run(ctx, now) {
    seen.push(now);
    const queued = enqueue(ctx, { audience: 'staff', dedupeKey: `probe:${now.toISOString()}`, channel: 'tier:t2', reply: warning(`Probe at ${now.toISOString()}`, { visibility: 'channel', text: 'Still *yellow*' }) });
    return { processed: 1, queued: queued ? 1 : 0, failed: 0 };
  },
};

function setUp(timeZone = 'UTC'): void {
  t = createTestApp({ settings: { timeZone } });
  clock = new SettableClock({ now: () => new Date(REAL_NOW.getTime()) });
  app = { ...t.app, clock };
  const registry = new CommandRegistry();
  registerChannelCommands(registry);
  registry.family({ name: 'now', summary: 'the instant commands see' });
  registry.define({ path: ['now'], usage: '/now', summary: 'now', run: (_args, ctx) => info(`now ${ctx.clock.now().toISOString()}`) });
  const router = createRouter({ registry, app, logger, localAdmin: shellLocalAdmin('alice') });
  seen = [];
  engine = createInProcessEngine({ app, logger, registry, router, jobs: [probe] });
  tools = createShellTools({ engine, logger, config: { pageWebhookUrl: undefined, settings: app.settings, dbPath: t.dbPath } });
  options = { engine, logger, localUser: 'alice', tools };
}

beforeEach(() => setUp());
afterEach(() => t.close());

/** The reply blocks a piped script printed. */
async function piped(script: string, extra: Partial<ShellOptions> = {}): Promise<string[]> {
  const out = collector();
  await runShell({ ...options, input: Readable.from([script]), output: out.stream, interactive: false, ...extra });
  return out.text().trimEnd().split('\n\n');
}

describe(':clock', () => {
  it('pins the instant commands see, moves it on, shows it, and goes back to real time', async () => {
    const blocks = await piped(':clock\n:clock 2026-11-23T10:00:00Z\n/now\n:clock +2h\n:clock\n:clock now\n/now\n');
    expect(blocks).toHaveLength(7);
    expect(blocks[0]).toContain('ℹ Clock: Mon 2 Mar 2026 09:00 UTC');
    expect(blocks[0]).toContain('real time');
    expect(blocks[1]).toMatch(/^✓ Clock pinned at Mon 23 Nov 2026 10:00 UTC\n {2}2026-11-23T10:00:00.000Z\./);
    expect(blocks[2]).toBe('ℹ now 2026-11-23T10:00:00.000Z');
    expect(blocks[3]).toContain('Clock pinned at Mon 23 Nov 2026 12:00 UTC');
    expect(blocks[4]).toContain('pinned (:clock now follows real time again)');
    expect(blocks[5]).toContain('ℹ Clock follows real time again');
    expect(blocks[6]).toBe('ℹ now 2026-03-02T09:00:00.000Z');
  });

  it('reads a time without an offset in the team time zone', async () => {
    t.close();
    setUp('Asia/Kolkata');
    const blocks = await piped(':clock 2026-11-23 10:00\n/now\n');
    expect(blocks[1]).toBe('ℹ now 2026-11-23T04:30:00.000Z');
  });

  it('reads and shows instants in the zone a lead set with /calendar zone, not only DESKOPS_TIMEZONE', async () => {
    setCalendarZone(actAs(app, 'lead', 'lead'), 'Europe/Berlin');
    const blocks = await piped(':clock 2026-11-23 10:00\n/now\n:clock\n:tick\n');
    expect(blocks[0]).toMatch(/^✓ Clock pinned at Mon 23 Nov 2026 10:00 Europe\/Berlin\n {2}2026-11-23T09:00:00.000Z\./);
    expect(blocks[1]).toBe('ℹ now 2026-11-23T09:00:00.000Z');
    expect(blocks[2]).toContain('Clock: Mon 23 Nov 2026 10:00 Europe/Berlin');
    expect(blocks[3]).toContain('Tick at Mon 23 Nov 2026 10:00 Europe/Berlin');
  });

  it('shows the UTC offset of an instant in the hour a zone repeats', async () => {
    t.close();
    setUp('America/New_York');
    const blocks = await piped(':clock 2026-11-01T05:30:00Z\n:clock +1h\n:clock +1h\n');
    expect(blocks[0]).toContain('Clock pinned at Sun 1 Nov 2026 01:30 America/New_York (UTC-04:00)');
    expect(blocks[1]).toContain('Clock pinned at Sun 1 Nov 2026 01:30 America/New_York (UTC-05:00)');
    expect(blocks[2]).toContain('Clock pinned at Sun 1 Nov 2026 02:30 America/New_York');
    expect(blocks[2]).not.toContain('UTC-');
  });

  it('refuses what is not an instant, naming the format, and leaves the clock alone', async () => {
    const blocks = await piped(':clock 2026-11-23T10:00Z\n:clock yesterday\n:clock 2026-02-30T10:00:00Z\n/now\n');
    expect(blocks[1]).toMatch(/^✗ "yesterday" is not an instant\.\n {2}Use an ISO 8601 instant such as 2026-11-23T10:00:00Z/);
    expect(blocks[1]).toContain('Usage: :clock');
    expect(blocks[2]).toMatch(/^✗ "2026-02-30T10:00:00Z" is not an instant\./);
    expect(blocks[3]).toBe('ℹ now 2026-11-23T10:00:00.000Z');
  });

  it('says so when the shell has no clock to drive', async () => {
    const { tools: _none, ...withoutTools } = options;
    const out = collector();
    await runShell({ ...withoutTools, input: Readable.from([':clock\n:tick\n']), output: out.stream, interactive: false });
    expect(out.text()).toMatch(/^✗ This shell has no clock or jobs to drive\./);
  });
});

describe(':as', () => {
  it('makes the person known at once, as an agent, so commands can name them before they type', async () => {
    const blocks = await piped(':as bob\n:as bob\n:as me\n');
    expect(blocks[0]).toContain('Now acting as @bob');
    expect(blocks[0]).toContain('@bob is new to deskops: an agent until an admin changes it with /people role.');
    expect(blocks[1]).toContain('@bob is an agent.');
    expect(blocks[2]).toContain('Back to yourself: @alice');
    const bob = selectRows(t.app.store, identities).filter((row) => row.handle === 'bob');
    expect(bob).toHaveLength(1);
    expect(selectRow(t.app.store, people, eq(people.id, bob[0]!.personId))).toMatchObject({ role: 'agent' });
  });
});

describe(':tick', () => {
  it("runs every job as of the clock's instant and shows what it posted, in one block", async () => {
    const blocks = await piped(':clock 2026-11-23T10:00:00Z\n:tick\n:tick\n');
    expect(seen).toEqual([new Date('2026-11-23T10:00:00Z'), new Date('2026-11-23T10:00:00Z')]);
    expect(blocks).toHaveLength(3);
    expect(blocks[1]).toBe(
      [
        'ℹ Tick at Mon 23 Nov 2026 10:00 UTC: posted 1 message',
        '  → tier:t2',
        '    ⚠ Probe at 2026-11-23T10:00:00.000Z',
        '      Still yellow',
        '  Jobs: probe looked at 1, queued 1',
        '  Delivery: posted 1 message',
      ].join('\n'),
    );
    // Nothing new at the same instant: the job queues nothing and nothing is sent twice.
    expect(blocks[2]).toContain('Tick at Mon 23 Nov 2026 10:00 UTC: nothing due');
    expect(blocks[2]).toContain('probe looked at 1, queued 0');
    expect(selectRows(t.app.store, outbox).map((r) => r.state)).toEqual(['sent']);
  });

  it('coalesces what is due for one channel and names the real channel once it is configured', async () => {
    enqueue(app, { audience: 'staff', dedupeKey: 'earlier', channel: 'tier:t2', reply: warning('Earlier warning', { visibility: 'channel' }) });
    const blocks = await piped('/channel set t2 #support-t2\n:tick\n');
    expect(blocks[0]).toMatch(/^✓ tier:t2 now posts to #support-t2/);
    expect(blocks[1]).toContain('posted 1 message');
    expect(blocks[1]).toContain('→ #support-t2 (tier:t2)');
    expect(blocks[1]).toContain('⚠ 2 notifications');
    expect(blocks[1]).toContain('Delivery: posted 1 message (2 notifications)');
  });

  it('drops a page webhook when none is configured, and says so', async () => {
    insertRows(t.app.store, outbox, [{ dedupeKey: 'page', channel: 'webhook:page', payload: { event: 'deskops.page' }, nextAttemptAt: REAL_NOW, createdAt: REAL_NOW }]);
    const bare = createInProcessEngine({ app, logger, jobs: [] });
    const [block] = await piped(':tick\n', { tools: createShellTools({ engine: bare, logger, config: { pageWebhookUrl: undefined, settings: app.settings, dbPath: t.dbPath } }) });
    expect(block).toContain('nothing posted');
    expect(block).toContain('No jobs are registered.');
    expect(block).toContain('dropped 1 (see below)');
    expect(block).toContain('Dropped, not sent');
    expect(block).toContain('webhook:page page — nowhere to deliver it: no webhook configured (DESKOPS_PAGE_WEBHOOK is not set)');
  });

  it('says which message it dropped as stale, and why', async () => {
    enqueue(app, { audience: 'staff', dedupeKey: 'sla:1:1:yellow', channel: 'tier:t2', reply: warning('#1 is yellow'), validWhile: { kind: 'status', ticketId: 999, status: 'open', statusChangedAt: 0 } });
    const [block] = await piped(':tick\n');
    expect(block).toContain('tier:t2 sla:1:1:yellow — no longer true: ticket 999 no longer exists');
  });

  it('runs the jobs but leaves delivery to the running bot when a chat platform is configured', async () => {
    const tools = createShellTools({ engine, logger, config: { pageWebhookUrl: undefined, settings: app.settings, slack: {}, dbPath: t.dbPath } });
    const [, block] = await piped(':clock 2026-11-23T10:00:00Z\n:tick\n', { tools });
    expect(block).toContain('probe looked at 1, queued 1');
    expect(block).toContain('delivered there by the running bot');
    expect(selectRows(t.app.store, outbox).map((r) => r.state)).toEqual(['queued']);
  });

  it('takes no arguments', async () => {
    expect((await piped(':tick now\n'))[0]).toMatch(/^✗ :tick takes no arguments/);
  });
});

describe('/channel', () => {
  it('shows every logical channel, flagging the unconfigured ones', async () => {
    const [before, , after] = await piped('/channel show\n/channel set helpdesk #Help-Desk\n/channels show\n');
    expect(before).toMatch(/^⚠ 13 of 13 channels not configured/);
    expect(before).toMatch(/tier:t2 +⚠ not configured/);
    expect(after).toMatch(/^⚠ 12 of 13 channels not configured/);
    expect(after).toMatch(/role:helpdesk +#help-desk/);
  });

  it('accepts logical names and platform channel ids, and says when nothing changed', async () => {
    const blocks = await piped('/channel set tier:oncall <#C0123ABC|on-call>\n/channel set oncall slack:C0123ABC\n/channel set leads rocketchat:GENERAL\n');
    expect(blocks[0]).toMatch(/^✓ tier:oncall now posts to slack:C0123ABC\n {2}It was not configured before\./);
    expect(blocks[1]).toBe('ℹ tier:oncall already posts to slack:C0123ABC.');
    expect(blocks[2]).toMatch(/^✓ role:leads now posts to rocketchat:GENERAL/);
  });

  it('refuses unknown names and channels with a hint, and agents', async () => {
    const blocks = await piped('/channel set t9 #x\n/channel set t2 "not a channel"\n/channel set t2\n:as bob\n/channel set t2 #support-t2\n/channel show\n');
    expect(blocks[0]).toMatch(/^✗ "t9" is not one of deskops' channels\. Did you mean t[1-5]\?/);
    expect(blocks[1]).toMatch(/^✗ "not a channel" is not a channel\./);
    expect(blocks[2]).toMatch(/^✗ Missing the channel to post to/);
    expect(blocks[4]).toMatch(/^✗ Only leads and admins can configure channels\./);
    expect(blocks[5]).toMatch(/^⚠ 13 of 13 channels not configured/);
  });
});

describe('interactive shell', () => {
  it('prints background posts above the prompt and redraws it, and stops the background at the end', async () => {
    const input = new PassThrough();
    const out = collector();
    let print: ((text: string) => void) | undefined;
    let stopped = false;
    const background: ShellBackground = {
      start(printer) {
        print = printer;
        return { stop: async () => void (stopped = true) };
      },
    };
    const done = runShell({ ...options, input, output: out.stream, interactive: true, style: 'plain', background });
    input.write('/now\n');
    await new Promise((resolve) => setImmediate(resolve));
    print!('→ tier:t2\n⚠ Background warning');
    input.end(':tick\n/now\n:quit\n');
    await done;
    const text = out.text();
    const notice = text.indexOf('⚠ Background warning');
    expect(notice).toBeGreaterThan(text.indexOf('ℹ now 2026-03-02T09:00:00.000Z'));
    expect(text.slice(notice)).toMatch(/^⚠ Background warning\n\n.*deskops @alice #helpdesk> /s);
    // :tick answers asynchronously; the line after it still comes out after its reply.
    expect(text.indexOf('Tick at')).toBeLessThan(text.lastIndexOf('ℹ now'));
    expect(stopped).toBe(true);
  });
});
