/**
 * Both engines on a fresh store (a SQLite file, or on the PostgreSQL run a database of its own), for tests that run the same checks against each: in-process
 * (the synchronous core in the test's thread) and on worker threads (as `deskops start` runs it).
 * The test reaches the same file through a connection of its own, as another process would.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SettableClock } from '../../src/clock.js';
import { loadConfig, type Config } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { createInProcessEngine } from '../../src/engine/in-process.js';
import type { Engine } from '../../src/engine/port.js';
import { startWorkerEngine } from '../../src/engine/worker-engine.js';
import { createDeskopsFor } from '../../src/main.js';
import { openStore } from '../../src/store/database.js';
import type { Storage } from '../../src/store/storage.js';
import { ensureBundle } from '../../bin/bundle.js';
import { TEST_STAFF_RULES } from './deskops.js';
import { pgStoreCode, storageEnv } from './test-engine.js';

export type EngineKind = 'in-process' | 'worker';

/** An engine under test, the test's own connection to its database, and the engine's log lines. */
export interface EngineRig {
  kind: EngineKind;
  engine: Engine;
  config: Config;
  /** The test's own connection to the engine's database (opened after the engine migrated it). */
  store: Storage;
  /** Every log line the engine wrote, parsed. */
  log(): Array<Record<string, unknown>>;
  close(): Promise<void>;
}

export interface EngineRigOptions {
  env?: Record<string, string>;
  /** The worker engine's script (a wrapper around the bundle, for tests that crash a thread). */
  script?: string;
  lanes?: 'split' | 'single';
}

/** Starts an engine of `kind` on a new database in a temp folder. */
export async function startEngineRig(kind: EngineKind, options: EngineRigOptions = {}): Promise<EngineRig> {
  const dir = mkdtempSync(join(tmpdir(), 'deskops-engine-'));
  const drops: Array<() => void> = [];
  const config = loadConfig({ ...storageEnv(join(dir, 'deskops.db'), drops), DESKOPS_ADMINS: 'shell:lead', DESKOPS_STAFF: TEST_STAFF_RULES, ...options.env });
  const lines: string[] = [];
  const logger = createLogger('debug', { write: (line: string) => void lines.push(line) });
  let engine: Engine;
  if (kind === 'in-process') {
    const deskops = createDeskopsFor(config, { logger, clock: new SettableClock(), rateLimits: false });
    engine = createInProcessEngine(deskops, { onClose: () => deskops.close() });
  } else {
    engine = await startWorkerEngine(config, { logger, restartDelayMs: 20, ...(options.script ? { script: options.script } : {}), ...(options.lanes ? { lanes: options.lanes } : {}) });
  }
  const store = config.databaseUrl ? pgStoreCode().connectPgStore(config.databaseUrl) : openStore(config.dbPath);
  return {
    kind,
    engine,
    config,
    store,
    log: () => lines.join('').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>),
    async close() {
      await engine.close();
      store.close();
      for (const drop of drops) drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A worker script that runs the real engine and ends its own thread (exit code 3) when asked for
 * the handle of the user `crash-now`: a thread dying mid-request, for the restart tests.
 */
export async function crashingEngineScript(dir: string): Promise<string> {
  const engine = join((await ensureBundle()).dir, 'engine.mjs');
  const path = join(dir, 'crashing-engine.mjs');
  writeFileSync(
    path,
    `import { parentPort } from 'node:worker_threads';
parentPort.on('message', (m) => { if (m && m.op === 'knownHandle' && m.args[1] === 'crash-now') process.exit(3); });
await import(${JSON.stringify(engine)});
`,
  );
  return path;
}
