/**
 * Runs test/doubles/fault-child.ts as a real process, for tests that kill it. The child and the
 * engine's worker thread (src/engine/worker.ts) are bundled once with esbuild (tsx's own compiler)
 * into node_modules/.cache, where the migrations folder and the packages resolve as from the
 * sources; node then starts it in about a second instead of tsx's two to four on this machine.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { ROOT } from './cli.js';

export { seededRandom } from './random.js';

/** The bundled child and its engine; `remove()` deletes them. */
export interface FaultBundle {
  path: string;
  /** The engine's worker script the child starts (DESKOPS_FAULT_ENGINE). */
  engine: string;
  remove(): void;
}

export async function buildFaultChild(): Promise<FaultBundle> {
  const dir = join(ROOT, 'node_modules', '.cache');
  mkdirSync(dir, { recursive: true });
  const tag = `${process.pid}-${Math.random().toString(16).slice(2, 10)}`;
  await build({
    entryPoints: { [`deskops-fault-child-${tag}`]: join(ROOT, 'test', 'doubles', 'fault-child.ts'), [`deskops-fault-engine-${tag}`]: join(ROOT, 'src', 'engine', 'worker.ts') },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outdir: dir,
    outExtension: { '.js': '.mjs' },
    logLevel: 'warning',
  });
  const path = join(dir, `deskops-fault-child-${tag}.mjs`);
  const engine = join(dir, `deskops-fault-engine-${tag}.mjs`);
  return {
    path,
    engine,
    remove: () => {
      rmSync(path, { force: true });
      rmSync(engine, { force: true });
    },
  };
}

/** A running child. */
export interface FaultChild {
  process: ChildProcess;
  port: number;
  /** Everything it wrote to stderr so far (its JSON log). */
  stderr(): string;
  /** Resolves with the exit code (null after a signal) once it is gone. */
  exited: Promise<number | null>;
  /** SIGKILL, then waits for the exit. Safe to call twice. */
  kill(): Promise<void>;
}

/** The parent's environment without deskops settings, so a developer's shell cannot leak in. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(DESKOPS_|PORT$|SLACK_|ROCKETCHAT_|FORCE_COLOR$|NODE_OPTIONS$)/.test(key)));
  return { ...env, ...extra };
}

/**
 * Starts the bundled child with `env` and resolves once it printed "ready <port>". Rejects (and
 * kills it) if it exits first or is not ready within `timeoutMs`.
 */
export function startFaultChild(bundle: FaultBundle, env: Record<string, string>, timeoutMs = 20_000): Promise<FaultChild> {
  const child = spawn(process.execPath, [bundle.path], { cwd: ROOT, env: cleanEnv({ ...env, DESKOPS_FAULT_ENGINE: bundle.engine }), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void kill();
      reject(new Error(`fault child not ready after ${timeoutMs} ms; stderr:\n${stderr.slice(-2000)}`));
    }, timeoutMs);
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const ready = /ready (\d+)/.exec(stdout);
      if (ready) {
        clearTimeout(timer);
        resolve({ process: child, port: Number(ready[1]), stderr: () => stderr, exited, kill });
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`fault child exited (${code}) before it was ready; stderr:\n${stderr.slice(-2000)}`));
    });
  });
}

