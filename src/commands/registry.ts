/**
 * Commands are data: a registry of definitions that refuses duplicates. Help text, the README's
 * command reference and the router all read from it. The same index without the `run` functions
 * (a CommandCatalog, plain data) is what the I/O thread knows of the commands: which names are
 * commands, which only read, which open a form; the engine that runs them holds the registry.
 */
import type { RequestContext } from '../app/context.js';
import type { Role } from '../domain/vocabulary.js';
import type { Reply } from '../views/reply.js';
import type { ArgReader } from './args.js';

/** What is known of a command without running it. */
export interface CommandEntry {
  /** The words that name the command: ['ticket', 'new'], ['escalate']. */
  path: readonly string[];
  /** Other names for the last word of the path (['ls'] for 'ticket list'). */
  aliases?: readonly string[];
  /** Usage line(s), e.g. `/ticket assign <id> [@user|me]`. */
  usage: string;
  summary: string;
  examples?: readonly string[];
  /** The least role that may run it (enforced in the use case; shown in help). */
  role?: Role;
  /**
   * It changes nothing in the store (beyond the router's own request records), so an adapter may
   * acknowledge it before it runs: a crash after that ack loses nothing. A command that starts
   * writing must drop this.
   */
  readsOnly?: true;
  /**
   * A requester may run it too; it then answers with the requester's own view (their tickets,
   * status and public replies only) as a Reply for the requester. Every other command refuses them.
   */
  requesters?: true;
}

/** A command family as data: its name, summary and other names. */
export interface FamilyEntry {
  name: string;
  summary: string;
  aliases?: readonly string[];
}

export interface CommandDefinition extends CommandEntry {
  /** Runs synchronously inside the request's transaction. */
  run(args: ArgReader, ctx: RequestContext): Reply;
}

export interface CommandFamily extends FamilyEntry {
  /**
   * For a subcommand the family does not have: the command someone typing these words most likely
   * wants (`/ticket close 1` -> `/ticket status 1 closed`), if the family knows one.
   */
  suggest?(words: readonly string[]): string | undefined;
}

/** Commands and families by name: the lookups the router and every adapter make. Refuses duplicates. */
export class CommandIndex<D extends CommandEntry = CommandEntry, F extends FamilyEntry = FamilyEntry> {
  private readonly families = new Map<string, F>();
  private readonly familyByName = new Map<string, string>();
  private readonly commands: D[] = [];
  private readonly byKey = new Map<string, D>();

  family(family: F): this {
    for (const name of [family.name, ...(family.aliases ?? [])]) {
      if (this.familyByName.has(name)) throw new Error(`Command family "${name}" is defined twice`);
      this.familyByName.set(name, family.name);
    }
    this.families.set(family.name, family);
    return this;
  }

  define(definition: D): this {
    const [familyName, ...rest] = definition.path;
    if (!familyName || !this.families.has(familyName)) {
      throw new Error(`Command ${definition.path.join(' ')} needs its family registered first`);
    }
    const parent = rest.slice(0, -1);
    const last = rest.at(-1);
    const names = last === undefined ? [''] : [last, ...(definition.aliases ?? [])];
    for (const name of names) {
      const key = [familyName, ...parent, name].join(' ').trim();
      if (this.byKey.has(key)) throw new Error(`Command "${key}" is defined twice`);
      this.byKey.set(key, definition);
    }
    this.commands.push(definition);
    return this;
  }

  /** The family a first word names (through aliases), if any. */
  familyOf(word: string): F | undefined {
    const name = this.familyByName.get(word.toLowerCase());
    return name ? this.families.get(name) : undefined;
  }

  /** The longest command matching the leading words, and how many words it used. */
  match(words: readonly string[]): { definition: D; used: number } | undefined {
    const family = words[0] ? this.familyOf(words[0]) : undefined;
    if (!family) return undefined;
    const lowered = words.map((w) => w.toLowerCase());
    for (let used = Math.min(words.length, 4); used >= 1; used--) {
      const key = [family.name, ...lowered.slice(1, used)].join(' ');
      const definition = this.byKey.get(key);
      if (definition) return { definition, used };
    }
    return undefined;
  }

  allFamilies(): F[] {
    return [...this.families.values()];
  }

  commandsOf(family: string): D[] {
    return this.commands.filter((c) => c.path[0] === family);
  }

  all(): readonly D[] {
    return this.commands;
  }
}

/** The registry the engine runs commands from. */
export class CommandRegistry extends CommandIndex<CommandDefinition, CommandFamily> {
  /** Every family and command as plain data, for the I/O thread's catalog. */
  catalog(): CatalogData {
    return {
      families: this.allFamilies().map((f) => ({ name: f.name, summary: f.summary, ...(f.aliases ? { aliases: [...f.aliases] } : {}) })),
      commands: this.all().map((c) => ({
        path: [...c.path],
        ...(c.aliases ? { aliases: [...c.aliases] } : {}),
        usage: c.usage,
        summary: c.summary,
        ...(c.examples ? { examples: [...c.examples] } : {}),
        ...(c.role ? { role: c.role } : {}),
        ...(c.readsOnly ? { readsOnly: true as const } : {}),
        ...(c.requesters ? { requesters: true as const } : {}),
      })),
    };
  }
}

/** The registry as data (what crosses from the engine to the I/O thread). */
export interface CatalogData {
  families: FamilyEntry[];
  commands: CommandEntry[];
}

/** What the I/O thread knows of the commands: names, aliases, usage, which only read. */
export type CommandCatalog = CommandIndex<CommandEntry, FamilyEntry>;

/** The catalog for `data`, matching names exactly as the registry does. */
export function commandCatalog(data: CatalogData): CommandCatalog {
  const catalog = new CommandIndex<CommandEntry, FamilyEntry>();
  for (const family of data.families) catalog.family(family);
  for (const command of data.commands) catalog.define(command);
  return catalog;
}
