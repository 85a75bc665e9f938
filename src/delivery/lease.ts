/**
 * How long an outbox claim holds. Short, so a replica that died holding rows (killed mid-post)
 * delays them by seconds, not minutes: the rows come back when its lease runs out, and any live
 * replica's next run (every 5 s) claims them. A worker whose posts take long renews the claim
 * before each post once a third of it has passed, so a live worker never loses rows it is posting.
 * One post must finish within the lease: the webhook sink times out after 5 s.
 */
export const DELIVERY_LEASE_MS = 15_000;

/** Past this share of the lease, a worker renews its claim before the next post. */
export const RENEW_AFTER_SHARE = 1 / 3;
