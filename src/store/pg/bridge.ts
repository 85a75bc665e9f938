/**
 * The synchronous bridge to PostgreSQL. The engine's repositories are synchronous (README, Design):
 * a use case's transaction is a synchronous function, on SQLite and here alike. node-postgres only
 * answers asynchronously, so one thread of the process (bridge-worker.mjs) owns the connections and
 * runs each statement while the engine thread that sent it waits on `Atomics.wait` (synckit). The
 * wait holds only that engine thread; the I/O thread never calls this. Measured by
 * `BENCH_ONLY=pgbridge npm run bench`: 50–90 µs more per statement than awaiting node-postgres.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSyncFn } from 'synckit';
import { findUp } from '../find-up.js';

/** What PostgreSQL answered to one statement. */
export interface BridgeResult {
  /** Rows as arrays (arrayMode) or as objects keyed by column name. */
  rows: unknown[];
  rowCount: number;
}

/** An error PostgreSQL (or the connection) raised, with its SQLSTATE `code` when it has one. */
export class PostgresError extends Error {
  readonly code: string | undefined;
  readonly detail: string | undefined;
  readonly constraint: string | undefined;
  constructor(fields: { message: string; code?: string; detail?: string; constraint?: string }) {
    super(fields.message);
    this.name = 'PostgresError';
    this.code = fields.code;
    this.detail = fields.detail;
    this.constraint = fields.constraint;
  }
}

/** One PostgreSQL connection, used synchronously. */
export interface PgBridge {
  query(text: string, values?: readonly unknown[], arrayMode?: boolean): BridgeResult;
  close(): void;
}

type Answer = { id: number } | BridgeResult | { error: { message: string; code?: string; detail?: string; constraint?: string } };
type Call = (op: 'connect' | 'query' | 'end', id: number, text?: string, values?: readonly unknown[], arrayMode?: boolean) => Answer;

const here = dirname(fileURLToPath(import.meta.url));
/** The worker's file: beside this module in the sources, found upwards from a bundle. */
const WORKER = existsSync(resolve(here, 'bridge-worker.mjs')) ? resolve(here, 'bridge-worker.mjs') : resolve(findUp(here, 'src/store/pg/bridge-worker.mjs') ?? resolve(here, 'bridge-worker.mjs'));

let call: Call | undefined;

function answer<T extends Answer>(result: Answer): Exclude<T, { error: unknown }> {
  if ('error' in result) throw new PostgresError(result.error);
  return result as Exclude<T, { error: unknown }>;
}

/** Opens a connection to `url` (postgres://…) on the bridge's thread, started on first use. */
export function openBridge(url: string): PgBridge {
  call ??= createSyncFn(WORKER) as Call;
  const bridge = call;
  const { id } = answer<{ id: number }>(bridge('connect', 0, url));
  let open = true;
  return {
    query(text, values = [], arrayMode = false) {
      return answer<BridgeResult>(bridge('query', id, text, values, arrayMode));
    },
    close() {
      if (!open) return;
      open = false;
      answer<BridgeResult>(bridge('end', id));
    },
  };
}
