/**
 * The platform-neutral reply model. Use cases and commands build these; each adapter renders
 * them (terminal text, Block Kit, Rocket.Chat attachments). Inline text uses a tiny markup
 * every platform understands: *bold*, _italic_ and `code`.
 */

export type Tone = 'success' | 'info' | 'warning' | 'error';

export interface ReplyField {
  label: string;
  value: string;
}

export interface ReplySection {
  heading?: string;
  lines: string[];
}

/**
 * A button runs a command exactly as if the person had typed it. One with `needs` is a template:
 * the command lacks a part only the person can give (`/escalate 42` needs `<question>`), so it is
 * shown as the command to complete (Slack opens a form where it has one) and never run as is.
 */
export interface ReplyButton {
  label: string;
  command: string;
  style?: 'primary' | 'danger';
  /** What the command still lacks, as it would be typed after it: '<question>', '<ticket>...'. */
  needs?: string;
}

/** The command to type: the button's command, with the missing part named when it is a template. */
export function buttonTemplate(button: Pick<ReplyButton, 'command' | 'needs'>): string {
  return button.needs ? `${button.command.trimEnd()} ${button.needs}` : button.command;
}

export interface Reply {
  tone: Tone;
  /** `ephemeral`: only the person who asked sees it (errors, usage, lists); `channel`: everyone. */
  visibility: 'ephemeral' | 'channel';
  title: string;
  text?: string;
  fields?: ReplyField[];
  sections?: ReplySection[];
  buttons?: ReplyButton[];
  footer?: string;
  /** The ticket the reply is about, so adapters can thread it under that ticket. */
  ticketId?: number;
}

type ReplyExtras = Omit<Reply, 'tone' | 'title' | 'visibility'> & { visibility?: Reply['visibility'] };

export function success(title: string, extras: ReplyExtras = {}): Reply {
  return { tone: 'success', visibility: 'channel', title, ...extras };
}

export function info(title: string, extras: ReplyExtras = {}): Reply {
  return { tone: 'info', visibility: 'ephemeral', title, ...extras };
}

export function warning(title: string, extras: ReplyExtras = {}): Reply {
  return { tone: 'warning', visibility: 'ephemeral', title, ...extras };
}

/** A refusal or mistake: the reason, and what to type instead. Always ephemeral. */
export function failure(reason: string, options: { hint?: string; usage?: string } = {}): Reply {
  const lines: string[] = [];
  if (options.hint) lines.push(options.hint);
  if (options.usage) lines.push(`Usage: ${options.usage}`);
  return {
    tone: 'error',
    visibility: 'ephemeral',
    title: reason,
    ...(lines.length > 0 ? { text: lines.join('\n') } : {}),
  };
}
