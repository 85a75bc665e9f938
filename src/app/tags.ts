/** The tag taxonomy (data, edited by leads) and the tags on tickets. */
import type { TagRow } from '../store/repositories/tags.js';
import { closestMatches, slugify } from '../domain/text.js';
import type { AppContext } from './context.js';
import { invalid } from './errors.js';

export type { TagRow } from '../store/repositories/tags.js';

/** A tag as typed: `area:Authentication`, `area:"Data Import / Export"`. */
export interface TagRef {
  family: string;
  value: string;
}

/** The family that holds known-issue tags ("3-login-loop-sso"); managed by deskops, not typed. */
export const KNOWN_ISSUE_FAMILY = 'known';

/** "area:Authentication" */
export function formatTag(tag: Pick<TagRow, 'family' | 'name'>): string {
  return /\s/.test(tag.name) ? `${tag.family}:"${tag.name}"` : `${tag.family}:${tag.name}`;
}

/** The tag families in use (taxonomy is data, so families come from the table). */
export function tagFamilies(ctx: AppContext): string[] {
  return ctx.store.tags.families();
}

export function isTagFamily(ctx: AppContext, key: string): boolean {
  return ctx.store.tags.familyExists(key.toLowerCase());
}

/** Active (not retired) tags, by family then name. */
export function listTaxonomy(ctx: AppContext, family?: string): TagRow[] {
  const rows = ctx.store.tags.active(family);
  return rows.sort((a, b) => a.family.localeCompare(b.family) || a.name.localeCompare(b.name));
}

/** Matches a typed value against a family's tags by slug ("data-import" finds "Data Import / Export" only if exact). */
function findTag(ctx: AppContext, family: string, value: string): TagRow | undefined {
  return ctx.store.tags.bySlug(family, slugify(value));
}

/**
 * Resolves typed tag references to taxonomy rows. An unknown or retired tag is INVALID with the
 * closest known tags suggested (from the same family, or any family when the family is wrong).
 */
export function resolveTagRefs(ctx: AppContext, refs: readonly TagRef[]): TagRow[] {
  const resolved: TagRow[] = [];
  for (const ref of refs) {
    const family = ref.family.toLowerCase();
    const tag = findTag(ctx, family, ref.value);
    if (tag && !tag.retiredAt) {
      if (!resolved.some((t) => t.id === tag.id)) resolved.push(tag);
      continue;
    }
    const typed = `${family}:${ref.value}`;
    if (tag?.retiredAt) throw invalid(`The tag ${formatTag(tag)} was retired by a lead.`, 'Ask a lead to add it back with /ticket tags add, or pick another tag.');
    const families = tagFamilies(ctx).filter((f) => f !== KNOWN_ISSUE_FAMILY);
    if (!families.includes(family)) {
      const near = closestMatches(family, families, 2);
      throw invalid(
        `There is no tag family "${family}" (in ${typed}).`,
        `Families: ${families.join(', ')}.${near.length > 0 ? ` Did you mean ${near[0]}:${ref.value}?` : ''}`,
      );
    }
    const candidates = listTaxonomy(ctx, family);
    const bySlug = new Map(candidates.map((c) => [c.slug, c]));
    const near = closestMatches(slugify(ref.value), [...bySlug.keys()], 3).map((s) => formatTag(bySlug.get(s)!));
    throw invalid(
      `Unknown tag ${typed}.`,
      near.length > 0 ? `Closest: ${near.join(', ')}. See all with /ticket tags.` : `See the ${family} tags with /ticket tags ${family}.`,
    );
  }
  return resolved;
}

export function tagsOfTicket(ctx: AppContext, ticketId: number): TagRow[] {
  return ctx.store.tags
    .ofTicket(ticketId)
    .sort((a, b) => a.family.localeCompare(b.family) || a.name.localeCompare(b.name));
}

/** Adds tags to a ticket; returns the ones that were not there yet. */
export function attachTags(ctx: AppContext, ticketId: number, toAdd: readonly TagRow[]): TagRow[] {
  const present = new Set(tagsOfTicket(ctx, ticketId).map((t) => t.id));
  const added = toAdd.filter((t) => !present.has(t.id));
  if (added.length > 0) {
    ctx.store.tags.attach(ticketId, added.map((t) => t.id));
  }
  return added;
}

/** Removes tags from a ticket; returns the ones that were there. */
export function detachTags(ctx: AppContext, ticketId: number, toRemove: readonly TagRow[]): TagRow[] {
  const present = new Set(tagsOfTicket(ctx, ticketId).map((t) => t.id));
  const removed = toRemove.filter((t) => present.has(t.id));
  if (removed.length > 0) {
    ctx.store.tags.detach(ticketId, removed.map((t) => t.id));
  }
  return removed;
}

/** A tag deskops manages itself (known-issue tags): created on first use, never retired. */
export function ensureSystemTag(ctx: AppContext, family: string, name: string): TagRow {
  const slug = slugify(name);
  const existing = findTag(ctx, family, name);
  if (existing) return existing;
  return ctx.store.tags.insert({ family, name, slug });
}

/** Adds a tag to the taxonomy (or brings a retired one back). Returns the row and whether it changed. */
export function addTaxonomyTag(ctx: AppContext, family: string, name: string): { tag: TagRow; changed: boolean } {
  const cleanFamily = slugify(family);
  const cleanName = name.trim();
  if (!cleanFamily || !slugify(cleanName)) throw invalid('A tag needs a family and a name with letters or digits, like area:Billing.');
  if (cleanFamily === KNOWN_ISSUE_FAMILY) throw invalid('Known-issue tags are made by /known-issue link, not by hand.');
  if (cleanName.length > 60) throw invalid('Tag names are at most 60 characters.');
  const existing = findTag(ctx, cleanFamily, cleanName);
  if (existing && !existing.retiredAt) return { tag: existing, changed: false };
  if (existing) {
    const tag = ctx.store.tags.restore(existing.id);
    return { tag, changed: true };
  }
  const tag = ctx.store.tags.insert({ family: cleanFamily, name: cleanName, slug: slugify(cleanName) });
  return { tag, changed: true };
}

/** Retires a taxonomy tag: it stays on tickets that have it but can no longer be added. */
export function retireTaxonomyTag(ctx: AppContext, ref: TagRef): TagRow {
  const [tag] = resolveTagRefs(ctx, [ref]);
  if (tag!.family === KNOWN_ISSUE_FAMILY) throw invalid('Known-issue tags go away with /known-issue status <n> resolved, not by hand.');
  return ctx.store.tags.retire(tag!.id, ctx.clock.now());
}
