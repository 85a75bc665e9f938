/**
 * The Slack sink's decisions that need no network: which outbox rows carry internal notes, which
 * must be broadcast from a ticket thread, and the exact instructions a failure gives a lead.
 */
import type { OutboxRow } from '../../delivery/sink.js';

/**
 * Notifications whose body quotes an internal note (agents only), by dedupe-key prefix:
 * escalation questions, de-escalation and hand-off reasons, the on-call announcement's questions.
 */
const INTERNAL_NOTE_KEYS = [/^escalated:/, /^deescalated:/, /^handoff:/, /^oncall:\d+:announce$/];

/**
 * Notifications known to quote no internal note. Anything matching neither list counts as
 * internal: a new kind of notification must be classified here before it may reach a channel
 * the requester can read (fail closed, visibly, rather than leak).
 */
const NOTE_FREE_KEYS = [
  /^sla:/,
  /^reply-due:/,
  /^ticket-new:/,
  /^assigned:/,
  /^timer:/,
  /^digest:/,
  /^pattern:/,
  /^ki-status-page:/,
  /^oncall:\d+:(page|call|ack)$/,
  // Issue 13: the requester's "continues in #n" after a merge; followers' DMs quote public activity only.
  /^merged:/,
  /^follow:/,
  /^dup-answers:/,
  /^routed:/,
  /^t1-stuck:/,
];

/** True when the row may quote an internal note (see INTERNAL_NOTE_KEYS / NOTE_FREE_KEYS). */
export function carriesInternalNotes(row: Pick<OutboxRow, 'dedupeKey'>): boolean {
  if (INTERNAL_NOTE_KEYS.some((key) => key.test(row.dedupeKey))) return true;
  return !NOTE_FREE_KEYS.some((key) => key.test(row.dedupeKey));
}

/** A red SLA warning or an on-call page: posted in the ticket's thread and broadcast to the channel. */
export function mustBroadcast(rows: readonly Pick<OutboxRow, 'dedupeKey'>[]): boolean {
  return rows.some((row) => /^sla:.*:red$/.test(row.dedupeKey) || /^oncall:\d+:page$/.test(row.dedupeKey));
}

/** The one ticket every row is about, or undefined when they differ or have none. */
export function commonTicket(rows: readonly Pick<OutboxRow, 'ticketId'>[]): number | undefined {
  const ids = new Set(rows.map((row) => row.ticketId));
  const [only] = ids;
  return ids.size === 1 && only !== null && only !== undefined ? only : undefined;
}

/** "t2" for tier:t2, "helpdesk" for role:helpdesk: what a lead types after /channel set. */
function shortName(logical: string): string {
  return logical.split(':')[1] ?? logical;
}

/** An example channel name for the hint: #support-t2 for tiers, #helpdesk for the rest. */
function exampleChannel(logical: string): string {
  return logical.startsWith('tier:') ? `#support-${shortName(logical)}` : `#${shortName(logical)}`;
}

/** The command that maps `logical` to a channel, exactly as a lead types it. */
export function channelSetCommand(logical: string, channel = exampleChannel(logical)): string {
  return `/channel set ${shortName(logical)} ${channel}`;
}

/** Why an unmapped logical channel cannot be delivered, and what a lead types to fix it. */
export function unmappedHint(logical: string, prefixCommand: string): string {
  const command = channelSetCommand(logical);
  return `No Slack channel is set for ${logical}. A lead types: ${command} (or ${prefixCommand} ${command.slice(1)}).`;
}

/** The instruction for a private channel deskops is not in. */
export function inviteHint(label: string): string {
  return `deskops is not a member of ${label} and cannot join it by itself (it is private). In ${label}, type: /invite @deskops`;
}
