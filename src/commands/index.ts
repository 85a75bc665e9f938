/** Every command deskops understands, registered once; adapters, /help and the README read this. */
import { CommandRegistry } from './registry.js';
import { registerTicketCommands } from './ticket.js';
import { registerInboxCommands } from './ticket-inbox.js';
import { registerMacroCommands } from './macro.js';
import { registerTicketWorkCommands } from './ticket-work.js';
import { registerDuplicateCommands } from './duplicates.js';
import { registerReportCommands } from './report.js';
import { registerRotationCommands } from './rotation.js';
import { registerTagCommands } from './ticket-tags.js';
import { registerEscalationCommands } from './escalate.js';
import { registerKnownIssueCommands } from './known-issue.js';
import { registerGuardCommands } from './guard.js';
import { registerPeopleCommands } from './people.js';
import { registerSlaCommands } from './sla.js';
import { registerOncallCommands } from './oncall.js';
import { registerChannelCommands } from './channel.js';
import { registerIntakeCommands } from './intake.js';
import { registerCalendarCommands } from './calendar.js';
import { registerDigestCommands } from './digest.js';
import { registerAuditCommands } from './audit.js';
import { registerSettingsCommands } from './settings.js';
import { registerMailCommands } from './mail.js';

export function buildRegistry(): CommandRegistry {
  const registry = new CommandRegistry();
  registerTicketCommands(registry);
  registerInboxCommands(registry);
  registerTagCommands(registry);
  registerTicketWorkCommands(registry);
  registerMacroCommands(registry);
  registerDuplicateCommands(registry);
  registerReportCommands(registry);
  registerRotationCommands(registry);
  registerEscalationCommands(registry);
  registerKnownIssueCommands(registry);
  registerGuardCommands(registry);
  registerDigestCommands(registry);
  registerPeopleCommands(registry);
  registerSlaCommands(registry);
  registerOncallCommands(registry);
  registerCalendarCommands(registry);
  registerChannelCommands(registry);
  registerIntakeCommands(registry);
  registerSettingsCommands(registry);
  registerAuditCommands(registry);
  registerMailCommands(registry);
  return registry;
}
