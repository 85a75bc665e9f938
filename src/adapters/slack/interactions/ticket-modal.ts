/**
 * The "New ticket" modal: opened by `/ticket new` with no arguments and by the "Create ticket from
 * message" shortcut; validated on submit with the errors shown on the fields.
 */
import type { App, ViewOutput, types } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import type { TagRef, TagRow } from '../../../app/tags.js';
import type { CreateTicketInput } from '../../../app/ticket-create.js';
import {
  DEPARTMENT_LABELS,
  DEPARTMENTS,
  PRIORITIES,
  PRIORITY_LABELS,
  SEVERITIES,
  SEVERITY_LABELS,
  type Department,
  type Priority,
  type Severity,
} from '../../../domain/vocabulary.js';
import { success } from '../../../views/reply.js';
import type { SlackDeps } from '../deps.js';
import { renderModalTitle } from '../render.js';
import { cut, deliverReply, failureFor, isRequesterUser, metaString, plain, quoteArg, readMetadata, refusal, runAs, payloadUser } from './common.js';
import { fetchMessage, openTicketFromMessage, slackToPlain } from './messages.js';
import { fieldErrors, selectedValue, selectedValues, textValue, type FieldErrors, type ViewValues } from './view-state.js';

export const NEW_TICKET_CALLBACK = 'deskops_new_ticket';

/** Slack caps plain_text_input at 3000 characters. */
const MAX_INPUT = 3000;
/** Slack caps a select at 100 options (and an option group at 100). */
const MAX_OPTIONS = 100;

/** What the modal starts with; `source` is the message a shortcut opened it from. */
export interface NewTicketPrefill {
  title?: string;
  /** A message to make the title from (its first line, as the engine makes ticket titles). */
  titleFrom?: string;
  description?: string;
  requester?: string;
  /** The message the ticket comes from: linked as its source and as its Slack thread. */
  source?: { channel: string; ts: string; threadTs?: string | undefined; permalink?: string | undefined };
  /** The channel the command was typed in, where the confirmation goes. */
  channel?: string;
}

function option(text: string, value: string): types.PlainTextOption {
  return { text: plain(text, 75), value };
}

function selectBlock(blockId: string, label: string, options: types.PlainTextOption[], initial: string | undefined, optional: boolean): types.InputBlock {
  const initialOption = options.find((o) => o.value === initial);
  return {
    type: 'input',
    block_id: blockId,
    optional,
    label: plain(label, 2000),
    element: { type: 'static_select', action_id: 'value', options, ...(initialOption ? { initial_option: initialOption } : {}) },
  };
}

/** The taxonomy as option groups by family. */
function tagOptionGroups(tags: readonly TagRow[]): { label: types.PlainTextElement; options: types.PlainTextOption[] }[] {
  const families = new Map<string, types.PlainTextOption[]>();
  for (const tag of tags) {
    const group = families.get(tag.family) ?? [];
    if (group.length < MAX_OPTIONS) group.push(option(tag.name, String(tag.id)));
    families.set(tag.family, group);
  }
  return [...families].slice(0, MAX_OPTIONS).map(([family, options]) => ({ label: plain(family, 75), options }));
}

/** What the form offers: the tags people pick (the engine leaves out known-issue tags), the department it starts with, the limits of a ticket. */
export interface TicketFormData {
  tags: readonly TagRow[];
  defaultDepartment: Department;
  limits: { title: number; body: number };
}

/** The modal view, prefilled; the source message travels in private_metadata. */
export function buildNewTicketView(form: TicketFormData, prefill: NewTicketPrefill = {}): types.ModalView {
  const groups = tagOptionGroups(form.tags);
  const textInput = (blockId: string, label: string, initial: string | undefined, extra: { multiline?: boolean; optional?: boolean; max: number; placeholder?: string }): types.InputBlock => ({
    type: 'input',
    block_id: blockId,
    optional: extra.optional ?? true,
    label: plain(label, 2000),
    element: {
      type: 'plain_text_input',
      action_id: 'value',
      max_length: extra.max,
      ...(extra.multiline ? { multiline: true } : {}),
      ...(extra.placeholder ? { placeholder: plain(extra.placeholder, 150) } : {}),
      // An initial value longer than max_length makes Slack reject the whole view.
      ...(initial ? { initial_value: cut(initial, extra.max) } : {}),
    },
  });
  const blocks: types.KnownBlock[] = [
    textInput('title', 'Title', prefill.title, { optional: false, max: form.limits.title }),
    textInput('description', 'Description', prefill.description, { multiline: true, max: MAX_INPUT }),
    selectBlock('priority', 'Priority', PRIORITIES.map((p) => option(PRIORITY_LABELS[p], p)), 'medium', false),
    selectBlock('severity', 'Severity (product issues)', SEVERITIES.map((s) => option(SEVERITY_LABELS[s], s)), undefined, true),
    selectBlock('department', 'Department', DEPARTMENTS.map((d) => option(DEPARTMENT_LABELS[d], d)), form.defaultDepartment, false),
    textInput('requester', 'Requester', prefill.requester, { max: 200, placeholder: 'jane@example.com or @jane' }),
  ];
  if (groups.length > 0) {
    blocks.push({
      type: 'input',
      block_id: 'tags',
      optional: true,
      label: plain('Tags'),
      element: { type: 'multi_static_select', action_id: 'value', option_groups: groups, placeholder: plain('Pick tags') },
    });
  }
  if (prefill.source?.permalink) {
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: cut(`From <${prefill.source.permalink}|this message>; the ticket links back to it.`, 3000) }] });
  }
  return {
    type: 'modal',
    callback_id: NEW_TICKET_CALLBACK,
    title: renderModalTitle('New ticket'),
    submit: plain('Open ticket', 24),
    close: plain('Cancel', 24),
    // descriptionCut: the message did not fit the input; on submit the whole text is read back.
    private_metadata: JSON.stringify({ source: prefill.source, channel: prefill.channel, descriptionCut: (prefill.description?.length ?? 0) > MAX_INPUT }),
    blocks,
  };
}

/** Opens the New ticket modal for a trigger (a slash command, a shortcut, a button). */
export async function openNewTicketModal(client: WebClient, triggerId: string, deps: SlackDeps, prefill: NewTicketPrefill = {}): Promise<void> {
  const { title, ...form } = await deps.engine.ticketForm(prefill.titleFrom ?? null);
  const { titleFrom, ...rest } = prefill;
  const filled = titleFrom !== undefined && rest.title === undefined ? { ...rest, title } : rest;
  await client.views.open({ trigger_id: triggerId, view: buildNewTicketView({ ...form, defaultDepartment: deps.settings.defaultDepartment }, filled) });
}

const email = z.email();

/** "@jane", "<@U123|jane>" or an email address, normalised; undefined when it is none of them. */
export function normalizeRequester(raw: string): string | undefined {
  const value = raw.trim();
  const slack = /^<@([A-Z0-9]+)(?:\|[^>]*)?>$/i.exec(value);
  if (slack) return `@${slack[1]}`;
  if (/^@[\w.-]{1,80}$/.test(value)) return value;
  return email.safeParse(value).success ? value : undefined;
}

/** The submitted form, checked: the ticket input, or the errors to show on the fields. */
export function validateNewTicket(form: TicketFormData, values: ViewValues): { input: CreateTicketInput; errors: null } | { input: null; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const title = textValue(values, 'title');
  if (!title) errors.title = 'A ticket needs a title.';
  const rawRequester = textValue(values, 'requester');
  const requester = rawRequester ? normalizeRequester(rawRequester) : undefined;
  if (rawRequester && !requester) errors.requester = 'Write an email address (jane@example.com) or an @mention (@jane).';
  const byId = new Map(form.tags.map((t) => [String(t.id), t]));
  const tagIds = selectedValues(values, 'tags');
  const missing = tagIds.filter((id) => !byId.has(id));
  // A tag retired while the modal was open.
  if (missing.length > 0) errors.tags = 'A tag you picked was retired meanwhile; pick again.';
  if (Object.keys(errors).length > 0) return { input: null, errors };
  const tags: TagRef[] = tagIds.map((id) => ({ family: byId.get(id)!.family, value: byId.get(id)!.name }));
  const description = textValue(values, 'description');
  const severity = selectedValue(values, 'severity') as Severity | undefined;
  return {
    input: {
      title: title!,
      priority: (selectedValue(values, 'priority') as Priority | undefined) ?? 'medium',
      department: (selectedValue(values, 'department') as Department | undefined) ?? form.defaultDepartment,
      ...(description ? { description } : {}),
      ...(severity ? { severity } : {}),
      ...(requester ? { requester } : {}),
      tags,
    },
    errors: null,
  };
}

/** The same ticket as a `/ticket new` command, so it takes the command path (permissions, audit, reply). */
export function newTicketCommand(input: CreateTicketInput): string {
  const parts = ['/ticket new', quoteArg(input.title)];
  if (input.priority) parts.push(`priority:${input.priority}`);
  if (input.severity) parts.push(`severity:${input.severity}`);
  if (input.department) parts.push(`dept:${input.department}`);
  if (input.requester) parts.push(`requester:${quoteArg(input.requester)}`);
  if (input.description) parts.push(`description:${quoteArg(input.description)}`);
  for (const tag of input.tags ?? []) parts.push(`${tag.family}:${quoteArg(tag.value)}`);
  return parts.join(' ');
}

function sourceOf(meta: Record<string, unknown>): NewTicketPrefill['source'] {
  const source = meta.source as Record<string, unknown> | undefined;
  if (!source || typeof source !== 'object') return undefined;
  const channel = metaString(source, 'channel');
  const ts = metaString(source, 'ts');
  if (!channel || !ts) return undefined;
  return { channel, ts, threadTs: metaString(source, 'threadTs'), permalink: metaString(source, 'permalink') };
}

/** The initial value a view's text input was opened with. */
function prefilled(view: ViewOutput, blockId: string): string | undefined {
  const block = view.blocks.find((b) => b.block_id === blockId) as { element?: { initial_value?: string } } | undefined;
  return block?.element?.initial_value;
}

/**
 * The description to keep for a message longer than the input holds: when the person left the cut
 * prefill as it was, the whole message is read back; an edited description is theirs to keep.
 */
async function fullDescription(deps: SlackDeps, client: WebClient, source: NonNullable<NewTicketPrefill['source']>, view: ViewOutput, typed: string | undefined, maxBody: number): Promise<string | undefined> {
  if (typed === undefined || typed !== prefilled(view, 'description')?.trim()) return typed;
  try {
    const message = await fetchMessage(client, source.channel, source.ts);
    return message ? cut(slackToPlain(message.text).trim(), maxBody) : typed;
  } catch (error) {
    deps.logger.warn({ err: error, channel: source.channel }, 'slack: could not read back a long message; keeping the cut description');
    return typed;
  }
}

/** Registers the modal's submission handler. */
export function registerTicketModal(app: App, deps: SlackDeps): void {
  app.view({ callback_id: NEW_TICKET_CALLBACK, type: 'view_submission' }, async ({ ack, body, view, client }) => {
    const form = { ...(await deps.engine.ticketForm(null)), defaultDepartment: deps.settings.defaultDepartment };
    const checked = validateNewTicket(form, view.state.values);
    if (checked.errors) {
      await ack(fieldErrors(checked.errors));
      return;
    }
    await ack();
    const meta = readMetadata(view.private_metadata);
    const source = sourceOf(meta);
    const user = await payloadUser(deps, body.user);
    // The view id is the same on a retried submission: the retry finds the first result.
    const key = `slack:view:${view.id}`;
    if (!source) {
      const reply = await runAs(deps, user, newTicketCommand(checked.input), { channel: metaString(meta, 'channel'), idempotencyKey: key });
      await deliverReply(deps, client, { userId: body.user.id, channel: metaString(meta, 'channel') }, reply);
      return;
    }
    // A form kept open by someone who has since lost staff: refused by the router (one line, audited), as a command would be.
    if (await isRequesterUser(deps, user)) {
      await deliverReply(deps, client, { userId: body.user.id, channel: source.channel }, await refusal(deps, user, '/ticket new', source.channel));
      return;
    }
    try {
      const description = meta.descriptionCut === true ? await fullDescription(deps, client, source, view, checked.input.description, form.limits.body) : checked.input.description;
      const input = { ...checked.input, ...(description ? { description } : {}), ...(source.permalink ? { sourceLink: source.permalink } : {}) };
      const author = /^@([UW][A-Z0-9]{6,})$/.exec(input.requester ?? '')?.[1];
      const ticket = await openTicketFromMessage(deps, user, input, { ...source, author }, key);
      if (!ticket) return;
      // In the requester's thread: for them to read.
      const confirmation = success(`Ticket #${ticket.id} opened from this message: ${ticket.title}`, {
        text: 'The support team answers in this thread.',
        ticketId: ticket.id,
        audience: 'requester',
      });
      await deliverReply(deps, client, { userId: body.user.id, channel: source.channel, threadTs: source.threadTs ?? source.ts }, confirmation);
    } catch (error) {
      await deliverReply(deps, client, { userId: body.user.id }, failureFor(deps, error, 'opening a ticket from a message'));
    }
  });
}
