/**
 * The paging webhook: generic JSON events queued in the outbox on a `webhook:*` channel, which the
 * delivery worker POSTs to DESKOPS_PAGE_WEBHOOK (and drops when it is not set). PagerDuty,
 * Opsgenie or any relay can consume them: `dedupe_key` names the incident, `event` says what
 * happened to it.
 */
import type { Priority, Severity } from '../domain/vocabulary.js';
import type { AppContext } from './context.js';
import type { Contact } from './oncall-contacts.js';
import { insertOutboxRow, type ValidityCondition } from './outbox.js';

/** The outbox channel of page events. */
export const PAGE_WEBHOOK_CHANNEL = 'webhook:page';

/** A person as the webhook shows them: bare handle and emergency contacts. */
export interface WebhookPerson {
  handle: string;
  contacts: Contact[];
}

/** Sent when the ladder pages: nobody acknowledged in time, or a major outage. */
export interface PageWebhookBody {
  event: 'deskops.page';
  /** Stable per escalation ("deskops-oncall-17"); the acknowledge event carries the same one. */
  dedupe_key: string;
  ticket: { id: number; title: string; priority: Priority; severity: Severity | null; url?: string };
  /** Null when the rotation names nobody: the relay's own schedule should take over. */
  oncall: WebhookPerson | null;
  backup: WebhookPerson | null;
  major: boolean;
  /** ISO instant of the escalation. */
  escalated_at: string;
  step: 'paged';
}

/** Sent when someone acknowledges an escalation that was already paged, so the relay can stop too. */
export interface AckWebhookBody {
  event: 'deskops.acknowledge';
  dedupe_key: string;
  ticket: { id: number; title: string };
  acknowledged_by: string | null;
  /** ISO instant. */
  acknowledged_at: string;
}

export type WebhookBody = PageWebhookBody | AckWebhookBody;

/** The incident key the webhook events of one escalation share. */
export const incidentKey = (escalationId: number): string => `deskops-oncall-${escalationId}`;

/** A webhook event to queue: like a chat notification, but the payload is the JSON body itself. */
export interface WebhookNotification {
  /** Unique per effect, like every outbox row. */
  dedupeKey: string;
  channel: `webhook:${string}`;
  body: WebhookBody;
  ticketId?: number;
  /** Checked before sending, as for chat rows: an acknowledged escalation's page is dropped. */
  validWhile?: ValidityCondition;
}

/** Queues a webhook event in the caller's transaction; false when the dedupe key exists already. */
export function enqueueWebhook(ctx: Pick<AppContext, 'store' | 'clock'>, notification: WebhookNotification): boolean {
  const { body, ...row } = notification;
  // A paging relay is the team's own tool: staff. Its events wake someone up or let them sleep: urgent.
  return insertOutboxRow(ctx, { ...row, audience: 'staff', payload: body, urgent: true });
}
