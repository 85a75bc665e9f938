/** Routing: tier rotations, round-robin with a cap, leave, de-escalation back to the escalator, the T1 20-minute hint. */
import { eq } from 'drizzle-orm';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runRouting } from '../../src/jobs/routing.js';
import { runT1EscalationHint } from '../../src/jobs/t1-escalation-hint.js';
import { pickAssignee } from '../../src/domain/routing.js';
import { outbox, tickets } from '../../src/store/schema.js';
import { auditActions } from '../doubles/audit.js';
import { createTestDesk, replyText, type TestDesk } from '../doubles/deskops.js';
import { selectRow, selectRows } from '../doubles/db.js';

let desk: TestDesk;
const jobCtx = () => ({ ...desk.app, logger: pino({ level: 'silent' }) });
const route = () => runRouting(jobCtx(), desk.clock.now());
const assignee = (id: number) => selectRow(desk.app.store, tickets, eq(tickets.id, id))!.assigneeId;
const ok = (text: string, user?: string) => {
  const reply = desk.run(text, user);
  expect(reply.tone, `${text}\n${replyText(reply).slice(0, 400)}`).not.toBe('error');
  return reply;
};

beforeEach(() => {
  // Monday 2026-11-23 10:00 UTC, inside the default working hours.
  desk = createTestDesk();
  for (const user of ['alice', 'bob', 'carol', 'dave']) desk.run('/whoami', user);
});
afterEach(() => desk.dispose());

describe('routing', () => {
  it('gives new triage tickets to the person on duty in the tier rotation, once per tier entry', () => {
    ok('/rotation set triage @alice @bob');
    ok('/ticket new "One"');
    route();
    expect(assignee(1)).toBe(1);
    ok('/ticket unassign 1');
    route();
    expect(assignee(1)).toBeNull();
    const dm = selectRows(desk.app.store, outbox).find((r) => r.dedupeKey.startsWith('routed:1:'));
    expect(dm?.channel).toBe('person:1');
    expect(auditActions(desk.app, 'ticket', 1)).toContain('ticket.routed');
    expect(desk.say('/rotation show')).toContain('on duty @alice');
  });

  it('round-robins among the tier agents working now, fewest active first, under the cap, skipping people away', () => {
    for (const user of ['alice', 'bob', 'carol']) ok(`/people tier @${user} t1`);
    ok('/rotation auto t1 on');
    ok('/rotation cap 2');
    ok('/rotation away @carol until:2026-12-01');
    for (let i = 1; i <= 5; i++) {
      ok(`/ticket new "T${i}"`);
      ok(`/escalate ${i} to:t1 --force Needs a documented answer`);
    }
    route();
    const got = [1, 2, 3, 4, 5].map(assignee);
    expect(got.filter((a) => a === 1)).toHaveLength(2);
    expect(got.filter((a) => a === 2)).toHaveLength(2);
    expect(got).not.toContain(3);
    expect(got.filter((a) => a === null)).toHaveLength(1);
    // Out of hours nobody gets round-robin work.
    desk.clock.set(new Date('2026-11-28T10:00:00Z'));
    ok('/rotation cap 10');
    ok('/ticket new "Saturday"');
    ok('/escalate 6 to:t1 --force Weekend question');
    route();
    expect(assignee(6)).toBeNull();
  });

  it('sends a de-escalated ticket back to the engineer who escalated it', () => {
    ok('/ticket new "Deep one"');
    ok('/escalate 1 to:t2 --force Why?', 'bob');
    ok('/escalate 1 to:t3 --force Why really?', 'carol');
    ok('/deescalate 1 to:t2 Documented in the admin guide', 'dave');
    route();
    expect(assignee(1)).toBe(3);
  });

  it('refuses rotation changes to agents', () => {
    expect(desk.run('/rotation set t3 @alice', 'alice').title).toMatch(/Only leads/);
    expect(desk.run('/rotation away @bob until:2026-12-01', 'alice').title).toMatch(/Only leads/);
    ok('/rotation away me until:2026-12-01', 'alice');
    expect(desk.run('/rotation set oncall @alice').tone).toBe('error');
  });

  it('lists mine as the day\'s work: Open first, longest waiting first', () => {
    ok('/ticket new "Old"');
    desk.clock.set(new Date('2026-11-23T11:00:00Z'));
    ok('/ticket new "New"');
    ok('/ticket new "Waiting"');
    for (const id of [1, 2, 3]) ok(`/ticket assign ${id} @alice`);
    ok('/ticket status 3 pending');
    const lines = desk.run('/ticket list mine', 'alice').sections![0]!.lines;
    expect(lines.map((l) => /#(\d+)/.exec(l)![1])).toEqual(['1', '2', '3']);
  });
});

describe('T1 escalation hint', () => {
  it('suggests escalating after 20 business minutes assigned without a public reply, once', () => {
    ok('/ticket new "Simple"');
    ok('/escalate 1 to:t1 --force Documented?');
    ok('/ticket assign 1 @alice');
    desk.clock.set(new Date('2026-11-23T10:15:00Z'));
    expect(runT1EscalationHint(jobCtx(), desk.clock.now()).queued).toBe(0);
    desk.clock.set(new Date('2026-11-23T10:25:00Z'));
    expect(runT1EscalationHint(jobCtx(), desk.clock.now()).queued).toBe(1);
    expect(runT1EscalationHint(jobCtx(), desk.clock.now()).queued).toBe(0);
    const row = selectRows(desk.app.store, outbox).find((r) => r.dedupeKey.startsWith('t1-stuck:'))!;
    expect(row.channel).toBe('person:1');
    ok('/ticket new "Answered"');
    ok('/escalate 2 to:t1 --force Documented?');
    ok('/ticket assign 2 @bob');
    ok('/ticket reply 2 Here is the doc.', 'bob');
    desk.clock.set(new Date('2026-11-23T12:00:00Z'));
    expect(runT1EscalationHint(jobCtx(), desk.clock.now()).queued).toBe(0);
  });
});

describe('pickAssignee', () => {
  it('prefers the escalator, then the person on duty, then the least loaded agent', () => {
    const candidates = [
      { personId: 1, active: 2, lastRoutedAt: 5, away: false },
      { personId: 2, active: 1, lastRoutedAt: 9, away: false },
      { personId: 3, active: 1, lastRoutedAt: 3, away: false },
    ];
    expect(pickAssignee({ original: { personId: 9, away: false }, onDuty: null, candidates, working: true, cap: 5 })).toEqual({ personId: 9, reason: 'original' });
    expect(pickAssignee({ original: { personId: 9, away: true }, onDuty: { personId: 7, away: false, active: 0 }, candidates, working: false, cap: 5 })).toEqual({ personId: 7, reason: 'on-duty' });
    expect(pickAssignee({ original: null, onDuty: { personId: 7, away: false, active: 5 }, candidates, working: true, cap: 5 })).toEqual({ personId: 3, reason: 'round-robin' });
    expect(pickAssignee({ original: null, onDuty: null, candidates, working: true, cap: 1 })).toBeNull();
  });
});
