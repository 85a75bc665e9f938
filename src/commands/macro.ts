/** /macro: canned replies with placeholders, and what they change beside the reply. */
import type { RequestContext } from '../app/context.js';
import { UsageError } from '../app/errors.js';
import { createMacro, editMacro, helpLinks, listMacros, removeMacro, requireMacro, setHelpLink, type MacroActions, type MacroRow } from '../app/macros.js';
import { isTagFamily, type TagRef } from '../app/tags.js';
import { requireTicket } from '../app/ticket-records.js';
import { truncate } from '../domain/text.js';
import { DEPARTMENT_ALIASES, DEPARTMENT_LABELS, DEPARTMENTS, PRIORITIES, PRIORITY_LABELS, STATUS_LABELS } from '../domain/vocabulary.js';
import { info, success, type Reply } from '../views/reply.js';
import { choice, type ArgReader } from './args.js';
import type { CommandRegistry } from './registry.js';
import { holdDaysOption, replyStatusOption } from './reply-options.js';

const department = choice('department', [...DEPARTMENTS, 'all'] as const, DEPARTMENT_ALIASES);
const departmentOnly = choice('department', DEPARTMENTS, DEPARTMENT_ALIASES);
const priority = choice('priority', [...PRIORITIES, 'none'] as const);

/** How many macro buttons the picker shows at most (platforms cap buttons per message). */
const PICKER_MAX = 20;

/**
 * The options at the cursor, before the macro text: dept:, status:, hold:, priority:, tags:none
 * and tags as family:tag. Options later in the text are text.
 */
function macroOptions(args: ArgReader, ctx: RequestContext): MacroActions {
  const actions: MacroActions = {};
  const tags: TagRef[] = [];
  const seen = new Set<string>();
  for (let token = args.peek(); token?.kind === 'option'; token = args.peek()) {
    const key = token.key === 'department' ? 'dept' : token.key;
    const known = ['dept', 'status', 'hold', 'priority', 'tags'].includes(key);
    if (!known && !isTagFamily(ctx, key)) break;
    args.next();
    if (known && seen.has(key)) throw new UsageError(`${key}: is given twice; keep one.`, '');
    seen.add(key);
    if (key === 'dept') {
      const value = department(token.value, key);
      actions.department = value === 'all' ? null : value;
    } else if (key === 'status') {
      const value = replyStatusOption(token.value, key, true);
      actions.status = value === 'none' ? null : value;
    } else if (key === 'hold') {
      actions.status = 'hold';
      actions.holdDays = holdDaysOption(token.value, key);
    } else if (key === 'priority') {
      const value = priority(token.value, key);
      actions.priority = value === 'none' ? null : value;
    } else if (key === 'tags') {
      if (token.value.toLowerCase() !== 'none') throw new UsageError('tags:none clears the tags; add tags as family:tag, like type:Question.', '');
      actions.tags = null;
    } else tags.push({ family: key, value: token.value });
  }
  if (seen.has('status') && seen.has('hold')) throw new UsageError('Give status: or hold:, not both.', '');
  if (tags.length > 0) actions.tags = tags;
  return actions;
}

/** "pending · priority High · +type:Question": what a macro does beside its text. */
export function macroEffects(macro: MacroRow): string {
  const parts: string[] = [];
  if (macro.setStatus) parts.push(macro.setStatus === 'hold' ? `hold ${macro.holdDays}d` : `status ${STATUS_LABELS[macro.setStatus]}`);
  if (macro.setPriority) parts.push(`priority ${PRIORITY_LABELS[macro.setPriority]}`);
  for (const tag of macro.addTags ?? []) parts.push(`+${tag}`);
  return parts.join(' · ');
}

function macroReply(title: string, macro: MacroRow, tone: 'success' | 'info' = 'success'): Reply {
  const effects = macroEffects(macro);
  const fields = [
    { label: 'Department', value: macro.department ? DEPARTMENT_LABELS[macro.department] : 'all' },
    ...(effects ? [{ label: 'Also', value: effects }] : []),
  ];
  const extras = { fields, sections: [{ heading: 'Text', lines: [truncate(macro.body, 2_500)] }] };
  return tone === 'success' ? success(title, { ...extras, visibility: 'ephemeral' }) : info(title, extras);
}

export function registerMacroCommands(registry: CommandRegistry): void {
  registry.family({ name: 'macro', aliases: ['macros'], summary: 'canned replies: placeholders, and the status, priority and tags they set' });

  registry.define({
    path: ['macro', 'new'],
    aliases: ['create', 'add'],
    role: 'lead',
    usage: '/macro new <name> [dept:<d>] [status:<s>|hold:<N>d] [priority:<p>] [<family>:<tag>...] <text>',
    summary:
      'Saves a canned reply. The text may use {requester.name}, {requester.email}, {ticket.id}, {ticket.title}, {agent.name} and {link:<name>}; the options before it are what sending it also does.',
    examples: [
      '/macro new trial-offer status:pending Hi {requester.name}, we have started a free 30-day trial for you: {link:trial}',
      '/macro new fr1 type:Question Thanks for writing in, {requester.name}! We are looking into #{ticket.id}.',
      '/macro new send-and-close status:resolved Glad it works now. — {agent.name}',
    ],
    run(args, ctx) {
      const name = args.word('the macro name');
      const actions = macroOptions(args, ctx);
      const body = args.restText();
      if (!body) throw new UsageError('Add the macro text after the name and options.', '');
      const macro = createMacro(ctx, { name, body, ...actions });
      return macroReply(`Macro ${macro.name} saved`, macro);
    },
  });

  registry.define({
    path: ['macro', 'edit'],
    role: 'lead',
    usage: '/macro edit <name> [dept:<d>|all] [status:<s>|none|hold:<N>d] [priority:<p>|none] [tags:none|<family>:<tag>...] [<new text>]',
    summary: 'Changes a macro: the options given replace the old ones; a text replaces the old text.',
    examples: ['/macro edit trial-offer hold:3d', '/macro edit fr1 Thanks, {requester.name}! We are on it.'],
    run(args, ctx) {
      const name = args.word('the macro name');
      const actions = macroOptions(args, ctx);
      const body = args.restText();
      const macro = editMacro(ctx, { name, ...actions, ...(body ? { body } : {}) });
      return macroReply(`Macro ${macro.name} changed`, macro);
    },
  });

  registry.define({
    path: ['macro', 'remove'],
    aliases: ['delete', 'rm'],
    role: 'lead',
    usage: '/macro remove <name>',
    summary: 'Deletes a macro; replies already sent with it keep their text.',
    examples: ['/macro remove trial-offer'],
    run(args, ctx) {
      const name = args.word('the macro name');
      args.end();
      const macro = removeMacro(ctx, name);
      return success(`Macro ${macro.name} removed.`, { visibility: 'ephemeral' });
    },
  });

  registry.define({
    path: ['macro', 'show'],
    readsOnly: true,
    usage: '/macro show <name>',
    summary: 'A macro: its text, department and what it also changes.',
    run(args, ctx) {
      const name = args.word('the macro name');
      args.end();
      const macro = requireMacro(ctx, name);
      return macroReply(`Macro ${macro.name}`, macro, 'info');
    },
  });

  registry.define({
    path: ['macro', 'list'],
    readsOnly: true,
    aliases: ['ls'],
    usage: '/macro list [dept:<d>]',
    summary: "The macros, by name; dept: shows the ones for that department's tickets.",
    examples: ['/macro list', '/macro list dept:trials'],
    run(args, ctx) {
      const { options, extra } = args.options({ dept: departmentOnly, department: departmentOnly });
      if (extra[0]) throw new UsageError(`"${extra[0].value}" is not a macro list option: use dept:<d>.`, '');
      const dept = options.dept ?? options.department;
      const rows = listMacros(ctx, dept);
      const where = dept ? ` for ${DEPARTMENT_LABELS[dept]}` : '';
      if (rows.length === 0) return info(`No macros${where} yet`, { text: 'A lead adds one with /macro new <name> <text>.' });
      return info(`${rows.length} macro${rows.length === 1 ? '' : 's'}${where}`, {
        sections: [{ lines: rows.map((m) => `*${m.name}*${macroEffects(m) ? ` (${macroEffects(m)})` : ''} — ${truncate(m.body.replace(/\s+/g, ' '), 100)}`) }],
      });
    },
  });

  registry.define({
    path: ['macro', 'pick'],
    readsOnly: true,
    usage: '/macro pick <ticket>',
    summary: "The picker on a ticket card: one button per macro for the ticket's department; pressing one sends that reply.",
    examples: ['/macro pick 42'],
    run(args, ctx) {
      const id = args.ticketId();
      args.end();
      const ticket = requireTicket(ctx, id);
      const rows = listMacros(ctx, ticket.department);
      if (rows.length === 0) return info(`No macros for ${DEPARTMENT_LABELS[ticket.department]} tickets yet`, { text: 'A lead adds one with /macro new <name> <text>.', ticketId: id });
      const shown = rows.slice(0, PICKER_MAX);
      return info(`Reply to #${id} with a macro`, {
        text: shown.map((m) => `*${m.name}*${macroEffects(m) ? ` (${macroEffects(m)})` : ''} — ${truncate(m.body.replace(/\s+/g, ' '), 80)}`).join('\n'),
        buttons: shown.map((m) => ({ label: m.name, command: `/ticket reply ${id} macro:${m.name}` })),
        ...(rows.length > shown.length ? { footer: `${rows.length - shown.length} more: /ticket reply ${id} macro:<name>` } : {}),
        ticketId: id,
      });
    },
  });

  registry.define({
    path: ['macro', 'link'],
    role: 'lead',
    usage: '/macro link <name> <url>|remove',
    summary: 'Sets the help-centre link that macros quote as {link:<name>} (or removes it).',
    examples: ['/macro link sso-setup https://help.example.com/sso', '/macro link trial remove'],
    run(args, ctx) {
      const name = args.word('the link name');
      const url = args.word('the link (https://…) or remove');
      args.end();
      const result = setHelpLink(ctx, name, url.toLowerCase() === 'remove' ? null : url);
      return success(result.url ? `{link:${result.name}} is now ${result.url}` : `{link:${result.name}} removed`, { visibility: 'ephemeral' });
    },
  });

  registry.define({
    path: ['macro', 'links'],
    readsOnly: true,
    usage: '/macro links',
    summary: 'The help-centre links macros can quote.',
    run(args, ctx) {
      args.end();
      const links = Object.entries(helpLinks(ctx)).sort(([a], [b]) => a.localeCompare(b));
      if (links.length === 0) return info('No help-centre links yet', { text: 'A lead adds one with /macro link <name> <url>.' });
      return info(`${links.length} help-centre link${links.length === 1 ? '' : 's'}`, { sections: [{ lines: links.map(([name, url]) => `{link:${name}} → ${url}`) }] });
    },
  });
}
