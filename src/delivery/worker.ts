/**
 * The outbox worker: reads due rows, drops the ones that went stale, coalesces the rest per
 * channel, posts them through a sink and records the outcome, retrying with backoff.
 *
 * Short synchronous transactions (one to claim, then one per message to record its outcome) with
 * the posts in between: an `await` inside a better-sqlite3 transaction would commit early
 * (drizzle-orm #1472). The claim makes delivery exactly-once between workers, provided a sink's
 * post finishes within the lease (5 minutes by default; the webhook sink gives up after 5 seconds).
 * Across a crash between a post and its mark, the claim has counted the attempt (attempts > 0), so
 * the sink knows a row may have gone out already: the Slack sink looks for the rows' dedupe keys
 * in the conversation's message metadata and posts only what it does not find (exactly-once where
 * it can read the history, at-least-once where it cannot, e.g. DMs without im:history); the
 * webhook sends its Idempotency-Key for the receiver to dedupe; other sinks post again.
 */
import { and, asc, eq, lte } from 'drizzle-orm';
import { storeTrouble, storeTroubleAdvice, withBusyTimeout, type StoreTrouble } from '../app/errors.js';
import type { JobContext } from '../jobs/job.js';
import type { Store } from '../store/database.js';
import { outbox } from '../store/schema.js';
import { coalesceReplies, isReply } from '../views/delivery.js';
import type { Reply } from '../views/reply.js';
import { DeliveryError, isWebhookChannel, type DeliverySink, type OutboundMessage, type OutboxRow } from './sink.js';
import { noticeDeliveryFailure } from './failure-notice.js';
import { validityProblem } from './validity.js';

export { DeliveryError, type DeliverySink, type OutboxRow } from './sink.js';

export interface DeliveryOptions {
  /** Rows read per run, oldest due first (default 100). */
  batchSize?: number;
  /** Attempts before a row is marked failed (default 8: about an hour of retries). */
  maxAttempts?: number;
  /** How long a claim holds; must outlast the slowest post (default 5 minutes). */
  leaseMs?: number;
  /** Notifications per coalesced message, within platform limits such as Slack's 50 blocks (default 20). */
  maxPerMessage?: number;
  /** Jitter source in [0, 1); tests pin it. */
  random?: () => number;
}

/** What one run did. Counts are rows, except `messages`. */
export interface DeliveryReport {
  /** Messages posted (several coalesced rows make one message). */
  messages: number;
  sent: number;
  /** Stale (their condition no longer held), or with nowhere to go. */
  dropped: number;
  /** What was dropped and why, row by row (present when something was). */
  drops?: DroppedRow[];
  /** Failed this time, scheduled again. */
  retrying: number;
  /** Gave up: too many attempts, a permanent error or a payload that is not a message. */
  failed: number;
  /** A full batch was read, so more rows may be due now. */
  more: boolean;
  /** The run could not read or claim the outbox (a locked, full, read-only or failing database), or skipped while backing off from that. */
  storeTrouble?: StoreTrouble;
}

/** One dropped outbox row: which, where it was going, and why it was not sent. */
export interface DroppedRow {
  dedupeKey: string;
  channel: string;
  reason: string;
}

function noteDrop(report: DeliveryReport, row: Pick<OutboxRow, 'dedupeKey' | 'channel'>, reason: string): void {
  report.dropped++;
  (report.drops ??= []).push({ dedupeKey: row.dedupeKey, channel: row.channel, reason });
}

const DEFAULTS: Required<DeliveryOptions> = { batchSize: 100, maxAttempts: 8, leaseMs: 5 * 60_000, maxPerMessage: 20, random: Math.random };

const BACKOFF_BASE_MS = 30_000;
const BACKOFF_CAP_MS = 30 * 60_000;
const JITTER = 0.2;
const ERROR_TEXT_MAX = 500;
const MIN_RETRY_MS = 1000;
/** How long the claim may wait for another writer's lock, blocking the process: a locked run just ends. */
const CLAIM_BUSY_WAIT_MS = 100;
/** After a full, read-only or failing database, runs are skipped for 15 s, then 30 s … up to 15 minutes. */
const STORE_BACKOFF_FIRST_MS = 15_000;
const STORE_BACKOFF_MAX_MS = 15 * 60_000;

/** Per database: the worker backs off from trouble it cannot fix (a full disk), so the log is not flooded. */
const storeBackoff = new WeakMap<Store, { until: number; delayMs: number; skipped: number; trouble: StoreTrouble }>();

/** An empty report, to add runs into. */
export const emptyDeliveryReport = (): DeliveryReport => ({ messages: 0, sent: 0, dropped: 0, retrying: 0, failed: 0, more: false });

/**
 * The wait after the `attempts`-th failed attempt: 30 s, 1 m, 2 m … capped at 30 m, plus up to 20%
 * jitter so rows that failed together (a platform outage) do not all come back in the same second.
 */
export function retryDelayMs(attempts: number, random: () => number = Math.random): number {
  const exponential = BACKOFF_BASE_MS * 2 ** Math.max(0, attempts - 1);
  return Math.min(BACKOFF_CAP_MS, Math.round(Math.min(exponential, BACKOFF_CAP_MS) * (1 + JITTER * random())));
}

/** One post: a channel, the message and the rows it carries. */
interface Outgoing {
  channel: string;
  message: OutboundMessage;
  rows: OutboxRow[];
}

function errorText(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.length > ERROR_TEXT_MAX ? `${text.slice(0, ERROR_TEXT_MAX - 1)}…` : text;
}

/** Updates `row` only if nobody touched it since it was read; true when this call won. */
function updateIfUnchanged(ctx: JobContext, row: OutboxRow, set: Partial<OutboxRow>): boolean {
  const result = ctx.store.db
    .update(outbox)
    .set(set)
    .where(and(eq(outbox.id, row.id), eq(outbox.state, 'queued'), eq(outbox.nextAttemptAt, row.nextAttemptAt)))
    .run();
  return result.changes === 1;
}


/** Groups claimed rows into posts: webhooks one by one, chat rows coalesced per channel. */
function composeMessages(ctx: JobContext, rows: readonly OutboxRow[], settings: Required<DeliveryOptions>, report: DeliveryReport): Outgoing[] {
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
      ctx.store.db.update(outbox).set({ state: 'failed', attempts: row.attempts + 1, lastError: 'payload is not a Reply' }).where(eq(outbox.id, row.id)).run();
      report.failed++;
      ctx.logger.error({ outboxId: row.id, dedupeKey: row.dedupeKey, channel: row.channel }, 'outbox row has a payload that is not a Reply; marked failed');
      continue;
    }
    // Rows for different audiences never share a message: one staff row would make it all staff.
    const key = `${row.audience}\u0000${row.channel}`;
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
function claimDue(ctx: JobContext, now: Date, settings: Required<DeliveryOptions>, report: DeliveryReport): Outgoing[] {
  const due = ctx.store.db
    .select()
    .from(outbox)
    .where(and(eq(outbox.state, 'queued'), lte(outbox.nextAttemptAt, now)))
    .orderBy(asc(outbox.nextAttemptAt), asc(outbox.id))
    .limit(settings.batchSize)
    .all();
  report.more = due.length === settings.batchSize;
  const leaseUntil = new Date(now.getTime() + settings.leaseMs);
  const claimed: OutboxRow[] = [];
  for (const row of due) {
    const problem = validityProblem(ctx, row.validWhile, now);
    if (problem) {
      if (updateIfUnchanged(ctx, row, { state: 'dropped', lastError: `stale: ${problem}` })) {
        noteDrop(report, row, `no longer true: ${problem}`);
        ctx.logger.info({ outboxId: row.id, dedupeKey: row.dedupeKey, reason: problem }, 'outbox row dropped as stale');
      }
      continue;
    }
    // The claim counts as the attempt: if the process dies mid-post, the row comes back with
    // attempts > 0, which tells the sink that an earlier post may have reached the platform.
    if (updateIfUnchanged(ctx, row, { nextAttemptAt: leaseUntil, attempts: row.attempts + 1 })) claimed.push(row);
  }
  return composeMessages(ctx, claimed, settings, report);
}

function markSent(ctx: JobContext, item: Outgoing, now: Date, report: DeliveryReport): void {
  try {
    ctx.store.transaction(() => {
      for (const row of item.rows) {
        ctx.store.db
          .update(outbox)
          .set({ state: 'sent', sentAt: now, attempts: row.attempts + 1, lastError: null })
          .where(and(eq(outbox.id, row.id), eq(outbox.state, 'queued')))
          .run();
      }
    });
    report.messages++;
    report.sent += item.rows.length;
  } catch (error) {
    // Posted but not recorded: the at-least-once window described in deliverDue.
    ctx.logger.error({ err: error, channel: item.channel, dedupeKeys: item.rows.map((r) => r.dedupeKey) }, 'posted but could not mark the outbox rows sent; they will be sent again');
  }
}

/** Records a failed post; returns the instant the channel asked us to wait until, if it did. */
function markFailed(ctx: JobContext, item: Outgoing, error: unknown, now: Date, settings: Required<DeliveryOptions>, report: DeliveryReport): Date | undefined {
  const failure = error instanceof DeliveryError ? error : undefined;
  const lastError = errorText(error);
  const log = { channel: item.channel, dedupeKeys: item.rows.map((r) => r.dedupeKey), error: lastError };
  if (failure?.drop) {
    ctx.store.transaction(() => {
      for (const row of item.rows) ctx.store.db.update(outbox).set({ state: 'dropped', attempts: row.attempts + 1, lastError }).where(eq(outbox.id, row.id)).run();
    });
    for (const row of item.rows) noteDrop(report, row, `nowhere to deliver it: ${lastError}`);
    ctx.logger.info(log, 'outbox rows dropped: nowhere to deliver them');
    return undefined;
  }
  if (failure?.deferred) {
    const later = new Date(now.getTime() + Math.max(MIN_RETRY_MS, failure.retryAfterMs!));
    ctx.store.transaction(() => {
      // Not an attempt: the claim's count is taken back.
      for (const row of item.rows) ctx.store.db.update(outbox).set({ nextAttemptAt: later, attempts: row.attempts }).where(and(eq(outbox.id, row.id), eq(outbox.state, 'queued'))).run();
    });
    report.retrying += item.rows.length;
    ctx.logger.debug({ ...log, retryAt: later.toISOString() }, 'delivery paced; will post later');
    return later;
  }
  const attempts = Math.max(...item.rows.map((r) => r.attempts)) + 1;
  // One delay for the whole message, so its rows stay together and coalesce again next time.
  const delay = failure?.retryAfterMs ?? retryDelayMs(attempts, settings.random);
  // At least a second: a zero Retry-After must not make a drain loop spin on the same rows.
  const retryAt = new Date(now.getTime() + Math.max(MIN_RETRY_MS, delay));
  let failed = 0;
  ctx.store.transaction(() => {
    const gaveUp: string[] = [];
    for (const row of item.rows) {
      const giveUp = failure?.permanent === true || row.attempts + 1 >= settings.maxAttempts;
      if (giveUp) {
        failed++;
        gaveUp.push(row.dedupeKey);
      }
      ctx.store.db
        .update(outbox)
        .set(giveUp ? { state: 'failed', attempts: row.attempts + 1, lastError } : { attempts: row.attempts + 1, nextAttemptAt: retryAt, lastError })
        .where(and(eq(outbox.id, row.id), eq(outbox.state, 'queued')))
        .run();
    }
    if (gaveUp.length > 0) noticeDeliveryFailure(ctx, { channel: item.channel, dedupeKeys: gaveUp, error: lastError });
  });
  report.failed += failed;
  report.retrying += item.rows.length - failed;
  // A message that will never arrive must be seen: error level, with the keys to find the rows.
  if (failed > 0) ctx.logger.error({ ...log, attempts, permanent: failure?.permanent === true }, 'delivery failed for good; outbox rows marked failed');
  if (failed < item.rows.length) ctx.logger.warn({ ...log, attempts, retryAt: retryAt.toISOString() }, 'delivery failed; will retry');
  return failure?.retryAfterMs === undefined ? undefined : retryAt;
}

/** Hands claimed rows back, due at `at`, without counting an attempt (their channel is rate limited). */
function release(ctx: JobContext, item: Outgoing, at: Date, report: DeliveryReport): void {
  ctx.store.transaction(() => {
    // Not an attempt either: each row gets the count it had before the claim.
    for (const row of item.rows) ctx.store.db.update(outbox).set({ nextAttemptAt: at, attempts: row.attempts }).where(and(eq(outbox.id, row.id), eq(outbox.state, 'queued'))).run();
  });
  report.retrying += item.rows.length;
}

/**
 * Delivers the outbox rows due at `now` (one bounded batch): drops stale ones, coalesces the rest
 * per channel, posts through `sink` (the channels side by side, each in order), marks them sent or schedules a retry.
 */
export async function deliverDue(ctx: JobContext, now: Date, sink: DeliverySink, options: DeliveryOptions = {}): Promise<DeliveryReport> {
  const settings = { ...DEFAULTS, ...options };
  const report = emptyDeliveryReport();
  const backoff = storeBackoff.get(ctx.store);
  if (backoff && now.getTime() < backoff.until) {
    backoff.skipped++;
    return { ...report, storeTrouble: backoff.trouble };
  }
  let outgoing: Outgoing[];
  try {
    outgoing = withBusyTimeout(ctx.store.sqlite, CLAIM_BUSY_WAIT_MS, () => ctx.store.transaction(() => claimDue(ctx, now, settings, report)));
  } catch (error) {
    const trouble = storeTrouble(error);
    if (!trouble) throw error;
    return { ...emptyDeliveryReport(), storeTrouble: backOff(ctx, now, trouble, error) };
  }
  if (backoff) {
    storeBackoff.delete(ctx.store);
    ctx.logger.info({ trouble: backoff.trouble, skippedRuns: backoff.skipped }, 'the database works again; outbox delivery resumed');
  }
  // Each channel's messages go out in order, the channels side by side: a slow or hung destination
  // (a paging webhook timing out, a rate-limited room) holds only its own messages.
  const byChannel = new Map<string, Outgoing[]>();
  for (const item of outgoing) byChannel.set(item.channel, [...(byChannel.get(item.channel) ?? []), item]);
  await Promise.all([...byChannel.values()].map((items) => deliverInOrder(ctx, items, now, sink, settings, report)));
  return report;
}

/** Posts one channel's messages one after the other; after a Retry-After the rest wait their turn. */
async function deliverInOrder(ctx: JobContext, items: readonly Outgoing[], now: Date, sink: DeliverySink, settings: Required<DeliveryOptions>, report: DeliveryReport): Promise<void> {
  let deferredTo: Date | undefined;
  for (const item of items) {
    if (deferredTo) {
      release(ctx, item, deferredTo, report);
      continue;
    }
    try {
      // If the process dies after the platform accepted this post and before markSent commits, the
      // rows keep state 'queued' with the claim's attempt counted and come back when the lease runs
      // out; the sink then checks for the earlier post before posting (see the module comment).
      await sink.post(item.channel, item.message, item.rows);
    } catch (error) {
      deferredTo = markFailed(ctx, item, error, now, settings, report);
      continue;
    }
    markSent(ctx, item, now, report);
  }
}

/**
 * Records database trouble met by a run. A lock is another writer's and passes: the next run tries
 * again, with a warning. A full, read-only or failing database needs a person: one error line
 * saying what to fix, then runs are skipped with a growing pause (15 s … 15 min) and a warning per
 * real attempt, so the process stays up without flooding the log or the disk.
 */
function backOff(ctx: JobContext, now: Date, trouble: StoreTrouble, error: unknown): StoreTrouble {
  const code = (error as { code?: string }).code;
  if (trouble === 'busy') {
    ctx.logger.warn({ code }, 'outbox delivery skipped this run: the database is locked by another writer');
    return trouble;
  }
  const previous = storeBackoff.get(ctx.store);
  const delayMs = previous ? Math.min(STORE_BACKOFF_MAX_MS, previous.delayMs * 2) : STORE_BACKOFF_FIRST_MS;
  storeBackoff.set(ctx.store, { until: now.getTime() + delayMs, delayMs, skipped: 0, trouble });
  const log = { err: error, code, trouble, retryInMs: delayMs };
  if (previous?.trouble === trouble) ctx.logger.warn(log, `outbox delivery still failing: ${storeTroubleAdvice(trouble)}`);
  else ctx.logger.error(log, `outbox delivery paused: ${storeTroubleAdvice(trouble)}`);
  return trouble;
}

/** Runs `deliverDue` until nothing more is due (at most `maxBatches` batches); for ticks and catch-up. */
export async function drainOutbox(ctx: JobContext, now: Date, sink: DeliverySink, options: DeliveryOptions & { maxBatches?: number } = {}): Promise<DeliveryReport> {
  const total = emptyDeliveryReport();
  for (let batch = 0; batch < (options.maxBatches ?? 50); batch++) {
    const report = await deliverDue(ctx, now, sink, options);
    total.messages += report.messages;
    total.sent += report.sent;
    total.dropped += report.dropped;
    if (report.drops) (total.drops ??= []).push(...report.drops);
    total.retrying += report.retrying;
    total.failed += report.failed;
    total.more = report.more;
    if (report.storeTrouble) total.storeTrouble = report.storeTrouble;
    if (!report.more) break;
  }
  return total;
}
