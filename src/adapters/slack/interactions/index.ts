/**
 * Slack's interactive surfaces: the New ticket, escalation, hand-off and Add to ticket modals,
 * the message shortcuts, reactions as actions, the App Home tab, and the requester's messages.
 */
import type { App } from '@slack/bolt';
import type { SlackDeps } from '../deps.js';
import { registerConversations } from './conversations.js';
import { registerEscalationModals } from './escalate-modal.js';
import { registerHome } from './home.js';
import { registerReactions } from './reactions.js';
import { registerShortcuts } from './shortcuts.js';
import { registerTicketModal } from './ticket-modal.js';

export { openNewTicketModal } from './ticket-modal.js';
export { openEscalateModal, openHandoffModal, type ModalOrigin } from './escalate-modal.js';

/** Registers every modal, shortcut, reaction and Home listener on `app`; each acknowledges first. */
export function registerInteractions(app: App, deps: SlackDeps): void {
  registerTicketModal(app, deps);
  registerEscalationModals(app, deps);
  registerShortcuts(app, deps);
  registerReactions(app, deps);
  registerHome(app, deps);
  registerConversations(app, deps);
}
