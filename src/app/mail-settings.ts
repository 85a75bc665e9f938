/**
 * The team's support addresses (the handbook's cloud@, gdpr@ …): the address a mail was sent to
 * decides the department and tags of the ticket it opens, and the department's address is the
 * From of deskops' answers. Also whether a new mail ticket gets a receipt. Both are team settings
 * edited by leads (audited as setting changes).
 */
import { z } from 'zod';
import { DEPARTMENTS, type Department } from '../domain/vocabulary.js';
import { blockPattern } from '../domain/mail.js';
import type { AppContext, RequestContext } from './context.js';
import { invalid } from './errors.js';
import { requireRole } from './people.js';
import { resolveTagRefs, type TagRef } from './tags.js';
import { readSetting, writeSetting } from './team-settings.js';

export const MAIL_ADDRESSES_SETTING = 'mail-addresses';
export const MAIL_RECEIPTS_SETTING = 'mail-receipts';

/** One support address and what mail to it means. */
export interface SupportAddress {
  address: string;
  department?: Department;
  tags: TagRef[];
}

const supportAddressSchema = z.array(
  z.object({
    address: z.string(),
    department: z.enum(DEPARTMENTS).optional(),
    tags: z.array(z.object({ family: z.string(), value: z.string() })).default([]),
  }),
);

/** Every mapped support address, in the order they were added. */
export function supportAddresses(ctx: AppContext): readonly SupportAddress[] {
  return readSetting(ctx, MAIL_ADDRESSES_SETTING, supportAddressSchema, []);
}

/** The mapping for the first of `recipients` that is a support address, if any. */
export function supportAddressAmong(ctx: AppContext, recipients: readonly string[]): SupportAddress | undefined {
  const mapped = supportAddresses(ctx);
  for (const recipient of recipients) {
    const found = mapped.find((entry) => entry.address === recipient.toLowerCase());
    if (found) return found;
  }
  return undefined;
}

/** The support address a department's mail comes from (the first mapped to it), if any. */
export function addressOfDepartment(ctx: AppContext, department: Department): string | undefined {
  return supportAddresses(ctx).find((entry) => entry.department === department)?.address;
}

/** A support address as typed, lower-cased; INVALID with an example otherwise. */
function addressArgument(raw: string): string {
  const address = blockPattern(raw);
  if (!address || address.startsWith('@')) throw invalid(`"${raw}" is not an email address.`, 'Example: /mail address add cloud@example.com dept:paid area:"Cloud Service"');
  return address;
}

export interface AddressChange {
  address: string;
  before: SupportAddress | undefined;
  after: SupportAddress | undefined;
  addresses: readonly SupportAddress[];
}

/** Maps a support address to a department and tags (replacing its mapping if it had one). Leads. */
export function setSupportAddress(ctx: RequestContext, raw: string, mapping: { department?: Department; tags: readonly TagRef[] }): AddressChange {
  return ctx.store.transaction(() => {
    requireRole(ctx, 'lead', 'change the support addresses');
    const address = addressArgument(raw);
    // Unknown or retired tags are refused now, not when the first mail arrives.
    const tags = resolveTagRefs(ctx, mapping.tags).map((tag) => ({ family: tag.family, value: tag.name }));
    const current = supportAddresses(ctx);
    const before = current.find((entry) => entry.address === address);
    const after: SupportAddress = { address, ...(mapping.department ? { department: mapping.department } : {}), tags };
    const next = before ? current.map((entry) => (entry.address === address ? after : entry)) : [...current, after];
    writeSetting(ctx, MAIL_ADDRESSES_SETTING, next);
    return { address, before, after, addresses: next };
  });
}

/** Removes a support address from the mapping. Leads. */
export function removeSupportAddress(ctx: RequestContext, raw: string): AddressChange {
  return ctx.store.transaction(() => {
    requireRole(ctx, 'lead', 'change the support addresses');
    const address = addressArgument(raw);
    const current = supportAddresses(ctx);
    const before = current.find((entry) => entry.address === address);
    if (!before) {
      const known = current.map((entry) => entry.address);
      throw invalid(`${address} is not a support address.`, known.length > 0 ? `The support addresses: ${known.join(', ')}.` : 'There are none yet: /mail address add <address> dept:<department>.');
    }
    const next = current.filter((entry) => entry.address !== address);
    writeSetting(ctx, MAIL_ADDRESSES_SETTING, next);
    return { address, before, after: undefined, addresses: next };
  });
}

/** Whether a mail that opens a ticket is answered with a receipt (off unless a lead turns it on). */
export function receiptsOn(ctx: AppContext): boolean {
  return readSetting(ctx, MAIL_RECEIPTS_SETTING, z.boolean(), false);
}

/** Turns receipts on or off. Leads. */
export function setReceipts(ctx: RequestContext, on: boolean): { on: boolean; changed: boolean } {
  return ctx.store.transaction(() => {
    requireRole(ctx, 'lead', 'turn mail receipts on or off');
    const changed = receiptsOn(ctx) !== on;
    if (changed) writeSetting(ctx, MAIL_RECEIPTS_SETTING, on);
    return { on, changed };
  });
}
