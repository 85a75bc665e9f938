/**
 * The terminal adapter: each input line becomes an Invocation for the router, and each Reply is
 * rendered as text. Interactive on a TTY (prompt, history, completion); on a pipe it prints one
 * reply block per command, separated by a blank line, and nothing else.
 */
import { once } from 'node:events';
import { clearScreenDown, createInterface, cursorTo, moveCursor, type Interface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { Engine } from '../../engine/port.js';
import { correlationId, newCorrelationId, withCorrelation, type Logger } from '../../log.js';
import { renderText, type TextStyle } from '../../views/render-text.js';
import { chartFolder, withChartFile } from './charts.js';
import { failure, type Reply } from '../../views/reply.js';
import { shellCompleter } from './completion.js';
import { HISTORY_SIZE, loadHistory, saveHistory } from './history.js';
import { isMetaCommand, runMetaCommand, type MetaOutcome } from './meta-commands.js';
import { DEFAULT_CHANNEL, localHandle, ShellSession } from './session.js';
import type { ShellBackground, ShellTools } from './tools.js';

/** The parts of the engine the shell uses: commands, the catalog for completion, charts. */
export type ShellBackend = Pick<Engine, 'handle' | 'catalog' | 'renderChart'>;

export interface ShellOptions {
  /** The engine every command goes through (in-process: the shell is one person at a terminal). */
  engine: ShellBackend;
  logger: Logger;
  /** Where charts are written as PNG (default: ./charts). */
  chartFolder?: string;
  input: Readable;
  output: Writable;
  /** Prompt, banner, history and completion; otherwise the quiet piped mode. */
  interactive: boolean;
  /**
   * The person at the keyboard, sanitized with `localHandle`. They are an admin when `deskops` was
   * created with `shellLocalAdmin` for the same handle (as `startShell` does).
   */
  localUser: string;
  /** Starting channel; `#helpdesk` unless given. */
  channel?: string;
  /** Defaults to colour only when `output` is a terminal that wants colour. */
  style?: TextStyle;
  /** Where interactive history persists; none when omitted. */
  historyFile?: string;
  /** The clock and jobs behind `:clock` and `:tick`; without them those answer that they cannot. */
  tools?: ShellTools;
  /** Interactive only: work that prints above the prompt while the shell runs (the scheduler). */
  background?: ShellBackground;
}

/** What a line of input asks for: nothing (blank or comment), a meta-command, or a command. */
export type LineKind = 'skip' | 'meta' | 'command';

/** Classifies one input line. Only '#' alone or before a space or '!' is a comment: `#42` is not. */
export function classifyLine(line: string): LineKind {
  const trimmed = line.trim();
  if (trimmed === '' || /^#(\s|!|$)/.test(trimmed)) return 'skip';
  return isMetaCommand(trimmed) ? 'meta' : 'command';
}

const OPENING_QUOTES = new Set(['"', '“', '”', '„']);
const CLOSING_QUOTES = new Set(['"', '”', '“']);

/**
 * A script line without its trailing comment: a '#' with whitespace before it and whitespace or
 * the end after it, outside quotes (`:tick   # "#1 turns yellow"`). `#42`, `#helpdesk` and a '#'
 * inside "quotes" stay. Piped scripts only: typed at a prompt, everything is the command.
 */
export function stripTrailingComment(line: string): string {
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '\\' && i + 1 < line.length) i++;
      else if (CLOSING_QUOTES.has(ch)) quoted = false;
      continue;
    }
    if (OPENING_QUOTES.has(ch)) quoted = true;
    else if (ch === '#' && i > 0 && /\s/.test(line[i - 1]!) && (i + 1 === line.length || /\s/.test(line[i + 1]!))) return line.slice(0, i).trimEnd();
  }
  return line;
}

/** Colour when `output` is a terminal that supports it (honours NO_COLOR, FORCE_COLOR, TERM=dumb). */
export function textStyleFor(output: Writable): TextStyle {
  const tty = output as Writable & { isTTY?: boolean; hasColors?: () => boolean };
  return tty.isTTY === true && tty.hasColors?.() === true ? 'color' : 'plain';
}

async function runCommand(line: string, session: ShellSession, options: ShellOptions): Promise<Reply> {
  try {
    return await options.engine.handle(session.invocation(line.trim()));
  } catch (error) {
    // The router already turns failures into replies; this keeps the shell alive if that fails.
    const ref = correlationId();
    options.logger.error({ err: error, ref, command: line.slice(0, 200) }, 'shell command failed');
    return failure(`Sorry, something went wrong on our side (ref ${ref}).`, { hint: 'Give the ref to your admin if it keeps happening.' });
  }
}

/** Answers one line; its log lines carry one requestId, which an apology shows as its ref. */
function respond(line: string, session: ShellSession, options: ShellOptions): MetaOutcome | Promise<MetaOutcome> {
  return withCorrelation({ requestId: newCorrelationId(), platform: 'shell' }, () => respondInContext(line, session, options));
}

function respondInContext(line: string, session: ShellSession, options: ShellOptions): MetaOutcome | Promise<MetaOutcome> {
  switch (classifyLine(line)) {
    case 'skip':
      return { quit: false };
    case 'meta':
      return runMetaCommand(line, session, options.tools);
    case 'command':
      return runCommand(line, session, options).then(async (reply) => ({ reply: await withChartFile(options.engine, reply, options.chartFolder ?? chartFolder('deskops.db')), quit: false }));
  }
}

/**
 * Runs line handlers one after another. A line that answers at once runs at once; one that answers
 * later (a command, which the engine runs, or `:tick`) holds the lines typed after it until it is
 * done, so replies never come out of order.
 */
class LineQueue {
  private tail: Promise<void> | undefined;

  constructor(private readonly onError: (error: unknown) => void) {}

  get busy(): boolean {
    return this.tail !== undefined;
  }

  push(work: () => void | Promise<void>): void {
    if (this.tail === undefined) {
      const result = work();
      if (result) this.track(result);
      return;
    }
    this.track(this.tail.then(work));
  }

  /** Resolves when every pushed line has been handled. */
  async idle(): Promise<void> {
    while (this.tail) await this.tail;
  }

  private track(work: Promise<void>): void {
    const tracked: Promise<void> = work.catch(this.onError).finally(() => {
      if (this.tail === tracked) this.tail = undefined;
    });
    this.tail = tracked;
  }
}

/** Writes to `output`, waiting when the reader is slow; resolves false once the reader has gone. */
class OutputGuard {
  private failure: Error | undefined;
  private readonly onError = (error: Error) => {
    this.failure = error;
  };

  constructor(private readonly output: Writable) {
    // Without a listener an EPIPE (`deskops start | head -1`) would crash the process.
    output.on('error', this.onError);
  }

  get broken(): boolean {
    return this.failure !== undefined;
  }

  async write(text: string): Promise<boolean> {
    if (this.broken) return false;
    if (!this.output.write(text)) {
      try {
        await once(this.output, 'drain');
      } catch {
        return false;
      }
    }
    return !this.broken;
  }

  /** Stops listening; rethrows a failure other than the reader going away. */
  release(): void {
    this.output.off('error', this.onError);
    const code = (this.failure as NodeJS.ErrnoException | undefined)?.code;
    if (this.failure && code !== 'EPIPE' && code !== 'ERR_STREAM_DESTROYED') throw this.failure;
  }
}

async function runPiped(options: ShellOptions, session: ShellSession, style: TextStyle): Promise<void> {
  const lines = createInterface({ input: options.input, crlfDelay: Infinity, terminal: false });
  const output = new OutputGuard(options.output);
  let first = true;
  let wroteReply = false;
  try {
    for await (const raw of lines) {
      // Editors on Windows start files with a byte-order mark; it is not part of the command.
      const line = stripTrailingComment(first ? raw.replace(/^\uFEFF/, '') : raw);
      first = false;
      const outcome = await respond(line, session, options);
      if (outcome.reply) {
        const block = `${wroteReply ? '\n' : ''}${renderText(outcome.reply, style)}\n`;
        wroteReply = true;
        if (!(await output.write(block))) break;
      }
      if (outcome.quit) break;
    }
  } finally {
    lines.close();
    output.release();
  }
}

function restoreHistory(options: ShellOptions): string[] {
  if (!options.historyFile) return [];
  try {
    return loadHistory(options.historyFile);
  } catch (error) {
    options.logger.warn({ err: error, file: options.historyFile }, 'could not read shell history');
    return [];
  }
}

function persistHistory(options: ShellOptions, rl: Interface): void {
  const file = options.historyFile;
  if (!file) return;
  let warned = false;
  rl.on('history', (history: string[]) => {
    try {
      saveHistory(file, history);
    } catch (error) {
      // One warning is enough; the shell keeps working without a history file.
      if (!warned) options.logger.warn({ err: error, file }, 'could not save shell history');
      warned = true;
    }
  });
}

function banner(session: ShellSession, style: TextStyle): string {
  const text = `deskops shell · you are @${session.user} (admin) in ${session.channel} · /help for commands, :help for the shell, Ctrl-D to leave`;
  return `${renderText({ tone: 'info', visibility: 'ephemeral', audience: 'staff', title: text }, style)}\n\n`;
}

/**
 * Prints `text` above the prompt without mangling a half-typed line: erase what readline drew
 * (prompt and input, over as many rows as it wrapped to), print, then let readline redraw both
 * with the cursor where it was.
 */
function printAbovePrompt(rl: Interface, output: Writable, text: string): void {
  moveCursor(output, 0, -rl.getCursorPos().rows);
  cursorTo(output, 0);
  clearScreenDown(output);
  output.write(`${text}\n\n`);
  rl.prompt(true);
}

function runInteractive(options: ShellOptions, session: ShellSession, style: TextStyle): Promise<void> {
  const { output, engine, logger } = options;
  const rl = createInterface({
    input: options.input,
    output,
    terminal: true,
    prompt: session.prompt(),
    history: restoreHistory(options),
    historySize: HISTORY_SIZE,
    removeHistoryDuplicates: true,
    completer: shellCompleter(engine.catalog),
  });
  persistHistory(options, rl);
  let quitByCommand = false;
  let closed = false;
  const queue = new LineQueue((error) => logger.error({ err: error }, 'shell line failed'));

  const show = (reply: Reply) => output.write(`${renderText(reply, style)}\n\n`);
  const finish = (outcome: MetaOutcome) => {
    if (outcome.reply) show(outcome.reply);
    if (outcome.quit) {
      quitByCommand = true;
      rl.close();
      return;
    }
    if (closed) return;
    rl.setPrompt(session.prompt());
    rl.prompt();
  };
  rl.on('line', (line) =>
    queue.push(() => {
      // Lines typed (or pasted) after :quit are not run.
      if (quitByCommand) return;
      const outcome = respond(line, session, options);
      return outcome instanceof Promise ? outcome.then(finish) : finish(outcome);
    }),
  );
  // Ctrl-C clears a half-typed line; on an empty line it leaves, like Ctrl-D.
  rl.on('SIGINT', () => {
    if (rl.line === '') {
      rl.close();
      return;
    }
    rl.write(null, { ctrl: true, name: 'e' });
    rl.write(null, { ctrl: true, name: 'u' });
  });
  rl.on('close', () => {
    closed = true;
  });

  output.write(banner(session, style));
  rl.prompt();
  // While a line is being answered there is no prompt to redraw; the text simply goes first.
  const print = (text: string) => (closed || queue.busy ? output.write(`${text}\n\n`) : printAbovePrompt(rl, output, text));
  const background = options.background?.start(print, style);
  return once(rl, 'close').then(async () => {
    await queue.idle();
    await background?.stop();
    if (!quitByCommand) output.write('\n');
  });
}

/**
 * Runs the shell until the input ends or `:quit`. Each command goes through the engine as the
 * session's user (`localUser` until `:as`) in the session's channel.
 */
export async function runShell(options: ShellOptions): Promise<void> {
  const session = new ShellSession(localHandle(options.localUser), options.channel ?? DEFAULT_CHANNEL);
  const style = options.style ?? textStyleFor(options.output);
  if (options.interactive) await runInteractive(options, session, style);
  else await runPiped(options, session, style);
}
