/** Tagging tickets, and the taxonomy leads edit: tag, untag, list families, add and retire tags. */
import { closestMatches, slugify } from '../domain/text.js';
import type { TicketRow } from '../store/repositories/tickets.js';
import { recordAudit } from './audit.js';
import type { AppContext, RequestContext } from './context.js';
import { invalid } from './errors.js';
import { requireRole } from './people.js';
import {
  KNOWN_ISSUE_FAMILY,
  addTaxonomyTag,
  attachTags,
  detachTags,
  listTaxonomy,
  resolveTagRefs,
  retireTaxonomyTag,
  tagFamilies,
  tagsOfTicket,
  type TagRef,
  type TagRow,
} from './tags.js';
import { requireTicket } from './ticket-records.js';

/** How audit events and replies name a tag: "area:Data Import / Export". */
const plainTag = (tag: Pick<TagRow, 'family' | 'name'>): string => `${tag.family}:${tag.name}`;

/** What a tag or untag did to a ticket. */
export interface TicketTagChange {
  ticket: TicketRow;
  /** Tags added (tag) or removed (untag). */
  changed: TagRow[];
  /** Tags that were already there (tag) or were not there (untag): reported, not errors. */
  unchanged: TagRow[];
  /** Every tag on the ticket afterwards. */
  tags: TagRow[];
}

function refuseKnownIssueFamily(refs: readonly TagRef[], ticketId: number, verb: 'tag' | 'untag'): void {
  if (refs.some((ref) => ref.family.toLowerCase() === KNOWN_ISSUE_FAMILY)) {
    throw invalid(
      'Known-issue tags come and go with the known-issue link.',
      verb === 'tag' ? `Use /known-issue link <n> ${ticketId}.` : `Use /known-issue unlink <n> ${ticketId}.`,
    );
  }
}

/** Records the 'ticket.tags' audit event and bumps the ticket's updatedAt. */
function recordTagChange(ctx: RequestContext, ticketId: number, before: readonly TagRow[], after: readonly TagRow[]): void {
  ctx.store.tickets.setUpdatedAt(ticketId, ctx.clock.now());
  recordAudit(ctx, { entity: 'ticket', entityId: ticketId, action: 'ticket.tags', before: { tags: before.map(plainTag) }, after: { tags: after.map(plainTag) } });
}

/** Adds taxonomy tags to a ticket; unknown tags are INVALID with the closest known ones suggested. */
export function tagTicket(ctx: RequestContext, ticketId: number, refs: readonly TagRef[]): TicketTagChange {
  return ctx.store.transaction(() => {
    const ticket = requireTicket(ctx, ticketId);
    refuseKnownIssueFamily(refs, ticketId, 'tag');
    const wanted = resolveTagRefs(ctx, refs);
    const before = tagsOfTicket(ctx, ticketId);
    const added = attachTags(ctx, ticketId, wanted);
    const after = added.length > 0 ? tagsOfTicket(ctx, ticketId) : before;
    if (added.length > 0) recordTagChange(ctx, ticketId, before, after);
    return { ticket: added.length > 0 ? requireTicket(ctx, ticketId) : ticket, changed: added, unchanged: wanted.filter((t) => !added.includes(t)), tags: after };
  });
}

/**
 * Removes tags from a ticket. A tag the ticket carries is removed even if leads have retired it
 * since; a tag the taxonomy does not know is INVALID with suggestions.
 */
export function untagTicket(ctx: RequestContext, ticketId: number, refs: readonly TagRef[]): TicketTagChange {
  return ctx.store.transaction(() => {
    const ticket = requireTicket(ctx, ticketId);
    refuseKnownIssueFamily(refs, ticketId, 'untag');
    const before = tagsOfTicket(ctx, ticketId);
    const toRemove: TagRow[] = [];
    const absent: TagRow[] = [];
    for (const ref of refs) {
      const onTicket = before.find((t) => t.family === ref.family.toLowerCase() && t.slug === slugify(ref.value));
      if (onTicket) {
        if (!toRemove.includes(onTicket)) toRemove.push(onTicket);
        continue;
      }
      const [known] = resolveTagRefs(ctx, [ref]); // throws the friendly "unknown tag" error
      if (known && !absent.some((t) => t.id === known.id)) absent.push(known);
    }
    const removed = detachTags(ctx, ticketId, toRemove);
    const after = removed.length > 0 ? tagsOfTicket(ctx, ticketId) : before;
    if (removed.length > 0) recordTagChange(ctx, ticketId, before, after);
    return { ticket: removed.length > 0 ? requireTicket(ctx, ticketId) : ticket, changed: removed, unchanged: absent, tags: after };
  });
}

/** The active taxonomy grouped by family (known-issue tags left out: /known-issue list has them). */
export function tagTaxonomy(ctx: AppContext, family?: string): { family: string; tags: TagRow[] }[] {
  const families = tagFamilies(ctx)
    .filter((f) => f !== KNOWN_ISSUE_FAMILY)
    .sort();
  if (family !== undefined) {
    const wanted = family.toLowerCase();
    if (!families.includes(wanted)) {
      const near = closestMatches(wanted, families, 1);
      throw invalid(`There is no tag family "${family}".`, `Families: ${families.join(', ')}.${near.length > 0 ? ` Did you mean /ticket tags ${near[0]}?` : ''}`);
    }
    return [{ family: wanted, tags: listTaxonomy(ctx, wanted) }];
  }
  const rows = listTaxonomy(ctx);
  return families.map((f) => ({ family: f, tags: rows.filter((t) => t.family === f) })).filter((g) => g.tags.length > 0);
}

/** Adds a tag to the taxonomy (leads and admins, audited as 'tag.added' or 'tag.restored'). */
export function addTag(ctx: RequestContext, ref: TagRef, options: { newFamily?: boolean } = {}): { tag: TagRow; changed: boolean; restored: boolean } {
  return ctx.store.transaction(() => {
    requireRole(ctx, 'lead', 'edit the tag taxonomy');
    const family = slugify(ref.family);
    const families = tagFamilies(ctx).filter((f) => f !== KNOWN_ISSUE_FAMILY);
    if (!families.includes(family) && family !== KNOWN_ISSUE_FAMILY && !options.newFamily) {
      const near = closestMatches(family, families, 1);
      throw invalid(
        `There is no tag family "${family}" yet.`,
        near.length > 0
          ? `Did you mean ${near[0]}:${ref.value}? To start a new family, add --new-family.`
          : `Families: ${families.join(', ')}. To start a new family, add --new-family.`,
      );
    }
    const existing = ctx.store.tags.retiredAtOf(family, slugify(ref.value));
    const { tag, changed } = addTaxonomyTag(ctx, family, ref.value);
    const restored = changed && Boolean(existing?.retiredAt);
    if (changed) {
      recordAudit(ctx, {
        entity: 'tag',
        entityId: tag.id,
        action: restored ? 'tag.restored' : 'tag.added',
        before: restored ? { retiredAt: existing?.retiredAt?.toISOString() ?? null } : null,
        after: { tag: plainTag(tag) },
      });
    }
    return { tag, changed, restored };
  });
}

/** Retires a taxonomy tag (leads and admins, audited as 'tag.retired'); it stays on tickets that have it. */
export function removeTag(ctx: RequestContext, ref: TagRef): { tag: TagRow; stillOnTickets: number } {
  return ctx.store.transaction(() => {
    requireRole(ctx, 'lead', 'edit the tag taxonomy');
    const tag = retireTaxonomyTag(ctx, ref);
    recordAudit(ctx, { entity: 'tag', entityId: tag.id, action: 'tag.retired', before: { tag: plainTag(tag), retiredAt: null }, after: { retiredAt: tag.retiredAt?.toISOString() ?? null } });
    const stillOnTickets = ctx.store.tags.ticketCount(tag.id);
    return { tag, stillOnTickets };
  });
}
