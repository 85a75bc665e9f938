/** Help replies generated from the registry: /help, /help <family>, /<family> help [command]. */
import { info, type Reply } from '../views/reply.js';
import type { CommandDefinition, CommandRegistry } from './registry.js';

function roleNote(definition: CommandDefinition): string {
  return definition.role && definition.role !== 'agent' ? ` _(${definition.role}s)_` : '';
}

/** The overview: every family with its commands' usage lines. */
export function overviewHelp(registry: CommandRegistry): Reply {
  return info('deskops commands', {
    text: 'Type a command as you would in Slack. Ticket numbers work as 42 or #42. `/help <command>` shows details.',
    sections: registry.allFamilies().map((family) => ({
      heading: `/${family.name} — ${family.summary}`,
      lines: registry.commandsOf(family.name).map((c) => `\`${c.usage}\`${roleNote(c)}`),
    })),
  });
}

/** What a requester may type: only the commands open to them, each with its usage. */
export function requesterHelp(registry: CommandRegistry): Reply {
  const commands = registry.all().filter((c) => c.requesters);
  return info('What you can do here', {
    audience: 'requester',
    text: 'To ask for help, write your question in the support channel or a direct message: the support team answers in its thread.',
    sections: [{ lines: commands.map((c) => `\`${c.usage.split('\n')[0]}\` — ${c.summary}`) }],
  });
}

/** One family, or one command of it when `words` name it. */
export function familyHelp(registry: CommandRegistry, familyName: string, words: readonly string[] = []): Reply {
  const family = registry.familyOf(familyName);
  if (!family) return overviewHelp(registry);
  const match = words.length > 0 ? registry.match([family.name, ...words]) : undefined;
  if (match && match.definition.path.length > 1) return commandHelp(match.definition);
  const commands = registry.commandsOf(family.name);
  if (commands.length === 1 && commands[0]!.path.length === 1) return commandHelp(commands[0]!);
  return info(`/${family.name} — ${family.summary}`, {
    sections: [
      {
        lines: commands.map((c) => `\`${c.usage}\`${roleNote(c)}\n    ${c.summary}`),
      },
    ],
  });
}

export function commandHelp(definition: CommandDefinition): Reply {
  const sections = [{ heading: 'Usage', lines: definition.usage.split('\n').map((u) => `\`${u}\``) }];
  if (definition.examples?.length) sections.push({ heading: 'Examples', lines: definition.examples.map((e) => `\`${e}\``) });
  return info(`/${definition.path.join(' ')}`, {
    text: `${definition.summary}${definition.role && definition.role !== 'agent' ? ` Only ${definition.role}s and above.` : ''}`,
    sections,
  });
}
