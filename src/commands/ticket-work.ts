/** /ticket search, merge, follow, unfollow and watch: finding history and working tickets together. */
import { UsageError } from '../app/errors.js';
import { followersOf, followTicket, unfollowTicket } from '../app/followers.js';
import { searchTickets } from '../app/search.js';
import { mergeTickets } from '../app/ticket-merge.js';
import { normalizeRequester } from '../app/ticket-queries.js';
import { STATUS_ALIASES, STATUSES } from '../domain/vocabulary.js';
import { searchReply } from '../views/search.js';
import { info, success } from '../views/reply.js';
import { choice, joinText } from './args.js';
import type { CommandRegistry } from './registry.js';

const statusOrAll = choice('status', [...STATUSES, 'all'] as const, STATUS_ALIASES);

function tagFilter(value: string): { family: string; value: string } | string {
  const separator = value.indexOf(':');
  return separator > 0 ? { family: value.slice(0, separator).toLowerCase(), value: value.slice(separator + 1) } : value;
}

export function registerTicketWorkCommands(registry: CommandRegistry): void {
  registry.define({
    path: ['ticket', 'search'],
    readsOnly: true,
    aliases: ['find'],
    usage: '/ticket search <words> [requester:<email|@user>] [status:<s>|all] [tag:<t>]',
    summary: 'Finds tickets by words in their title, description, replies and internal notes, best match first, with the matching words in context (all statuses unless status: says).',
    examples: ['/ticket search sso login loop', '/ticket search invoice vat requester:jane@example.com', '/ticket search export timeout status:open tag:area:"Data Import / Export"'],
    run(args, ctx) {
      const { options, extra } = args.options({ requester: (v) => v, status: statusOrAll, tag: (v) => v }, { unknownAsText: true });
      const words = joinText(extra);
      if (!words) throw new UsageError('Add the words to search for.', '');
      const result = searchTickets(ctx, {
        words,
        ...(options.requester !== undefined ? { requester: normalizeRequester(ctx, options.requester) } : {}),
        ...(options.status !== undefined ? { status: options.status } : {}),
        ...(options.tag !== undefined ? { tag: tagFilter(options.tag) } : {}),
      });
      return searchReply(result, ctx.settings.timeZone);
    },
  });

  registry.define({
    path: ['ticket', 'merge'],
    usage: '/ticket merge <id> into <id>',
    summary: 'Merges a duplicate into the ticket that stays: its timeline, tags, followers and links move there, it closes with a link, and its requester is told once where the conversation continues.',
    examples: ['/ticket merge 43 into 42'],
    run(args, ctx) {
      const from = args.ticketId();
      const word = args.word('"into"');
      if (word.toLowerCase() !== 'into') throw new UsageError(`Write it as /ticket merge ${from} into <id> (got "${word}").`, '');
      const into = args.ticketId();
      args.end();
      const result = mergeTickets(ctx, from, into);
      const moved = [
        `${result.movedComments} comment${result.movedComments === 1 ? '' : 's'}`,
        ...(result.movedTags.length > 0 ? [`tags ${result.movedTags.join(', ')}`] : []),
        ...(result.movedChildren.length > 0 ? [`split tickets ${result.movedChildren.map((id) => `#${id}`).join(', ')}`] : []),
        ...(result.movedFollowers > 0 ? [`${result.movedFollowers} follower${result.movedFollowers === 1 ? '' : 's'}`] : []),
        ...(result.knownIssueMoved ? ['its known issue'] : []),
      ];
      return success(`#${from} merged into #${into}`, {
        text: `Moved: ${moved.join(', ')}. #${from} is closed with a link to #${into}; its requester is told where the conversation continues.`,
        buttons: [{ label: `Show #${into}`, command: `/ticket show ${into}` }],
        ticketId: into,
      });
    },
  });

  registry.define({
    path: ['ticket', 'follow'],
    usage: '/ticket follow <id>',
    summary: 'Follow a ticket: you get a DM for each reply and status change on it (several at once come as one message).',
    examples: ['/ticket follow 42'],
    run(args, ctx) {
      const id = args.ticketId();
      args.end();
      const result = followTicket(ctx, id);
      if (!result.changed) return info(`You follow #${id} already.`, { ticketId: id });
      return success(`You follow #${id} now`, { visibility: 'ephemeral', text: 'Replies and status changes come to you by DM. Stop with /ticket unfollow.', buttons: [{ label: 'Unfollow', command: `/ticket unfollow ${id}` }], ticketId: id });
    },
  });

  registry.define({
    path: ['ticket', 'unfollow'],
    usage: '/ticket unfollow <id> [@user]',
    summary: 'Stop following a ticket (or take a watcher off it).',
    examples: ['/ticket unfollow 42', '/ticket unfollow 42 @bob'],
    run(args, ctx) {
      const id = args.ticketId();
      const mention = args.optionalMention();
      args.end();
      const result = unfollowTicket(ctx, id, mention ?? 'me');
      const who = mention ? `@${result.person.handle}` : 'You';
      if (!result.changed) return info(`You do not follow #${id}.`, { ticketId: id });
      return success(`${who} no longer follow${mention ? 's' : ''} #${id}.`, { visibility: 'ephemeral', ticketId: id });
    },
  });

  registry.define({
    path: ['ticket', 'watch'],
    usage: '/ticket watch <id> @user',
    summary: 'Adds someone as a watcher of a ticket: they get its replies and status changes by DM, like a follower.',
    examples: ['/ticket watch 42 @bob'],
    run(args, ctx) {
      const id = args.ticketId();
      const mention = args.optionalMention();
      if (!mention) throw new UsageError('Say who watches it: /ticket watch <id> @user.', '');
      args.end();
      const result = followTicket(ctx, id, mention);
      const who = `@${result.person.handle}`;
      const all = followersOf(ctx, id);
      if (!result.changed) return info(`${who} follows #${id} already.`, { text: `Followers: ${all.join(', ')}`, ticketId: id });
      return success(`${who} watches #${id} now`, { visibility: 'ephemeral', text: `Followers: ${all.join(', ')}`, ticketId: id });
    },
  });
}
