/**
 * Reply buttons: render.ts draws each as a button with action_id `deskops:cmd:<n>` and the command
 * text as its value; pressing it runs that command as the person who pressed it.
 */
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { Invocation } from '../../commands/invocation.js';
import type { DirectoryFacts } from '../../domain/access.js';
import { prepareText } from '../../commands/prepare.js';
import { runAndRespond } from './answer.js';
import type { SlackDeps } from './deps.js';
import { modalRoute, openModal } from './modals.js';
import { responder } from './response-url.js';

/** The action_id pattern of every Reply button. */
export const COMMAND_ACTION = /^deskops:cmd:\d+$/;
/** The action_id pattern of template buttons: commands with a part only the presser can give. */
export const TEMPLATE_ACTION = /^deskops:tpl:\d+$/;

/** A template's runnable part: the command before its first `<placeholder>`. */
export function templateCommand(template: string): string {
  const at = template.search(/\s<[^>]*>/);
  return (at < 0 ? template : template.slice(0, at)).trim();
}

/**
 * The Invocation for a button press, or undefined for a button with no command. The key is the
 * trigger id, which Slack repeats when it retries the interaction, so a retry runs it once.
 */
export function actionInvocation(body: BlockAction<ButtonAction>, facts?: DirectoryFacts): Invocation | undefined {
  const action = body.actions[0];
  if (!action?.value) return undefined;
  const container = body.container as { channel_id?: string; thread_ts?: string };
  const thread = (body.message?.thread_ts as string | undefined) ?? container.thread_ts ?? null;
  return {
    platform: 'slack',
    user: { externalId: body.user.id, handle: body.user.username ?? body.user.name ?? body.user.id, ...(facts ? { facts } : {}) },
    channel: body.channel?.id ?? container.channel_id ?? null,
    thread,
    text: action.value,
    idempotencyKey: `slack:action:${body.trigger_id}`,
  };
}

/** Registers the handlers for every Reply button and template button. */
export function registerActions(app: App, deps: SlackDeps): void {
  // A template opens the form its command has (Escalate: the questions), else shows what to type.
  app.action<BlockAction<ButtonAction>>({ type: 'block_actions', action_id: TEMPLATE_ACTION }, async ({ ack, body, respond, context }) => {
    await ack();
    const template = body.actions[0]?.value;
    if (!template || context.retryNum) return;
    const route = modalRoute(deps.engine.catalog, templateCommand(template));
    const container = body.container as { channel_id?: string; thread_ts?: string };
    const origin = { channel: body.channel?.id ?? container.channel_id, threadTs: (body.message?.thread_ts as string | undefined) ?? container.thread_ts ?? body.message?.ts };
    if (route && (await openModal(deps.client, deps, route, body.trigger_id, origin))) return;
    await respond({ response_type: 'ephemeral', replace_original: false, text: `Finish this command and send it: \`${template}\`` });
  });

  app.action<BlockAction<ButtonAction>>({ type: 'block_actions', action_id: COMMAND_ACTION }, async ({ ack, body, respond, context }) => {
    const invocation = actionInvocation(body, deps.directory.facts(body.user.id));
    if (!invocation) return ack();
    // "Escalate" carries `/escalate <id>` without questions: the form asks for them (staff only:
    // a requester's press goes to the engine, which refuses it).
    const prepared = prepareText(deps.engine.catalog, invocation.text);
    const route = prepared.form && !(await deps.engine.isRequester('slack', invocation.user)) ? prepared.form : undefined;
    if (route) {
      await ack();
      if (context.retryNum) return;
      const origin = { channel: invocation.channel ?? undefined, threadTs: invocation.thread ?? body.message?.ts };
      if (await openModal(deps.client, deps, route, body.trigger_id, origin)) return;
    }
    // Errors and confirmations for a button go to the presser alone, whatever the reply says.
    // Like a slash command, a press is acknowledged once its change is stored (a crash cannot
    // lose an acknowledged press), unless the database is locked: then ack first and retry.
    const answer = responder(body.response_url, respond);
    await runAndRespond(deps, invocation, (message) => answer(typeof message === 'string' ? message : { ...message, response_type: 'ephemeral' }), route ? undefined : ack, prepared);
  });
}
