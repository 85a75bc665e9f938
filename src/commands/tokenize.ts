/**
 * The command lexer shared by every adapter. Arguments are words, "quoted strings", key:value
 * options (the value may be quoted: area:"Data Import / Export"), @mentions (also Slack's
 * <@U123|name> form) and --flags. Every token remembers where it stood, so commands that take
 * free text can slice the original text unchanged.
 */

export type Token =
  | { kind: 'word'; value: string; start: number; end: number }
  | { kind: 'quoted'; value: string; start: number; end: number }
  | { kind: 'option'; key: string; value: string; start: number; end: number }
  | { kind: 'mention'; value: string; start: number; end: number }
  | { kind: 'flag'; value: string; start: number; end: number };

export class LexError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
    this.name = 'LexError';
  }
}

// Slack and phones turn straight quotes into curly ones; accept both.
const OPENING_QUOTES = new Set(['"', '“', '”', '„']);
const CLOSING_QUOTES = new Set(['"', '”', '“']);

const OPTION = /^([a-z][a-z0-9_-]*):(.+)$/i;
const MENTION_PATTERN = /^<@([A-Z0-9]+)(?:\|[^>]*)?>$/i;

function isSpace(ch: string): boolean {
  return /\s/u.test(ch);
}

/** Reads a quoted run starting at `open` (the opening quote); returns its text and end index. */
function readQuoted(text: string, open: number): { value: string; end: number } {
  let value = '';
  let i = open + 1;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '\\' && i + 1 < text.length && (CLOSING_QUOTES.has(text[i + 1]!) || text[i + 1] === '\\')) {
      value += text[i + 1];
      i += 2;
      continue;
    }
    if (CLOSING_QUOTES.has(ch)) return { value, end: i + 1 };
    value += ch;
    i++;
  }
  throw new LexError(`A closing quote is missing for the text starting at "${text.slice(open, open + 20)}"`, open);
}

/** Splits command text into tokens. Throws LexError on an unbalanced quote. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    if (isSpace(text[i]!)) {
      i++;
      continue;
    }
    const start = i;
    if (OPENING_QUOTES.has(text[i]!)) {
      const { value, end } = readQuoted(text, i);
      tokens.push({ kind: 'quoted', value, start, end });
      i = end;
      continue;
    }
    // A bare run, which may switch into a quoted value right after "key:".
    let raw = '';
    let quotedValue: string | undefined;
    while (i < text.length && !isSpace(text[i]!)) {
      if (OPENING_QUOTES.has(text[i]!) && /^[a-z][a-z0-9_-]*:$/i.test(raw)) {
        const { value, end } = readQuoted(text, i);
        quotedValue = value;
        i = end;
        break;
      }
      raw += text[i];
      i++;
    }
    const end = i;
    if (quotedValue !== undefined) {
      tokens.push({ kind: 'option', key: raw.slice(0, -1).toLowerCase(), value: quotedValue, start, end });
      continue;
    }
    tokens.push(classify(raw, start, end));
  }
  return tokens;
}

function classify(raw: string, start: number, end: number): Token {
  const slack = MENTION_PATTERN.exec(raw);
  if (slack) return { kind: 'mention', value: slack[1]!, start, end };
  if (raw.length > 1 && raw.startsWith('@')) return { kind: 'mention', value: raw.slice(1), start, end };
  if (/^--[a-z][a-z0-9-]*$/i.test(raw)) return { kind: 'flag', value: raw.slice(2).toLowerCase(), start, end };
  const option = OPTION.exec(raw);
  // "https://..." and "10:30" are text, not options.
  if (option && !option[2]!.startsWith('//') && !/^\d/.test(option[1]!)) {
    return { kind: 'option', key: option[1]!.toLowerCase(), value: option[2]!, start, end };
  }
  return { kind: 'word', value: raw, start, end };
}

/** The text a token stood for, as typed (quotes included). */
export function tokenSource(text: string, token: Token): string {
  return text.slice(token.start, token.end);
}
