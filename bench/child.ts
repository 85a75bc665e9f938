/**
 * The app under test runs in a child process of its own, as in production; the benchmark (the
 * load generator, Slack's stand-in) stays in the parent. Helpers to spawn deskops (`deskops start`
 * in HTTP mode, the real entry point), a bare Bolt app or a bare `node -e` server, wait until
 * it answers GET /healthz, read its resident size and stop it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchCacheDir } from './seed.js';
import { freePort } from '../test/doubles/free-port.js';

export const SIGNING_SECRET = 'bench-signing-secret';
const ROOT = fileURLToPath(new URL('..', import.meta.url));


export interface Child {
  name: string;
  proc: ChildProcess;
  port: number;
  url: string;
  /** ms from spawn until the first 200 on GET /healthz. */
  readyMs: number;
  /** ms from spawn until a stderr line matching `listeningLine` arrived (NaN without one). */
  listeningMs: number;
  /** Everything the child wrote on stderr, for errors. */
  stderr(): string;
  /** Resident set size now, and its peak so far (VmHWM), in MiB, from /proc. */
  memory(): { rssMiB: number; peakMiB: number };
  stop(): Promise<void>;
}

function healthz(port: number): Promise<number> {
  return new Promise((resolve) => {
    const req = get({ host: '127.0.0.1', port, path: '/healthz', agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.setTimeout(2_000, () => req.destroy());
  });
}

function procStatusMiB(pid: number, field: string): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  return match ? Number(match[1]) / 1024 : NaN;
}

interface SpawnSpec {
  name: string;
  args: string[];
  env: Record<string, string>;
  port: number;
  listeningLine?: RegExp;
  timeoutMs?: number;
}

async function spawnAndWait(spec: SpawnSpec): Promise<Child> {
  const spawnedAt = performance.now();
  // cwd outside the repository, so no developer .env is read; the environment is all we pass.
  const proc = spawn(process.execPath, spec.args, { cwd: benchCacheDir(), env: { PATH: process.env.PATH ?? '', ...spec.env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  let listeningMs = NaN;
  proc.stderr!.setEncoding('utf8');
  proc.stderr!.on('data', (chunk: string) => {
    if (Number.isNaN(listeningMs) && spec.listeningLine?.test(chunk)) listeningMs = performance.now() - spawnedAt;
    if (stderr.length < 200_000) stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));
  const deadline = spawnedAt + (spec.timeoutMs ?? 120_000);
  let readyMs = NaN;
  while (performance.now() < deadline) {
    if (exitCode !== undefined) throw new Error(`${spec.name} exited with ${exitCode} before it was ready:\n${stderr.slice(-2_000)}`);
    if ((await healthz(spec.port)) === 200) {
      readyMs = performance.now() - spawnedAt;
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  if (Number.isNaN(readyMs)) {
    proc.kill('SIGKILL');
    throw new Error(`${spec.name} was not ready within ${spec.timeoutMs ?? 120_000} ms:\n${stderr.slice(-2_000)}`);
  }
  return {
    name: spec.name,
    proc,
    port: spec.port,
    url: `http://127.0.0.1:${spec.port}/slack/events`,
    readyMs,
    listeningMs,
    stderr: () => stderr,
    memory: () => ({ rssMiB: procStatusMiB(proc.pid!, 'VmRSS'), peakMiB: procStatusMiB(proc.pid!, 'VmHWM') }),
    async stop() {
      if (exitCode !== undefined) return;
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * `node bin/deskops.js start` on `dbPath` in Slack HTTP mode, the Web API at `apiUrl` (the
 * parent's stand-in), the scheduler running as in production; from this checkout, or `root`.
 */
export async function startDeskops(dbPath: string, apiUrl: string, extraEnv: Record<string, string> = {}, nodeArgs: string[] = [], root = ROOT, name = 'deskops'): Promise<Child> {
  const port = await freePort();
  return spawnAndWait({
    name,
    args: [...nodeArgs, join(root, 'bin/deskops.js'), 'start'],
    port,
    listeningLine: /Slack HTTP mode: listening/,
    env: {
      DESKOPS_DB: dbPath,
      PORT: String(port),
      SLACK_BOT_TOKEN: 'xoxb-bench',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: apiUrl,
      SLACK_BOT_ID: 'BBENCH',
      SLACK_BOT_USER_ID: 'UBENCH',
      DESKOPS_LOG_LEVEL: 'info',
      ...extraEnv,
    },
  });
}

/** bench/bare-bolt-app.ts: a Bolt HTTP app whose /ticket only acks, run through the same tsx loader. */
export async function startBareBolt(apiUrl: string): Promise<Child> {
  const port = await freePort();
  return spawnAndWait({
    name: 'bare Bolt',
    // tsx resolved from here: the child's cwd is outside the repository.
    args: ['--import', import.meta.resolve('tsx'), `${ROOT}bench/bare-bolt-app.ts`],
    port,
    listeningLine: /listening/,
    env: { PORT: String(port), SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: apiUrl },
  });
}

/** The floor: `node -e` with a plain HTTP server answering 200. */
export async function startBareNode(): Promise<Child> {
  const port = await freePort();
  const script = `require('node:http').createServer((q, s) => s.end('ok')).listen(${port}, '127.0.0.1', () => console.error('listening'))`;
  return spawnAndWait({ name: 'node -e', args: ['-e', script], port, listeningLine: /listening/, env: {} });
}
