/** What tests of a chat delivery sink need: channel mappings, outbox rows, notices, refusals. */
import { expect } from 'vitest';
import type { TestAppContext } from './context.js';
import { writeSetting } from '../../src/app/team-settings.js';
import { DeliveryError, type OutboxRow } from '../../src/delivery/sink.js';
import { warning, type Reply } from '../../src/views/reply.js';
import { actAs } from './context.js';

/** Maps logical channels to real ones, as a lead would with /channel set. */
export function mapChannelsIn(app: TestAppContext, map: Record<string, string>): void {
  const lead = actAs(app, 'lead', 'lead');
  app.store.transaction(() => writeSetting(lead, 'channels', map));
}

let nextRowId = 1;
/** A claimed outbox row as the worker hands it to a sink (tier:t2 unless `extra` says otherwise). */
export function outboxRow(now: Date, dedupeKey: string, extra: Partial<OutboxRow> = {}): OutboxRow {
  return { id: nextRowId++, dedupeKey, channel: 'tier:t2', payload: null, audience: 'staff', ticketId: null, validWhile: null, mentions: null, state: 'queued', attempts: 0, nextAttemptAt: now, lastError: null, claimedBy: null, urgent: false, createdAt: now, sentAt: null, ...extra };
}

/** A channel warning with a body. */
export const notice = (title: string, extra: Partial<Reply> = {}): Reply => warning(title, { visibility: 'channel', text: 'details', ...extra });

/** The DeliveryError a post was refused with; fails the test if it resolved or threw something else. */
export async function rejection(promise: Promise<unknown>): Promise<DeliveryError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DeliveryError);
  return error as DeliveryError;
}
