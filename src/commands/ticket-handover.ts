/**
 * /ticket commands that hand a ticket over or look back at it: hand-offs to other teams and back,
 * notifying a team, correcting fields, and a ticket's history (leads).
 */
import { personLabel, ticketHistory } from '../app/audit-log.js';
import { UsageError } from '../app/errors.js';
import { viewerZone } from '../app/people-admin.js';
import { editTicket, handBackTicket, handOffTicket, notifyTeam, type EditableField } from '../app/ticket-update.js';
import { truncate } from '../domain/text.js';
import { DEPARTMENT_ALIASES, DEPARTMENT_LABELS, DEPARTMENTS, HANDOFF_TEAMS, TEAM_LABELS, TIER_LABELS, type Department } from '../domain/vocabulary.js';
import { historyReply } from '../views/audit.js';
import { oneLine } from '../views/format.js';
import { info, success } from '../views/reply.js';
import { choice, wholeNumber, type ArgReader } from './args.js';
import type { CommandRegistry } from './registry.js';

const team = choice('team', HANDOFF_TEAMS);
const department = choice('department', DEPARTMENTS, DEPARTMENT_ALIASES);
const page = wholeNumber('page', 1, 100_000);

/** The words `/ticket edit` takes for each field. */
const EDIT_FIELDS: Record<string, EditableField> = {
  title: 'title',
  description: 'description',
  desc: 'description',
  dept: 'department',
  department: 'department',
  requester: 'requester',
};

/** Fields with a command of their own, for the hint when someone tries to edit them. */
const OTHER_COMMANDS: Record<string, string> = {
  priority: '/ticket priority <id> high|medium|low',
  severity: '/ticket severity <id> critical|significant|minor|low|none',
  status: '/ticket status <id> <status>',
  tier: '/escalate <id> to:<tier> <question> or /deescalate <id> to:<tier> <comment>',
  assignee: '/ticket assign <id> @user',
  tags: '/ticket tag <id> <family>:<tag>',
  team: '/ticket handoff <id> <team> <reason>',
};

/** The new value of an edited field, as typed after its name. */
function editValue(args: ArgReader, field: EditableField): string {
  if (field === 'department') {
    const value = department(args.word('the department (paid, community or trials)'), 'dept');
    args.end();
    return value;
  }
  if (field === 'requester') {
    const mention = args.optionalMention();
    if (mention === undefined) return args.restText();
    args.end();
    return `@${mention}`;
  }
  return args.restText();
}

/** Registers /ticket handoff, notify, edit and history (called by registerTicketCommands, after the rest). */
export function registerTicketHandoverCommands(registry: CommandRegistry): void {
  registry.define({
    path: ['ticket', 'handoff'],
    aliases: ['hand-off'],
    usage: '/ticket handoff <id> engagement|product|marketing|back <reason>',
    summary:
      "Hands a ticket to another team with an internal note saying why: it leaves its tier's queue and its SLA clock stops until /ticket handoff <id> back returns it (the reason is optional then). To tell a team without moving the ticket: /ticket notify.",
    examples: ['/ticket handoff 42 engagement asks about upgrading to the enterprise plan', '/ticket handoff 42 product wants SAML group sync', '/ticket handoff 42 back Product answered: on the roadmap for Q2'],
    run(args, ctx) {
      const id = args.ticketId();
      const next = args.peek();
      if (next?.kind === 'word' && next.value.toLowerCase() === 'back') {
        args.next();
        const { ticket, from } = handBackTicket(ctx, id, args.restText());
        return success(`#${id} is back with ${TIER_LABELS[ticket.tier]} from ${TEAM_LABELS[from]}.`, {
          text: `It is in the ${TIER_LABELS[ticket.tier]} queue again, unassigned, and its SLA clock runs again.`,
          buttons: [{ label: 'Assign to me', command: `/ticket assign ${id} me`, style: 'primary' }],
          ticketId: id,
        });
      }
      const to = args.choice('team (engagement, product or marketing) or back', team);
      const reason = args.restText();
      if (!reason) throw new UsageError(`Say why it goes to ${TEAM_LABELS[to]}.`, '');
      const { ticket } = handOffTicket(ctx, id, to, reason);
      return success(`#${id} handed to ${TEAM_LABELS[to]}.`, {
        text: `${reason}\nIt left the ${TIER_LABELS[ticket.tier]} queue; its SLA clock is paused until /ticket handoff ${id} back.`,
        ticketId: id,
      });
    },
  });

  registry.define({
    path: ['ticket', 'notify'],
    usage: '/ticket notify <id> engagement|product|marketing <text>',
    summary: 'Tells a team about a ticket without moving it (the handbook\'s "Notify Product"): a notice in their channel and an internal note; the ticket stays in its queue.',
    examples: ['/ticket notify 42 product Customer asks for SAML group sync'],
    run(args, ctx) {
      const id = args.ticketId();
      const to = args.choice('team (engagement, product or marketing)', team);
      const text = args.restText();
      if (!text) throw new UsageError(`What should ${TEAM_LABELS[to]} know? Add it after "${to}".`, '');
      notifyTeam(ctx, id, to, text);
      return success(`${TEAM_LABELS[to]} notified about #${id}.`, { text, ticketId: id });
    },
  });

  registry.define({
    path: ['ticket', 'edit'],
    usage: '/ticket edit <id> title|description|dept|requester <value>',
    summary: 'Corrects a field set at creation (audited). A new department moves the SLA thresholds; a requester is an email address or an @mention.',
    examples: ['/ticket edit 42 title Login fails after the SSO change', '/ticket edit 42 dept community', '/ticket edit 42 requester jane@example.com'],
    run(args, ctx) {
      const id = args.ticketId();
      const word = args.word('the field (title, description, dept or requester)');
      const field = EDIT_FIELDS[word.toLowerCase()];
      if (!field) {
        const instead = OTHER_COMMANDS[word.toLowerCase()];
        throw new UsageError(`"${word}" is not a field you can edit: use title, description, dept or requester.${instead ? ` For ${word.toLowerCase()}: ${instead.replace('<id>', String(id))}.` : ''}`, '');
      }
      const value = editValue(args, field);
      if (!value && field !== 'description') throw new UsageError(`Give the new ${field} after "${word}".`, '');
      const edit = editTicket(ctx, id, field, value);
      const shown = (v: string | null) => (field === 'department' && v ? DEPARTMENT_LABELS[v as Department] : truncate(oneLine(v ?? ''), 80) || '(empty)');
      if (!edit.changed) return info(`#${id} ${field} is already ${shown(edit.after)}.`, { ticketId: id });
      return success(`#${id} ${field} changed from ${shown(edit.before)} to ${shown(edit.after)}.`, { ticketId: id });
    },
  });

  registry.define({
    path: ['ticket', 'history'],
    readsOnly: true,
    usage: '/ticket history <id> [page:<n>]',
    summary: 'What happened to a ticket, oldest first: every change with who made it and when (its audit events and on-call ladder).',
    role: 'lead',
    examples: ['/ticket history 42', '/ticket history 42 page:2'],
    run(args, ctx) {
      const id = args.ticketId();
      const { options, extra } = args.options({ page });
      if (extra[0]) throw new UsageError(`Unexpected "${extra[0].value}": the page goes as page:2.`, '');
      const history = ticketHistory(ctx, id, options.page ?? 1);
      return historyReply(history.ticket, history, (personId) => personLabel(ctx, personId), viewerZone(ctx));
    },
  });
}
