/**
 * The shell's own commands, typed with a leading ':' (`:as bob`, `:in #t2`, `:clock`, `:quit`).
 * They change the session or the shell's clock, or run a tick; they answer with a Reply like any
 * command.
 */
import { closestMatches } from '../../domain/text.js';
import { INSTANT_FORMAT, parseInstant } from '../../jobs/tick.js';
import { formatInstant } from '../../views/format.js';
import { failure, info, success, type Reply } from '../../views/reply.js';
import { toChannel, toHandle, type ShellSession } from './session.js';
import type { Introduction, ShellTools } from './tools.js';

interface MetaCommand {
  names: readonly string[];
  usage: string;
  summary: string;
  run(args: readonly string[], session: ShellSession, tools: ShellTools | undefined): MetaOutcome | Promise<MetaOutcome>;
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

const NO_TOOLS = failure('This shell has no clock or jobs to drive.', { hint: 'Start it with `deskops shell` or `deskops start`.' });

const STEP = /^\+(\d{1,6})([mhd])$/i;
const STEP_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `:clock` alone: the instant the bot sees, and whether it is pinned. */
async function clockShown(tools: ShellTools): Promise<Reply> {
  const now = await tools.now();
  return info(`Clock: ${formatInstant(now, await tools.timeZone())}`, {
    fields: [
      { label: 'Instant', value: now.toISOString() },
      { label: 'Mode', value: tools.pinnedAt ? 'pinned (`:clock now` follows real time again)' : 'real time' },
    ],
  });
}

/** `:clock <instant>`, `:clock +2h` or `:clock now`. */
async function setClock(text: string, tools: ShellTools, usage: string): Promise<Reply> {
  const timeZone = await tools.timeZone();
  if (text.toLowerCase() === 'now') {
    await tools.unpin();
    return info('Clock follows real time again', { text: `It is ${formatInstant(await tools.now(), timeZone)}.` });
  }
  const step = STEP.exec(text);
  const instant = step ? new Date((await tools.now()).getTime() + Number(step[1]) * STEP_MS[step[2]!.toLowerCase()]!) : parseInstant(text, timeZone);
  if (!instant) {
    return failure(`"${text}" is not an instant.`, { hint: `Use ${INSTANT_FORMAT}; or +30m, +2h, +1d to move on; or now for real time.`, usage });
  }
  await tools.pin(instant);
  return success(`Clock pinned at ${formatInstant(instant, timeZone)}`, {
    visibility: 'ephemeral',
    text: `${instant.toISOString()}. Commands, SLA clocks and jobs all see this instant now; \`:tick\` runs the jobs, \`:clock now\` goes back to real time.`,
  });
}

const META_COMMANDS: readonly MetaCommand[] = [
  {
    names: ['as'],
    usage: ':as <user>|me',
    summary: 'act as another person (@bob or bob), created as an agent on first use; :as me switches back to you',
    async run(args, session, tools) {
      const problem = needsOneArgument(this, args, 'user name');
      if (problem) return reply(problem);
      const handle = args[0]!.replace(/^@/, '').toLowerCase() === 'me' ? session.localUser : toHandle(args[0]!);
      if (!handle) return reply(failure(`"${args[0]}" is not a user name: use letters, digits, '.', '-' or '_'.`, { usage: this.usage }));
      if (handle === session.localUser) {
        session.user = handle;
        return reply(info(`Back to yourself: @${handle}`, { text: 'You act as the local user again, an admin.' }));
      }
      let met: Introduction | undefined;
      try {
        met = await tools?.introduce(handle);
      } catch (error) {
        return reply(failure(`Could not make @${handle} known to deskops: ${(error as Error).message}`, { hint: 'Nothing changed; you still act as before.' }));
      }
      session.user = handle;
      const who = met?.created ? `@${handle} is new to deskops: an agent until an admin changes it with /people role.` : met ? `@${handle} is ${met.role === 'agent' ? 'an agent' : `a${met.role === 'admin' ? 'n' : ''} ${met.role}`}.` : 'New people start as agents.';
      return reply(info(`Now acting as @${handle}`, { text: `${who} \`:as me\` switches back to you.` }));
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
    names: ['clock'],
    usage: ':clock [<instant>|+30m|+2h|+1d|now]',
    summary: 'show the clock; pin the instant the whole bot sees (2026-11-23T10:00Z), move it on, or go back to real time',
    async run(args, _session, tools) {
      if (!tools) return reply(NO_TOOLS);
      return reply(args.length === 0 ? await clockShown(tools) : await setClock(args.join(' '), tools, this.usage));
    },
  },
  {
    names: ['tick'],
    usage: ':tick',
    summary: "run every job once as of the clock's instant and show what it posted",
    async run(args, _session, tools) {
      if (!tools) return reply(NO_TOOLS);
      if (args.length > 0) return reply(failure(':tick takes no arguments; set the instant with :clock first.', { usage: this.usage }));
      return reply(await tools.tick());
    },
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
    text: 'Anything else you type is a deskops command, with or without the leading slash: `/help` lists them. Lines starting with `# ` are comments, and in piped scripts so is the end of a line from ` # ` on (outside quotes).',
    sections: [{ lines: META_COMMANDS.map((m) => `\`${m.usage}\` — ${m.summary}`) }],
  });
}

/** True for a line the shell handles itself rather than the router. */
export function isMetaCommand(line: string): boolean {
  return line.trimStart().startsWith(':');
}

/** Runs one meta-command line (`:as bob`) against the session; `:tick` answers asynchronously. */
export function runMetaCommand(line: string, session: ShellSession, tools?: ShellTools): MetaOutcome | Promise<MetaOutcome> {
  const [word = '', ...args] = line.trim().slice(1).split(/\s+/).filter(Boolean);
  const name = word.toLowerCase();
  const command = META_COMMANDS.find((m) => m.names.includes(name));
  if (command) return command.run(args, session, tools);
  const near = closestMatches(name, META_COMMAND_NAMES, 1);
  return reply(
    failure(name ? `There is no :${name} shell command.` : 'A shell command needs a name after the ":".', {
      hint: `${near.length > 0 && name ? `Did you mean :${near[0]}? ` : ''}Shell commands: ${META_COMMAND_NAMES.map((n) => `:${n}`).join(', ')}. Type /help for deskops commands.`,
    }),
  );
}
