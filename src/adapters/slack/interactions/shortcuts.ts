/**
 * Message shortcuts: "Create ticket from message" (the New ticket modal, prefilled, linked to the
 * message) and "Add to ticket" (the message as a public reply or internal note on a ticket).
 */
import type { App, MessageShortcut, types } from '@slack/bolt';
import type { SlackDeps } from '../deps.js';
import { escapeMrkdwn, renderModalTitle, truncateForSlack } from '../render.js';
import { deliverReply, failureFor, isRequesterUser, metaString, plain, quoteArg, readMetadata, refusal, runAs, payloadUser } from './common.js';
import { fetchMessage, permalinkOf, slackToPlain } from './messages.js';
import { openNewTicketModal } from './ticket-modal.js';
import { fieldErrors, selectedValue, textValue, type FieldErrors } from './view-state.js';

export const CREATE_TICKET_SHORTCUT = 'create_ticket_from_message';
export const ADD_TO_TICKET_SHORTCUT = 'add_to_ticket';
export const ADD_TO_TICKET_CALLBACK = 'deskops_add_to_ticket';

/** Slack's cap on private_metadata. */
const MAX_METADATA = 3000;

function visibilityOption(value: 'internal' | 'public'): types.PlainTextOption {
  return { text: plain(value === 'internal' ? 'Internal note (agents only)' : 'Public reply (the requester sees it)', 75), value };
}

/** The "Add to ticket" view; the message text rides along in the metadata when it fits, else it is read back on submit. */
export function buildAddToTicketView(message: { channel: string; ts: string; threadTs?: string | undefined; user?: string | undefined; text: string; permalink?: string | undefined }): types.ModalView {
  const base = { channel: message.channel, ts: message.ts, threadTs: message.threadTs, user: message.user, permalink: message.permalink };
  const withText = JSON.stringify({ ...base, text: message.text });
  const internal = visibilityOption('internal');
  return {
    type: 'modal',
    callback_id: ADD_TO_TICKET_CALLBACK,
    title: renderModalTitle('Add to ticket'),
    submit: plain('Add', 24),
    close: plain('Cancel', 24),
    private_metadata: withText.length <= MAX_METADATA ? withText : JSON.stringify(base),
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: truncateForSlack(`>${escapeMrkdwn(message.text).replace(/\n/g, '\n>')}`, 3000) } },
      {
        type: 'input',
        block_id: 'ticket',
        label: plain('Ticket number'),
        element: { type: 'plain_text_input', action_id: 'value', max_length: 20, placeholder: plain('42') },
      },
      {
        type: 'input',
        block_id: 'visibility',
        label: plain('Add it as'),
        element: { type: 'radio_buttons', action_id: 'value', options: [internal, visibilityOption('public')], initial_option: internal },
      },
    ],
  };
}

/** "42" or "#42" as a ticket number; undefined for anything else. */
export function ticketNumber(raw: string): number | undefined {
  const match = /^#?(\d{1,12})$/.exec(raw.trim());
  const value = match ? Number(match[1]) : 0;
  return value >= 1 ? value : undefined;
}

/** The comment body: the message, then who wrote it and where, so the ticket leads back to Slack. */
export function commentFromMessage(text: string, author: string | undefined, permalink: string | undefined): string {
  const from = [author ? `@${author}` : '', permalink ?? ''].filter(Boolean).join(' ');
  return from ? `${text}\n\nFrom Slack: ${from}` : text;
}

/** Registers both message shortcuts and the Add to ticket submission. */
export function registerShortcuts(app: App, deps: SlackDeps): void {
  app.shortcut<MessageShortcut>({ callback_id: CREATE_TICKET_SHORTCUT, type: 'message_action' }, async ({ ack, shortcut, client }) => {
    await ack();
    const { channel, message } = shortcut;
    const user = await payloadUser(deps, shortcut.user);
    if (await isRequesterUser(deps, user)) {
      await deliverReply(deps, client, { userId: shortcut.user.id, channel: channel.id }, await refusal(deps, user, '/ticket new', channel.id));
      return;
    }
    const permalink = await permalinkOf(deps, client, channel.id, message.ts);
    const text = slackToPlain(message.text ?? '');
    await openNewTicketModal(client, shortcut.trigger_id, deps, {
      // The engine makes the title from the message's first line.
      titleFrom: text,
      description: text,
      ...(message.user ? { requester: `@${message.user}` } : {}),
      source: { channel: channel.id, ts: message.ts, threadTs: message.thread_ts as string | undefined, permalink },
      channel: channel.id,
    });
  });

  app.shortcut<MessageShortcut>({ callback_id: ADD_TO_TICKET_SHORTCUT, type: 'message_action' }, async ({ ack, shortcut, client }) => {
    await ack();
    const { channel, message } = shortcut;
    const user = await payloadUser(deps, shortcut.user);
    if (await isRequesterUser(deps, user)) {
      await deliverReply(deps, client, { userId: shortcut.user.id, channel: channel.id }, await refusal(deps, user, '/ticket note', channel.id));
      return;
    }
    const permalink = await permalinkOf(deps, client, channel.id, message.ts);
    await client.views.open({
      trigger_id: shortcut.trigger_id,
      view: buildAddToTicketView({
        channel: channel.id,
        ts: message.ts,
        threadTs: message.thread_ts as string | undefined,
        user: message.user,
        text: slackToPlain(message.text ?? ''),
        permalink,
      }),
    });
  });

  app.view({ callback_id: ADD_TO_TICKET_CALLBACK, type: 'view_submission' }, async ({ ack, body, view, client }) => {
    const values = view.state.values;
    const errors: FieldErrors = {};
    const rawId = textValue(values, 'ticket') ?? '';
    const ticketId = ticketNumber(rawId);
    const visibility = selectedValue(values, 'visibility') === 'public' ? 'public' : 'internal';
    const ticket = ticketId === undefined ? undefined : ((await deps.engine.ticketBrief(ticketId)) ?? undefined);
    if (ticketId === undefined) errors.ticket = 'Type the ticket number, like 42 or #42.';
    else if (!ticket) errors.ticket = `There is no ticket #${ticketId}.`;
    else if (visibility === 'public' && ticket.status === 'closed') errors.visibility = `#${ticketId} is closed: add it as an internal note, or split a new ticket off.`;
    if (Object.keys(errors).length > 0) {
      await ack(fieldErrors(errors));
      return;
    }
    await ack();
    const meta = readMetadata(view.private_metadata);
    const channel = metaString(meta, 'channel');
    const ts = metaString(meta, 'ts');
    try {
      let text = metaString(meta, 'text');
      if (text === undefined && channel && ts) {
        const fetched = await fetchMessage(client, channel, ts);
        text = fetched ? slackToPlain(fetched.text) : undefined;
      }
      if (!text) throw new Error('the message text could not be read back');
      const verb = visibility === 'public' ? 'reply' : 'note';
      const commentBody = commentFromMessage(text, metaString(meta, 'user'), metaString(meta, 'permalink'));
      const reply = await runAs(deps, await payloadUser(deps, body.user), `/ticket ${verb} ${ticketId} ${quoteArg(commentBody)}`, {
        channel,
        idempotencyKey: `slack:view:${view.id}`,
      });
      // The channel may be the requester's: the confirmation is for the agent only.
      await deliverReply(deps, client, { userId: body.user.id, channel }, { ...reply, visibility: 'ephemeral' });
    } catch (error) {
      await deliverReply(deps, client, { userId: body.user.id }, failureFor(deps, error, 'adding a message to a ticket'));
    }
  });
}
