/**
 * /mail address add|remove, /mail addresses, /mail receipts, /requester block|unblock|blocked|link:
 * leads only, audited, refusing what is not an address, and what each changes for the next mail.
 */
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { personForRequester } from '../../src/app/people.js';
import { auditEvents, identities, tickets } from '../../src/store/schema.js';
import { createTestDesk, type TestDesk } from '../doubles/deskops.js';
import { selectFields, selectRow, selectRows, updateRows } from '../doubles/db.js';

let desk: TestDesk | undefined;
afterEach(() => desk?.dispose());

function audited(d: TestDesk, action: string) {
  return selectRows(d.app.store, auditEvents, eq(auditEvents.action, action));
}

describe('/mail', () => {
  it('maps a support address to a department and tags, lists it, replaces and removes it, audited', () => {
    desk = createTestDesk();
    expect(desk.say('/mail addresses')).toContain('No support addresses mapped yet');
    expect(desk.say('/mail address add Cloud@Example.com dept:paid area:"Cloud Service"')).toContain('Added: cloud@example.com → Paid Support, area:"Cloud Service"');
    expect(desk.say('/mail address add gdpr@example.com dept:community area:Privacy')).toContain('Added');
    expect(desk.say('/mail addresses')).toMatch(/2 support addresses[\s\S]*cloud@example\.com → Paid Support, area:"Cloud Service"[\s\S]*gdpr@example\.com → Community/);
    expect(desk.say('/mail address add cloud@example.com dept:trials')).toContain('Changed: cloud@example.com → Trials');
    expect(desk.say('/mail address remove gdpr@example.com')).toContain('gdpr@example.com is no longer a support address');
    expect(desk.say('/mail address remove gdpr@example.com')).toContain('is not a support address');
    expect(audited(desk, 'setting.changed').filter((e) => e.entityId === 'mail-addresses')).toHaveLength(4);
  });

  it('refuses what is not an address, an unknown tag, and agents', () => {
    desk = createTestDesk();
    expect(desk.say('/mail address add not-an-address dept:paid')).toContain('is not an email address');
    expect(desk.say('/mail address add a@example.com area:"No Such Area"')).toMatch(/not a tag|unknown|no tag/i);
    desk.run('/people add @alice agent');
    expect(desk.say('/mail address add a@example.com', 'alice')).toContain('Only leads and admins');
    expect(desk.say('/mail receipts on', 'alice')).toContain('Only leads and admins');
  });

  it('turns receipts on and off', () => {
    desk = createTestDesk();
    expect(desk.say('/mail receipts on')).toContain('Receipts are on');
    expect(desk.say('/mail receipts on')).toContain('already');
    expect(desk.say('/mail addresses')).toContain('Receipts for new mail tickets: on');
    expect(desk.say('/mail receipts off')).toContain('Receipts are off');
    expect(desk.say('/mail receipts maybe')).toMatch(/is not/);
  });
});

describe('/requester', () => {
  it('blocks and unblocks an address and a domain, audited, and lists them', () => {
    desk = createTestDesk();
    expect(desk.say('/requester block Spam@Example.com')).toContain('Mail from spam@example.com is dropped from now on');
    expect(desk.say('/requester block @bad.example')).toContain('Mail from @bad.example is dropped');
    expect(desk.say('/requester block spam@example.com')).toContain('blocked already');
    expect(desk.say('/requester blocked')).toMatch(/2 blocked senders[\s\S]*spam@example\.com[\s\S]*@bad\.example/);
    expect(desk.say('/requester unblock spam@example.com')).toContain('is taken in again');
    expect(desk.say('/requester block nonsense')).toContain('is not an email address or @domain');
    expect(audited(desk, 'sender.blocked')).toHaveLength(2);
    expect(audited(desk, 'sender.unblocked')).toHaveLength(1);
    desk.run('/people add @alice agent');
    expect(desk.say('/requester block x@example.com', 'alice')).toContain('Only leads and admins');
  });

  it('links an email address to a person, moving a mail requester and its tickets over', () => {
    desk = createTestDesk();
    desk.run('/ticket new "Printer on fire" requester:jane@example.com');
    // The mail requester as the email adapter would have made them.
    const mailPerson = desk.app.store.transaction(() => personForRequester(desk!.app, 'email', { externalId: 'jane@example.com', handle: 'jane@example.com' }));
    updateRows(desk.app.store, tickets, { requesterPersonId: mailPerson }, eq(tickets.id, 1));
    desk.run('/whoami', 'jane');
    expect(desk.say('/requester link @jane jane@example.com')).toContain("jane@example.com is now @jane's");
    const identity = selectRow(desk.app.store, identities, eq(identities.externalId, 'jane@example.com'))!;
    const jane = selectRow(desk.app.store, identities, eq(identities.externalId, 'jane'))!;
    expect(identity.personId).toBe(jane.personId);
    expect(selectFields(desk.app.store, tickets, { p: tickets.requesterPersonId }, eq(tickets.id, 1))[0]!.p).toBe(jane.personId);
    expect(desk.say('/requester link @jane jane@example.com')).toContain("already");
    expect(desk.say('/requester link @nobody jane@example.com')).toContain('Nobody called @nobody');
    expect(audited(desk, 'person.linked')).toHaveLength(1);
  });
});
