/** The leases replicas take turns for. */

/** Its holder runs the scheduled jobs (jobs/scheduler.ts). */
export const LEADER_LEASE = 'scheduler';
/** Its holder keeps Rocket.Chat's realtime subscription (adapters/rocketchat): one replica reads the stream. */
export const STREAM_LEASE_OF_ROCKET_CHAT = 'rocketchat';
