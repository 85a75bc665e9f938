/** Emergency contacts: how to reach someone when a page goes unanswered (the ladder's call step). */
import { recordAudit } from './audit.js';
import type { AppContext, RequestContext } from './context.js';
import { invalid } from './errors.js';

export const CONTACT_KINDS = ['phone', 'email', 'sms', 'pager', 'other'] as const;
export type ContactKind = (typeof CONTACT_KINDS)[number];

/** How each kind of contact must look; loose on purpose (people type numbers in many styles). */
function checkContact(kind: ContactKind, value: string): string | null {
  if (value.length > 200) return 'is longer than 200 characters';
  if (kind === 'phone' || kind === 'sms') {
    const digits = value.replace(/\D/g, '').length;
    return /^\+?[0-9 ().\-/]+$/.test(value) && digits >= 6 && digits <= 15 ? null : 'is not a phone number: use digits, spaces and an optional leading +, like +49 30 1234567';
  }
  if (kind === 'email') return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value) ? null : 'is not an email address, like alice@example.com';
  return null;
}

/** One emergency contact. */
export interface Contact {
  kind: ContactKind;
  value: string;
}

/** Sets (or replaces) one of the acting person's emergency contacts. */
export function setContact(ctx: RequestContext, kind: ContactKind, rawValue: string): { contact: Contact; changed: boolean } {
  return ctx.store.transaction(() => {
    if (ctx.actor.kind !== 'person') throw invalid('Only people have contacts.');
    const personId = ctx.actor.personId;
    const value = rawValue.trim();
    if (!value) throw invalid(`Add the ${kind} after the kind.`, `Example: /oncall contacts set ${kind} ${kind === 'email' ? 'alice@example.com' : '+49 30 1234567'}`);
    const problem = checkContact(kind, value);
    if (problem) throw invalid(`"${value}" ${problem}.`);
    const before = ctx.store.oncall.contactValue(personId, kind);
    if (before === value) return { contact: { kind, value }, changed: false };
    ctx.store.oncall.upsertContact({ personId, kind, value });
    recordAudit(ctx, { entity: 'person', entityId: personId, action: 'contact.set', before: before !== undefined ? { [kind]: before } : null, after: { [kind]: value } });
    return { contact: { kind, value }, changed: true };
  });
}

/** Removes one of the acting person's contacts; false when there was none of that kind. */
export function removeContact(ctx: RequestContext, kind: ContactKind): boolean {
  return ctx.store.transaction(() => {
    if (ctx.actor.kind !== 'person') return false;
    const before = ctx.store.oncall.contactValue(ctx.actor.personId, kind);
    if (before === undefined) return false;
    ctx.store.oncall.deleteContact(ctx.actor.personId, kind);
    recordAudit(ctx, { entity: 'person', entityId: ctx.actor.personId, action: 'contact.removed', before: { [kind]: before } });
    return true;
  });
}

/** A person's emergency contacts in a fixed order (phone first). */
export function contactsOf(ctx: AppContext, personId: number): Contact[] {
  const rows = ctx.store.oncall.contactsOf(personId);
  const order = (kind: string) => {
    const index = (CONTACT_KINDS as readonly string[]).indexOf(kind);
    return index < 0 ? CONTACT_KINDS.length : index;
  };
  return rows.sort((a, b) => order(a.kind) - order(b.kind)).map((r) => ({ kind: r.kind as ContactKind, value: r.value }));
}
