/**
 * The storage port: what the use cases, jobs and delivery know of the database. Repositories by
 * aggregate (repositories.ts) and one transaction boundary. Nothing here names the engine; the
 * SQLite store (database.ts) implements it, and outside src/store no code reaches past it (a test
 * holds that line).
 */
import type { Fence } from './fence.js';
import type { Repositories } from './repositories.js';

/** The transaction boundary every engine offers, beside its repositories. */
export interface TransactionBoundary {
  /**
   * Runs `work` in one transaction (a savepoint when nested). It must be synchronous: the engine
   * thread runs one operation at a time, and an `await` inside would let the transaction end early.
   */
  transaction<T>(work: () => T): T;
  /**
   * Runs `work`, which only reads, on one snapshot (one deferred transaction). Inside an open
   * transaction it just runs `work`: that transaction already gives it one snapshot.
   */
  read<T>(work: () => T): T;
  /**
   * A version of a watched table (watched-tables.ts), for caches of small, rarely written tables: it
   * moves whenever the table, as the current transaction or read sees it, may have changed, by this
   * connection or another (another process, another replica). Inside a transaction that has written the table it is either null (SQLite: a
   * rollback may still undo the write) or a version no other transaction ever reads (PostgreSQL:
   * drawn from a sequence for that write), so nothing cached under it is served after a rollback.
   * null for tables not watched: read them then, and cache nothing.
   */
  tableVersion(table: string): number | null;
  /**
   * Runs `work` waiting at most `ms` for another writer's lock (instead of the connection's usual
   * seconds), for callers that would rather retry later than hold their thread: a job's item, the
   * outbox's claim, a command acknowledged before it runs. Past the wait, the store throws an error
   * that storeTrouble (trouble.ts) calls 'busy'. It holds for the transactions `work` runs (every
   * write runs in one): PostgreSQL sets it as each opens, in the same round trip.
   */
  withLockWait<T>(ms: number, work: () => T): T;
  /**
   * Runs `work` with every write transaction begun inside it fenced: before its work, the
   * transaction checks that lease `fence.lease` is still at turn `fence.token`, and throws FencedOut
   * (fence.ts) otherwise, writing nothing. The check and the writes are one transaction, and the
   * next holder's turn (LeaseRepository.takeTurn) waits for it, so a holder that lost its lease
   * cannot write once the next one has taken it. Reads are not fenced.
   */
  fenced<T>(fence: Fence, work: () => T): T;
  close(): void;
}

export interface Storage extends TransactionBoundary, Repositories {}

/** What went wrong with the database, in the same words whatever the engine. */
export type StoreTrouble = 'busy' | 'full' | 'readonly' | 'io';
