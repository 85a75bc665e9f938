/**
 * WAL checkpoints off the event loop. SQLite's automatic checkpoint runs inside the commit that
 * crosses 1000 WAL pages, on deskops' only thread: it copies pages into the database file and
 * syncs it, a 5 ms stall every hundred or so changes that every Slack ack arriving meanwhile waits
 * out (it was the whole p99 of `/ticket new`: 5.3 ms with it, 0.9 ms without). A long-running bot
 * turns it off and lets a worker thread with its own connection run PASSIVE checkpoints, which
 * never block a writer or a reader; the writer restarts the WAL from its start once a checkpoint
 * has copied all of it. If the worker fails, the automatic checkpoint comes back.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../log.js';
import type { Store } from './database.js';

/** SQLite's default: the WAL page count at which a commit checkpoints. */
const AUTO_CHECKPOINT_PAGES = 1000;

export interface BackgroundCheckpoints {
  /** Checkpoints the worker has run, and how many WAL pages the last one copied. */
  stats(): { runs: number; lastCopied: number };
  /** Stops the worker (after one last checkpoint) and gives the automatic checkpoint back. */
  stop(): Promise<void>;
}

// Plain CommonJS, evaluated as is: the worker must not depend on the TypeScript loader.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
const checkpoint = () => {
  try {
    const [row] = db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ copied: row.checkpointed });
  } catch (error) {
    parentPort.postMessage({ error: String((error && error.message) || error) });
  }
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.close();
});
`;

/** Turns off the checkpoint SQLite runs inside the commit that crosses AUTO_CHECKPOINT_PAGES: whoever calls this checkpoints instead. */
export function turnOffAutomaticCheckpoints(store: Store): void {
  store.sqlite.pragma('wal_autocheckpoint = 0');
}

/** One PASSIVE checkpoint on the store's own connection: copies what it can of the WAL, never blocking a writer or a reader. */
export function checkpointPassively(store: Store): void {
  store.sqlite.pragma('wal_checkpoint(PASSIVE)');
}

/** Starts background checkpoints for `store` (a file, not ':memory:'), every `intervalMs`. */
export function startBackgroundCheckpoints(store: Store, logger: Logger, intervalMs = 1000): BackgroundCheckpoints {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, path: store.path, intervalMs } });
  worker.unref();
  let runs = 0;
  let lastCopied = 0;
  let stopping = false;
  let fellBack = false;
  // A worker error is followed by its exit: give the automatic checkpoint back once, if the store is still open.
  const fallBack = (why: string) => {
    if (stopping || fellBack) return;
    fellBack = true;
    logger.warn({ why }, 'background WAL checkpoints stopped; SQLite checkpoints in the commit again');
    if (store.sqlite.open) store.sqlite.pragma(`wal_autocheckpoint = ${AUTO_CHECKPOINT_PAGES}`);
  };
  worker.on('message', (message: { copied?: number; error?: string }) => {
    if (message.error) return logger.warn({ err: message.error }, 'background WAL checkpoint failed');
    runs += 1;
    lastCopied = message.copied ?? 0;
  });
  worker.on('error', (error) => fallBack(String(error)));
  const exited = new Promise<void>((resolve) =>
    worker.once('exit', (code) => {
      fallBack(`worker exited with code ${code}`);
      resolve();
    }),
  );
  turnOffAutomaticCheckpoints(store);
  return {
    stats: () => ({ runs, lastCopied }),
    async stop() {
      if (stopping) return;
      stopping = true;
      worker.postMessage('stop');
      // A worker stuck in I/O must not hold the shutdown.
      const timer = setTimeout(() => void worker.terminate(), 2000);
      await exited;
      clearTimeout(timer);
      // The store may be closed already; nothing to give back then.
      if (store.sqlite.open) store.sqlite.pragma(`wal_autocheckpoint = ${AUTO_CHECKPOINT_PAGES}`);
    },
  };
}
