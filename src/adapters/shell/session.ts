/** Who is typing in the shell and where: the local user, the user acted as, the channel. */
import type { Invocation } from '../../commands/invocation.js';

export const DEFAULT_CHANNEL = '#helpdesk';

/** Handles and channel names: what chat platforms allow, lower-cased. */
const NAME_CHARS = /[^a-z0-9._-]+/g;

/** A name as a chat handle: "@Alice Smith" -> "alice-smith", "CORP\\bob" -> "corp-bob". */
export function toHandle(name: string): string {
  return name
    .trim()
    .replace(/^@+/, '')
    .toLowerCase()
    .replace(NAME_CHARS, '-')
    .replace(/^[-.]+|[-.]+$/g, '');
}

/** The local user's handle: the sanitized name, or "local" when nothing usable is left. */
export function localHandle(name: string): string {
  return toHandle(name) || 'local';
}

/** A channel name with its '#': "t2" -> "#t2", "#Support Dev" -> "#support-dev". */
export function toChannel(name: string): string {
  const bare = toHandle(name.trim().replace(/^#+/, ''));
  return bare ? `#${bare}` : '';
}

/**
 * Whether an invocation comes from the shell's local user: the person at the keyboard owns the
 * database, so they are an admin. Anyone switched to with `:as` is staff (the shell is the team's
 * own terminal) with the role they were given, an agent at first.
 */
export function shellLocalAdmin(localHandle: string): (invocation: Invocation) => boolean {
  return (invocation) => invocation.platform === 'shell' && invocation.user.externalId === localHandle;
}

/** The mutable state of one shell: `:as` changes the user, `:in` the channel. */
export class ShellSession {
  user: string;
  channel: string;

  constructor(
    readonly localUser: string,
    channel: string = DEFAULT_CHANNEL,
  ) {
    this.user = localUser;
    this.channel = channel;
  }

  /** The invocation for one typed command, as the current user in the current channel. */
  invocation(text: string): Invocation {
    return {
      platform: 'shell',
      user: { externalId: this.user, handle: this.user },
      channel: this.channel,
      thread: null,
      text,
    };
  }

  /** What the prompt shows: "deskops @alice #helpdesk> ". */
  prompt(): string {
    return `deskops @${this.user} ${this.channel}> `;
  }
}
