/**
 * Who may write to the support addresses and how they are reached: blocked senders (an address or
 * a whole domain, dropped without a ticket), addresses whose mail bounces (agents are told and
 * see it on the card), and linking an email address to a person deskops knows from chat, so one
 * requester writing from several places is one person.
 */
import { blockingPattern, blockPattern } from '../domain/mail.js';
import { bounceNotice } from '../views/ticket-notices.js';
import { recordAudit } from './audit.js';
import type { AppContext, RequestContext } from './context.js';
import { emailAddressOf } from './conversations.js';
import { invalid } from './errors.js';
import { enqueue } from './outbox.js';
import { findMentioned, requireRole } from './people.js';
import { addComment, findTicket } from './ticket-records.js';

/** Every block pattern, oldest first. */
export function blockedPatterns(ctx: AppContext): string[] {
  return ctx.store.mail.blockedPatterns();
}

/** The pattern that blocks `address`, if one does. */
export function blockedBy(ctx: AppContext, address: string): string | undefined {
  return blockingPattern(address, blockedPatterns(ctx));
}

function patternArgument(raw: string): string {
  const pattern = blockPattern(raw);
  if (!pattern) throw invalid(`"${raw}" is not an email address or @domain.`, 'Examples: /requester block spam@example.com, /requester block @spam.example');
  return pattern;
}

export interface BlockChange {
  pattern: string;
  changed: boolean;
  patterns: string[];
}

/** Blocks mail from an address or a domain (leads; audited). */
export function blockSender(ctx: RequestContext, raw: string): BlockChange {
  return ctx.store.transaction(() => {
    requireRole(ctx, 'lead', 'block senders');
    const pattern = patternArgument(raw);
    const changed = ctx.store.mail.insertBlock({ pattern, createdBy: ctx.actor.kind === 'person' ? ctx.actor.personId : null, createdAt: ctx.clock.now() });
    if (changed) recordAudit(ctx, { entity: 'setting', entityId: 'blocked-senders', action: 'sender.blocked', after: { pattern } });
    return { pattern, changed, patterns: blockedPatterns(ctx) };
  });
}

/** Lifts a block (leads; audited). */
export function unblockSender(ctx: RequestContext, raw: string): BlockChange {
  return ctx.store.transaction(() => {
    requireRole(ctx, 'lead', 'unblock senders');
    const pattern = patternArgument(raw);
    const changed = ctx.store.mail.deleteBlock(pattern);
    if (changed) recordAudit(ctx, { entity: 'setting', entityId: 'blocked-senders', action: 'sender.unblocked', before: { pattern } });
    return { pattern, changed, patterns: blockedPatterns(ctx) };
  });
}

export interface LinkChange {
  address: string;
  handle: string;
  personId: number;
  /** The requester the address belonged to before, whose tickets now belong to this person. */
  mergedFrom: number | null;
  movedTickets: number;
  changed: boolean;
}

/**
 * Puts an email identity on a person deskops knows (leads; audited): mail from the address is
 * theirs from now on. An address that was a requester of its own moves over with its tickets; one
 * that belongs to a staff member is refused.
 */
export function linkEmail(ctx: RequestContext, mention: string, rawAddress: string): LinkChange {
  return ctx.store.transaction(() => {
    requireRole(ctx, 'lead', 'link requesters');
    const address = emailAddressOf(rawAddress);
    if (!address) throw invalid(`"${rawAddress}" is not an email address.`, 'Example: /requester link @jane jane@example.com');
    const person = findMentioned(ctx, mention);
    const existing = ctx.store.mail.personOfAddress(address);
    const base = { address, handle: person.handle, personId: person.id, mergedFrom: null, movedTickets: 0 };
    if (existing === person.id) return { ...base, changed: false };
    if (existing !== undefined) {
      if (ctx.store.mail.personIsStaff(existing)) throw invalid(`${address} belongs to a member of the support team.`, 'Link a requester\'s own address instead.');
      ctx.store.mail.moveEmailIdentity(address, person.id);
      const moved = ctx.store.mail.moveRequestedTickets(existing, person.id);
      recordAudit(ctx, { entity: 'person', entityId: person.id, action: 'person.linked', before: { address, personId: existing }, after: { address, personId: person.id, movedTickets: moved } });
      return { ...base, mergedFrom: existing, movedTickets: moved, changed: true };
    }
    ctx.store.mail.insertEmailIdentity(address, person.id);
    recordAudit(ctx, { entity: 'person', entityId: person.id, action: 'person.linked', after: { address, personId: person.id } });
    return { ...base, changed: true };
  });
}

/** Whether mail to `address` bounces, and why. */
export function bouncing(ctx: AppContext, address: string): { reason: string; bounces: number; lastAt: Date } | undefined {
  return ctx.store.mail.bouncing(address.toLowerCase());
}

/** The ticket a bounce is about: the one the bounced mail belonged to, else the latest mailed to that address. */
export function ticketOfBounce(ctx: AppContext, address: string, originalIds: readonly string[]): number | undefined {
  for (const id of originalIds) {
    const ticketId = ctx.store.mail.ticketOfMessage(id);
    if (ticketId !== undefined) return ticketId;
  }
  return ctx.store.mail.latestTicketMailedTo(address);
}

/**
 * Records that mail to `address` bounced (a delivery status notification came back) and tells
 * the ticket's agent (their direct messages, else the ticket's tier channel) with an internal note
 * on the ticket, in one transaction. `reportId` (the report's Message-ID) makes it count once.
 */
export function recordBounce(ctx: RequestContext, bounce: { address: string; reason: string; ticketId: number | undefined; reportId: string }): void {
  ctx.store.transaction(() => {
    const address = bounce.address.toLowerCase();
    const now = ctx.clock.now();
    const reason = bounce.reason.slice(0, 300);
    const previous = bouncing(ctx, address);
    ctx.store.mail.saveBounce(address, reason, (previous?.bounces ?? 0) + 1, now);
    const ticket = bounce.ticketId === undefined ? undefined : findTicket(ctx, bounce.ticketId);
    if (!ticket) return;
    const text = `Mail to ${address} bounced: ${reason}. The requester may not have received our replies on #${ticket.id}: check the address, or reach them another way.`;
    addComment(ctx, ticket.id, 'internal', text);
    enqueue(ctx, {
      dedupeKey: `mail-bounce:${ticket.id}:${bounce.reportId}`,
      channel: ticket.assigneeId !== null ? `person:${ticket.assigneeId}` : `tier:${ticket.tier}`,
      audience: 'staff',
      reply: bounceNotice(ticket.id, text),
      ticketId: ticket.id,
    });
  });
}
