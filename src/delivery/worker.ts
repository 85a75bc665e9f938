/**
 * The outbox worker's I/O side: asks the engine for the due messages (claimed, stale rows dropped,
 * the rest coalesced per channel: delivery/claims.ts), posts them through a sink, and tells the
 * engine how each post went. Nothing here touches the database, so a slow platform or a big batch
 * never holds the engine, and the engine's work never holds a post.
 *
 * Exactly-once between workers comes from the claim; across a crash between a post and its mark,
 * the claim has counted the attempt (attempts > 0), so the sink knows a row may have gone out
 * already: the Slack sink looks for the rows' dedupe keys in the conversation's message metadata
 * and posts only what it does not find (exactly-once where it can read the history, at-least-once
 * where it cannot, e.g. DMs without im:history); the webhook sends its Idempotency-Key for the
 * receiver to dedupe; other sinks post again.
 */
import type { DeliveryPort } from '../engine/port.js';
import type { DeliveryFailure, DeliveryOptions, Outgoing } from './claims.js';
import { addDeliveryReport, emptyDeliveryReport, type DeliveryReport } from './report.js';
import { DeliveryError, type DeliverySink } from './sink.js';
import { DELIVERY_LEASE_MS, RENEW_AFTER_SHARE } from './lease.js';

export type { DeliveryReport } from './report.js';
export type { DeliveryOptions } from './claims.js';

const ERROR_TEXT_MAX = 500;

/** What a sink threw, as data the engine records (a DeliveryError's treatment; anything else is transient). */
export function failureOf(error: unknown): DeliveryFailure {
  const text = error instanceof Error ? error.message : String(error);
  const message = text.length > ERROR_TEXT_MAX ? `${text.slice(0, ERROR_TEXT_MAX - 1)}…` : text;
  if (!(error instanceof DeliveryError)) return { message, permanent: false, drop: false, deferred: false };
  return { message, ...(error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {}), permanent: error.permanent, drop: error.drop, deferred: error.deferred };
}

/**
 * Delivers the outbox rows due at `now` (one bounded batch) through `engine`: drops stale ones,
 * coalesces the rest per channel, posts through `sink` (the channels side by side, each in order),
 * marks them sent or schedules a retry.
 */
export async function deliverDue(engine: DeliveryPort, now: Date, sink: DeliverySink, options: DeliveryOptions = {}): Promise<DeliveryReport> {
  const { outgoing, report } = await engine.deliveryClaim(now, options);
  const claimedAt = performance.now();
  // Each channel's messages go out in order, the channels side by side: a slow or hung destination
  // (a paging webhook timing out, a rate-limited room) holds only its own messages.
  const byChannel = new Map<string, Outgoing[]>();
  for (const item of outgoing) byChannel.set(item.channel, [...(byChannel.get(item.channel) ?? []), item]);
  const deliver = (channels: Outgoing[][]) => Promise.all(channels.map((items) => deliverInOrder(engine, items, { now, claimedAt }, sink, options, report)));
  // Pages and calls go first: the other channels start once they are out, or after a head start
  // if a paging endpoint hangs. A worker that dies mid-run has then most likely sent the page.
  const channels = [...byChannel.values()];
  const urgent = deliver(channels.filter((items) => items.some(isUrgent)));
  let headStart: NodeJS.Timeout | undefined;
  await Promise.race([urgent, new Promise<void>((resolve) => (headStart = setTimeout(resolve, URGENT_HEAD_START_MS)))]);
  clearTimeout(headStart);
  await Promise.all([urgent, deliver(channels.filter((items) => !items.some(isUrgent)))]);
  return report;
}

/** How long the other channels wait at most for the pages and calls of the same run. */
const URGENT_HEAD_START_MS = 2000;

const isUrgent = (item: Outgoing): boolean => item.rows.some((row) => row.urgent);

/** Posts one channel's messages one after the other; after a Retry-After the rest wait their turn. */
async function deliverInOrder(engine: DeliveryPort, items: readonly Outgoing[], run: { now: Date; claimedAt: number }, sink: DeliverySink, options: DeliveryOptions, report: DeliveryReport): Promise<void> {
  const { now } = run;
  const leaseMs = options.leaseMs ?? DELIVERY_LEASE_MS;
  let deferredTo: Date | undefined;
  for (const claimed of items) {
    let item = claimed;
    if (!deferredTo && performance.now() - run.claimedAt > leaseMs * RENEW_AFTER_SHARE) {
      // Late in a long run: make sure the rows are still this worker's (and keep them so) before posting.
      const renewed = await engine.deliveryRenew(item, new Date(now.getTime() + (performance.now() - run.claimedAt)), options);
      if (!renewed) continue;
      item = renewed;
    }
    if (deferredTo) {
      addDeliveryReport(report, { ...(await engine.deliveryRelease(item, deferredTo)), more: report.more });
      continue;
    }
    try {
      // If the process dies after the platform accepted this post and before the engine records
      // it, the rows keep state 'queued' with the claim's attempt counted and come back when the
      // lease runs out; the sink then checks for the earlier post before posting.
      await sink.post(item.channel, item.message, item.rows);
    } catch (error) {
      const recorded = await engine.deliveryFailed(item, failureOf(error), now, options);
      addDeliveryReport(report, { ...recorded.report, more: report.more });
      deferredTo = recorded.waitUntil;
      continue;
    }
    addDeliveryReport(report, { ...(await engine.deliverySent(item, now)), more: report.more });
  }
}

/** Runs `deliverDue` until nothing more is due (at most `maxBatches` batches); for ticks and catch-up. */
export async function drainOutbox(engine: DeliveryPort, now: Date, sink: DeliverySink, options: DeliveryOptions & { maxBatches?: number } = {}): Promise<DeliveryReport> {
  const total = emptyDeliveryReport();
  for (let batch = 0; batch < (options.maxBatches ?? 50); batch++) {
    const report = await deliverDue(engine, now, sink, options);
    addDeliveryReport(total, report);
    if (!report.more) break;
  }
  return total;
}
