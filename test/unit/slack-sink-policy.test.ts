/** The Slack sink's offline decisions: internal notes, broadcasts, the common ticket, and the hints leads read. */
import { describe, expect, it } from 'vitest';
import { carriesInternalNotes, channelSetCommand, commonTicket, inviteHint, mustBroadcast, unmappedHint } from '../../src/adapters/slack/sink-policy.js';

const key = (dedupeKey: string) => ({ dedupeKey });

describe('carriesInternalNotes', () => {
  it.each(['escalated:4:t2:1700', 'deescalated:4:t1:1700', 'handoff:4:engagement:1700', 'oncall:9:announce'])('flags %s', (k) => {
    expect(carriesInternalNotes(key(k))).toBe(true);
  });

  it.each(['sla:4:2:red', 'reply-due:4:1700', 'ticket-new:4', 'assigned:4:2:1700', 'timer:4:remind:1700', 'digest:2026-W10', 'pattern:a:b:1', 'ki-status-page:3', 'oncall:9:page', 'oncall:9:call', 'oncall:9:ack'])(
    'lets %s through',
    (k) => {
      expect(carriesInternalNotes(key(k))).toBe(false);
    },
  );

  it('fails closed for a kind of notification it does not know', () => {
    expect(carriesInternalNotes(key('something-new:4'))).toBe(true);
  });
});

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
