/**
 * The duplicate-answer detector's measure of "the same answer", on a labelled set of reply pairs
 * written for this test (test/fixtures/answer-pairs.ts): reworded answers must score at or above
 * the threshold, different answers on the same topic below it. Precision and recall are printed.
 */
import { describe, expect, it } from 'vitest';
import { DUPLICATE_THRESHOLD, answerTerms, idf, mainlyDocLink, similarity } from '../../src/domain/answer-similarity.js';
import { ANSWER_PAIRS } from '../fixtures/answer-pairs.js';

/** IDF over every answer of the set, as the detector computes it over the team's stored replies. */
function weights(): (term: string) => number {
  const texts = [...new Set(ANSWER_PAIRS.flatMap((p) => [p.a, p.b]))];
  const df = new Map<string, number>();
  for (const text of texts) for (const term of answerTerms(text).keys()) df.set(term, (df.get(term) ?? 0) + 1);
  return (term) => idf(df.get(term) ?? 0, texts.length);
}

describe('answer similarity on the labelled pairs', () => {
  it('reaches precision and recall of at least 0.9', () => {
    const weight = weights();
    let tp = 0;
    let fp = 0;
    let fn = 0;
    let tn = 0;
    const misses: string[] = [];
    for (const pair of ANSWER_PAIRS) {
      const score = similarity(answerTerms(pair.a), answerTerms(pair.b), weight);
      const flagged = score >= DUPLICATE_THRESHOLD;
      if (flagged && pair.same) tp++;
      else if (flagged) fp++;
      else if (pair.same) fn++;
      else tn++;
      if (flagged !== pair.same) misses.push(`${score.toFixed(3)} ${pair.same ? 'missed' : 'false alarm'}: ${pair.a.slice(0, 60)} | ${pair.b.slice(0, 60)}`);
    }
    const precision = tp / (tp + fp);
    const recall = tp / (tp + fn);
    console.log(
      `duplicate-answer detector on ${ANSWER_PAIRS.length} labelled pairs (${tp + fn} same, ${fp + tn} different), threshold ${DUPLICATE_THRESHOLD}: ` +
        `precision ${precision.toFixed(3)}, recall ${recall.toFixed(3)} (tp ${tp}, fp ${fp}, fn ${fn}, tn ${tn})${misses.length > 0 ? `\n  ${misses.join('\n  ')}` : ''}`,
    );
    expect(tp + fn).toBeGreaterThanOrEqual(20);
    expect(fp + tn).toBeGreaterThanOrEqual(20);
    expect(precision).toBeGreaterThanOrEqual(0.9);
    expect(recall).toBeGreaterThanOrEqual(0.9);
  });

  it('scores an answer against itself 1 and against an empty one 0', () => {
    const weight = weights();
    const terms = answerTerms(ANSWER_PAIRS[0]!.a);
    expect(similarity(terms, terms, weight)).toBeCloseTo(1, 10);
    expect(similarity(terms, answerTerms('Hi! Thanks.'), weight)).toBe(0);
  });

  it('treats a reply that is mainly a doc link as a doc reference, not a hand-written answer', () => {
    expect(mainlyDocLink('See https://help.example.com/sso-loop')).toBe(true);
    expect(mainlyDocLink('Hi Jane, this article explains it: https://help.example.com/sso-loop — let us know!')).toBe(true);
    expect(mainlyDocLink(ANSWER_PAIRS[0]!.a)).toBe(false);
    expect(mainlyDocLink(`${ANSWER_PAIRS[0]!.a} ${ANSWER_PAIRS[0]!.b} More at https://help.example.com/sso`)).toBe(false);
  });
});
