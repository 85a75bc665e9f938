/**
 * The outbox worker's database steps, run where the database is (the engine): claim the due rows
 * (dropping stale ones and coalescing the rest into messages), then, after each post, record that
 * it was sent, failed, or was handed back. Each step is one short synchronous transaction; the
 * posts happen between them, outside any transaction, on the I/O side (delivery/worker.ts): an
 * `await` inside a better-sqlite3 transaction would commit early (drizzle-orm #1472).
 *
 * The claim makes delivery exactly-once between workers (replicas too), provided a sink's post
 * finishes within the lease (15 s by default, renewed before each post of a long run: lease.ts). Across a crash between a post and its mark, the claim has
 * counted the attempt (attempts > 0), so the sink knows a row may have gone out already.
 */
import { storeTransient, storeTrouble, storeTroubleAdvice, type StoreTrouble } from '../app/errors.js';
import type { JobContext } from '../jobs/job.js';
import type { Storage } from '../store/storage.js';
import { coalesceReplies, isReply } from '../views/delivery.js';
import type { Reply } from '../views/reply.js';
import { isWebhookChannel, type OutboundMessage, type OutboxRow } from './sink.js';
import { noticeDeliveryFailure } from './failure-notice.js';
import { emptyDeliveryReport, type DeliveryReport } from './report.js';

export type { DeliveryReport } from './report.js';
import { validityProblem } from './validity.js';
import { DELIVERY_LEASE_MS } from './lease.js';

/** How delivery behaves; plain data, so it crosses to the engine as it is. */
export interface DeliveryOptions {
  /** Rows read per run, oldest due first (default 100). */
  batchSize?: number;
  /** Attempts before a row is marked failed (default 8: about an hour of retries). */
  maxAttempts?: number;
  /** How long a claim holds; must outlast the slowest post (default DELIVERY_LEASE_MS, 15 s; renewed between posts). */
  leaseMs?: number;
  /** Notifications per coalesced message, within platform limits such as Slack's 50 blocks (default 20). */
  maxPerMessage?: number;
  /** A fixed jitter in [0, 1) for retry delays (tests pin it); random by default. */
  jitter?: number;
  /** Who claims (DESKOPS_REPLICA_ID), recorded with the claim: on PostgreSQL its rows are due at once when it dies. */
  claimer?: string;
}

/** One post: a channel, the message and the rows it carries. */
export interface Outgoing {
  channel: string;
  message: OutboundMessage;
  rows: OutboxRow[];
  /** Until when this worker's claim on the rows holds (their nextAttemptAt while claimed); renewClaim moves it. */
  leaseUntil?: Date;
}

/** A failed post as data (the sink's DeliveryError, or anything else a sink threw). */
export interface DeliveryFailure {
  message: string;
  /** The platform said when to come back. */
  retryAfterMs?: number;
  permanent: boolean;
  drop: boolean;
  deferred: boolean;
}

/** The claimed messages of one run, and what claiming them did (stale rows dropped, bad payloads failed). */
export interface Claimed {
  outgoing: Outgoing[];
  report: DeliveryReport;
}

function noteDrop(report: DeliveryReport, row: Pick<OutboxRow, 'dedupeKey' | 'channel'>, reason: string): void {
  report.dropped++;
  (report.drops ??= []).push({ dedupeKey: row.dedupeKey, channel: row.channel, reason });
}

const DEFAULTS = { batchSize: 100, maxAttempts: 8, leaseMs: DELIVERY_LEASE_MS, maxPerMessage: 20 };
type Settings = typeof DEFAULTS & { jitter: () => number };

function settingsOf(options: DeliveryOptions): Settings {
  const fixed = options.jitter;
  return {
    batchSize: options.batchSize ?? DEFAULTS.batchSize,
    maxAttempts: options.maxAttempts ?? DEFAULTS.maxAttempts,
    leaseMs: options.leaseMs ?? DEFAULTS.leaseMs,
    maxPerMessage: options.maxPerMessage ?? DEFAULTS.maxPerMessage,
    jitter: fixed === undefined ? Math.random : () => fixed,
  };
}

const BACKOFF_BASE_MS = 30_000;
const BACKOFF_CAP_MS = 30 * 60_000;
const JITTER = 0.2;
const MIN_RETRY_MS = 1000;
/** How long the claim may wait for another writer's lock: a locked run just ends. */
const CLAIM_BUSY_WAIT_MS = 100;
/** After a full, read-only or failing database, runs are skipped for 15 s, then 30 s … up to 15 minutes. */
const STORE_BACKOFF_FIRST_MS = 15_000;
const STORE_BACKOFF_MAX_MS = 15 * 60_000;

/** Per database: the worker backs off from trouble it cannot fix (a full disk), so the log is not flooded. */
const storeBackoff = new WeakMap<Storage, { until: number; delayMs: number; skipped: number; trouble: StoreTrouble }>();

/**
 * The wait after the `attempts`-th failed attempt: 30 s, 1 m, 2 m … capped at 30 m, plus up to 20%
 * jitter so rows that failed together (a platform outage) do not all come back in the same second.
 */
export function retryDelayMs(attempts: number, random: () => number = Math.random): number {
  const exponential = BACKOFF_BASE_MS * 2 ** Math.max(0, attempts - 1);
  return Math.min(BACKOFF_CAP_MS, Math.round(Math.min(exponential, BACKOFF_CAP_MS) * (1 + JITTER * random())));
}

/** Groups claimed rows into posts: webhooks one by one, chat rows coalesced per channel. */
function composeMessages(ctx: JobContext, rows: readonly OutboxRow[], settings: Settings, report: DeliveryReport): Outgoing[] {
  const outgoing: Outgoing[] = [];
  const byChannel = new Map<string, { channel: string; rows: OutboxRow[]; replies: Reply[] }>();
  for (const row of rows) {
    if (isWebhookChannel(row.channel)) {
      outgoing.push({ channel: row.channel, message: row.payload, rows: [row] });
      continue;
    }
    // The row's audience decides, whatever the stored payload says (older payloads carry none).
    const payload = typeof row.payload === 'object' && row.payload !== null ? { ...row.payload, audience: row.audience } : row.payload;
    if (!isReply(payload)) {
      ctx.store.outbox.markFailed(row.id, row.attempts + 1, 'payload is not a Reply');
      report.failed++;
      ctx.logger.error({ outboxId: row.id, dedupeKey: row.dedupeKey, channel: row.channel }, 'outbox row has a payload that is not a Reply; marked failed');
      continue;
    }
    // Rows for different audiences never share a message: one staff row would make it all staff.
    // A page is a message of its own, posted before the notices (rows come urgent first).
    const key = `${row.audience}\u0000${row.urgent ? 'urgent' : ''}\u0000${row.channel}`;
    const group = byChannel.get(key) ?? { channel: row.channel, rows: [], replies: [] };
    group.rows.push(row);
    group.replies.push(payload);
    byChannel.set(key, group);
  }
  for (const { channel, ...group } of byChannel.values()) {
    for (let start = 0; start < group.rows.length; start += settings.maxPerMessage) {
      const end = start + settings.maxPerMessage;
      outgoing.push({ channel, message: coalesceReplies(group.replies.slice(start, end)), rows: group.rows.slice(start, end) });
    }
  }
  return outgoing;
}

/**
 * Reads the due rows and claims them by moving `nextAttemptAt` to a lease instant with a
 * conditional update: of two workers that read the same row, only one update matches, so only
 * one posts it. Stale rows are dropped here, just before sending.
 */
function claimDue(ctx: JobContext, now: Date, settings: Settings, report: DeliveryReport, options: DeliveryOptions): Outgoing[] {
  const due = ctx.store.outbox.dueRows(now, settings.batchSize);
  report.more = due.length === settings.batchSize;
  const leaseUntil = new Date(now.getTime() + settings.leaseMs);
  const claimed: OutboxRow[] = [];
  for (const row of due) {
    const problem = validityProblem(ctx, row.validWhile, now);
    if (problem) {
      if (ctx.store.outbox.dropIfUnchanged(row, `stale: ${problem}`)) {
        noteDrop(report, row, `no longer true: ${problem}`);
        ctx.logger.info({ outboxId: row.id, dedupeKey: row.dedupeKey, reason: problem }, 'outbox row dropped as stale');
      }
      continue;
    }
    // The claim counts as the attempt: if the process dies mid-post, the row comes back with
    // attempts > 0, which tells the sink that an earlier post may have reached the platform.
    if (ctx.store.outbox.claimIfUnchanged(row, leaseUntil, row.attempts + 1, options.claimer ?? null)) claimed.push(row);
  }
  return composeMessages(ctx, claimed, settings, report).map((item) => ({ ...item, leaseUntil }));
}

/**
 * Extends this worker's claim on `item`'s rows to `at` + the lease, before a post that comes late
 * in a long run. Null when a row's lease had run out and another worker claimed it: that worker
 * posts it; the rows still held are handed back, due at `at`, and this worker posts nothing.
 */
export function renewClaim(ctx: JobContext, item: Outgoing, at: Date, options: DeliveryOptions = {}): Outgoing | null {
  const { leaseUntil } = item;
  if (!leaseUntil) return item;
  const renewed = new Date(at.getTime() + settingsOf(options).leaseMs);
  return ctx.store.transaction(() => {
    const kept = item.rows.filter((row) => ctx.store.outbox.claimIfUnchanged({ id: row.id, nextAttemptAt: leaseUntil }, renewed, row.attempts + 1, options.claimer ?? null));
    if (kept.length === item.rows.length) return { ...item, leaseUntil: renewed };
    // Not an attempt: each row gets back the count it had before this worker's claim.
    for (const row of kept) ctx.store.outbox.rescheduleIfQueued(row.id, at, row.attempts);
    ctx.logger.warn({ channel: item.channel, dedupeKeys: item.rows.map((r) => r.dedupeKey) }, 'outbox claim ran out before the post; another worker has the rows');
    return null;
  });
}

/**
 * Claims the rows due at `now` (one bounded batch) as messages to post. Database trouble does not
 * throw: it is in the report (`storeTrouble`), logged once, and a full, read-only or failing
 * database is backed off from (see `backOff`).
 */
export function claimDeliveries(ctx: JobContext, now: Date, options: DeliveryOptions = {}): Claimed {
  const settings = settingsOf(options);
  const report = emptyDeliveryReport();
  const backoff = storeBackoff.get(ctx.store);
  if (backoff && now.getTime() < backoff.until) {
    backoff.skipped++;
    return { outgoing: [], report: { ...report, storeTrouble: backoff.trouble } };
  }
  let outgoing: Outgoing[];
  try {
    outgoing = ctx.store.withLockWait(CLAIM_BUSY_WAIT_MS, () => ctx.store.transaction(() => claimDue(ctx, now, settings, report, options)));
  } catch (error) {
    const trouble = storeTrouble(error);
    if (!trouble) throw error;
    return { outgoing: [], report: { ...emptyDeliveryReport(), storeTrouble: backOff(ctx, now, trouble, error) } };
  }
  if (backoff) {
    storeBackoff.delete(ctx.store);
    ctx.logger.info({ trouble: backoff.trouble, skippedRuns: backoff.skipped }, 'the database works again; outbox delivery resumed');
  }
  return { outgoing, report };
}

/** Records that `item` was posted. A failure to record is logged, not thrown: the post happened. */
export function recordSent(ctx: JobContext, item: Outgoing, now: Date): DeliveryReport {
  const report = emptyDeliveryReport();
  try {
    ctx.store.transaction(() => {
      for (const row of item.rows) ctx.store.outbox.markSent(row.id, now, row.attempts + 1);
    });
    report.messages++;
    report.sent += item.rows.length;
  } catch (error) {
    // Posted but not recorded: the at-least-once window described in the module comment.
    ctx.logger.error({ err: error, channel: item.channel, dedupeKeys: item.rows.map((r) => r.dedupeKey) }, 'posted but could not mark the outbox rows sent; they will be sent again');
  }
  return report;
}

/** What recording a failed post did, and the instant the channel asked to wait until, if it did. */
export interface FailureRecorded {
  report: DeliveryReport;
  waitUntil?: Date;
}

/** Records a failed post: dropped, deferred (pacing), retried later with backoff, or failed for good. */
export function recordFailed(ctx: JobContext, item: Outgoing, failure: DeliveryFailure, now: Date, options: DeliveryOptions = {}): FailureRecorded {
  const settings = settingsOf(options);
  const report = emptyDeliveryReport();
  const lastError = failure.message;
  const log = { channel: item.channel, dedupeKeys: item.rows.map((r) => r.dedupeKey), error: lastError };
  if (failure.drop) {
    ctx.store.transaction(() => {
      for (const row of item.rows) ctx.store.outbox.markDropped(row.id, row.attempts + 1, lastError);
    });
    for (const row of item.rows) noteDrop(report, row, `nowhere to deliver it: ${lastError}`);
    ctx.logger.info(log, 'outbox rows dropped: nowhere to deliver them');
    return { report };
  }
  if (failure.deferred && failure.retryAfterMs !== undefined) {
    const later = new Date(now.getTime() + Math.max(MIN_RETRY_MS, failure.retryAfterMs));
    ctx.store.transaction(() => {
      // Not an attempt: the claim's count is taken back.
      for (const row of item.rows) ctx.store.outbox.rescheduleIfQueued(row.id, later, row.attempts);
    });
    report.retrying += item.rows.length;
    ctx.logger.debug({ ...log, retryAt: later.toISOString() }, 'delivery paced; will post later');
    return { report, waitUntil: later };
  }
  const attempts = Math.max(...item.rows.map((r) => r.attempts)) + 1;
  // One delay for the whole message, so its rows stay together and coalesce again next time.
  const delay = failure.retryAfterMs ?? retryDelayMs(attempts, settings.jitter);
  // At least a second: a zero Retry-After must not make a drain loop spin on the same rows.
  const retryAt = new Date(now.getTime() + Math.max(MIN_RETRY_MS, delay));
  let failed = 0;
  ctx.store.transaction(() => {
    const gaveUp: string[] = [];
    for (const row of item.rows) {
      const giveUp = failure.permanent || row.attempts + 1 >= settings.maxAttempts;
      if (giveUp) {
        failed++;
        gaveUp.push(row.dedupeKey);
      }
      if (giveUp) ctx.store.outbox.markFailedIfQueued(row.id, row.attempts + 1, lastError);
      else ctx.store.outbox.rescheduleIfQueued(row.id, retryAt, row.attempts + 1, lastError);
    }
    if (gaveUp.length > 0) noticeDeliveryFailure(ctx, { channel: item.channel, dedupeKeys: gaveUp, error: lastError });
  });
  report.failed += failed;
  report.retrying += item.rows.length - failed;
  // A message that will never arrive must be seen: error level, with the keys to find the rows.
  if (failed > 0) ctx.logger.error({ ...log, attempts, permanent: failure.permanent }, 'delivery failed for good; outbox rows marked failed');
  if (failed < item.rows.length) ctx.logger.warn({ ...log, attempts, retryAt: retryAt.toISOString() }, 'delivery failed; will retry');
  return failure.retryAfterMs === undefined ? { report } : { report, waitUntil: retryAt };
}

/** Hands claimed rows back, due at `at`, without counting an attempt (their channel is rate limited). */
export function releaseClaim(ctx: JobContext, item: Outgoing, at: Date): DeliveryReport {
  ctx.store.transaction(() => {
    // Not an attempt either: each row gets the count it had before the claim.
    for (const row of item.rows) ctx.store.outbox.rescheduleIfQueued(row.id, at, row.attempts);
  });
  return { ...emptyDeliveryReport(), retrying: item.rows.length };
}

/**
 * Records database trouble met by a run. A lock is another writer's and passes: the next run tries
 * again, with a warning; so does a lost PostgreSQL connection. A full, read-only or failing database needs a person: one error line
 * saying what to fix, then runs are skipped with a growing pause (15 s … 15 min) and a warning per
 * real attempt, so the process stays up without flooding the log or the disk.
 */
function backOff(ctx: JobContext, now: Date, trouble: StoreTrouble, error: unknown): StoreTrouble {
  const code = (error as { code?: string }).code;
  if (trouble === 'busy') {
    ctx.logger.warn({ code }, 'outbox delivery skipped this run: the database is locked by another writer');
    return trouble;
  }
  if (storeTransient(error)) {
    // PostgreSQL's connection was lost or the server is restarting: the next run (seconds away) connects again; no pause.
    ctx.logger.warn({ err: error, code }, 'outbox delivery skipped this run: the database connection was lost; the next run connects again');
    return trouble;
  }
  const previous = storeBackoff.get(ctx.store);
  const delayMs = previous ? Math.min(STORE_BACKOFF_MAX_MS, previous.delayMs * 2) : STORE_BACKOFF_FIRST_MS;
  storeBackoff.set(ctx.store, { until: now.getTime() + delayMs, delayMs, skipped: 0, trouble });
  const log = { err: error, code, trouble, retryInMs: delayMs };
  if (previous?.trouble === trouble) ctx.logger.warn(log, `outbox delivery still failing: ${storeTroubleAdvice(trouble, error)}`);
  else ctx.logger.error(log, `outbox delivery paused: ${storeTroubleAdvice(trouble, error)}`);
  return trouble;
}
