/** /ticket tag, /ticket untag and /ticket tags [add|remove]: tags on tickets and the taxonomy leads edit. */
import type { RequestContext } from '../app/context.js';
import { UsageError } from '../app/errors.js';
import { findMatchingKnownIssues } from '../app/known-issues.js';
import { formatTag, listTaxonomy, type TagRef } from '../app/tags.js';
import { addTag, removeTag, tagTaxonomy, tagTicket, untagTicket } from '../app/ticket-tagging.js';
import { slugify } from '../domain/text.js';
import { tagAddedReply, tagRemovedReply, taxonomyReply, ticketTagsReply } from '../views/tags.js';
import type { ArgReader } from './args.js';
import type { CommandRegistry } from './registry.js';
import type { Token } from './tokenize.js';

const QUOTE_HINT = 'Quote names with spaces: area:"Data Import / Export".';

/** Why a token that is not `family:tag` cannot be a tag, with the tag it probably meant. */
function notATag(ctx: RequestContext, token: Token, previous: TagRef | undefined): UsageError {
  if (token.kind === 'flag' || token.kind === 'mention') return new UsageError(`"${token.kind === 'flag' ? '--' : '@'}${token.value}" is not a tag.`, '');
  const value = token.kind === 'option' ? `${token.key}:${token.value}` : token.value;
  if (previous && token.kind === 'word') {
    return new UsageError(`"${value}" has no family. ${QUOTE_HINT} Did you mean ${previous.family}:"${previous.value} ${value}"?`, '');
  }
  const sameName = listTaxonomy(ctx).filter((t) => t.slug === slugify(value));
  const guess = sameName.length > 0 ? ` Did you mean ${sameName.map(formatTag).join(' or ')}?` : ' See the families with /ticket tags.';
  return new UsageError(`"${value}" has no family: write tags as family:tag, like area:Authentication.${guess}`, '');
}

/**
 * The `family:tag` tokens at the cursor. Every option key is taken as a tag family on purpose
 * (not only known families): a mistyped family then gets resolveTagRefs' "did you mean" reply.
 */
function tagRefs(args: ArgReader, ctx: RequestContext, allowedFlags: readonly string[] = []): { refs: TagRef[]; flags: Set<string> } {
  const refs: TagRef[] = [];
  const flags = new Set<string>();
  for (const token of args.takeAll()) {
    if (token.kind === 'option') refs.push({ family: token.key, value: token.value });
    else if (token.kind === 'flag' && allowedFlags.includes(token.value)) flags.add(token.value);
    else throw notATag(ctx, token, refs.at(-1));
  }
  if (refs.length === 0) throw new UsageError('Add at least one tag as family:tag, like area:Authentication.', '');
  return { refs, flags };
}

/** Registers tag commands into the 'ticket' family (registered before by registerTicketCommands). */
export function registerTagCommands(registry: CommandRegistry): void {
  registry.define({
    path: ['ticket', 'tag'],
    usage: '/ticket tag <id> <family>:<tag>...',
    summary: 'Add tags to a ticket; an unknown tag is refused with the closest known ones.',
    examples: ['/ticket tag 42 area:Authentication type:Bug', '/ticket tag 42 area:"Data Import / Export"'],
    run(args, ctx) {
      const id = args.ticketId();
      const { refs } = tagRefs(args, ctx);
      const change = tagTicket(ctx, id, refs);
      const suggest = change.changed.some((t) => t.family === 'area') && change.ticket.knownIssueId === null;
      return ticketTagsReply(change, 'tag', suggest ? findMatchingKnownIssues(ctx, id) : []);
    },
  });

  registry.define({
    path: ['ticket', 'untag'],
    usage: '/ticket untag <id> <family>:<tag>...',
    summary: 'Remove tags from a ticket.',
    examples: ['/ticket untag 42 type:Question'],
    run(args, ctx) {
      const id = args.ticketId();
      const { refs } = tagRefs(args, ctx);
      return ticketTagsReply(untagTicket(ctx, id, refs), 'untag');
    },
  });

  registry.define({
    path: ['ticket', 'tags'],
    readsOnly: true,
    usage: '/ticket tags [family]',
    summary: 'The tag taxonomy, by family (area, type, special, process...).',
    examples: ['/ticket tags', '/ticket tags area'],
    run(args, ctx) {
      const family = args.done ? undefined : args.word('a tag family');
      args.end();
      return taxonomyReply(tagTaxonomy(ctx, family));
    },
  });

  registry.define({
    path: ['ticket', 'tags', 'add'],
    usage: '/ticket tags add <family>:<tag> [--new-family]',
    summary: 'Add a tag to the taxonomy (or bring a retired one back); --new-family starts a family.',
    role: 'lead',
    examples: ['/ticket tags add area:Billing', '/ticket tags add product:Widgets --new-family'],
    run(args, ctx) {
      const { refs, flags } = tagRefs(args, ctx, ['new-family']);
      if (refs.length > 1) throw new UsageError('Add one tag at a time.', '');
      return tagAddedReply(addTag(ctx, refs[0]!, { newFamily: flags.has('new-family') }));
    },
  });

  registry.define({
    path: ['ticket', 'tags', 'remove'],
    aliases: ['retire'],
    usage: '/ticket tags remove <family>:<tag>',
    summary: 'Retire a tag: it stays on the tickets that have it but cannot be added again.',
    role: 'lead',
    examples: ['/ticket tags remove special:"push notification"'],
    run(args, ctx) {
      const { refs } = tagRefs(args, ctx);
      if (refs.length > 1) throw new UsageError('Retire one tag at a time.', '');
      return tagRemovedReply(removeTag(ctx, refs[0]!));
    },
  });
}
