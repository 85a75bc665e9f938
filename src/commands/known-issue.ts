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
import { addKnownIssueNote, knownIssueNotesOf, setKnownIssuePartner } from '../app/known-issue-notes.js';
import { knownIssueLabel } from '../domain/known-issues.js';
import { formatInstant } from '../views/format.js';
import { success } from '../views/reply.js';
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
    usage: '/known-issue new <title> [bug:<url>] [partner:<ref>]',
    summary: 'Open a known issue (status Investigating); its tickets get the tag "<n>-<two or three words>".',
    examples: ['/known-issue new "Login loop after SSO update" bug:https://github.com/acme/chat/issues/123'],
    run(args, ctx) {
      const { options, extra } = args.options({ bug: urlOption, partner: (value) => value }, { unknownAsText: true });
      const title = joinText(extra);
      if (!title) throw new UsageError('Give the known issue a short title.', '');
      const created = createKnownIssue(ctx, { title, ...(options.bug ? { bugUrl: options.bug } : {}) });
      if (options.partner !== undefined) setKnownIssuePartner(ctx, created.id, options.partner);
      const reply = knownIssueCreatedReply(created);
      return options.partner !== undefined ? { ...reply, fields: [...(reply.fields ?? []), { label: 'Partner ref', value: options.partner }] } : reply;
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
      const reply = knownIssueReply(issue, tickets);
      const notes = knownIssueNotesOf(ctx, n);
      return {
        ...reply,
        fields: [...(reply.fields ?? []), ...(issue.partnerRef ? [{ label: 'Partner ref', value: issue.partnerRef }] : [])],
        sections: [
          ...(reply.sections ?? []),
          ...(notes.length > 0 ? [{ heading: 'Status notes (newest first)', lines: notes.map((note) => `${note.author} · ${formatInstant(note.at, ctx.settings.timeZone)}\n${note.body}`) }] : []),
        ],
      };
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

  registry.define({
    path: ['known-issue', 'note'],
    usage: '/known-issue note <n> <text>',
    summary: 'Adds a status note (on-call\'s update) to a known issue; the agents of its linked tickets get it by DM, unassigned ones in their queue.',
    examples: ['/known-issue note 3 Cause identified: the 6.5 token cache. Fix deploys at 14:00 UTC.'],
    run(args, ctx) {
      const n = knownIssueNumber(args);
      const text = args.restText();
      if (!text) throw new UsageError('Add the note after the known issue number.', '');
      const result = addKnownIssueNote(ctx, n, text);
      const told = result.agents.length + result.tiers.length;
      return success(`Note added to ${knownIssueLabel(n)}`, {
        visibility: 'ephemeral',
        text: told === 0 ? 'No linked ticket is active, so nobody was told.' : `Sent to ${result.agents.length} agent${result.agents.length === 1 ? '' : 's'}${result.tiers.length > 0 ? ` and ${result.tiers.length} queue${result.tiers.length === 1 ? '' : 's'}` : ''}.`,
      });
    },
  });

  registry.define({
    path: ['known-issue', 'partner'],
    usage: '/known-issue partner <n> <ref>|none',
    summary: "Records the partner's own reference for the problem (their case or ticket number), or clears it.",
    examples: ['/known-issue partner 3 ACME-4411', '/known-issue partner 3 none'],
    run(args, ctx) {
      const n = knownIssueNumber(args);
      const ref = args.restText();
      if (!ref) throw new UsageError("Add the partner's reference, or none.", '');
      const result = setKnownIssuePartner(ctx, n, ref.toLowerCase() === 'none' ? null : ref);
      return success(result.after ? `${knownIssueLabel(n)} partner ref is now ${result.after}` : `${knownIssueLabel(n)} has no partner ref now`, { visibility: 'ephemeral' });
    },
  });
}
