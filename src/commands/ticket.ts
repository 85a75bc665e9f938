/** The /ticket family: open, show, list, assign, move through statuses, comment, split, hand off. */
import type { RequestContext } from '../app/context.js';
import { requesterTicket, requesterTickets } from '../app/requester-view.js';
import { requesterListReply, requesterTicketReply } from '../views/requester.js';
import { UsageError } from '../app/errors.js';
import { recordRequesterReply } from '../app/requester-replies.js';
import { createTicket, splitTicket } from '../app/ticket-create.js';
import { listTickets, normalizeRequester, ticketDetail, type TicketFilter } from '../app/ticket-queries.js';
import {
  assignTicket,
  changePriority,
  changeSeverity,
  changeStatus,
  commentOnTicket,
  MAX_HOLD_DAYS,
  unassignTicket,
} from '../app/ticket-update.js';
import { viewerZone } from '../app/people-admin.js';
import { isTagFamily, type TagRef } from '../app/tags.js';
import { knownIssueLabel } from '../domain/known-issues.js';
import {
  DEPARTMENT_ALIASES,
  DEPARTMENTS,
  HANDOFF_TEAMS,
  ORIGIN_ALIASES,
  ORIGINS,
  PRIORITIES,
  PRIORITY_LABELS,
  SEVERITIES,
  SEVERITY_LABELS,
  STATUS_ALIASES,
  STATUS_LABELS,
  STATUSES,
  TEAM_LABELS,
  TIER_ALIASES,
  TIER_LABELS,
  TIERS,
  type Status,
} from '../domain/vocabulary.js';
import { ticketButtons, ticketCard, ticketListReply } from '../views/ticket-card.js';
import { ticketReplyCommand } from './ticket-reply.js';
import { info, success } from '../views/reply.js';
import { choice, joinText, knownIssueOption, wholeNumber, type ArgReader } from './args.js';
import type { Token } from './tokenize.js';
import { registerTicketHandoverCommands } from './ticket-handover.js';
import type { CommandRegistry } from './registry.js';

const priority = choice('priority', PRIORITIES);
const severity = choice('severity', SEVERITIES);
const severityOrNone = choice('severity', [...SEVERITIES, 'none'] as const);
const department = choice('department', DEPARTMENTS, DEPARTMENT_ALIASES);
const origin = choice('channel', ORIGINS, ORIGIN_ALIASES);
const tier = choice('tier', TIERS, TIER_ALIASES);
const status = choice('status', STATUSES, STATUS_ALIASES);
const statusOrAll = choice('status', [...STATUSES, 'all'] as const, STATUS_ALIASES);
const team = choice('team', HANDOFF_TEAMS);
const page = wholeNumber('page', 1, 100_000);
const text = (value: string) => value;

/** Slack sends mentions as <@U123|name>; everywhere else they are @name. */
/** Whether the request comes from a requester (who gets their own view of a ticket). */
function isRequester(ctx: RequestContext): boolean {
  return ctx.actor.kind === 'person' && ctx.actor.role === 'requester';
}

function normalizeMention(value: string): string {
  return value.replace(/^<@([A-Z0-9]+)(?:\|[^>]*)?>$/i, '@$1');
}

/** "3d", "3", "3days" -> 3 */
function holdDays(args: ArgReader): number {
  const token = args.next();
  if (!token || (token.kind !== 'word' && token.kind !== 'quoted')) {
    throw new UsageError('Hold needs a number of days, like hold 3d.', '');
  }
  const match = /^(\d{1,4})\s*(d|day|days)?$/i.exec(token.value);
  if (!match) throw new UsageError(`"${token.value}" is not a number of days: write it like 3d.`, '');
  const next = args.peek();
  if (next?.kind === 'word' && /^days?$/i.test(next.value) && !match[2]) args.next();
  return wholeNumber('number of days', 1, MAX_HOLD_DAYS)(match[1]!, 'days');
}

/** Status words typed as if they were commands ("/ticket close 1"), and the status they mean. */
const STATUS_VERBS: Record<string, string> = {
  close: 'closed',
  closed: 'closed',
  resolve: 'resolved',
  resolved: 'resolved',
  reopen: 'open',
  pending: 'pending',
  hold: 'hold <N>d',
  review: 'review',
  wait: 'waiting',
  waiting: 'waiting',
};

/**
 * The title of `/ticket new` is one run of words and "quoted" strings, before or after the options:
 * a word after an option (`dept:Paid Support`) is refused instead of joining the title.
 */
function requireOneTitle(tokens: readonly Token[]): void {
  const isText = (t: Token) => t.kind !== 'option';
  const first = tokens.findIndex(isText);
  if (first < 0) return;
  let last = tokens.length - 1;
  while (!isText(tokens[last]!)) last--;
  const between = tokens.slice(first, last + 1);
  const option = between.find((t): t is Extract<Token, { kind: 'option' }> => t.kind === 'option');
  if (option) {
    const stray = tokens[tokens.indexOf(option) + 1]!;
    throw new UsageError(
      `"${stray.value}" comes after ${option.key}:${option.value}, so it is not clear whether it belongs to the title. Put a value with spaces in quotes (${option.key}:"${option.value} ${stray.value}"), and the title in one piece before or after the options.`,
      '',
    );
  }
}

/** A status as people say it: one word, or "waiting on customer" spelled out. */
function statusWords(args: ArgReader): Status {
  const target = args.choice('status', status);
  const [on, customer] = [args.peek(), args.peekAt(1)];
  if (target === 'waiting' && on?.kind === 'word' && on.value.toLowerCase() === 'on' && customer?.kind === 'word' && /^customers?$/i.test(customer.value)) {
    args.next();
    args.next();
  }
  return target;
}

function tagFilter(value: string): TagRef | string {
  const separator = value.indexOf(':');
  return separator > 0 ? { family: value.slice(0, separator).toLowerCase(), value: value.slice(separator + 1) } : value;
}

export function registerTicketCommands(registry: CommandRegistry): void {
  registry.family({
    name: 'ticket',
    summary: 'tickets: open, find, work and hand over',
    aliases: ['tickets', 't'],
    // "/ticket close 1", "/ticket resolve 1": statuses are set with /ticket status.
    suggest(words) {
      const target = STATUS_VERBS[(words[1] ?? '').toLowerCase()];
      if (!target) return undefined;
      const id = /^#?\d+$/.test(words[2] ?? '') ? words[2]!.replace(/^#/, '') : '<id>';
      return `/ticket status ${id} ${target}`;
    },
  });

  registry.define({
    path: ['ticket', 'new'],
    aliases: ['create', 'open'],
    usage:
      '/ticket new <title> [priority:high|medium|low] [severity:critical|significant|minor|low] [dept:paid|community|trials] [requester:<email|@user>] [channel:chat|email|web|phone|social|review] [description:"..."] [<family>:<tag>...]',
    summary:
      'Opens a ticket in Triage (Open, Medium priority unless you say otherwise). The title is one run of words (or "quoted") before or after the options; put option values with spaces in quotes. Channels also take the handbooks\' words: twitter, facebook (social), livechat (chat).',
    examples: ['/ticket new "Login fails after SSO change" priority:high area:Authentication type:Bug', '/ticket new Invoice shows the wrong VAT requester:jane@example.com channel:email special:billing'],
    run(args, ctx) {
      requireOneTitle(args.remaining());
      const { options, extra, claimed } = args.options(
        { priority, severity, dept: department, department, requester: text, channel: origin, description: text, desc: text },
        { acceptKey: (key) => isTagFamily(ctx, key) },
      );
      const title = joinText(extra);
      if (!title) throw new UsageError('A ticket needs a title.', '');
      const created = createTicket(ctx, {
        title,
        ...(options.priority ? { priority: options.priority } : {}),
        ...(options.severity ? { severity: options.severity } : {}),
        ...((options.dept ?? options.department) ? { department: options.dept ?? options.department } : {}),
        ...(options.requester ? { requester: normalizeMention(options.requester) } : {}),
        ...(options.channel ? { origin: options.channel } : {}),
        ...((options.description ?? options.desc) ? { description: options.description ?? options.desc } : {}),
        tags: claimed.map((t) => ({ family: t.key, value: t.value })),
      });
      const { ticket } = created;
      const detail = ticketDetail(ctx, ticket.id);
      const viewer = ctx.actor.kind === 'person' ? ctx.actor.personId : null;
      return success(`Ticket #${ticket.id} opened: ${ticket.title}`, {
        fields: [
          { label: 'Priority', value: PRIORITY_LABELS[ticket.priority] },
          ...(ticket.severity ? [{ label: 'Severity', value: SEVERITY_LABELS[ticket.severity] }] : []),
          { label: 'Tier', value: TIER_LABELS[ticket.tier] },
          { label: 'Status', value: STATUS_LABELS[ticket.status] },
          { label: 'Requester', value: ticket.requester ?? '—' },
          ...(detail.tags.length > 0 ? [{ label: 'Tags', value: detail.tags.map((t) => `${t.family}:${t.name}`).join(', ') }] : []),
        ],
        ...(created.titleShortened ? { text: `The title was shortened to 200 characters; the full text is in the description.` } : {}),
        buttons: ticketButtons(ticket, viewer),
        ticketId: ticket.id,
      });
    },
  });

  registry.define({
    path: ['ticket', 'show'],
    readsOnly: true,
    requesters: true,
    aliases: ['view'],
    usage: '/ticket show <id>',
    summary: 'Shows a ticket: fields, tags, known issue and the timeline of replies and internal notes (a requester sees the status and public replies of their own).',
    examples: ['/ticket show 42'],
    run(args, ctx) {
      const id = args.ticketId();
      args.end();
      if (isRequester(ctx)) return requesterTicketReply(requesterTicket(ctx, id), ctx.settings.timeZone);
      return ticketCard(ctx, ticketDetail(ctx, id), viewerZone(ctx));
    },
  });

  registry.define({
    path: ['ticket', 'list'],
    readsOnly: true,
    requesters: true,
    aliases: ['ls'],
    usage: '/ticket list [mine|unassigned] [tier:<tier>] [status:<status>|all] [tag:<tag>] [priority:<p>] [team:<team>] [dept:<d>] [known:<n>] [requester:<email|@user>] [page:<n>]',
    summary: "Lists tickets, newest first, a page at a time; without status: it shows the ones still being worked on. mine is your day's work: Open ones first, longest waiting first. A requester sees their own.",
    examples: ['/ticket list mine', '/ticket list unassigned tier:t2 priority:high', '/ticket list tag:area:Authentication status:all page:2', '/ticket list requester:jane@example.com status:all'],
    run(args, ctx) {
      if (isRequester(ctx)) {
        args.end();
        return requesterListReply(requesterTickets(ctx), ctx.settings.timeZone);
      }
      const { options, extra } = args.options({ tier, status: statusOrAll, tag: text, priority, team, dept: department, known: knownIssueOption, requester: text, page });
      const filter: TicketFilter = {};
      for (const token of extra) {
        const word = token.value.toLowerCase();
        if (token.kind === 'word' && (word === 'mine' || word === 'unassigned')) filter.scope = word;
        else if (token.kind === 'word' && word === 'all') filter.status = 'all';
        else throw new UsageError(`"${token.value}" is not a list filter: use mine, unassigned or key:value options.`, '');
      }
      if (options.tier) filter.tier = options.tier;
      if (options.status) filter.status = options.status;
      if (options.tag) filter.tag = tagFilter(options.tag);
      if (options.priority) filter.priority = options.priority;
      if (options.team) filter.team = options.team;
      if (options.dept) filter.department = options.dept;
      if (options.known !== undefined) filter.knownIssue = options.known;
      if (options.page !== undefined) filter.page = options.page;
      if (options.requester !== undefined) filter.requester = normalizeRequester(ctx, options.requester);
      const result = listTickets(ctx, filter);
      const words = [
        filter.scope === 'mine' ? 'of your' : filter.scope === 'unassigned' ? 'unassigned' : '',
        filter.status === undefined ? 'active' : filter.status === 'all' ? '' : STATUS_LABELS[filter.status],
        filter.priority ? PRIORITY_LABELS[filter.priority] : '',
        filter.tier ? TIER_LABELS[filter.tier] : '',
        filter.team ? TEAM_LABELS[filter.team] : '',
      ].filter(Boolean);
      const describe = filter.scope === 'mine' ? words.slice(1).join(' ') + ' (yours)' : words.join(' ');
      const base = args.source.replace(/\s+page:\S+/i, '').trim();
      const next = result.page < result.pages ? `/${base} page:${result.page + 1}` : null;
      const extras: string[] = [];
      if (filter.tag !== undefined) extras.push(`tagged ${options.tag}`);
      if (filter.knownIssue !== undefined) extras.push(`on ${knownIssueLabel(filter.knownIssue)}`);
      if (filter.requester !== undefined) extras.push(`from ${filter.requester.text}`);
      return ticketListReply(result, `${describe}${extras.length > 0 ? ` ${extras.join(', ')}` : ''}`, next);
    },
  });

  registry.define({
    path: ['ticket', 'assign'],
    usage: '/ticket assign <id> [@user|me]',
    summary: 'Assigns a ticket to someone (you, by default).',
    examples: ['/ticket assign 42', '/ticket assign #42 @alice'],
    run(args, ctx) {
      const id = args.ticketId();
      const mention = args.optionalMention() ?? (args.done ? 'me' : args.word('@user or me'));
      args.end();
      const result = assignTicket(ctx, id, mention);
      const who = `@${result.assignee.handle}`;
      if (!result.changed) return info(`#${id} is already assigned to ${who}.`, { ticketId: id });
      return success(`#${id} assigned to ${who}: ${result.ticket.title}`, { ticketId: id });
    },
  });

  registry.define({
    path: ['ticket', 'unassign'],
    usage: '/ticket unassign <id>',
    summary: 'Takes the assignee off a ticket, back to its queue.',
    run(args, ctx) {
      const id = args.ticketId();
      args.end();
      const result = unassignTicket(ctx, id);
      if (!result.changed) return info(`#${id} has no assignee.`, { ticketId: id });
      return success(`#${id} is unassigned, back in the ${TIER_LABELS[result.ticket.tier]} queue.`, { ticketId: id });
    },
  });

  registry.define({
    path: ['ticket', 'status'],
    usage: '/ticket status <id> open|pending|resolved|closed|waiting|hold <N>d|review',
    summary:
      'Moves a ticket to another status (only the moves the workflow allows; a refusal says why). waiting is Waiting on Customer ("waiting on customer" works too); staff reopen a Closed ticket with open.',
    examples: ['/ticket status 42 pending', '/ticket status 42 hold 3d', '/ticket status 42 waiting on customer', '/ticket status 42 open'],
    run(args, ctx) {
      const id = args.ticketId();
      const target = statusWords(args);
      const days = target === 'hold' ? holdDays(args) : undefined;
      args.end();
      const { ticket } = changeStatus(ctx, id, target, days);
      const label = target === 'hold' ? `on Hold for ${days} day${days === 1 ? '' : 's'}` : STATUS_LABELS[target];
      return success(`#${id} is now ${label}.`, { buttons: ticketButtons(ticket, ctx.actor.kind === 'person' ? ctx.actor.personId : null), ticketId: id });
    },
  });

  registry.define(ticketReplyCommand);

  registry.define({
    path: ['ticket', 'note'],
    usage: '/ticket note <id> <text>',
    summary: 'Adds an internal note, for agents only.',
    examples: ['/ticket note 42 Customer is on 6.4; the fix ships in 6.5.'],
    run(args, ctx) {
      const id = args.ticketId();
      const body = args.restText();
      if (!body) throw new UsageError('Add the note text after the ticket number.', '');
      commentOnTicket(ctx, id, 'internal', body);
      return success(`Internal note added to #${id}`, { visibility: 'ephemeral', ticketId: id });
    },
  });

  registry.define({
    path: ['ticket', 'reply-as-requester'],
    aliases: ['requester-reply'],
    usage: '/ticket reply-as-requester <id> <text>',
    summary:
      "Records a message from the requester (e.g. one that came by email): Pending, Waiting, Hold and Resolved go back to Open; on a Closed ticket it opens a new ticket linked to it.",
    examples: ['/ticket reply-as-requester 42 It still fails after clearing the cache.'],
    run(args, ctx) {
      const id = args.ticketId();
      const body = args.restText();
      if (!body) throw new UsageError("Add the requester's message after the ticket number.", '');
      const result = recordRequesterReply(ctx, id, body);
      if (result.kind === 'follow-up') {
        return success(`#${id} is closed, so the message opened #${result.ticket.id}: ${result.ticket.title}`, {
          text: `It is in Triage, linked to #${id}.`,
          buttons: [{ label: `Show #${result.ticket.id}`, command: `/ticket show ${result.ticket.id}` }],
          ticketId: result.ticket.id,
        });
      }
      const reopened = result.reopenedFrom ? ` It was ${STATUS_LABELS[result.reopenedFrom]}; it is Open again.` : '';
      return success(`Requester's message added to #${id}.${reopened}`, { ticketId: id });
    },
  });

  registry.define({
    path: ['ticket', 'priority'],
    usage: '/ticket priority <id> high|medium|low',
    summary: 'Changes the priority (High: system down or many users blocked; Medium: essential functions affected; Low: small impact).',
    run(args, ctx) {
      const id = args.ticketId();
      const level = args.choice('priority', priority);
      args.end();
      const result = changePriority(ctx, id, level);
      return result.changed ? success(`#${id} priority is now ${PRIORITY_LABELS[level]}.`, { ticketId: id }) : info(`#${id} is already ${PRIORITY_LABELS[level]} priority.`, { ticketId: id });
    },
  });

  registry.define({
    path: ['ticket', 'severity'],
    usage: '/ticket severity <id> critical|significant|minor|low|none',
    summary: 'Sets the product-issue severity (Critical: production down … Low: cosmetic), or clears it.',
    run(args, ctx) {
      const id = args.ticketId();
      const level = args.choice('severity', severityOrNone);
      args.end();
      const value = level === 'none' ? null : level;
      const result = changeSeverity(ctx, id, value);
      const label = value ? SEVERITY_LABELS[value] : 'none';
      return result.changed ? success(`#${id} severity is now ${label}.`, { ticketId: id }) : info(`#${id} severity is already ${label}.`, { ticketId: id });
    },
  });

  registry.define({
    path: ['ticket', 'split'],
    usage: '/ticket split <id> <new title>',
    summary: 'Splits an unrelated question into a new ticket, back in Triage and unassigned, linked to this one.',
    examples: ['/ticket split 42 "Question about the invoice address"'],
    run(args, ctx) {
      const id = args.ticketId();
      const title = args.restText();
      if (!title) throw new UsageError('Give the new ticket a title.', '');
      const { child } = splitTicket(ctx, id, title);
      return success(`Split #${child.id} out of #${id}: ${child.title}`, {
        text: 'The new ticket is in Triage, unassigned; both tickets have an internal note about the split.',
        buttons: [{ label: `Show #${child.id}`, command: `/ticket show ${child.id}` }],
        ticketId: child.id,
      });
    },
  });

  registerTicketHandoverCommands(registry);
}
