/**
 * Who holds a lease among the replicas of one database: the engine's own lock, on a session of
 * its own that dies with the process. PostgreSQL: session advisory locks (pg/lease-locks.ts);
 * SQLite: one process owns the file, so it holds every lease (soloLeaseLocks).
 */

/** The lock side of the leases, on the I/O thread: asynchronous, never blocking the engine. */
export interface LeaseLocks {
  /** 'shared' when replicas may share the database (they take turns); 'solo' when this process is the only one. */
  readonly kind: 'shared' | 'solo';
  /**
   * Tries to take lease `name` without waiting; true when this process holds it now (it may have
   * held it already). A held lease stays held until `release`, or until the lock's session is lost.
   */
  tryHold(name: string): Promise<boolean>;
  /**
   * Whether the lock session is alive, checked with the server now (one round trip). False means
   * every lease this process held is lost; the next `tryHold` connects again.
   */
  alive(): Promise<boolean>;
  release(name: string): Promise<void>;
  close(): Promise<void>;
}

/** SQLite's: the process that opened the file is the only replica there is, and holds every lease. */
export function soloLeaseLocks(): LeaseLocks {
  return {
    kind: 'solo',
    tryHold: async () => true,
    alive: async () => true,
    release: async () => undefined,
    close: async () => undefined,
  };
}
