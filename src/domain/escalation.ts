/** The tier ladder and the transition comment that goes with every escalation. */
import { LADDER_TIERS, TIER_LABELS, type Tier } from './vocabulary.js';

const ladderIndex = (tier: Tier): number => (LADDER_TIERS as readonly string[]).indexOf(tier);

/** The tier one step up; T5 is the top. On-call is not on the ladder: from there "up" is nowhere. */
export function tierAbove(tier: Tier): Tier | undefined {
  if (tier === 'oncall') return undefined;
  return LADDER_TIERS[ladderIndex(tier) + 1];
}

/** The tier one step down. From on-call the ticket goes back to T4, which owns issue flow. */
export function tierBelow(tier: Tier): Tier | undefined {
  if (tier === 'oncall') return 't4';
  const index = ladderIndex(tier);
  return index > 0 ? LADDER_TIERS[index - 1] : undefined;
}

/** Whether moving `from` -> `to` goes up the ladder (on-call counts as up from anywhere). */
export function isUpward(from: Tier, to: Tier): boolean {
  if (to === 'oncall') return from !== 'oncall';
  if (from === 'oncall') return false;
  return ladderIndex(to) > ladderIndex(from);
}

/**
 * The transition comment: a line naming the move, then one bold "ESCALATED QUESTION n" header
 * per question, as the handbook asks.
 */
export function escalationComment(from: Tier, to: Tier, by: string, questions: readonly string[]): string {
  const lines = [`Escalated from ${TIER_LABELS[from]} to ${TIER_LABELS[to]} by ${by}.`];
  questions.forEach((question, i) => {
    lines.push('', `*ESCALATED QUESTION ${i + 1}*`, question);
  });
  return lines.join('\n');
}

/** Splits "question one | question two" into trimmed, non-empty questions. */
export function splitQuestions(text: string): string[] {
  return text
    .split('|')
    .map((q) => q.trim())
    .filter((q) => q.length > 0);
}
