/**
 * Hostile input against every zod schema and parser at deskops' edges: the environment, the stored
 * team settings, the Slack modal and interaction payloads, and the command-argument parsers. None
 * of them may throw anything but its own refusal, and every refusal names what was wrong.
 */
import fc from 'fast-check';
import { checkProperty } from '../doubles/property.js';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { UsageError } from '../../src/app/errors.js';
import { channelMapSchema } from '../../src/app/channels.js';
import { ladderPolicySchema } from '../../src/app/oncall-ladder.js';
import { choice, knownIssueOption, parseNumberRef, urlOption, wholeNumber } from '../../src/commands/args.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import { calendarSchema, defaultCalendar } from '../../src/domain/calendar.js';
import { businessDurationSchema, DEFAULT_SLA_POLICY, slaPolicySchema } from '../../src/domain/sla.js';
import { DEFAULT_TIMER_POLICY, timerPolicySchema } from '../../src/domain/status-timers.js';
import { digestScheduleSchema } from '../../src/domain/digest-schedule.js';
import { normalizeRequester } from '../../src/adapters/slack/interactions/ticket-modal.js';
import { metaString, quoteArg, readMetadata } from '../../src/adapters/slack/interactions/common.js';
import { selectedValue, selectedValues, textValue, type ViewValues } from '../../src/adapters/slack/interactions/view-state.js';
import { tokenize } from '../../src/commands/tokenize.js';

const SEED = 611;

/** Any JSON a stored setting or a payload could hold, plus the odd non-JSON value. */
const anyValue = fc.oneof(fc.jsonValue({ maxDepth: 4 }), fc.anything({ maxDepth: 3 }));

/** `base` with one path replaced by a random value: near-valid documents reach deeper into a schema. */
function mutated(base: unknown): fc.Arbitrary<unknown> {
  const paths: string[][] = [];
  const walk = (value: unknown, path: string[]) => {
    paths.push(path);
    if (value && typeof value === 'object') for (const [key, inner] of Object.entries(value)) walk(inner, [...path, key]);
  };
  walk(base, []);
  return fc.tuple(fc.constantFrom(...paths), anyValue).map(([path, value]) => {
    if (path.length === 0) return value;
    const copy = structuredClone(base) as Record<string, unknown>;
    let node = copy;
    for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
    node[path.at(-1)!] = value;
    return copy;
  });
}

const SCHEMAS: [string, z.ZodType, unknown][] = [
  ['calendar', calendarSchema, defaultCalendar('Europe/Berlin')],
  ['SLA policy', slaPolicySchema, DEFAULT_SLA_POLICY],
  ['status timers', timerPolicySchema, DEFAULT_TIMER_POLICY],
  ['on-call ladder', ladderPolicySchema, { ackMinutes: 60, callAfterPageMinutes: 30 }],
  ['channel map', channelMapSchema, { 'tier:t2': 'slack:C123', leads: 'rocketchat:GENERAL' }],
  ['digest schedule', digestScheduleSchema, { weekday: 1, hour: 10 }],
  ['business duration', businessDurationSchema, '2h'],
];

describe('stored-setting schemas', () => {
  for (const [name, schema, valid] of SCHEMAS) {
    it(`${name}: accepts its default, and refuses anything else with named issues, never a throw`, () => {
      expect(schema.safeParse(valid).success).toBe(true);
      checkProperty(
        fc.property(fc.oneof(anyValue, mutated(valid)), (value) => {
          const parsed = schema.safeParse(value);
          if (!parsed.success) {
            expect(parsed.error.issues.length).toBeGreaterThan(0);
            for (const issue of parsed.error.issues) expect(issue.message.trim()).not.toBe('');
          }
        }),
        { numRuns: 400, seed: SEED },
      );
    });
  }
});

describe('the environment schema', () => {
  const VARIABLES = [
    'DESKOPS_DB', 'PORT', 'SLACK_API_URL', 'ROCKETCHAT_URL', 'DESKOPS_TIMEZONE', 'DESKOPS_DEFAULT_DEPARTMENT', 'DESKOPS_ADMINS', 'DESKOPS_PAGE_SIZE',
    'DESKOPS_LOG_LEVEL', 'DESKOPS_SHELL_USER', 'ROCKETCHAT_USER', 'ROCKETCHAT_PASSWORD', 'ROCKETCHAT_AUTH_TOKEN', 'ROCKETCHAT_USER_ID',
    'DESKOPS_ROCKETCHAT_PREFIX', 'SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN', 'SLACK_BOT_ID', 'SLACK_BOT_USER_ID',
    'DESKOPS_SLACK_COMMAND', 'DESKOPS_PAGE_WEBHOOK',
  ];
  const plausible = fc.constantFrom(
    '', ' ', '0', '3000', '65536', '-1', '1e3', '10', '101', 'NaN', 'Infinity', 'UTC', 'Europe/Berlin', 'Mars/Olympus', 'paid', 'PAID', 'warn', 'silent',
    'xoxb-1', 'xapp-1', 'xoxp-1', 'https://chat.example.com', 'http://127.0.0.1:3000/api/', 'ftp://x', 'javascript:alert(1)', '!', '!!!!', '@', '/desk', '/DESK', 'desk',
    'slack:U1,shell:bob', ',,,', '\u0000', 'a'.repeat(5000),
  );
  const env = fc.dictionary(fc.constantFrom(...VARIABLES), fc.oneof(plausible, fc.string({ maxLength: 40, unit: 'binary' })), { maxKeys: 8 });

  it('turns any environment into a Config or a ConfigError naming each bad variable', () => {
    checkProperty(
      fc.property(env, (vars) => {
        try {
          const config = loadConfig({ DESKOPS_DB: '/tmp/never-opened.db', ...vars });
          expect(config.port).toBeGreaterThanOrEqual(1);
          expect(config.settings.pageSize).toBeGreaterThanOrEqual(1);
        } catch (error) {
          expect(error).toBeInstanceOf(ConfigError);
          const problems = (error as ConfigError).problems;
          expect(problems.length).toBeGreaterThan(0);
          for (const problem of problems) expect(VARIABLES.some((v) => problem.includes(v))).toBe(true);
        }
      }),
      { numRuns: 1000, seed: SEED },
    );
  });
});

describe('Slack payload readers', () => {
  /** View state as Slack sends it, and shapes it never should (numbers, nulls, arrays where objects go). */
  const viewValues: fc.Arbitrary<unknown> = fc.dictionary(
    fc.constantFrom('title', 'description', 'requester', 'priority', 'tags', 'tier', 'q1', 'q2', 'major', 'team', 'reason'),
    fc.oneof(
      fc.record({ value: fc.record({ type: fc.constant('plain_text_input'), value: fc.oneof(fc.string({ unit: 'binary' }), fc.constant(null), fc.integer()) }) }),
      fc.record({ value: fc.record({ selected_option: fc.oneof(fc.constant(null), fc.record({ value: fc.oneof(fc.string(), fc.integer()) })) }) }),
      fc.record({ value: fc.record({ selected_options: fc.oneof(fc.constant(null), fc.array(fc.record({ value: fc.string() }))) }) }),
      anyValue,
    ),
  );

  it('read text, selects and multi-selects from any view state without throwing, and only ever return strings', () => {
    checkProperty(
      fc.property(viewValues, fc.constantFrom('title', 'priority', 'tags', 'missing'), (values, block) => {
        const state = values as ViewValues;
        const text = textValue(state, block);
        const selected = selectedValue(state, block);
        const many = selectedValues(state, block);
        expect(text === undefined || typeof text === 'string').toBe(true);
        expect(selected === undefined || typeof selected === 'string').toBe(true);
        expect(Array.isArray(many) && many.every((v) => typeof v === 'string')).toBe(true);
      }),
      { numRuns: 1000, seed: SEED },
    );
  });

  it('read private_metadata of any shape as an object, and its strings as strings', () => {
    checkProperty(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), anyValue.map((v) => { try { return JSON.stringify(v); } catch { return '{'; } })), (raw) => {
        const meta = readMetadata(raw);
        expect(typeof meta).toBe('object');
        expect(Array.isArray(meta)).toBe(false);
        for (const key of ['channel', 'ticketId', 'source']) {
          const value = metaString(meta, key);
          expect(value === undefined || typeof value === 'string').toBe(true);
        }
      }),
      { numRuns: 500, seed: SEED },
    );
  });

  it('normalize any requester text to an @handle, an email address or nothing', () => {
    checkProperty(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 100 }), fc.emailAddress(), fc.constantFrom('@jane', '<@U123|jane>', '<!here>', '@here', 'a@b')), (raw) => {
        const value = normalizeRequester(raw);
        if (value !== undefined) expect(value.startsWith('@') || value.includes('@')).toBe(true);
      }),
      { numRuns: 500, seed: SEED },
    );
  });

  it('quote any free text so the lexer reads it back as exactly one argument, unchanged', () => {
    checkProperty(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
        const tokens = tokenize(quoteArg(text));
        expect(tokens).toHaveLength(1);
        expect(tokens[0]).toMatchObject({ kind: 'quoted', value: text });
      }),
      { numRuns: 1000, seed: SEED },
    );
  });
});

describe('command-argument parsers', () => {
  const raw = fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.constantFrom('1', '#1', '0', '-1', 'KI-3', '2147483648', '1e3', ' 7 ', 'https://x.example', 'http://', 'HIGH', 'hi'));
  const parsers: [string, (value: string) => unknown][] = [
    ['choice', (v) => choice('priority', ['high', 'medium', 'low'] as const, { hi: 'high' })(v, 'priority')],
    ['wholeNumber', (v) => wholeNumber('page', 1, 1000)(v, 'page')],
    ['knownIssueOption', (v) => knownIssueOption(v, 'known')],
    ['urlOption', (v) => urlOption(v, 'bug')],
    ['parseNumberRef', (v) => parseNumberRef(v)],
  ];
  for (const [name, parse] of parsers) {
    it(`${name}: a value, or a UsageError with a reason`, () => {
      checkProperty(
        fc.property(raw, (value) => {
          try {
            parse(value);
          } catch (error) {
            expect(error).toBeInstanceOf(UsageError);
            expect((error as UsageError).message.trim()).not.toBe('');
          }
        }),
        { numRuns: 400, seed: SEED },
      );
    });
  }
});
