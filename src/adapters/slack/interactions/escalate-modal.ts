/**
 * The escalation modal (target tier, one input per question, "Add question" up to five) and the
 * hand-off modal (team and reason). Submissions run `/escalate` and `/ticket handoff` as the person.
 */
import type { App, BlockAction, types } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { TicketBrief } from '../../../engine/ops/chat.js';
import { isUpward, tierAbove } from '../../../domain/escalation.js';
import { HANDOFF_TEAMS, TEAM_LABELS, TIER_LABELS, TIERS, type Tier } from '../../../domain/vocabulary.js';
import type { SlackDeps } from '../deps.js';
import { escapeMrkdwn, renderModalTitle, truncateForSlack } from '../render.js';
import { deliverReply, metaString, plain, quoteArg, readMetadata, runAs, payloadUser } from './common.js';
import { fieldErrors, selectedValue, selectedValues, textValue, type FieldErrors, type ViewValues } from './view-state.js';

export const ESCALATE_CALLBACK = 'deskops_escalate';
export const HANDOFF_CALLBACK = 'deskops_handoff';
export const ADD_QUESTION_ACTION = 'deskops_escalate_add_question';
export const MAX_QUESTIONS = 5;

/** Where the modal was opened from, so the outcome is posted there. */
export interface ModalOrigin {
  channel?: string | undefined;
  threadTs?: string | undefined;
}

interface EscalateMeta extends ModalOrigin {
  ticketId: number;
  questions: number;
}

const questionBlock = (n: number): string => `q${n}`;

function tierOption(tier: Tier): types.PlainTextOption {
  return { text: plain(TIER_LABELS[tier], 75), value: tier };
}

/** The escalation view with `meta.questions` inputs for `ticket` (when it exists); `values` carries what was typed across an update. */
export function buildEscalateView(ticket: TicketBrief | undefined, meta: EscalateMeta, values: ViewValues = {}): types.ModalView {
  const options = TIERS.filter((t) => t !== 'triage').map(tierOption);
  const initialTier = selectedValue(values, 'tier') ?? (ticket ? tierAbove(ticket.tier) : undefined);
  const initialOption = options.find((o) => o.value === initialTier);
  const blocks: types.KnownBlock[] = [
    {
      type: 'section',
      text: { type: 'mrkdwn', text: ticket ? truncateForSlack(`*#${ticket.id}* ${escapeMrkdwn(ticket.title)}\nNow at ${TIER_LABELS[ticket.tier]}.`, 3000) : `Ticket #${meta.ticketId}` },
    },
    {
      type: 'input',
      block_id: 'tier',
      label: plain('Escalate to'),
      element: { type: 'static_select', action_id: 'value', options, ...(initialOption ? { initial_option: initialOption } : {}) },
    },
  ];
  for (let n = 1; n <= meta.questions; n++) {
    const typed = textValue(values, questionBlock(n));
    blocks.push({
      type: 'input',
      block_id: questionBlock(n),
      // The first question is required; the rest are there when there is more to ask.
      optional: n > 1,
      label: plain(`Question ${n} for the next tier`),
      element: { type: 'plain_text_input', action_id: 'value', multiline: true, max_length: 3000, ...(typed ? { initial_value: typed } : {}) },
    });
  }
  const majorOption = { text: plain('Major outage: page On-Call at once', 75), value: 'major' };
  const majorTicked = selectedValues(values, 'major').includes('major');
  blocks.push({
    type: 'input',
    block_id: 'major',
    optional: true,
    label: plain('On-Call only'),
    element: { type: 'checkboxes', action_id: 'value', options: [majorOption], ...(majorTicked ? { initial_options: [majorOption] } : {}) },
  });
  if (meta.questions < MAX_QUESTIONS) {
    blocks.push({ type: 'actions', elements: [{ type: 'button', action_id: ADD_QUESTION_ACTION, text: plain('Add question', 75) }] });
  }
  return {
    type: 'modal',
    callback_id: ESCALATE_CALLBACK,
    title: renderModalTitle(`Escalate #${meta.ticketId}`),
    submit: plain('Escalate', 24),
    close: plain('Cancel', 24),
    private_metadata: JSON.stringify(meta),
    blocks,
  };
}

/** Opens the escalation modal for a ticket (the card's Escalate button when no question was typed). */
export async function openEscalateModal(client: WebClient, triggerId: string, deps: SlackDeps, ticketId: number, origin: ModalOrigin = {}): Promise<void> {
  const ticket = (await deps.engine.ticketBrief(ticketId)) ?? undefined;
  await client.views.open({ trigger_id: triggerId, view: buildEscalateView(ticket, { ticketId, questions: 1, ...origin }) });
}

/** The hand-off view: which team, and why (both required). */
export function buildHandoffView(ticketId: number, origin: ModalOrigin = {}): types.ModalView {
  return {
    type: 'modal',
    callback_id: HANDOFF_CALLBACK,
    title: renderModalTitle(`Hand off #${ticketId}`),
    submit: plain('Hand off', 24),
    close: plain('Cancel', 24),
    private_metadata: JSON.stringify({ ticketId, ...origin }),
    blocks: [
      {
        type: 'input',
        block_id: 'team',
        label: plain('Team'),
        element: { type: 'static_select', action_id: 'value', options: HANDOFF_TEAMS.map((t) => ({ text: plain(TEAM_LABELS[t], 75), value: t })) },
      },
      {
        type: 'input',
        block_id: 'reason',
        label: plain('Why it goes to them'),
        element: { type: 'plain_text_input', action_id: 'value', multiline: true, max_length: 3000 },
      },
    ],
  };
}

/** Opens the hand-off modal for a ticket (deps kept for the same call shape as the other openers). */
export async function openHandoffModal(client: WebClient, triggerId: string, _deps: SlackDeps, ticketId: number, origin: ModalOrigin = {}): Promise<void> {
  await client.views.open({ trigger_id: triggerId, view: buildHandoffView(ticketId, origin) });
}

function escalateMeta(raw: string | undefined): EscalateMeta | undefined {
  const meta = readMetadata(raw);
  const ticketId = meta.ticketId;
  if (typeof ticketId !== 'number') return undefined;
  const questions = typeof meta.questions === 'number' ? Math.min(Math.max(1, meta.questions), MAX_QUESTIONS) : 1;
  return { ticketId, questions, channel: metaString(meta, 'channel'), threadTs: metaString(meta, 'threadTs') };
}

/** The questions typed, in order, or the errors to show. */
export function validateEscalation(ticket: TicketBrief | undefined, meta: EscalateMeta, values: ViewValues): { tier: Tier; questions: string[]; major: boolean } | { errors: FieldErrors } {
  const errors: FieldErrors = {};
  const tier = selectedValue(values, 'tier') as Tier | undefined;
  if (!tier) errors.tier = 'Pick the tier it goes to.';
  else if (ticket && !isUpward(ticket.tier, tier)) errors.tier = `${TIER_LABELS[tier]} is not above ${TIER_LABELS[ticket.tier]}, where the ticket is now.`;
  const questions: string[] = [];
  for (let n = 1; n <= meta.questions; n++) {
    const q = textValue(values, questionBlock(n));
    if (q) questions.push(q);
  }
  if (questions.length === 0) errors[questionBlock(1)] = 'Write at least one question for the next tier.';
  const major = selectedValues(values, 'major').includes('major');
  if (major && tier && tier !== 'oncall') errors.major = 'A major outage goes to On-Call: pick On-Call above, or untick this.';
  return Object.keys(errors).length > 0 ? { errors } : { tier: tier!, questions, major };
}

/** `/escalate` with the questions as one quoted argument; "|" separates questions, so one typed inside a question becomes "¦". */
export function escalateCommand(ticketId: number, tier: Tier, questions: readonly string[], major = false): string {
  return `/escalate ${ticketId} to:${tier}${major ? ' --major' : ''} ${quoteArg(questions.map((q) => q.replace(/\|/g, '¦')).join(' | '))}`;
}

/** Registers the escalation and hand-off submissions and the "Add question" button. */
export function registerEscalationModals(app: App, deps: SlackDeps): void {
  app.action<BlockAction>(ADD_QUESTION_ACTION, async ({ ack, body, client }) => {
    await ack();
    const view = body.view;
    const meta = escalateMeta(view?.private_metadata);
    if (!view || !meta) return;
    const next = { ...meta, questions: Math.min(meta.questions + 1, MAX_QUESTIONS) };
    // The hash makes Slack refuse an update based on a stale view (a double click).
    const ticket = (await deps.engine.ticketBrief(meta.ticketId)) ?? undefined;
    await client.views.update({ view_id: view.id, hash: view.hash, view: buildEscalateView(ticket, next, view.state.values) });
  });

  app.view({ callback_id: ESCALATE_CALLBACK, type: 'view_submission' }, async ({ ack, body, view, client }) => {
    const meta = escalateMeta(view.private_metadata);
    if (!meta) {
      await ack();
      return;
    }
    const checked = validateEscalation((await deps.engine.ticketBrief(meta.ticketId)) ?? undefined, meta, view.state.values);
    if ('errors' in checked) {
      await ack(fieldErrors(checked.errors));
      return;
    }
    await ack();
    const user = await payloadUser(deps, body.user);
    const reply = await runAs(deps, user, escalateCommand(meta.ticketId, checked.tier, checked.questions, checked.major), {
      channel: meta.channel,
      thread: meta.threadTs,
      idempotencyKey: `slack:view:${view.id}`,
    });
    await deliverReply(deps, client, { userId: body.user.id, channel: meta.channel, threadTs: meta.threadTs }, reply);
  });

  app.view({ callback_id: HANDOFF_CALLBACK, type: 'view_submission' }, async ({ ack, body, view, client }) => {
    const meta = readMetadata(view.private_metadata);
    const ticketId = meta.ticketId;
    const team = selectedValue(view.state.values, 'team');
    const reason = textValue(view.state.values, 'reason');
    const errors: FieldErrors = {};
    if (!team) errors.team = 'Pick the team.';
    if (!reason) errors.reason = 'Say why it goes to them.';
    if (typeof ticketId !== 'number' || Object.keys(errors).length > 0) {
      await ack(typeof ticketId === 'number' ? fieldErrors(errors) : undefined);
      return;
    }
    await ack();
    const where = { channel: metaString(meta, 'channel'), threadTs: metaString(meta, 'threadTs') };
    const reply = await runAs(deps, await payloadUser(deps, body.user), `/ticket handoff ${ticketId} ${team} ${quoteArg(reason!)}`, {
      channel: where.channel,
      thread: where.threadTs,
      idempotencyKey: `slack:view:${view.id}`,
    });
    await deliverReply(deps, client, { userId: body.user.id, ...where }, reply);
  });
}
