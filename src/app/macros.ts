/** Macros (canned replies): create, edit, remove, list, and the help-centre links they can quote. */
import { z } from 'zod';
import { LINK_NAME, MACRO_NAME, MAX_MACRO_LENGTH, fillMacro, parseMacro, type MacroValues, type PlaceholderName } from '../domain/macros.js';
import { closestMatches } from '../domain/text.js';
import type { Department, Priority, Status } from '../domain/vocabulary.js';
import type { MacroRow, MacroTicket } from '../store/repositories/macros.js';
import { cleanText } from '../views/format.js';
import { recordAudit } from './audit.js';
import { actorPersonId, type AppContext, type RequestContext } from './context.js';
import { conflict, invalid, notFound } from './errors.js';
import { requireRole } from './people.js';
import { formatTag, resolveTagRefs, type TagRef } from './tags.js';
import { readSetting, writeSetting } from './team-settings.js';
import { MAX_HOLD_DAYS } from './ticket-update.js';

export type { MacroRow };

/** What a macro does beside its text. `null` clears a value on edit; absent keeps it. */
export interface MacroActions {
  department?: Department | null;
  status?: Status | null;
  holdDays?: number | null;
  priority?: Priority | null;
  tags?: readonly TagRef[] | null;
}

/** Statuses a reply can set: the ones the workflow reaches from Open by an agent's answer. */
export const REPLY_STATUSES = ['open', 'pending', 'waiting', 'hold', 'review', 'resolved'] as const satisfies readonly Status[];

const helpLinksSchema = z.record(z.string(), z.string());
const HELP_LINKS = 'help-links';

function checkName(name: string): string {
  const lowered = name.trim().toLowerCase().replace(/^\//, '');
  if (!MACRO_NAME.test(lowered)) throw invalid(`"${name.slice(0, 60)}" is not a macro name: use letters, digits and dashes, like fr1 or trial-offer.`, 'Example: /macro new trial-offer Hi {requester.name}, …');
  return lowered;
}

function checkBody(text: string): string {
  const body = cleanText(text);
  if (!body) throw invalid('A macro needs a text.', 'Example: /macro new fr1 Hi {requester.name}, thanks for writing in!');
  if (body.length > MAX_MACRO_LENGTH) {
    throw invalid(`That macro is ${body.length.toLocaleString('en-US')} characters; the limit is ${MAX_MACRO_LENGTH.toLocaleString('en-US')}.`, 'A canned answer that long belongs in a help-centre article: link it with {link:<name>}.');
  }
  const parsed = parseMacro(body);
  if (!parsed.ok) throw invalid(parsed.reason, 'Placeholders: {requester.name}, {requester.email}, {ticket.id}, {ticket.title}, {agent.name}, {link:<name>}.');
  return body;
}

function checkActions(ctx: AppContext, actions: MacroActions): Partial<Pick<MacroRow, 'department' | 'setStatus' | 'holdDays' | 'setPriority' | 'addTags'>> {
  const out: Partial<Pick<MacroRow, 'department' | 'setStatus' | 'holdDays' | 'setPriority' | 'addTags'>> = {};
  if (actions.department !== undefined) out.department = actions.department;
  if (actions.status !== undefined) {
    if (actions.status === 'hold' && (actions.holdDays === undefined || actions.holdDays === null || actions.holdDays < 1 || actions.holdDays > MAX_HOLD_DAYS)) {
      throw invalid(`Hold needs a number of days from 1 to ${MAX_HOLD_DAYS}.`, 'Write it as hold:3d.');
    }
    if (actions.status !== null && !(REPLY_STATUSES as readonly string[]).includes(actions.status)) {
      throw invalid(`A reply cannot set a ticket ${actions.status}.`, `Use status:${REPLY_STATUSES.join('|')} or hold:<N>d.`);
    }
    out.setStatus = actions.status;
    out.holdDays = actions.status === 'hold' ? (actions.holdDays ?? null) : null;
  }
  if (actions.priority !== undefined) out.setPriority = actions.priority;
  if (actions.tags !== undefined) out.addTags = actions.tags === null ? null : resolveTagRefs(ctx, actions.tags).map(formatTag);
  return out;
}

/** The macro called `name`, or a NOT_FOUND that names the closest ones. */
export function requireMacro(ctx: AppContext, name: string): MacroRow {
  const lowered = name.trim().toLowerCase().replace(/^\//, '');
  const row = ctx.store.macros.byName(lowered);
  if (row) return row;
  const names = ctx.store.macros.names();
  const near = closestMatches(lowered, names, 2);
  throw notFound(
    `There is no macro called "${lowered.slice(0, 40)}".`,
    near.length > 0 ? `Did you mean ${near.join(' or ')}? /macro list shows them all.` : names.length > 0 ? '/macro list shows them all.' : 'None yet: a lead adds one with /macro new <name> <text>.',
  );
}

/** Creates a macro (leads). Audited as 'macro.created'. */
export function createMacro(ctx: RequestContext, input: { name: string; body: string } & MacroActions): MacroRow {
  return ctx.store.transaction(() => {
    requireRole(ctx, 'lead', 'create macros');
    const name = checkName(input.name);
    const body = checkBody(input.body);
    if (ctx.store.macros.nameTaken(name)) {
      throw conflict(`A macro called "${name}" exists already.`, `Change it with /macro edit ${name} <text>, or pick another name.`);
    }
    const now = ctx.clock.now();
    const row = ctx.store.macros.insert({ name, body, ...checkActions(ctx, input), createdBy: actorPersonId(ctx.actor), createdAt: now, updatedAt: now });
    recordAudit(ctx, { entity: 'macro', entityId: row.id, action: 'macro.created', after: summary(row) });
    return row;
  });
}

/** Changes a macro's text and/or what it does (leads). Audited as 'macro.changed'. */
export function editMacro(ctx: RequestContext, input: { name: string; body?: string } & MacroActions): MacroRow {
  return ctx.store.transaction(() => {
    requireRole(ctx, 'lead', 'edit macros');
    const existing = requireMacro(ctx, input.name);
    const patch = { ...(input.body !== undefined ? { body: checkBody(input.body) } : {}), ...checkActions(ctx, input) };
    if (Object.keys(patch).length === 0) throw invalid('Nothing to change.', `Give a new text or options: /macro edit ${existing.name} status:pending <text>`);
    const row = ctx.store.macros.update(existing.id, { ...patch, updatedAt: ctx.clock.now() });
    recordAudit(ctx, { entity: 'macro', entityId: row.id, action: 'macro.changed', before: summary(existing), after: summary(row) });
    return row;
  });
}

/** Removes a macro (leads). Replies sent with it keep their text. Audited as 'macro.removed'. */
export function removeMacro(ctx: RequestContext, name: string): MacroRow {
  return ctx.store.transaction(() => {
    requireRole(ctx, 'lead', 'remove macros');
    const existing = requireMacro(ctx, name);
    ctx.store.macros.remove(existing.id);
    recordAudit(ctx, { entity: 'macro', entityId: existing.id, action: 'macro.removed', before: summary(existing) });
    return existing;
  });
}

/** Macros by name, for one department (those for every department included) or all. */
export function listMacros(ctx: AppContext, department?: Department): MacroRow[] {
  return ctx.store.macros
    .all()
    .filter((m) => department === undefined || m.department === null || m.department === department);
}

/** What the audit keeps of a macro: its settings and the length of its text, not the text twice. */
function summary(row: MacroRow): Record<string, unknown> {
  return { name: row.name, length: row.body.length, department: row.department, status: row.setStatus, holdDays: row.holdDays, priority: row.setPriority, tags: row.addTags };
}

/** The help-centre links macros quote as {link:<name>}. */
export function helpLinks(ctx: AppContext): Record<string, string> {
  return readSetting(ctx, HELP_LINKS, helpLinksSchema, {});
}

/** Sets (or with `url` null removes) a help-centre link (leads). */
export function setHelpLink(ctx: RequestContext, name: string, url: string | null): { name: string; url: string | null; before: string | null } {
  return ctx.store.transaction(() => {
    requireRole(ctx, 'lead', 'change help-centre links');
    const key = name.trim().toLowerCase();
    if (!LINK_NAME.test(key)) throw invalid(`"${name.slice(0, 40)}" is not a link name: use letters, digits and dashes, like sso-setup.`, 'Example: /macro link sso-setup https://help.example.com/sso');
    if (url !== null && !/^https?:\/\/\S+$/i.test(url)) throw invalid(`"${url.slice(0, 80)}" is not a link.`, 'Give it as https://help.example.com/sso.');
    const links = { ...helpLinks(ctx) };
    const before = links[key] ?? null;
    if (url === null) {
      if (before === null) throw notFound(`There is no help link called "${key}".`, '/macro links lists them.');
      delete links[key];
    } else links[key] = url;
    writeSetting(ctx, HELP_LINKS, links);
    return { name: key, url, before };
  });
}

/** "Jane Doe" for a requester deskops knows, "jane" for an @handle, nothing for an email address. */
function requesterName(ctx: AppContext, ticket: MacroTicket): string | undefined {
  if (ticket.requesterPersonId !== null) {
    const name = ctx.store.macros.personName(ticket.requesterPersonId);
    if (name) return name;
  }
  const requester = ticket.requester ?? '';
  return requester.startsWith('@') && requester.length > 1 ? requester.slice(1) : undefined;
}

/**
 * The macro's text for `ticket`, sent by the actor. A placeholder with no value refuses the whole
 * reply (INVALID naming each), so nobody ever receives "{requester.name}".
 */
export function renderMacroFor(ctx: RequestContext, macro: MacroRow, ticket: MacroTicket): string {
  const parsed = parseMacro(macro.body);
  if (!parsed.ok) throw invalid(`Macro ${macro.name} cannot be used: ${parsed.reason}`, `A lead fixes it with /macro edit ${macro.name} <text>.`);
  const email = ticket.requester && ticket.requester.includes('@') && !ticket.requester.startsWith('@') ? ticket.requester : undefined;
  const placeholders: Partial<Record<PlaceholderName, string>> = {
    'ticket.id': String(ticket.id),
    'ticket.title': ticket.title,
    ...(requesterName(ctx, ticket) !== undefined ? { 'requester.name': requesterName(ctx, ticket)! } : {}),
    ...(email ? { 'requester.email': email } : {}),
    ...(ctx.actor.kind === 'person' ? { 'agent.name': ctx.actor.displayName } : {}),
  };
  const values: MacroValues = { placeholders, links: helpLinks(ctx) };
  const filled = fillMacro(parsed.parts, values);
  if (!filled.ok) {
    throw invalid(
      `Macro ${macro.name} needs ${filled.missing.join(', ')}, which ticket #${ticket.id} has no value for; nothing was sent.`,
      `Write this reply by hand with /ticket reply ${ticket.id} <text>${filled.missing.some((m) => m.startsWith('{link:')) ? ', or a lead adds the link with /macro link <name> <url>' : ''}.`,
    );
  }
  return filled.text;
}
