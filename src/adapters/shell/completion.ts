/** Tab completion for the interactive shell: command families, their subcommands, meta-commands. */
import type { Completer } from 'node:readline';
import type { CommandIndex } from '../../commands/registry.js';
import { META_COMMAND_NAMES } from './meta-commands.js';

function startingWith(candidates: Iterable<string>, prefix: string): string[] {
  const lowered = prefix.toLowerCase();
  return [...new Set(candidates)].filter((c) => c.toLowerCase().startsWith(lowered)).sort();
}

/** A readline completer over the registry: `/tic` -> `/ticket`, `/ticket as` -> `assign`, `:w` -> `:whoami`. */
export function shellCompleter(registry: CommandIndex): Completer {
  return (line) => {
    const typed = line.trimStart();
    const words = typed.split(/\s+/);
    if (words.length === 1) {
      const first = words[0]!;
      if (first.startsWith(':')) return [startingWith(META_COMMAND_NAMES.map((n) => `:${n}`), first), first];
      // Offer the slash form only when the person typed one; both forms run the same command.
      const slash = first.startsWith('/') ? '/' : '';
      const names = registry.allFamilies().flatMap((f) => [f.name, ...(f.aliases ?? [])]);
      return [startingWith(names.map((n) => slash + n), first), first];
    }
    if (words.length === 2) {
      const family = registry.familyOf(words[0]!.replace(/^\//, ''));
      const partial = words[1]!;
      if (!family) return [[], partial];
      const subcommands = registry.commandsOf(family.name).flatMap((c) => (c.path.length > 1 ? [c.path[1]!, ...(c.path.length === 2 ? (c.aliases ?? []) : [])] : []));
      return [startingWith([...subcommands, 'help'], partial), partial];
    }
    return [[], words.at(-1) ?? ''];
  };
}
