/** /known-issue (alias /ki, /known): the tracker of known issues and the tickets linked to them. */
import { UsageError } from '../app/errors.js';
import { createKnownIssue, linkTickets, listKnownIssues, setKnownIssueStatus, showKnownIssue, unlinkTicket } from '../app/known-issues.js';
import { KNOWN_ISSUE_STATUSES, type KnownIssueStatus } from '../domain/vocabulary.js';
import {
  knownIssueCreatedReply,
  knownIssueListReply,
  knownIssueReply,
  knownIssueStatusReply,
  linkReply,
  unlinkReply,
} from '../views/known-issues.js';
import { choice, joinText, knownIssueOption, urlOption, type ArgReader } from './args.js';
import type { CommandRegistry } from './registry.js';

const STATUS_ALIASES: Record<string, KnownIssueStatus> = {
  investigate: 'investigating',
  identify: 'identified',
  monitor: 'monitoring',
  resolve: 'resolved',
  fixed: 'resolved',
};

const knownIssueStatus = choice('known issue status', KNOWN_ISSUE_STATUSES, STATUS_ALIASES);

/** A known issue number at the cursor: "3", "#3" or "KI-3". */
function knownIssueNumber(args: ArgReader): number {
  return knownIssueOption(args.word('the known issue number'), 'known');
}

/** Registers the /known-issue family. */
export function registerKnownIssueCommands(registry: CommandRegistry): void {
  registry.family({
    name: 'known-issue',
    aliases: ['ki', 'known'],
    summary: 'the known-issue tracker: link tickets to a known problem instead of escalating them',
  });

  registry.define({
    path: ['known-issue', 'new'],
    aliases: ['create'],
    usage: '/known-issue new <title> [bug:<url>]',
    summary: 'Open a known issue (status Investigating); its tickets get the tag "<n>-<two or three words>".',
    examples: ['/known-issue new "Login loop after SSO update" bug:https://github.com/acme/chat/issues/123'],
    run(args, ctx) {
      const { options, extra } = args.options({ bug: urlOption }, { unknownAsText: true });
      const title = joinText(extra);
      if (!title) throw new UsageError('Give the known issue a short title.', '');
      return knownIssueCreatedReply(createKnownIssue(ctx, { title, ...(options.bug ? { bugUrl: options.bug } : {}) }));
    },
  });

  registry.define({
    path: ['known-issue', 'list'],
    readsOnly: true,
    aliases: ['ls'],
    usage: '/known-issue list [all]',
    summary: 'Known issues not yet resolved, newest first, with how many tickets each has; `all` adds resolved ones.',
    examples: ['/known-issue list', '/known-issue list all'],
    run(args, ctx) {
      const next = args.peek();
      const all = next?.kind === 'word' && next.value.toLowerCase() === 'all';
      if (all) args.next();
      args.end();
      return knownIssueListReply(listKnownIssues(ctx, { all }), all);
    },
  });

  registry.define({
    path: ['known-issue', 'show'],
    readsOnly: true,
    usage: '/known-issue show <n>',
    summary: 'A known issue: status, tag, bug link and its linked tickets.',
    examples: ['/known-issue show 3', '/ki show KI-3'],
    run(args, ctx) {
      const n = knownIssueNumber(args);
      args.end();
      const { issue, tickets } = showKnownIssue(ctx, n);
      return knownIssueReply(issue, tickets);
    },
  });

  registry.define({
    path: ['known-issue', 'link'],
    usage: '/known-issue link <n> <ticket>...',
    summary: 'Link tickets to a known issue and tag them; the reply says when it reaches 3 (tracked) or 6 (status page), or the thresholds /settings known-issues set.',
    examples: ['/known-issue link 3 42', '/ki link 3 #42 #43 44'],
    run(args, ctx) {
      const n = knownIssueNumber(args);
      const ids = args.ticketIds();
      return linkReply(linkTickets(ctx, n, ids));
    },
  });

  registry.define({
    path: ['known-issue', 'unlink'],
    usage: '/known-issue unlink <n> <ticket>',
    summary: 'Take a ticket off a known issue (and remove its tag).',
    examples: ['/known-issue unlink 3 42'],
    run(args, ctx) {
      const n = knownIssueNumber(args);
      const ticketId = args.ticketId();
      args.end();
      const { issue } = unlinkTicket(ctx, n, ticketId);
      return unlinkReply(issue, ticketId);
    },
  });

  registry.define({
    path: ['known-issue', 'status'],
    usage: '/known-issue status <n> investigating|identified|monitoring|resolved',
    summary: 'Move a known issue along; resolving retires its tag, reopening brings it back.',
    examples: ['/known-issue status 3 identified', '/ki status 3 resolved'],
    run(args, ctx) {
      const n = knownIssueNumber(args);
      const status = args.choice('the new status', knownIssueStatus);
      args.end();
      return knownIssueStatusReply(setKnownIssueStatus(ctx, n, status));
    },
  });
}
