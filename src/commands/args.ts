/**
 * Reads a command's tokens into typed values. Every mistake becomes a UsageError with a one-line
 * reason; the router adds the command's usage line.
 */
import { z } from 'zod';
import { UsageError } from '../app/errors.js';
import { parseKnownIssueRef } from '../domain/known-issues.js';
import { closestMatches } from '../domain/text.js';
import type { Token } from './tokenize.js';

/** Turns an option value into a typed value, or throws a UsageError. */
export type OptionParser<T> = (value: string, key: string) => T;

/** Largest ticket number accepted; beyond it the number cannot be ours and is a typo. */
const MAX_ID = 2 ** 31 - 1;

/** "a ticket number", "an entry number". */
function withArticle(label: string): string {
  return `${/^[aeiou]/i.test(label) ? 'an' : 'a'} ${label}`;
}

function describe(token: Token): string {
  switch (token.kind) {
    case 'option':
      return `${token.key}:${token.value}`;
    case 'mention':
      return `@${token.value}`;
    case 'flag':
      return `--${token.value}`;
    default:
      return token.value;
  }
}

/** A value from a fixed list, with aliases, validated by zod; a miss suggests the closest ones. */
export function choice<const T extends string>(
  label: string,
  values: readonly T[],
  aliases: Record<string, T> = {},
): OptionParser<T> {
  const schema = z.enum(values as unknown as [T, ...T[]]);
  return (value) => {
    const normalized = value.trim().toLowerCase();
    const parsed = schema.safeParse(aliases[normalized] ?? normalized);
    if (parsed.success) return parsed.data;
    // Suggest names, not punctuation aliases such as "-" for none.
    const known = [...new Set([...values, ...Object.keys(aliases)])].filter((name) => /[\p{L}\p{N}]/u.test(name));
    const near = closestMatches(normalized, known, 1);
    const suggestion = near.length > 0 ? ` Did you mean ${near[0]}?` : '';
    throw new UsageError(`"${value}" is not ${withArticle(label)}: use ${values.join(', ')}.${suggestion}`, '');
  };
}

/** A positive whole number within bounds (hold days, pages, known issue numbers). */
export function wholeNumber(label: string, min: number, max: number): OptionParser<number> {
  const schema = z.coerce.number().int().min(min).max(max);
  return (value) => {
    const parsed = /^\d+$/.test(value.trim()) ? schema.safeParse(value.trim()) : undefined;
    if (parsed?.success) return parsed.data;
    throw new UsageError(`"${value}" is not a valid ${label}: use a whole number from ${min} to ${max}.`, '');
  };
}

/** A known issue number: "3", "#3" or "KI-3". */
export const knownIssueOption: OptionParser<number> = (value) => {
  const n = parseKnownIssueRef(value);
  if (n === undefined) throw new UsageError(`"${value}" is not a known issue number: type it as 3 or KI-3.`, '');
  return n;
};

/** An http(s) URL, as people paste them. */
export const urlOption: OptionParser<string> = (value, key) => {
  const parsed = z.url({ protocol: /^https?$/ }).safeParse(value);
  if (parsed.success) return parsed.data;
  throw new UsageError(`${key}: needs a link starting with https:// (got "${value}").`, '');
};

/** Parses "42" or "#42" as a ticket (or known issue) number. */
export function parseNumberRef(raw: string, label = 'ticket number'): number {
  const match = /^#?(\d{1,12})$/.exec(raw.trim());
  const value = match ? Number(match[1]) : NaN;
  if (!match || value < 1 || value > MAX_ID) {
    throw new UsageError(`"${raw}" is not ${withArticle(label)}: type it as 42 or #42.`, '');
  }
  return value;
}

export interface OptionSpec {
  [key: string]: OptionParser<unknown>;
}

export type ParsedOptions<S extends OptionSpec> = { [K in keyof S]?: ReturnType<S[K]> };

/** A cursor over one command's tokens (those after the command path). */
export class ArgReader {
  private index = 0;

  constructor(
    /** The full text the tokens were read from. */
    readonly source: string,
    private readonly tokens: readonly Token[],
  ) {}

  get done(): boolean {
    return this.index >= this.tokens.length;
  }

  peek(): Token | undefined {
    return this.tokens[this.index];
  }

  /** The token `ahead` places after the cursor (0 is peek()), without consuming anything. */
  peekAt(ahead: number): Token | undefined {
    return this.tokens[this.index + ahead];
  }

  next(): Token | undefined {
    return this.tokens[this.index++];
  }

  /** The remaining tokens, left in place. */
  remaining(): readonly Token[] {
    return this.tokens.slice(this.index);
  }

  /** The remaining tokens, consumed. */
  takeAll(): Token[] {
    const rest = this.tokens.slice(this.index);
    this.index = this.tokens.length;
    return rest;
  }

  /** A required ticket number ("42" or "#42"). */
  ticketId(label = 'ticket number'): number {
    const token = this.next();
    if (!token) throw new UsageError(`Which ticket? Add its ${label}.`, '');
    if (token.kind !== 'word' && token.kind !== 'quoted') {
      throw new UsageError(`"${describe(token)}" is not ${withArticle(label)}: type it as 42 or #42.`, '');
    }
    return parseNumberRef(token.value, label);
  }

  /** Several ticket numbers until the tokens run out ("42 #43 44" or "42,43"). */
  ticketIds(label = 'ticket number'): number[] {
    const ids: number[] = [];
    for (const token of this.takeAll()) {
      if (token.kind !== 'word') throw new UsageError(`"${describe(token)}" is not ${withArticle(label)}.`, '');
      for (const part of token.value.split(',').filter(Boolean)) ids.push(parseNumberRef(part, label));
    }
    if (ids.length === 0) throw new UsageError(`Add at least one ${label}.`, '');
    return [...new Set(ids)];
  }

  /** A required bare word (subcommand argument, status name...). */
  word(what: string): string {
    const token = this.next();
    if (!token) throw new UsageError(`Missing ${what}.`, '');
    if (token.kind === 'word' || token.kind === 'quoted') return token.value;
    throw new UsageError(`Expected ${what}, got "${describe(token)}".`, '');
  }

  /** A required value from a fixed list. */
  choice<T>(what: string, parse: OptionParser<T>): T {
    return parse(this.word(what), what);
  }

  /** An optional @mention at the cursor. */
  optionalMention(): string | undefined {
    const token = this.peek();
    if (token?.kind !== 'mention') return undefined;
    this.index++;
    return token.value;
  }

  /**
   * Consumes the options (and --flags) that stand at the cursor, before any free text. Keys not in
   * `spec` stop the scan, so "Error: foo" in free text stays text.
   */
  leadingOptions<S extends OptionSpec>(spec: S, flags: readonly string[] = []): ParsedOptions<S> & { flags: Set<string> } {
    const result: Record<string, unknown> = {};
    const seenFlags = new Set<string>();
    for (let token = this.peek(); token; token = this.peek()) {
      if (token.kind === 'option' && token.key in spec) {
        result[token.key] = spec[token.key]!(token.value, token.key);
      } else if (token.kind === 'flag' && flags.includes(token.value)) {
        seenFlags.add(token.value);
      } else break;
      this.index++;
    }
    return Object.assign(result as ParsedOptions<S>, { flags: seenFlags });
  }

  /**
   * Splits the remaining tokens into options in `spec` and other tokens. An option whose key is
   * unknown is a mistake unless `acceptKey` claims it (tag families) or `unknownAsText` is set.
   */
  options<S extends OptionSpec>(
    spec: S,
    settings: { acceptKey?: (key: string) => boolean; unknownAsText?: boolean } = {},
  ): { options: ParsedOptions<S>; extra: Token[]; claimed: Extract<Token, { kind: 'option' }>[] } {
    const options: Record<string, unknown> = {};
    const extra: Token[] = [];
    const claimed: Extract<Token, { kind: 'option' }>[] = [];
    for (const token of this.takeAll()) {
      if (token.kind !== 'option') {
        extra.push(token);
        continue;
      }
      if (token.key in spec) {
        if (token.key in options) throw new UsageError(`${token.key}: is given twice; keep one.`, '');
        options[token.key] = spec[token.key]!(token.value, token.key);
      } else if (settings.acceptKey?.(token.key)) {
        claimed.push(token);
      } else if (settings.unknownAsText) {
        extra.push({ kind: 'word', value: `${token.key}:${token.value}`, start: token.start, end: token.end });
      } else {
        const near = closestMatches(token.key, Object.keys(spec), 1);
        const hint = near.length > 0 ? ` Did you mean ${near[0]}:?` : '';
        throw new UsageError(
          `Unknown option "${token.key}:".${hint} (Put text that contains a colon in "quotes".)`,
          '',
        );
      }
    }
    return { options: options as ParsedOptions<S>, extra, claimed };
  }

  /** The rest of the command exactly as typed (free text: replies, notes, questions). */
  restText(): string {
    const rest = this.takeAll();
    const first = rest[0];
    if (!first) return '';
    // A single quoted string is the text itself, without its quotes.
    if (rest.length === 1 && first.kind === 'quoted') return first.value.trim();
    return this.source.slice(first.start).trim();
  }

  /** Fails if anything is left over. */
  end(): void {
    const token = this.peek();
    if (token) throw new UsageError(`Unexpected "${describe(token)}" at the end.`, '');
  }
}

/** Joins words and quoted strings back into text (titles typed without quotes). */
export function joinText(tokens: readonly Token[]): string {
  return tokens
    .map((t) => (t.kind === 'mention' ? `@${t.value}` : t.kind === 'flag' ? `--${t.value}` : describe(t)))
    .join(' ')
    .trim();
}
