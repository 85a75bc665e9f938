/**
 * Slash commands: one per registry family (/ticket, /escalate, …) and the prefix command under
 * which every family also works (/desk ticket new …), for workspaces where another app already
 * owns /ticket. All of them take the same road: Invocation, the text read once (prepare.ts), the
 * engine, ack, response_url; commands that only read are acknowledged before the engine runs
 * them, the rest after their commit.
 */
import type { AckFn, App, Context, RespondArguments, RespondFn, SlashCommand } from '@slack/bolt';
import type { Invocation, PlaceFacts } from '../../commands/invocation.js';
import type { DirectoryFacts } from '../../domain/access.js';
import type { CommandIndex } from '../../commands/registry.js';
import { prepareText } from '../../commands/prepare.js';
import { runAndRespond } from './answer.js';
import type { SlackDeps } from './deps.js';
import { openModal } from './modals.js';
import { responder } from './response-url.js';

/** The slash command names Slack must know: every family as "/<family>", then the prefix command. */
export function slashCommandNames(registry: Pick<CommandIndex, 'allFamilies'>, prefixCommand: string): string[] {
  return [...registry.allFamilies().map((family) => `/${family.name}`), prefixCommand];
}

/**
 * The Invocation for a slash command. The family is put back in front of the text ("/ticket" +
 * "new x" -> "ticket new x"); under the prefix command the text already starts with it. The
 * text is passed on unchanged otherwise: Slack's escaped mentions (<@U123|alice>) are tokens the
 * router's lexer reads as mentions of that Slack user id.
 */
export function commandInvocation(body: SlashCommand, prefixCommand: string, facts?: DirectoryFacts): Invocation {
  const family = body.command === prefixCommand ? '' : body.command.replace(/^\//, '');
  const text = [family, body.text.trim()].filter(Boolean).join(' ');
  return {
    platform: 'slack',
    user: { externalId: body.user_id, handle: body.user_name, ...(facts ? { facts } : {}) },
    channel: body.channel_id || null,
    thread: null,
    text: text === '' ? 'help' : text,
    // Slack sends one trigger_id per invocation, so a retried delivery carries the same one.
    idempotencyKey: `slack:command:${body.trigger_id}`,
  };
}

/** The Slack channels a command's text names (<#C0123|name> links and slack:C0123 ids). */
export function namedChannels(text: string): string[] {
  const ids = [...text.matchAll(/<#([CG][A-Z0-9]+)(?:\|[^>]*)?>|\bslack:([CG][A-Z0-9]+)\b/gi)].map((m) => (m[1] ?? m[2]!).toUpperCase());
  return [...new Set(ids)];
}

/** Who reads each channel the command names, as Slack says: the use case refuses staff notifications there. */
export async function placesOf(deps: Pick<SlackDeps, 'conversations'>, text: string): Promise<ReadonlyMap<string, PlaceFacts> | undefined> {
  const ids = namedChannels(text);
  if (ids.length === 0) return undefined;
  return new Map(await Promise.all(ids.map(async (id) => [`slack:${id}`, await deps.conversations.describe(id)] as const)));
}

/** Registers every family's slash command and the prefix command on `app`. */
export function registerCommands(app: App, deps: SlackDeps, catalog: CommandIndex): void {
  const handler = async ({ ack, body, respond, context }: { ack: AckFn<string | RespondArguments>; body: SlashCommand; respond: RespondFn; context: Context }) => {
    const answer = responder(body.response_url, respond);
    const places = await placesOf(deps, body.text);
    const invocation = { ...commandInvocation(body, deps.slack.prefixCommand, deps.directory.facts(body.user_id)), ...(places ? { places } : {}) };
    // Read once, here: whether it only reads, whether it asks for a form; the engine reuses the tokens.
    const prepared = prepareText(catalog, invocation.text);
    // Forms are for staff: a requester's command goes to the engine, which refuses it.
    const route = prepared.form && !(await deps.engine.isRequester('slack', invocation.user)) ? prepared.form : undefined;
    if (!route) {
      if (prepared.command?.readsOnly) {
        // Nothing to lose if the process dies after this ack: ack first, so the read's store work
        // (a page of /ticket list over a million tickets) does not hold it.
        await ack();
        await runAndRespond(deps, invocation, answer, undefined, prepared);
        return;
      }
      // Acked once the command is stored (see runAndRespond): a 200 means it happened.
      await runAndRespond(deps, invocation, answer, ack, prepared);
      return;
    }
    // A form is acked before it opens; its trigger_id is only good for 3 seconds.
    await ack();
    // A retry's trigger_id was used (or has expired) by the first attempt, which opened the form.
    if (context.retryNum) return;
    if (await openModal(deps.client, deps, route, body.trigger_id, { channel: body.channel_id })) return;
    await runAndRespond(deps, invocation, answer, undefined, prepared);
  };
  for (const name of slashCommandNames(catalog, deps.slack.prefixCommand)) app.command(name, handler);
}
