/**
 * Commands typed without the arguments a form can ask for open a modal instead: `/ticket new`
 * alone, `/escalate <id>` without questions (also the card's Escalate button), and
 * `/ticket handoff <id>` without a team. The modals themselves live in interactions/.
 */
import type { WebClient } from '@slack/web-api';
import type { CommandRegistry } from '../../commands/registry.js';
import { tokenize, type Token } from '../../commands/tokenize.js';
import type { SlackDeps } from './deps.js';
import { openEscalateModal, openHandoffModal, openNewTicketModal, type ModalOrigin } from './interactions/index.js';

/** Which modal a command text asks for, if any. */
export type ModalRoute = { kind: 'new-ticket' } | { kind: 'escalate'; ticketId: number } | { kind: 'handoff'; ticketId: number };

/** The modal `text` (a command without its slash) should open instead of running, or undefined. */
export function modalRoute(registry: CommandRegistry, text: string): ModalRoute | undefined {
  let tokens: Token[];
  try {
    tokens = tokenize(text.trim().replace(/^\//, ''));
  } catch {
    return undefined;
  }
  // The command's name is its leading bare words, as the router reads it.
  const firstOther = tokens.findIndex((t) => t.kind !== 'word');
  const words = tokens.slice(0, firstOther === -1 ? tokens.length : firstOther).map((t) => t.value);
  const match = registry.match(words);
  if (!match) return undefined;
  const key = match.definition.path.join(' ');
  const rest = tokens.slice(match.used);
  if (key === 'ticket new' && rest.length === 0) return { kind: 'new-ticket' };
  const id = rest.length === 1 && rest[0]!.kind === 'word' ? /^#?(\d+)$/.exec(rest[0]!.value)?.[1] : undefined;
  if (id === undefined) return undefined;
  if (key === 'escalate') return { kind: 'escalate', ticketId: Number(id) };
  if (key === 'ticket handoff') return { kind: 'handoff', ticketId: Number(id) };
  return undefined;
}

/**
 * Opens the modal for `route` with the request's trigger_id (valid for 3 seconds, so this runs
 * right after the ack, before anything else). Resolves false when Slack refused to open it; the
 * caller then runs the command as typed, which answers with its usage.
 */
export async function openModal(client: WebClient, deps: SlackDeps, route: ModalRoute, triggerId: string, origin: ModalOrigin): Promise<boolean> {
  try {
    if (route.kind === 'new-ticket') await openNewTicketModal(client, triggerId, deps, origin.channel ? { channel: origin.channel } : {});
    else if (route.kind === 'escalate') await openEscalateModal(client, triggerId, deps, route.ticketId, origin);
    else await openHandoffModal(client, triggerId, deps, route.ticketId, origin);
    return true;
  } catch (error) {
    deps.logger.warn({ err: error, modal: route.kind }, 'slack refused to open the modal; running the command as typed');
    return false;
  }
}
