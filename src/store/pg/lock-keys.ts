/**
 * deskops' advisory locks on PostgreSQL: two int4 keys, the first naming deskops' key space, the
 * second `hashtext` of what is locked. pg_locks shows such a lock with objsubid 2, the first key as
 * classid and the second as objid.
 */

/** The first key of every deskops advisory lock ("desk"). */
export const KEY_SPACE = 0x6465736b;

/** What a replica's presence lock is taken on: held while its lease session lives (lease-locks.ts). */
export const presenceLockName = (replicaId: string): string => `replica:${replicaId}`;
