/** Known issues as the handbook tracks them: "KI-n" labels, "<n>-<words>" tags, link thresholds, matching. */
import { z } from 'zod';
import { slugify } from './text.js';

/** Linked tickets that make a problem "a tracked known issue" (docs/workflow.md: 3+ tickets), by default. */
export const TRACKED_THRESHOLD = 3;

/** Linked tickets at which a public status-page post is worth considering (docs/workflow.md: about 6), by default. */
export const STATUS_PAGE_THRESHOLD = 6;

/** The two thresholds a team may move (/settings known-issues): tracked, and worth a status-page post. */
export const knownIssueThresholdsSchema = z
  .object({ tracked: z.number().int().min(2).max(1000), statusPage: z.number().int().min(3).max(1000) })
  .refine((t) => t.statusPage > t.tracked, { message: 'the status-page threshold must be above the tracked one' });
export type KnownIssueThresholds = z.infer<typeof knownIssueThresholdsSchema>;

export const DEFAULT_KNOWN_ISSUE_THRESHOLDS: KnownIssueThresholds = { tracked: TRACKED_THRESHOLD, statusPage: STATUS_PAGE_THRESHOLD };

/** A threshold a link can cross: the reply says what it means. */
export type KnownIssueMilestone = 'tracked' | 'status-page';

/** Words that carry no meaning in a tag such as "3-login-loop-sso". */
const STOPWORDS: ReadonlySet<string> = new Set([
  'a', 'an', 'the', 'of', 'in', 'on', 'for', 'to', 'with', 'after', 'when', 'is', 'not',
  'and', 'or', 'at', 'by', 'from', 'be', 'are', 'was', 'it', 'its', 'does', 'do', 'can', 'cannot', 'into', 'while',
]);

/** How known issue number `n` is shown everywhere: "KI-3". */
export function knownIssueLabel(n: number): string {
  return `KI-${n}`;
}

/** Reads "3", "#3" or "KI-3" (any case) as a known issue number; undefined when it is none of those. */
export function parseKnownIssueRef(raw: string): number | undefined {
  const match = /^(?:#|ki-?)?(\d{1,9})$/i.exec(raw.trim());
  if (!match) return undefined;
  const value = Number(match[1]);
  return value >= 1 ? value : undefined;
}

/**
 * The tag for known issue `n`: "<n>-<two or three words>" from the title, stopwords dropped
 * ("Login loop after SSO update" -> "3-login-loop-sso"); "<n>-issue" when no word is left.
 */
export function knownIssueTagName(n: number, title: string): string {
  const words = slugify(title)
    .split('-')
    .filter((word) => word.length > 0 && !STOPWORDS.has(word))
    .slice(0, 3);
  return `${n}-${words.length > 0 ? words.join('-') : 'issue'}`;
}

/**
 * The highest threshold that going from `before` to `after` linked tickets crosses, if any.
 * Only a link that crosses it counts: going from 3 to 4 says nothing new.
 */
export function thresholdCrossed(before: number, after: number, thresholds: KnownIssueThresholds = DEFAULT_KNOWN_ISSUE_THRESHOLDS): KnownIssueMilestone | undefined {
  if (before < thresholds.statusPage && after >= thresholds.statusPage) return 'status-page';
  if (before < thresholds.tracked && after >= thresholds.tracked) return 'tracked';
  return undefined;
}

/** Tag families that describe what a ticket is about, and so make up a known issue's profile. */
export const PROFILE_FAMILIES: ReadonlySet<string> = new Set(['area', 'type', 'special']);

/** A known issue's "tag profile": every area/type/special tag on its linked tickets, as "family:slug". */
export interface KnownIssueProfile {
  id: number;
  linkedCount: number;
  tags: ReadonlySet<string>;
}

/** One candidate known issue for a ticket, with the tags they share. */
export interface ProfileMatch {
  id: number;
  shared: string[];
}

/**
 * The known issues whose profile holds every area tag of the ticket (and at least one), best
 * first: most shared area/type/special tags, then most linked tickets, then the newest issue.
 * `ticketTags` are "family:slug" keys; tags of other families are ignored.
 */
export function rankProfileMatches(ticketTags: readonly string[], profiles: readonly KnownIssueProfile[]): ProfileMatch[] {
  const relevant = [...new Set(ticketTags.filter((key) => PROFILE_FAMILIES.has(familyOf(key))))];
  const areas = relevant.filter((key) => familyOf(key) === 'area');
  if (areas.length === 0) return [];
  return profiles
    .filter((profile) => areas.every((key) => profile.tags.has(key)))
    .map((profile) => ({ profile, shared: relevant.filter((key) => profile.tags.has(key)) }))
    .sort(
      (a, b) =>
        b.shared.length - a.shared.length || b.profile.linkedCount - a.profile.linkedCount || b.profile.id - a.profile.id,
    )
    .map(({ profile, shared }) => ({ id: profile.id, shared }));
}

/** "area:authentication" -> "area". */
function familyOf(key: string): string {
  const colon = key.indexOf(':');
  return colon < 0 ? '' : key.slice(0, colon);
}
