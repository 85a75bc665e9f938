import { eq } from 'drizzle-orm';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { outbox, slaClocks, tickets, comments } from '../../src/store/schema.js';
import { runSlaWatch } from '../../src/jobs/sla-watch.js';
import { runStatusTimers } from '../../src/jobs/status-timers.js';
import type { JobContext } from '../../src/jobs/job.js';
import { createTestDesk, replyText, type TestDesk } from '../doubles/deskops.js';
import { selectFields, selectRow, selectRows } from '../doubles/db.js';

let desk: TestDesk;
let jobs: JobContext;
// Monday 23 Nov 2026 09:00 UTC; the default calendar is Mon–Fri 09:00–17:00 UTC.
beforeEach(() => {
  desk = createTestDesk({ now: '2026-11-23T09:00:00Z' });
  jobs = { ...desk.app, logger: pino({ level: 'silent' }) };
});
afterEach(() => desk.dispose());

const at = (iso: string) => {
  desk.clock.set(new Date(iso));
  return new Date(iso);
};
const keys = () => selectFields(desk.app.store, outbox, { key: outbox.dedupeKey, channel: outbox.channel }).map((r) => `${r.key} -> ${r.channel}`);
const ticket = (id: number) => selectRow(desk.app.store, tickets, eq(tickets.id, id))!;
const sweep = (iso: string) => runSlaWatch(jobs, at(iso));
const timers = (iso: string) => runStatusTimers(jobs, at(iso));

describe('SLA warnings', () => {
  it('warns before yellow, at yellow and at red, each once, in the tier channel', () => {
    desk.run('/ticket new "Login fails"');
    expect(sweep('2026-11-23T10:29:00Z').queued).toBe(0);
    expect(sweep('2026-11-23T10:30:00Z').queued).toBe(1);
    expect(sweep('2026-11-23T10:31:00Z').queued).toBe(0);
    expect(sweep('2026-11-23T11:00:00Z').queued).toBe(1);
    expect(sweep('2026-11-23T17:00:00Z').queued).toBeGreaterThanOrEqual(1);
    const sla = keys().filter((k) => k.startsWith('sla:'));
    expect(sla).toEqual([expect.stringMatching(/^sla:1:\d+:pre-yellow -> tier:triage$/), expect.stringMatching(/^sla:1:\d+:yellow -> tier:triage$/), expect.stringMatching(/^sla:1:\d+:red -> tier:triage$/)]);
    expect(sweep('2026-11-24T12:00:00Z').queued).toBe(0);
  });

  it('after downtime sends only the red warning, once', () => {
    desk.run('/ticket new "Login fails"');
    sweep('2026-11-25T12:00:00Z');
    sweep('2026-11-25T12:01:00Z');
    expect(keys().filter((k) => k.startsWith('sla:'))).toEqual([expect.stringMatching(/:red -> tier:triage$/)]);
  });

  it('pauses while Pending and resumes when the ticket is Open again', () => {
    desk.run('/ticket new "Login fails"');
    at('2026-11-23T10:00:00Z');
    desk.run('/ticket status 1 pending');
    expect(sweep('2026-11-23T16:00:00Z').queued).toBe(0);
    at('2026-11-24T09:00:00Z');
    desk.run('/ticket reply-as-requester 1 Still broken');
    expect(ticket(1).status).toBe('open');
    // 1 h used before the pause; pre-yellow at 1.5 h, so Tuesday 09:30.
    expect(sweep('2026-11-24T09:29:00Z').queued).toBe(0);
    expect(sweep('2026-11-24T09:30:00Z').queued).toBe(1);
  });

  it('starts a new clock on escalation and keeps the old result', () => {
    desk.run('/ticket new "Login fails"');
    at('2026-11-23T12:00:00Z');
    desk.run('/escalate 1 Why?');
    const clocks = selectRows(desk.app.store, slaClocks, eq(slaClocks.ticketId, 1), slaClocks.id);
    expect(clocks.map((c) => [c.tier, c.leftAt !== null, c.band])).toEqual([
      ['triage', true, 'yellow'],
      ['t1', false, 'green'],
    ]);
    expect(clocks[0]!.usedMs).toBe(3 * 3_600_000);
  });

  it('shows band, time used and left with /sla, and the queue worst first', () => {
    desk.run('/ticket new "Older"');
    at('2026-11-23T10:00:00Z');
    desk.run('/ticket new "Newer" priority:low');
    at('2026-11-23T12:00:00Z');
    const text = desk.say('/sla 1');
    expect(text).toContain('Band: 🟡 Yellow');
    expect(text).toMatch(/Used: 3 h of business time in Triage/);
    expect(text).toMatch(/Until red: 5 h, at Mon 23 Nov 17:00 UTC/);
    const queue = desk.run('/sla queue').sections![0]!.lines;
    expect(queue[0]).toMatch(/#1\*/);
    expect(queue[1]).toMatch(/#2\*/);
    expect(desk.run('/sla 99').title).toBe('There is no ticket #99.');
  });

  it('snoozes warnings without stopping the clock', () => {
    desk.run('/ticket new "Login fails"');
    at('2026-11-23T10:00:00Z');
    expect(desk.run('/sla snooze 1 2h').title).toMatch(/snoozed until Mon 23 Nov 12:00/);
    expect(sweep('2026-11-23T11:30:00Z').queued).toBe(0);
    expect(sweep('2026-11-23T12:00:00Z').queued).toBe(1);
    expect(keys().filter((k) => k.startsWith('sla:'))).toEqual([expect.stringMatching(/:yellow -> tier:triage$/)]);
    expect(desk.run('/sla snooze 1 9d').tone).toBe('error');
  });

  it('tightens High priority tickets and lets leads change the policy', () => {
    desk.run('/ticket new "Down" priority:high');
    expect(desk.say('/sla 1')).toMatch(/yellow after 1 h, red after 4 h/);
    expect(desk.run('/sla policy set tier:triage priority:high yellow:30m red:2h', 'alice').tone).toBe('error');
    expect(desk.run('/sla policy set tier:triage priority:high yellow:30m red:2h').tone).toBe('success');
    expect(desk.say('/sla 1')).toMatch(/yellow after 30 min, red after 2 h/);
    expect(desk.run('/sla policy set tier:triage yellow:2h red:1h').title).toMatch(/yellow: must come before red/);
    expect(desk.say('/sla policy')).toMatch(/Override Triage · high/);
  });
});

describe('requester replies', () => {
  it('warns when a requester has waited a business day, unless answered', () => {
    desk.run('/ticket new "One"');
    desk.run('/ticket new "Two"');
    desk.run('/ticket reply 2 Looking into it');
    sweep('2026-11-23T17:00:00Z');
    expect(keys().filter((k) => k.startsWith('reply-due:'))).toEqual([expect.stringMatching(/^reply-due:1:\d+ -> tier:triage$/)]);
    sweep('2026-11-23T17:30:00Z');
    expect(keys().filter((k) => k.startsWith('reply-due:'))).toHaveLength(1);
  });

  it('a message on a closed ticket opens a new linked ticket', () => {
    desk.run('/ticket new "Login fails"');
    desk.run('/ticket status 1 resolved');
    desk.run('/ticket status 1 closed');
    const reply = desk.run('/ticket reply-as-requester 1 It broke again');
    expect(reply.title).toMatch(/#1 is closed, so the message opened #2: Re: Login fails/);
    expect(ticket(2)).toMatchObject({ parentId: 1, tier: 'triage', status: 'open', description: 'It broke again' });
    expect(ticket(1).status).toBe('closed');
  });
});

describe('status timers', () => {
  it('reminds, resolves and closes a silent Pending ticket, once each', () => {
    desk.run('/ticket new "Login fails"');
    desk.run('/ticket status 1 pending');
    expect(timers('2026-11-26T08:59:00Z').processed).toBe(0);
    timers('2026-11-26T09:00:00Z');
    expect(ticket(1).pendingRemindedAt).not.toBeNull();
    expect(keys()).toContain('timer:1:remind:' + new Date('2026-11-23T09:00:00Z').getTime() + ' -> ticket:1');
    timers('2026-11-26T09:15:00Z');
    expect(selectRows(desk.app.store, comments, eq(comments.ticketId, 1)).filter((c) => c.visibility === 'public')).toHaveLength(1);
    timers('2026-11-29T09:00:00Z');
    expect(ticket(1).status).toBe('resolved');
    timers('2026-12-03T09:00:00Z');
    expect(ticket(1).status).toBe('closed');
  });

  it('after a long downtime still reminds first, then resolves three days later', () => {
    desk.run('/ticket new "Login fails"');
    desk.run('/ticket status 1 pending');
    timers('2026-12-20T09:00:00Z');
    expect(ticket(1).status).toBe('pending');
    timers('2026-12-23T09:00:00Z');
    expect(ticket(1).status).toBe('resolved');
  });

  it('reopens Hold with an internal note and tells the tier', () => {
    desk.run('/ticket new "Login fails"');
    desk.run('/ticket status 1 hold 2d');
    timers('2026-11-25T09:00:00Z');
    expect(ticket(1).status).toBe('open');
    expect(replyText(desk.run('/ticket show 1'))).toContain('The hold ended: back to Open.');
    expect(keys().some((k) => k.startsWith('timer:1:reopen-hold:'))).toBe(true);
  });

  it('reopens Waiting on Customer after 10 days', () => {
    desk.run('/ticket new "Login fails"');
    desk.run('/ticket status 1 waiting');
    timers('2026-12-03T09:00:00Z');
    expect(ticket(1).status).toBe('open');
  });
});
