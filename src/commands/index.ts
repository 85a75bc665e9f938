/** Every command deskops understands, registered once; adapters, /help and the README read this. */
import { CommandRegistry } from './registry.js';
import { registerTicketCommands } from './ticket.js';
import { registerTagCommands } from './ticket-tags.js';
import { registerEscalationCommands } from './escalate.js';
import { registerKnownIssueCommands } from './known-issue.js';
import { registerGuardCommands } from './guard.js';
import { registerPeopleCommands } from './people.js';

export function buildRegistry(): CommandRegistry {
  const registry = new CommandRegistry();
  registerTicketCommands(registry);
  registerTagCommands(registry);
  registerEscalationCommands(registry);
  registerKnownIssueCommands(registry);
  registerGuardCommands(registry);
  registerPeopleCommands(registry);
  return registry;
}
