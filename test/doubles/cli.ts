/**
 * Runs the real `deskops` executable in a temp dir with its own database (a SQLite file there, or
 * on the PostgreSQL run a database of its own named by DESKOPS_DATABASE_URL), environment cleaned.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStore } from '../../src/store/database.js';
import type { Storage } from '../../src/store/storage.js';
import { pgStoreCode, storageEnv } from './test-engine.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin', 'deskops.js');

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Error text or a log line at error level or above: a clean run has neither on stderr. */
export const TROUBLE_ON_STDERR = /error|exception|"level":(50|60)/i;

export interface RunOptions {
  input?: string;
  env?: Record<string, string>;
  /** The working directory, when not the sandbox. */
  cwd?: string;
}

/** A temp dir with its own database; `deskops(args, input)` runs the executable there. */
export interface CliSandbox {
  dir: string;
  /** The variables naming its database (DESKOPS_DB; on PostgreSQL also DESKOPS_DATABASE_URL), for a `deskops start` of its own. */
  storage: Record<string, string>;
  /** A connection of the test's own to that database (after a `deskops` run created it), closed by the caller. */
  connect(): Storage;
  deskops(args: string[], options?: RunOptions): Promise<Run>;
  /** Any command, with the sandbox as working directory (so no stray .env) and database. */
  run(command: string, args: string[], options?: RunOptions): Promise<Run>;
}

/** The parent's environment without deskops settings (or loader options), so a developer's shell cannot leak in. */
function parentEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(DESKOPS_|PORT$|SLACK_|ROCKETCHAT_|FORCE_COLOR$|NODE_OPTIONS$)/.test(key)));
}

/** A deskops process's environment: the parent's cleaned, the database variables, the shell user alice, then `extra`. */
export function cleanEnv(storage: Record<string, string>, extra: Record<string, string>): NodeJS.ProcessEnv {
  return { ...parentEnv(), ...storage, DESKOPS_SHELL_USER: 'alice', ...extra };
}

/** A `deskops start` left running: its output so far, and its exit. */
export interface RunningDeskops {
  child: ChildProcessByStdio<null, Readable, Readable>;
  stdout(): string;
  stderr(): string;
  /** stdout and stderr interleaved as they arrived. */
  output(): string;
  exited: Promise<number | null>;
}

/**
 * Starts `deskops start` in `cwd` with a clean environment plus `env` (which names DESKOPS_DB);
 * killed, if still running, by `cleanups` after the test.
 */
export function startDeskopsProcess(
  cleanups: Array<() => Promise<void> | void>,
  options: { cwd: string; env: Record<string, string>; uid?: number; gid?: number },
): RunningDeskops {
  const child = spawn(process.execPath, [BIN, 'start'], {
    cwd: options.cwd,
    env: { ...parentEnv(), ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.uid !== undefined ? { uid: options.uid } : {}),
    ...(options.gid !== undefined ? { gid: options.gid } : {}),
  });
  let stdout = '';
  let stderr = '';
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => ((stdout += chunk), (output += chunk)));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => ((stderr += chunk), (output += chunk)));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  });
  return { child, stdout: () => stdout, stderr: () => stderr, output: () => output, exited };
}

/** A sandbox removed when the test finishes. */
export function cliSandbox(onTestFinished: (cleanup: () => void) => void): CliSandbox {
  const dir = mkdtempSync(join(tmpdir(), 'deskops-cli-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  const storage = storageEnv(join(dir, 'data', 'deskops.db'), { push: onTestFinished });
  const run: CliSandbox['run'] = (command, args, options = {}) => runToEnd(command, args, { cwd: options.cwd ?? dir, env: cleanEnv(storage, options.env ?? {}), input: options.input });
  return {
    dir,
    storage,
    connect: () => (storage.DESKOPS_DATABASE_URL ? pgStoreCode().connectPgStore(storage.DESKOPS_DATABASE_URL) : openStore(storage.DESKOPS_DB!)),
    deskops: (args, options) => run(process.execPath, [BIN, ...args], options),
    run,
  };
}

/** Runs `command` to its end with `input` piped in (none: stdin closed at once); its exit code and what it printed. */
export function runToEnd(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; input?: string }): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}
