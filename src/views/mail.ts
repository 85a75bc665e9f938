/** Replies about email settings and senders: /mail address, /mail addresses, /mail receipts, /requester block|unblock|blocked|link. */
import type { BlockChange, LinkChange } from '../app/mail-senders.js';
import type { AddressChange, SupportAddress } from '../app/mail-settings.js';
import { formatTag } from '../app/tags.js';
import { DEPARTMENT_LABELS } from '../domain/vocabulary.js';
import { info, success, type Reply } from './reply.js';

/** "cloud@example.com → Paid Support, area:"Cloud Service"". */
export function describeSupportAddress(entry: SupportAddress): string {
  const parts = [entry.department ? DEPARTMENT_LABELS[entry.department] : 'default department', ...entry.tags.map((tag) => formatTag({ family: tag.family, name: tag.value }))];
  return `${entry.address} → ${parts.join(', ')}`;
}

/** The reply to `/mail addresses`. */
export function supportAddressesReply(addresses: readonly SupportAddress[], from: string | undefined, receipts: boolean): Reply {
  const footer = `${from ? `Mail without a mapped address goes to the default department; replies come from ${from} unless the department has an address here. ` : ''}Receipts for new mail tickets: ${receipts ? 'on' : 'off'} (/mail receipts on|off).`;
  if (addresses.length === 0) return info('No support addresses mapped yet', { text: 'A lead maps one with /mail address add cloud@example.com dept:paid area:"Cloud Service".', footer });
  return info(`${addresses.length} support address${addresses.length === 1 ? '' : 'es'}`, { sections: [{ lines: addresses.map((entry) => `• ${describeSupportAddress(entry)}`) }], footer });
}

/** The reply to `/mail address add|remove`. */
export function supportAddressChangeReply(change: AddressChange): Reply {
  if (!change.after) return success(`${change.address} is no longer a support address`, { text: 'Mail to it is refused by the SMTP listener from now on (the IMAP mailbox still takes it, in the default department).' });
  return success(`${change.before ? 'Changed' : 'Added'}: ${describeSupportAddress(change.after)}`, {
    text: 'New mail to this address opens tickets with these fields; answers to them come from this address.',
  });
}

/** The reply to `/mail receipts on|off`. */
export function receiptsReply(result: { on: boolean; changed: boolean }): Reply {
  const state = result.on ? 'on: each new mail ticket gets a short receipt (never for robots, lists or bounces)' : 'off: new mail tickets get no receipt';
  return result.changed ? success(`Receipts are ${state}`) : info(`Receipts were ${state} already`);
}

/** The reply to `/requester block|unblock`. */
export function blockReply(change: BlockChange, verb: 'block' | 'unblock'): Reply {
  const what = change.pattern.startsWith('@') ? `Mail from ${change.pattern}` : `Mail from ${change.pattern}`;
  if (!change.changed) return info(verb === 'block' ? `${change.pattern} is blocked already.` : `${change.pattern} was not blocked.`);
  return success(verb === 'block' ? `${what} is dropped from now on` : `${what} is taken in again`, {
    text: verb === 'block' ? 'No ticket and no answer; nothing is sent back. /requester unblock lifts it.' : `Blocked now: ${change.patterns.join(', ') || 'nobody'}.`,
  });
}

/** The reply to `/requester blocked`. */
export function blockedListReply(patterns: readonly string[]): Reply {
  if (patterns.length === 0) return info('Nobody is blocked', { text: 'A lead blocks a sender with /requester block spam@example.com, or a whole domain with /requester block @example.com.' });
  return info(`${patterns.length} blocked sender${patterns.length === 1 ? '' : 's'}`, { sections: [{ lines: patterns.map((p) => `• ${p}`) }] });
}

/** The reply to `/requester link`. */
export function linkReply(change: LinkChange): Reply {
  if (!change.changed) return info(`${change.address} is @${change.handle}'s already.`);
  const moved = change.mergedFrom !== null ? ` The address was a requester of its own: its ${change.movedTickets} ticket${change.movedTickets === 1 ? '' : 's'} now belong${change.movedTickets === 1 ? 's' : ''} to @${change.handle}.` : '';
  return success(`${change.address} is now @${change.handle}'s`, { text: `Mail from ${change.address} counts as @${change.handle} writing, and answers their tickets.${moved}` });
}
