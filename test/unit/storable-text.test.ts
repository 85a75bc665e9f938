/**
 * domain/text.ts storableText and storableTexts: every NUL (U+0000) and lone surrogate becomes U+FFFD, through the
 * strings of an inbound model, and nothing else changes (bytes, dates, maps, functions kept as they
 * are; the same object back when there was no NUL).
 */
import { describe, expect, it } from 'vitest';
import { REPLACEMENT_CHARACTER, storableText, storableTexts } from '../../src/domain/text.js';

describe('storableText', () => {
  it('replaces every NUL with U+FFFD and keeps every other character', () => {
    expect(REPLACEMENT_CHARACTER).toBe('\uFFFD');
    expect(storableText('a\u0000b\u0000\u0000c')).toBe('a\uFFFDb\uFFFD\uFFFDc');
    expect(storableText('\u0000')).toBe('\uFFFD');
    const other = 'tab\tline\nbell\u0007 \u0001 🎫 𝔘 \uD83C\uDFAB';
    expect(storableText(other)).toBe(other);
  });

  it('replaces a lone surrogate (which PostgreSQL\'s jsonb refuses) and keeps every pair', () => {
    expect(storableText('a\udfffb')).toBe('a\uFFFDb');
    expect(storableText('\ud800')).toBe('\uFFFD');
    expect(storableText('\ud800\ud800\udc00')).toBe('\uFFFD\ud800\udc00');
    expect(storableText('\udc00\ud800')).toBe('\uFFFD\uFFFD');
    expect(storableText('🎫\u0000\udfff')).toBe('🎫\uFFFD\uFFFD');
  });
});

describe('storableTexts', () => {
  it('cleans the strings of nested plain objects and arrays, and copies only what changed', () => {
    const untouched = { id: 'x', list: ['a', 'b'] };
    const model = { subject: 'Sub\u0000ject', author: { handle: 'nul\u0000', facts: { teams: ['T\u0000'] } }, untouched, count: 3, flag: true, none: null };
    const cleaned = storableTexts(model);
    expect(cleaned).toEqual({ subject: 'Sub\uFFFDject', author: { handle: 'nul\uFFFD', facts: { teams: ['T\uFFFD'] } }, untouched, count: 3, flag: true, none: null });
    // The input is left as it was, and the clean branch is shared, not copied.
    expect(model.subject).toBe('Sub\u0000ject');
    expect(model.author.facts.teams[0]).toBe('T\u0000');
    expect(cleaned.untouched).toBe(untouched);
  });

  it('gives the same object back when there is no NUL', () => {
    const model = { text: 'hello', list: [{ name: 'a' }], at: new Date(0) };
    expect(storableTexts(model)).toBe(model);
  });

  it('keeps what is not a plain object as it is: bytes, dates, maps, functions', () => {
    const content = new Uint8Array([0, 1, 0]);
    const at = new Date('2026-11-23T10:00:00Z');
    const places = new Map([['slack:C\u0000', 'x']]);
    const onRecorded = (): void => undefined;
    const cleaned = storableTexts({ name: 'f\u0000.txt', content, at, places, onRecorded });
    expect(cleaned.name).toBe('f\uFFFD.txt');
    expect(cleaned.content).toBe(content);
    expect(cleaned.at).toBe(at);
    expect(cleaned.places).toBe(places);
    expect(cleaned.onRecorded).toBe(onRecorded);
  });
});
