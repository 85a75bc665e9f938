/** Small pure text helpers shared by the grammar, tags and known issues, and outside text made storable. */

/** "Data Import / Export" -> "data-import-export"; stable across case, accents and punctuation. */
export function slugify(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** Edit distance, for "did you mean" suggestions. */
export function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * The candidates closest to `input`, best first: prefix and substring matches rank ahead of
 * plain edit distance, and anything further than about a third of the word is dropped.
 */
export function closestMatches(input: string, candidates: readonly string[], limit = 3): string[] {
  const needle = input.toLowerCase();
  const scored = candidates.map((candidate) => {
    const hay = candidate.toLowerCase();
    let score = levenshtein(needle, hay);
    if (hay.startsWith(needle) || needle.startsWith(hay)) score = Math.min(score, 1);
    else if (needle.length >= 3 && hay.includes(needle)) score = Math.min(score, 2);
    return { candidate, score };
  });
  const maxDistance = Math.max(2, Math.ceil(needle.length / 3));
  return scored
    .filter((s) => s.score <= maxDistance)
    .sort((a, b) => a.score - b.score || a.candidate.localeCompare(b.candidate))
    .slice(0, limit)
    .map((s) => s.candidate);
}

/** Cut text to `max` characters, marking the cut so nobody mistakes it for the whole. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, Math.max(0, max - 1))}…`;
}

/*
 * Text from outside made storable the same way on every engine. PostgreSQL's text and jsonb refuse
 * the NUL character (U+0000) where SQLite keeps it, and jsonb refuses a lone surrogate (half of a
 * UTF-16 pair: JSON.stringify writes it as an escape like "\udfff") where SQLite's JSON text keeps
 * it; nobody types either. Both become U+FFFD (the replacement character, shown as �; what UTF-8
 * text columns already made of a lone surrogate on both engines) where outside input enters the
 * core (engine/operations.ts runOperation, for everything an adapter hands the engine; the
 * router, for a command run on it directly), so what is stored, answered and shown is the same on
 * SQLite and PostgreSQL.
 */

/** What a NUL character or a lone surrogate becomes. */
export const REPLACEMENT_CHARACTER = '\uFFFD';

/** `text` with every NUL character and every lone surrogate replaced by U+FFFD; the same string when it has none. */
export function storableText(text: string): string {
  return UNSTORABLE.test(text) ? text.replace(UNSTORABLE_ALL, REPLACEMENT_CHARACTER) : text;
}

// eslint-disable-next-line no-control-regex
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const UNSTORABLE_ALL = new RegExp(UNSTORABLE.source, 'g');

/**
 * `value` with storableText applied to every string in it, through arrays and plain objects (an
 * inbound model: a mail, a message, an invocation). Anything else (a Date, bytes, a Map, a
 * function) is kept as it is. Returns `value` itself when nothing changed, so the common case
 * copies nothing.
 */
export function storableTexts<T>(value: T): T {
  return clean(value) as T;
}

function clean(value: unknown): unknown {
  if (typeof value === 'string') return storableText(value);
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item: unknown, index) => {
      const cleaned = clean(item);
      if (cleaned !== item) (copy ??= [...value])[index] = cleaned;
    });
    return copy ?? value;
  }
  if (!isPlainObject(value)) return value;
  let copy: Record<string, unknown> | undefined;
  for (const [key, item] of Object.entries(value)) {
    const cleaned = clean(item);
    if (cleaned !== item) (copy ??= { ...value })[key] = cleaned;
  }
  return copy ?? value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}
