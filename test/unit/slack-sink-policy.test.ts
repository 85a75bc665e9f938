/** The Slack sink's offline decisions: broadcasts, the common ticket, and the hints leads read. */
import { describe, expect, it } from 'vitest';
import { channelSetCommand, commonTicket, inviteHint, mustBroadcast, unmappedHint } from '../../src/adapters/slack/sink-policy.js';

const key = (dedupeKey: string) => ({ dedupeKey });

describe('mustBroadcast', () => {
  it('broadcasts red SLA warnings and pages only', () => {
    expect(mustBroadcast([key('sla:4:2:yellow'), key('sla:4:2:red')])).toBe(true);
    expect(mustBroadcast([key('oncall:9:page')])).toBe(true);
    expect(mustBroadcast([key('oncall:9:page:webhook'), key('sla:4:2:yellow'), key('oncall:9:announce')])).toBe(false);
  });
});

describe('commonTicket', () => {
  it('is the ticket all rows share, else undefined', () => {
    expect(commonTicket([{ ticketId: 4 }, { ticketId: 4 }])).toBe(4);
    expect(commonTicket([{ ticketId: 4 }, { ticketId: 5 }])).toBeUndefined();
    expect(commonTicket([{ ticketId: null }])).toBeUndefined();
  });
});

describe('hints', () => {
  it('say exactly what to type', () => {
    expect(channelSetCommand('tier:t2')).toBe('/channel set t2 #support-t2');
    expect(channelSetCommand('role:helpdesk')).toBe('/channel set helpdesk #helpdesk');
    expect(unmappedHint('tier:t2', '/desk')).toBe('No Slack channel is set for tier:t2. A lead types: /channel set t2 #support-t2 (or /desk channel set t2 #support-t2).');
    expect(inviteHint('#support-t2')).toContain('In #support-t2, type: /invite @deskops');
  });
});
