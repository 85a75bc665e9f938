/**
 * The shell as a platform adapter (the contract every platform implements): it reads commands
 * line by line and prints each reply, and its sink prints what deskops would post, headed by
 * where it would go (`:tick` delivers through it). It stands in for chat when none is configured.
 */
import { ShellSink, postText } from '../../delivery/shell-sink.js';
import type { EnginePort } from '../../engine/port.js';
import { renderText } from '../../views/render-text.js';
import type { PlatformAdapter } from '../contract.js';
import { runShell, textStyleFor, type ShellOptions } from './shell.js';

/** The shell adapter; `finished` settles when its input ends (or `:quit`). */
export interface ShellAdapter extends PlatformAdapter {
  readonly finished: Promise<void>;
}

export function createShellAdapter(engine: Pick<EnginePort, 'shellPost'>, options: ShellOptions): ShellAdapter {
  let running: Promise<void> | undefined;
  let stopped = false;
  const style = options.style ?? textStyleFor(options.output);
  return {
    platform: 'shell',
    // What deskops posts shows up in the terminal, headed by where it would go.
    sink: new ShellSink(engine, (post) => void options.output.write(`${postText(post, style)}\n\n`)),
    render: (reply) => renderText(reply, style),
    async start() {
      running ??= runShell(options).finally(() => {
        stopped = true;
      });
    },
    async stop() {
      if (!running) return;
      // Ending the input ends the shell the way Ctrl-D does.
      options.input.push?.(null);
      await running;
    },
    health: () => (running && !stopped ? { state: 'ready' } : { state: 'stopped' }),
    get finished() {
      return running ?? Promise.resolve();
    },
  };
}
