/**
 * The shell's own commands, typed with a leading ':' (`:as bob`, `:in #t2`, `:quit`). They
 * change the session, never the database, so they answer with a Reply like any command.
 */
import { closestMatches } from '../../domain/text.js';
import { failure, info, type Reply } from '../../views/reply.js';
import { toChannel, toHandle, type ShellSession } from './session.js';

interface MetaCommand {
  names: readonly string[];
  usage: string;
  summary: string;
  run(args: readonly string[], session: ShellSession): MetaOutcome;
}

/** What a meta-command did: a reply to show, and whether the shell should end. */
export interface MetaOutcome {
  reply?: Reply;
  quit: boolean;
}

const reply = (value: Reply): MetaOutcome => ({ reply: value, quit: false });

/** A usage failure unless exactly one argument was given. */
function needsOneArgument(command: MetaCommand, args: readonly string[], what: string): Reply | undefined {
  if (args.length === 1) return undefined;
  const name = command.usage.split(' ')[0];
  const reason = args.length === 0 ? `${name} needs a ${what}.` : `${name} takes one ${what}, not ${args.length}.`;
  return failure(reason, { usage: command.usage });
}

function whoami(session: ShellSession): Reply {
  const self = session.user === session.localUser;
  return info(`You are @${session.user} in ${session.channel}`, {
    fields: [
      { label: 'User', value: `@${session.user}${self ? ' (local user, admin)' : ''}` },
      { label: 'Channel', value: session.channel },
    ],
    ...(self ? {} : { text: `The local user is @${session.localUser} (admin); \`:as ${session.localUser}\` switches back.` }),
  });
}

const META_COMMANDS: readonly MetaCommand[] = [
  {
    names: ['as'],
    usage: ':as <user>',
    summary: 'act as another agent (@bob or bob)',
    run(args, session) {
      const problem = needsOneArgument(this, args, 'user name');
      if (problem) return reply(problem);
      const handle = toHandle(args[0]!);
      if (!handle) return reply(failure(`"${args[0]}" is not a user name: use letters, digits, '.', '-' or '_'.`, { usage: this.usage }));
      session.user = handle;
      if (handle === session.localUser) return reply(info(`Back to yourself: @${handle}`, { text: 'You act as the local user again, an admin.' }));
      return reply(info(`Now acting as @${handle}`, { text: `New people start as agents. \`:as ${session.localUser}\` switches back to you.` }));
    },
  },
  {
    names: ['in'],
    usage: ':in <#channel>',
    summary: 'type in another channel (#t2 or t2)',
    run(args, session) {
      const problem = needsOneArgument(this, args, 'channel');
      if (problem) return reply(problem);
      const channel = toChannel(args[0]!);
      if (!channel) return reply(failure(`"${args[0]}" is not a channel name: use letters, digits, '.', '-' or '_'.`, { usage: this.usage }));
      session.channel = channel;
      return reply(info(`Now in ${channel}`));
    },
  },
  {
    names: ['whoami'],
    usage: ':whoami',
    summary: 'who you are acting as, and in which channel',
    run: (_args, session) => reply(whoami(session)),
  },
  {
    names: ['help'],
    usage: ':help',
    summary: 'this list',
    run: () => reply(metaHelp()),
  },
  {
    names: ['quit', 'exit'],
    usage: ':quit',
    summary: 'leave the shell (also :exit, or Ctrl-D)',
    run: () => ({ quit: true }),
  },
];

/** Every meta-command name without its ':' (for completion and error messages). */
export const META_COMMAND_NAMES: readonly string[] = META_COMMANDS.flatMap((m) => m.names);

/** The list of meta-commands, pointing at /help for deskops' own commands. */
export function metaHelp(): Reply {
  return info('Shell commands', {
    text: 'Anything else you type is a deskops command, with or without the leading slash: `/help` lists them. Lines starting with `# ` are comments.',
    sections: [{ lines: META_COMMANDS.map((m) => `\`${m.usage}\` — ${m.summary}`) }],
  });
}

/** True for a line the shell handles itself rather than the router. */
export function isMetaCommand(line: string): boolean {
  return line.trimStart().startsWith(':');
}

/** Runs one meta-command line (`:as bob`) against the session. */
export function runMetaCommand(line: string, session: ShellSession): MetaOutcome {
  const [word = '', ...args] = line.trim().slice(1).split(/\s+/).filter(Boolean);
  const name = word.toLowerCase();
  const command = META_COMMANDS.find((m) => m.names.includes(name));
  if (command) return command.run(args, session);
  const near = closestMatches(name, META_COMMAND_NAMES, 1);
  return reply(
    failure(name ? `There is no :${name} shell command.` : 'A shell command needs a name after the ":".', {
      hint: `${near.length > 0 && name ? `Did you mean :${near[0]}? ` : ''}Shell commands: ${META_COMMAND_NAMES.map((n) => `:${n}`).join(', ')}. Type /help for deskops commands.`,
    }),
  );
}
