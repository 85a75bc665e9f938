/**
 * Slash commands: one per registry family (/ticket, /escalate, …) and the prefix command under
 * which every family also works (/desk ticket new …), for workspaces where another app already
 * owns /ticket. All of them take the same road: Invocation, router, ack, response_url; commands
 * that only read are acknowledged before the router runs them, the rest after their commit.
 */
import type { AckFn, App, Context, RespondArguments, RespondFn, SlashCommand } from '@slack/bolt';
import type { Invocation, PlaceFacts } from '../../commands/invocation.js';
import type { DirectoryFacts } from '../../domain/access.js';
import type { CommandRegistry } from '../../commands/registry.js';
import { tokenize, type Token } from '../../commands/tokenize.js';
import { actorIsRequester } from '../../app/people.js';
import { runAndRespond } from './answer.js';
import type { SlackDeps } from './deps.js';
import { modalRoute, openModal } from './modals.js';

/** The slash command names Slack must know: every family as "/<family>", then the prefix command. */
export function slashCommandNames(registry: CommandRegistry, prefixCommand: string): string[] {
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

/** Whether `text` names a command marked `readsOnly` in the registry, read the way the router reads it. */
export function onlyReads(registry: CommandRegistry, text: string): boolean {
  let tokens: Token[];
  try {
    tokens = tokenize(text.trim().replace(/^\//, ''));
  } catch {
    return false;
  }
  const firstOther = tokens.findIndex((t) => t.kind !== 'word');
  const words = tokens.slice(0, firstOther === -1 ? tokens.length : firstOther).map((t) => t.value);
  const match = registry.match(words);
  return match?.definition.readsOnly === true;
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
export function registerCommands(app: App, deps: SlackDeps, registry: CommandRegistry): void {
  const handler = async ({ ack, body, respond, context }: { ack: AckFn<string | RespondArguments>; body: SlashCommand; respond: RespondFn; context: Context }) => {
    const places = await placesOf(deps, body.text);
    const invocation = { ...commandInvocation(body, deps.slack.prefixCommand, deps.directory.facts(body.user_id)), ...(places ? { places } : {}) };
    // Forms are for staff: a requester's command goes to the router, which refuses it.
    const route = actorIsRequester(deps.deskops.app, 'slack', invocation.user) ? undefined : modalRoute(registry, invocation.text);
    if (!route) {
      if (onlyReads(registry, invocation.text)) {
        // Nothing to lose if the process dies after this ack: ack first, so the read's store work
        // (a page of /ticket list over a million tickets) does not hold it.
        await ack();
        await runAndRespond(deps, invocation, respond);
        return;
      }
      // Acked once the command is stored (see runAndRespond): a 200 means it happened.
      await runAndRespond(deps, invocation, respond, ack);
      return;
    }
    // A form is acked before it opens; its trigger_id is only good for 3 seconds.
    await ack();
    // A retry's trigger_id was used (or has expired) by the first attempt, which opened the form.
    if (context.retryNum) return;
    if (await openModal(deps.client, deps, route, body.trigger_id, { channel: body.channel_id })) return;
    await runAndRespond(deps, invocation, respond);
  };
  for (const name of slashCommandNames(registry, deps.slack.prefixCommand)) app.command(name, handler);
}
