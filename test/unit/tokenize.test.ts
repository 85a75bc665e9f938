import fc from 'fast-check';
import { checkProperty } from '../doubles/property.js';
import { describe, expect, it } from 'vitest';
import { LexError, tokenize } from '../../src/commands/tokenize.js';
import { ArgReader, parseNumberRef } from '../../src/commands/args.js';
import { UsageError } from '../../src/app/errors.js';

const kinds = (text: string) => tokenize(text).map((t) => t.kind);
const values = (text: string) => tokenize(text).map((t) => ('key' in t ? `${t.key}=${t.value}` : t.value));

describe('tokenize', () => {
  it('reads words, quoted strings, options, mentions and flags', () => {
    expect(kinds('ticket new "Login fails" priority:high @alice --force')).toEqual(['word', 'word', 'quoted', 'option', 'mention', 'flag']);
    expect(values('ticket new "Login fails" priority:high @alice --force')).toEqual(['ticket', 'new', 'Login fails', 'priority=high', 'alice', 'force']);
  });

  it('takes quoted option values, with spaces and slashes', () => {
    expect(values('area:"Data Import / Export" type:Bug')).toEqual(['area=Data Import / Export', 'type=Bug']);
  });

  it('accepts the curly quotes Slack and phones produce', () => {
    expect(values('new “Login fails” x')).toEqual(['new', 'Login fails', 'x']);
  });

  it('keeps URLs, times and trailing colons as words', () => {
    expect(kinds('see https://example.com/a:b at 10:30 Error: boom')).toEqual(['word', 'word', 'word', 'word', 'word', 'word']);
  });

  it('reads Slack mentions with and without a label', () => {
    expect(tokenize('<@U123ABC|alice> <@W999>').map((t) => t.value)).toEqual(['U123ABC', 'W999']);
  });

  it('lets a backslash escape a quote inside a quoted string', () => {
    expect(values('"say \\"hi\\" now"')).toEqual(['say "hi" now']);
  });

  it('refuses an unbalanced quote with the place it starts', () => {
    expect(() => tokenize('ticket new "Login fails')).toThrow(LexError);
    expect(() => tokenize('area:"Data Import')).toThrow(/closing quote/);
  });

  it('records where each token stood so free text can be sliced unchanged', () => {
    const text = 'reply 42   Hello,  "world"  ok';
    const tokens = tokenize(text);
    const reader = new ArgReader(text, tokens.slice(1));
    expect(reader.ticketId()).toBe(42);
    expect(reader.restText()).toBe('Hello,  "world"  ok');
  });

  it('handles unicode, emoji and SQL-looking text as plain words', () => {
    expect(values("新しい 🎫 Robert'); DROP TABLE tickets;--")).toEqual(['新しい', '🎫', "Robert');", 'DROP', 'TABLE', 'tickets;--']);
  });

  it('never throws anything but LexError, whatever the input', () => {
    checkProperty(
      fc.property(fc.string({ maxLength: 300, unit: 'binary' }), (text) => {
        try {
          const tokens = tokenize(text);
          for (const token of tokens) {
            expect(token.start).toBeGreaterThanOrEqual(0);
            expect(token.end).toBeLessThanOrEqual(text.length);
            expect(token.end).toBeGreaterThan(token.start);
          }
        } catch (error) {
          expect(error).toBeInstanceOf(LexError);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('tokenizes a 10 kB title quickly and whole', () => {
    const title = 'x'.repeat(10_240);
    const tokens = tokenize(`ticket new "${title}"`);
    expect(tokens[2]).toMatchObject({ kind: 'quoted', value: title });
  });
});

describe('ticket numbers', () => {
  it('accepts 42 and #42', () => {
    expect(parseNumberRef('42')).toBe(42);
    expect(parseNumberRef('#42')).toBe(42);
  });

  it.each(['0', '-1', 'abc', '#', '4 2', '99999999999999', '1e3', '0x10'])('refuses %s with a usage error', (raw) => {
    expect(() => parseNumberRef(raw)).toThrow(UsageError);
  });
});
