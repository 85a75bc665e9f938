/**
 * How alike two written answers are: TF-IDF weighted cosine over stemmed content words (the
 * `stemmer` and `stopword` packages), plus the answer's "shape" (paths such as Admin > Users,
 * numbers, addresses) kept whole, since two answers that name the same setting and the same
 * number are the same answer far more often than two that share topic words. Pure.
 */
import { eng } from 'stopword';
import { stemmer } from 'stemmer';

/** Term -> how often it occurs in one answer. */
export type Terms = Map<string, number>;

/** Two answers at least this alike are near-duplicates (measured on the labelled set in the tests). */
export const DUPLICATE_THRESHOLD = 0.42;

/** Words every answer uses: greetings, sign-offs, politeness. They say nothing about the answer. */
const CHATTER = ['hi', 'hello', 'hey', 'thanks', 'thank', 'please', 'regards', 'cheers', 'best', 'dear', 'kind', 'let', 'know', 'sorry', 'hope', 'helps', 'again', 'also', 'just', 'can', 'will', 'would', 'could', 'need', 'needs', 'get', 'got', 'one', 'us', 'we', 'you', 'your', 'it', 'then', 'once', 'first', 'only', 'use', 'make', 'sure', 'via', 'since', 'rather', 'instead'];
const STOP = new Set([...eng, ...CHATTER]);

/** Spellings of one thing that rewording swaps freely; mapped to one term after stemming. */
const SYNONYMS: Record<string, string> = {
  signin: 'login', 'sign in': 'login', 'log in': 'login', logon: 'login', login: 'login',
  cooki: 'cooki', email: 'email', 'e-mail': 'email', mail: 'email',
  setup: 'configur', set: 'configur', configur: 'configur',
  phone: 'phone', iphon: 'phone', mobil: 'mobil',
  remov: 'delet', delet: 'delet', eras: 'delet',
  download: 'download', grab: 'download', fetch: 'download',
  turn: 'enabl', switch: 'enabl', enabl: 'enabl', toggl: 'enabl', allow: 'allow', permit: 'allow',
  upgrad: 'upgrad', updat: 'upgrad',
  issu: 'issu', creat: 'creat', gener: 'creat', new: 'creat', fresh: 'creat',
  fail: 'fail', reject: 'fail', block: 'block', stop: 'stop', kill: 'stop',
  rais: 'rais', increas: 'rais',
};

const URL = /\bhttps?:\/\/\S+/gi;
/** "Admin > SAML > Certificate": a path through settings, kept as one term per step pair. */
const PATH = /([\p{L}\p{N}][\p{L}\p{N} &'-]{0,30}?)\s*>\s*(?=[\p{L}\p{N}])/gu;

/** The content terms of an answer, with counts. */
export function answerTerms(text: string): Terms {
  const terms: Terms = new Map();
  const add = (term: string, weight = 1) => terms.set(term, (terms.get(term) ?? 0) + weight);
  const withoutUrls = text.replace(URL, (url) => {
    add(`url:${url.toLowerCase().replace(/[).,;]+$/, '')}`);
    return ' ';
  });
  const lowered = withoutUrls.toLowerCase().replace(/\b(sign|log)\s+(in|on)\b/g, 'signin');
  for (const match of lowered.matchAll(PATH)) {
    const step = match[1]!.trim().split(/\s+/).at(-1);
    if (step) add(`path:${stemmer(step)}`);
  }
  for (const word of lowered.match(/[\p{L}\p{N}][\p{L}\p{N}.@-]*[\p{L}\p{N}]|[\p{L}\p{N}]/gu) ?? []) {
    if (/^\d+$/.test(word)) {
      add(`n:${word}`);
      continue;
    }
    if (word.includes('.') || word.includes('@')) {
      add(`w:${word}`);
      continue;
    }
    if (STOP.has(word) || word.length < 2) continue;
    const stem = stemmer(word);
    if (STOP.has(stem)) continue;
    add(SYNONYMS[stem] ?? stem);
  }
  return terms;
}

/** True when an answer is mainly a pointer to a doc: a link with little else around it. */
export function mainlyDocLink(text: string): boolean {
  const urls = text.match(URL) ?? [];
  if (urls.length === 0) return false;
  const rest = text.replace(URL, ' ');
  const words = rest.match(/[\p{L}\p{N}]+/gu) ?? [];
  const urlChars = urls.join('').length;
  return words.length <= 15 || urlChars >= rest.trim().length;
}

/** Inverse document frequency: rare terms weigh more. `replies` is how many answers hold the term, of `total`. */
export function idf(replies: number, total: number): number {
  return Math.log((total + 1) / (replies + 1)) + 1;
}

/** Cosine of two answers' TF-IDF vectors; `weight(term)` is the term's idf. */
export function similarity(a: Terms, b: Terms, weight: (term: string) => number): number {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (const [term, count] of a) {
    const w = weight(term);
    const x = (1 + Math.log(count)) * w;
    normA += x * x;
    const other = b.get(term);
    if (other !== undefined) dot += x * (1 + Math.log(other)) * w;
  }
  for (const [term, count] of b) {
    const y = (1 + Math.log(count)) * weight(term);
    normB += y * y;
  }
  return normA === 0 || normB === 0 ? 0 : dot / Math.sqrt(normA * normB);
}
