/**
 * Commands typed without the arguments a form can ask for open a modal instead: `/ticket new`
 * alone, `/escalate <id>` without questions (also the card's Escalate button), and
 * `/ticket handoff <id>` without a team. The modals themselves live in interactions/.
 */
import type { WebClient } from '@slack/web-api';
import { prepareText, type FormRoute } from '../../commands/prepare.js';
import type { CommandIndex } from '../../commands/registry.js';
import type { SlackDeps } from './deps.js';
import { openEscalateModal, openHandoffModal, openNewTicketModal, type ModalOrigin } from './interactions/index.js';

/** Which modal a command text asks for, if any (the forms prepare.ts knows of). */
export type ModalRoute = FormRoute;

/** The modal `text` (a command without its slash) should open instead of running, or undefined. */
export function modalRoute(catalog: CommandIndex, text: string): ModalRoute | undefined {
  return prepareText(catalog, text).form;
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
