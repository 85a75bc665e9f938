/** The leases replicas take turns for. */

/** Its holder runs the scheduled jobs (jobs/scheduler.ts). */
export const SCHEDULER_LEASE = 'scheduler';
/** Its holder keeps Rocket.Chat's realtime subscription (adapters/rocketchat): one replica reads the stream. */
export const ROCKETCHAT_LEASE = 'rocketchat';
