import { randomBytes } from 'node:crypto';

/** The leases replicas take turns for. */

/** Its holder runs the scheduled jobs (jobs/scheduler.ts). */
export const LEADER_LEASE = 'scheduler';
/** Its holder keeps Rocket.Chat's realtime subscription (adapters/rocketchat): one replica reads the stream. */
export const STREAM_LEASE_OF_ROCKET_CHAT = 'rocketchat';

/**
 * Who this process's outbox claims are recorded as (its presence lock's name on PostgreSQL):
 * DESKOPS_REPLICA_ID and a number of this life. A replica restarted under the same id (a
 * supervisor, a StatefulSet) is another claimer: the rows its previous life held are due at once,
 * not kept waiting for their lease by the new life's presence.
 */
export function claimerOf(replicaId: string): string {
  return `${replicaId}#${randomBytes(4).toString('hex')}`;
}
