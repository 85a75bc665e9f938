/**
 * Hostile input through the whole command path: random command lines built from the registry's
 * real command paths and random arguments (ids, dates, durations, mentions, options, quotes,
 * unicode, control characters), run as an admin, a lead and an agent, and as requesters from
 * every source (a Slack Connect user, a Slack guest, a Rocket.Chat user without the staff role, a
 * Slack user the directory did not describe). Every reply is a success or a friendly failure
 * (never the "something went wrong" apology, never a throw), a requester's is labelled for them,
 * refuses anything but their own view and shows no staff text, and nothing of theirs is stored
 * but their person row and the audit; the database passes SQLite's integrity and foreign-key
 * checks afterwards.
 */
import fc from 'fast-check';
import { checkProperty, PROPERTY_SEED_ENV, replayFrom } from '../doubles/property.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageLength, renderMessage } from '../../src/adapters/rocketchat/render.js';
import { renderBlocks } from '../../src/adapters/slack/render.js';
import { tokenize } from '../../src/commands/tokenize.js';
import { renderText } from '../../src/views/render-text.js';
import type { Reply } from '../../src/views/reply.js';
import type { PlatformUser } from '../../src/app/people.js';
import type { Platform } from '../../src/domain/vocabulary.js';
import { createTestDesk, replyText, type TestDesk } from '../doubles/deskops.js';
import { LIVE_ROCKETCHAT_MASS_MENTION } from '../doubles/mentions.js';
import { databaseProblems } from '../doubles/db.js';
import { expectOnlyRequesterTraces, snapshotStore } from '../doubles/store-snapshot.js';

/** Fixed seed: a failure reproduces; change it to explore further. */
const SEED = 20261123;
const PLATFORMS = ['shell', 'shell', 'slack', 'rocketchat'] as const;

/** DESKOPS_PROPERTY_SEED names a shrunk path (`<seed>:<path>`): one case runs, not RUNS. */
const REPLAYING_ONE_CASE = replayFrom(process.env[PROPERTY_SEED_ENV])?.path !== undefined;

/** Cases per property (four properties: 2 × RUNS + REQUESTER_RUNS + 300 command lines in all). */
const RUNS = 800;
const REQUESTER_RUNS = 500;

const T1_MEMBER = { platform: 'slack', teamId: 'T1', enterpriseId: null, teams: [], guest: false, deleted: false, bot: false } as const;
/** People who are not staff under the test desk's rules (slack:team:T1, rocketchat:role:support). */
const REQUESTERS: ReadonlyArray<{ platform: Platform; user: PlatformUser }> = [
  { platform: 'slack', user: { externalId: 'U0CONNECT', handle: 'connie', facts: { ...T1_MEMBER, teamId: 'T0OTHER' } } },
  { platform: 'slack', user: { externalId: 'U0GUEST', handle: 'gus', facts: { ...T1_MEMBER, guest: true } } },
  { platform: 'rocketchat', user: { externalId: 'rcRequesterRita01', handle: 'rita', facts: { platform: 'rocketchat', roles: ['user'], active: true } } },
  { platform: 'slack', user: { externalId: 'U0NOFACTS', handle: 'nora' } },
];
/** Text only staff may read: an internal note, a phone number, other people's tickets and addresses. */
const STAFF_ONLY = ['NOTE-SECRET', '5550199', 'Login fails after SSO change', 'Invoice shows the wrong VAT', 'Push notifications arrive late', 'jane@example.com', 'Login loop after SSO update'];
const REFUSAL = /^deskops commands are for the support team; to ask for help, /;
const APOLOGY = /something went wrong/i;

let desk: TestDesk;
beforeAll(() => {
  desk = createTestDesk();
  desk.run('/whoami', 'alice');
  desk.run('/whoami', 'bob');
  // Some state for the commands to act on: people with roles, tickets, a known issue, a rotation.
  for (const line of [
    '/people role @bob lead',
    '/people tier @alice t1',
    '/ticket new "Login fails after SSO change" priority:high area:Authentication',
    '/ticket new "Invoice shows the wrong VAT" requester:jane@example.com',
    '/ticket new "Push notifications arrive late"',
    '/known-issue new "Login loop after SSO update"',
    '/oncall rotation set @alice @bob',
    // Staff-only text a requester must never read back.
    '/ticket note 1 NOTE-SECRET the customer runs 6.4 on a patched build',
    '/oncall contacts set phone +49 30 5550199',
  ]) {
    const reply = desk.run(line);
    expect(reply.tone, `${line}: ${replyText(reply)}`).not.toBe('error');
  }
});
afterAll(() => desk.dispose());

/** Option keys every usage line names (priority:, to:, week:…), plus a few nobody defined. */
function optionKeys(): string[] {
  const keys = new Set<string>(['area', 'type', 'special', 'process', 'nope', 'x-y', 'PRIORITY']);
  for (const definition of desk.registry.all()) for (const match of definition.usage.matchAll(/([a-z][a-z0-9-]*):/g)) keys.add(match[1]!);
  return [...keys];
}

const controlChar = fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c));
const nastyText = fc.oneof(
  fc.string({ maxLength: 30, unit: 'grapheme' }),
  fc.string({ maxLength: 30, unit: 'binary' }),
  fc.array(fc.oneof(controlChar, fc.constantFrom('\u0085', '\u2028', '\u202e', '\u200d', '\ufeff', '\ud800', '\udfff', '\u001b[2J', '🎫', 'ß', 'İ', '𝔘')), { maxLength: 8 }).map((parts) => parts.join('')),
);

const ids = fc.constantFrom('1', '#1', '2', '#3', '3', '0', '-1', '#', '99', '2147483648', '99999999999999', '1e3', '0x10', 'KI-1', 'ki-9', '1,2,3', '١');
const dates = fc.constantFrom('2026-11-23', '2026-02-29', '2028-02-29', '2026-13-01', '2026-11-23T10:00', '2026-11-23T25:61', '2026-11-23T10:00:00Z', '0000-01-01', '9999-12-31', 'now', 'tomorrow', '+1d', '2026-11-30');
const durations = fc.constantFrom('30m', '2h', '1d', '0m', '7h30m', '450m', '99999d', '-2h', '2x', '1.5h', '8h', 'default', '09:00-17:00', '22:00-24:00', '17:00-09:00', '24:00-25:00', 'closed');
const mentions = fc.constantFrom('@alice', '@bob', '@lead', '@nobody', 'me', '@me', '<@U0ALICE|alice>', '<@W123>', '@channel', '@here', '@everyone', '@all', '<!here>', '<!channel>', '<!subteam^S123|team>', '@', '@@', '@🎫');
const words = fc.constantFrom(
  'high', 'medium', 'low', 'critical', 'none', 't1', 't2', 't5', 'oncall', 'triage', 'pending', 'hold', 'hold 3d', 'review', 'closed', 'resolved', 'waiting', 'open',
  'engagement', 'product', 'marketing', 'mine', 'unassigned', 'all', 'last', 'preview', 'add', 'remove', 'set', 'phone', 'email', 'pager', 'agent', 'lead', 'admin',
  'mon-fri', 'weekend', 'sat,sun', 'Europe/Berlin', 'America/St_Johns', 'Mars/Olympus', 'hotfix', 'sql', 'loop', 'known-issue', 'investigating', 'resolved', 'major',
  'help', 'https://example.com/a:b', 'javascript:alert(1)', "Robert'); DROP TABLE tickets;--", '|', '||', '\\', '"', '“', '„', '""',
);
const flags = fc.constantFrom('--force', '--new-family', '--x', '--', '---', '--FORCE');

/** The leading bare words of a command line, as the router reads them; undefined when the lexer refuses it. */
function leadingWords(text: string): string[] | undefined {
  try {
    const tokens = tokenize(text.trim().replace(/^\//, ''));
    const end = tokens.findIndex((t) => t.kind !== 'word');
    return tokens.slice(0, end === -1 ? tokens.length : end).map((t) => t.value);
  } catch {
    return undefined;
  }
}

function quoted(text: string): string {
  return `"${text.replace(/["“”\\]/g, (ch) => `\\${ch}`)}"`;
}

const argument = (keys: readonly string[]) =>
  fc.oneof(
    { weight: 3, arbitrary: ids },
    { weight: 2, arbitrary: dates },
    { weight: 2, arbitrary: durations },
    { weight: 3, arbitrary: mentions },
    { weight: 4, arbitrary: words },
    { weight: 1, arbitrary: flags },
    { weight: 2, arbitrary: nastyText.map(quoted) },
    { weight: 1, arbitrary: nastyText },
    {
      weight: 4,
      arbitrary: fc.tuple(fc.constantFrom(...keys), fc.oneof(ids, dates, durations, words, mentions, nastyText.map(quoted))).map(([key, value]) => `${key}:${value}`),
    },
  );

// eslint-disable-next-line no-control-regex
const TERMINAL_CONTROL = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F]/;
/** A mass mention Slack would act on: <!here>, <!channel>, <!everyone>, <!subteam^…>, or a bare @here… */
const SLACK_PING = /<!|@(?:here|channel|everyone)/i;

/** Every platform's rendering of the reply: no terminal controls, no live mass mention, within limits. */
function expectSafelyRendered(line: string, reply: Reply): void {
  expect(renderText(reply, 'plain'), line).not.toMatch(TERMINAL_CONTROL);
  const slack = renderBlocks(reply);
  expect(slack.text, line).not.toMatch(SLACK_PING);
  expect(JSON.stringify(slack.blocks).replace(/"value":"(?:[^"\\]|\\.)*"/g, ''), line).not.toMatch(SLACK_PING);
  expect(slack.blocks.length, line).toBeLessThanOrEqual(50);
  const rocket = renderMessage(reply);
  expect(messageLength(rocket), line).toBeLessThanOrEqual(5000);
  expect(rocket.msg, line).not.toMatch(LIVE_ROCKETCHAT_MASS_MENTION);
  for (const a of rocket.attachments) expect(JSON.stringify([a.title, a.text, a.fields, a.actions?.map((b) => b.text)]), line).not.toMatch(LIVE_ROCKETCHAT_MASS_MENTION);
}

/** A friendly reply: any success, or a failure that says what went wrong (never the apology). */
function expectFriendly(line: string, reply: Reply): void {
  expect(['success', 'info', 'warning', 'error'], line).toContain(reply.tone);
  expect(reply.title.trim(), line).not.toBe('');
  expect(replyText(reply), line).not.toMatch(APOLOGY);
  expectSafelyRendered(line, reply);
  if (reply.tone === 'error') {
    expect(reply.visibility, line).toBe('ephemeral');
    // The reason in the title, and a hint or the usage line under it.
    expect(reply.text?.trim(), line).toBeTruthy();
  }
}

/** The database's own checks of its storage and of every foreign key (db.ts databaseProblems). */
function expectHealthyDatabase(): void {
  expect(databaseProblems(desk.app.store)).toEqual([]);
}

describe('the router under random command lines', () => {
  it('answers every command line built from real command paths and random arguments, as any role', () => {
    const keys = optionKeys();
    const paths = desk.registry.all().map((d) => d.path.join(' '));
    const families = desk.registry.allFamilies().flatMap((f) => [f.name, ...(f.aliases ?? [])]);
    const line = fc
      .tuple(
        fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...paths) }, { weight: 1, arbitrary: fc.constantFrom(...families) }),
        fc.array(argument(keys), { maxLength: 7 }),
        fc.constantFrom('', '/', ' ', '\t'),
      )
      .map(([path, args, lead]) => `${lead}${path} ${args.join(' ')}`);
    let ran = 0;
    checkProperty(
      fc.property(line, fc.constantFrom('lead', 'bob', 'alice', 'newcomer'), fc.constantFrom(...PLATFORMS), (text, user, platform) => {
        // The same people typing in the shell, and strangers on the chat platforms (no directory facts: requesters).
        const reply =
          platform === 'shell'
            ? desk.run(text, user)
            : desk.router.handle({ platform, user: { externalId: `${platform}-${user}`, handle: user }, channel: 'C0HELP', thread: null, text, idempotencyKey: `${platform}:${text.length}:${text.slice(0, 40)}` });
        expectFriendly(`${user}: ${text}`, reply);
        ran++;
      }),
      { numRuns: RUNS, seed: SEED },
    );
    // The fixed run's cases all ran (the random run adds its own after them); a replayed path runs its one case.
    if (!REPLAYING_ONE_CASE) expect(ran).toBeGreaterThanOrEqual(RUNS);
    expectHealthyDatabase();
  });

  it('answers the registry\'s own examples with one token swapped, added or dropped, or hostile text spliced in', () => {
    const keys = optionKeys();
    const examples = desk.registry.all().flatMap((d) => d.examples ?? []);
    expect(examples.length).toBeGreaterThan(50);
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('swap' as const), at: fc.nat(), arg: argument(keys) }),
      fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), arg: argument(keys) }),
      fc.record({ kind: fc.constant('drop' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('append' as const), arg: fc.oneof(nastyText, mentions) }),
    );
    checkProperty(
      fc.property(fc.constantFrom(...examples), fc.array(mutation, { maxLength: 3 }), fc.constantFrom('lead', 'bob', 'alice'), (example, mutations, user) => {
        const parts = example.split(' ');
        for (const m of mutations) {
          // Keep the command's own words (at least the family) so it reaches its parser.
          const at = 1 + ('at' in m ? m.at % Math.max(1, parts.length - 1) : 0);
          if (m.kind === 'swap') parts[Math.min(at, parts.length - 1)] = m.arg;
          else if (m.kind === 'insert') parts.splice(at, 0, m.arg);
          else if (m.kind === 'drop' && parts.length > 2) parts.splice(at, 1);
          else if (m.kind === 'append') parts.push(m.arg);
        }
        const text = parts.join(' ');
        expectFriendly(`${user}: ${text}`, desk.run(text, user));
      }),
      { numRuns: RUNS, seed: SEED + 1 },
    );
    expectHealthyDatabase();
  });

  it('answers requesters from every source with their refusal, help or own view only, keeping nothing of theirs but the person and the audit', () => {
    const keys = optionKeys();
    const paths = desk.registry.all().map((d) => d.path.join(' '));
    const families = desk.registry.allFamilies().flatMap((f) => [f.name, ...(f.aliases ?? [])]);
    const line = fc
      .tuple(
        fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...paths) }, { weight: 1, arbitrary: fc.constantFrom(...families, 'help', '') }),
        fc.array(argument(keys), { maxLength: 6 }),
        fc.constantFrom('', '/'),
      )
      .map(([path, args, lead]) => `${lead}${path} ${args.join(' ')}`);
    let refused = 0;
    checkProperty(
      fc.property(line, fc.constantFrom(...REQUESTERS), fc.boolean(), (text, { platform, user }, keyed) => {
        const before = snapshotStore(desk.app);
        const reply = desk.router.handle({ platform, user, channel: platform === 'slack' ? 'C0HELP' : 'GENERAL', thread: null, text, ...(keyed ? { idempotencyKey: `${platform}:${user.externalId}:${text.slice(0, 60)}` } : {}) });
        const label = `${user.handle}: ${text}`;
        expectFriendly(label, reply);
        expect(reply.audience, label).toBe('requester');
        const shown = replyText(reply);
        for (const secret of STAFF_ONLY) if (!text.includes(secret)) expect(shown, `${label} shows ${secret}`).not.toContain(secret);
        const words = leadingWords(text);
        const match = words && desk.registry.match(words);
        // A line the lexer refuses (an open quote) gets the lexer's reason, before anyone is looked up.
        if (match && !match.definition.requesters && words[1]?.toLowerCase() !== 'help') {
          expect(reply.title, label).toMatch(REFUSAL);
          refused++;
        }
        expectOnlyRequesterTraces(before, snapshotStore(desk.app), label);
      }),
      { numRuns: REQUESTER_RUNS, seed: SEED + 2 },
    );
    if (!REPLAYING_ONE_CASE) expect(refused).toBeGreaterThan(REQUESTER_RUNS / 2);
    expectHealthyDatabase();
    // CPU-bound (a few seconds alone); it ran past the default 20 s once with the machine at load 10.
  }, 60_000);

  it('answers raw random text (any unicode, control characters, unbalanced quotes) without a crash', () => {
    checkProperty(
      fc.property(fc.oneof(fc.string({ maxLength: 200, unit: 'binary' }), fc.string({ maxLength: 200, unit: 'grapheme' }), nastyText), (text) => {
        expectFriendly(text, desk.run(text, 'alice'));
      }),
      { numRuns: 300, seed: SEED },
    );
    expectHealthyDatabase();
  });
});
