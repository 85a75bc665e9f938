/** What a delivery run did, as both sides of the outbox worker add it up (plain data, no store). */
import type { StoreTrouble } from '../app/errors.js';

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

/** An empty report, to add runs into. */
export const emptyDeliveryReport = (): DeliveryReport => ({ messages: 0, sent: 0, dropped: 0, retrying: 0, failed: 0, more: false });

/** Adds `part` into `total` (counts, drops, the last run's `more` and store trouble). */
export function addDeliveryReport(total: DeliveryReport, part: DeliveryReport): void {
  total.messages += part.messages;
  total.sent += part.sent;
  total.dropped += part.dropped;
  if (part.drops) (total.drops ??= []).push(...part.drops);
  total.retrying += part.retrying;
  total.failed += part.failed;
  total.more = part.more;
  if (part.storeTrouble) total.storeTrouble = part.storeTrouble;
}

