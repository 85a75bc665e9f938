/**
 * A CPU hog beside the apps under test: one busy process per core, spinning until stopped, as
 * other work on a shared machine would (a build, a backup's compression, another service). The
 * Slack round trip runs its loads again with it running, on deskops and on the bare Bolt app.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpus } from 'node:os';

export interface CpuHog {
  /** Busy processes running. */
  processes: number;
  stop(): Promise<void>;
}

/** Starts `count` busy processes (one per core by default); resolves once they all run. */
export async function startCpuHog(count = cpus().length): Promise<CpuHog> {
  const children: ChildProcess[] = [];
  for (let i = 0; i < count; i++) {
    // Prints once it spins, so the loads start only when the hog is on.
    children.push(spawn(process.execPath, ['-e', 'process.stdout.write("on\\n"); for (;;) {}'], { stdio: ['ignore', 'pipe', 'ignore'] }));
  }
  await Promise.all(children.map((child) => new Promise<void>((resolve) => child.stdout!.once('data', () => resolve()))));
  return {
    processes: children.length,
    async stop() {
      await Promise.all(
        children.map(
          (child) =>
            new Promise<void>((resolve) => {
              if (child.exitCode !== null || child.signalCode !== null) return resolve();
              child.once('exit', () => resolve());
              child.kill('SIGKILL');
            }),
        ),
      );
    },
  };
}
