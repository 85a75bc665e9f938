/**
 * Per-person rate limits, so one person (or a script with their token) cannot flood deskops: a
 * token bucket per person for commands (default: 30 at once, then 60 a minute), and another for
 * opening tickets (20 at once, then 60 an hour), and one per mail sender for inbound mail (10 at
 * once, then 30 an hour), so a mail loop or a flood is held back. Held in memory per process: they stop floods,
 * not a determined attacker with many accounts. The shell, the operator's terminal, has none.
 */
import { TokenBucket } from 'limiter';
import { LRUCache } from 'lru-cache';
import type { RateLimit } from '../config.js';

/** People tracked at once; the least recently active are forgotten first (their buckets were full anyway). */
const MAX_PEOPLE = 10_000;


export interface RateLimits {
  /** Takes one command from the person's bucket: undefined when allowed, else the ms to wait. */
  command(platform: string, externalId: string): number | undefined;
  /** Takes one ticket creation from the person's bucket: undefined when allowed, else the ms to wait. */
  ticket(personKey: string): number | undefined;
  /** The ticket limit's burst, for the refusal's words. */
  readonly ticketBurst: number;
  /** Takes one inbound mail from the sender's bucket (by address): undefined when allowed, else the ms to wait. */
  mail(address: string): number | undefined;
}

function buckets(limit: RateLimit | null): (key: string) => number | undefined {
  if (!limit) return () => undefined;
  const cache = new LRUCache<string, TokenBucket>({ max: MAX_PEOPLE });
  return (key) => {
    let bucket = cache.get(key);
    if (!bucket) {
      bucket = new TokenBucket({ bucketSize: limit.burst, tokensPerInterval: limit.perMinute, interval: 'minute' });
      bucket.content = limit.burst;
      cache.set(key, bucket);
    }
    return bucket.tryRemoveTokens(1) ? undefined : bucket.getWaitTime(1);
  };
}

/** The limits of one deskops process (DESKOPS_COMMAND_LIMIT, DESKOPS_TICKET_LIMIT; null turns one off). */
export function createRateLimits(limits: { command: RateLimit | null; ticket: RateLimit | null; mail?: RateLimit | null }): RateLimits {
  const command = buckets(limits.command);
  const ticket = buckets(limits.ticket);
  const mail = buckets(limits.mail ?? null);
  return {
    command: (platform, externalId) => (platform === 'shell' ? undefined : command(`${platform}:${externalId}`)),
    ticket,
    ticketBurst: limits.ticket?.burst ?? 0,
    mail: (address) => mail(address.toLowerCase()),
  };
}
