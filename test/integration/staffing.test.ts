/**
 * The staffing rule of docs/workflow.md, automated: once Tuesday has ended, if T4 missed the green SLA this week
 * while on-call escalations ran, the leads' channel is told to ask leadership for an extra
 * engineer, once per week.
 */
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { staffingCheckDay, staffingVerdict } from '../../src/domain/staffing.js';
import { runStaffingWatch, staffingFigures } from '../../src/jobs/staffing-watch.js';
import type { JobContext } from '../../src/jobs/job.js';
import { outbox } from '../../src/store/schema.js';
import { createTestDesk, type TestDesk } from '../doubles/deskops.js';
import { selectRows } from '../doubles/db.js';

let desk: TestDesk;
const opened: TestDesk[] = [];
afterEach(() => opened.splice(0).forEach((d) => d.dispose()));
/** A Berlin team's desk, disposed after the test. */
const berlinDesk = () => {
  desk = createTestDesk({ env: { DESKOPS_TIMEZONE: 'Europe/Berlin' } });
  opened.push(desk);
};

const jobs = (): JobContext => ({ ...desk.app, logger: pino({ level: 'silent' }) });
const tickAt = (iso: string) => {
  const now = new Date(iso);
  desk.clock.set(now);
  return runStaffingWatch(jobs(), now);
};
const staffingRows = () => selectRows(desk.app.store, outbox).filter((row) => row.dedupeKey.startsWith('staffing:'));

/** A T4 ticket escalated on Thursday of the week before Monday 2026-11-23 (Europe/Berlin team). */
function t4TicketFromLastWeek(): void {
  desk.clock.set(new Date('2026-11-19T09:00:00Z'));
  expect(desk.say('/ticket new "Import worker crashes on large files"')).toContain('#1');
  expect(desk.say('/escalate 1 to:t4 Why does the worker run out of memory?')).not.toContain('✗');
}

function oncallEscalationOnMonday(): void {
  desk.clock.set(new Date('2026-11-23T09:00:00Z'));
  desk.run('/oncall rotation set @lead');
  desk.run('/ticket new "Checkout is down"');
  expect(desk.say('/escalate 2 to:oncall major Is the payment provider down?')).not.toContain('✗');
}

describe('staffing rule', () => {
  it('is checked from Wednesday, the day after Tuesday ends, and needs both a T4 miss and on-call load', () => {
    expect(staffingCheckDay('2026-11-23')).toBe('2026-11-25');
    expect(staffingVerdict({ t4: { green: 3, yellow: 1, red: 0 }, oncallEscalations: 2 })).toEqual({ askForEngineer: true, missed: 1, total: 4 });
    expect(staffingVerdict({ t4: { green: 3, yellow: 1, red: 1 }, oncallEscalations: 0 }).askForEngineer).toBe(false);
    expect(staffingVerdict({ t4: { green: 4, yellow: 0, red: 0 }, oncallEscalations: 5 }).askForEngineer).toBe(false);
  });

  it('tells the leads once per week when T4 left green under on-call load', () => {
    berlinDesk();
    t4TicketFromLastWeek();
    oncallEscalationOnMonday();

    // Tuesday evening, team time: not yet.
    expect(tickAt('2026-11-24T21:00:00Z')).toMatchObject({ queued: 0 });
    // Just after midnight on Wednesday in Berlin (23:30 UTC on Tuesday): due.
    expect(staffingFigures(jobs(), '2026-11-23', new Date('2026-11-24T23:30:00Z'))).toMatchObject({ oncallEscalations: 1 });
    expect(tickAt('2026-11-24T23:30:00Z')).toMatchObject({ queued: 1 });
    expect(tickAt('2026-11-25T10:15:00Z')).toMatchObject({ queued: 0 });
    const [row] = staffingRows();
    expect(row).toMatchObject({ dedupeKey: 'staffing:2026-11-23', channel: 'role:leads' });
    expect(JSON.stringify(row!.payload)).toContain('ask leadership for an extra engineer');
    expect(JSON.stringify(row!.payload)).toContain('1 on-call escalation');
  });

  it('stays quiet when T4 stayed green or no on-call escalation ran this week', () => {
    berlinDesk();
    t4TicketFromLastWeek();
    // T4 missed green (the ticket has waited since last Thursday), but no on-call load this week.
    expect(tickAt('2026-11-26T10:00:00Z')).toMatchObject({ queued: 0 });
    const figures = staffingFigures(jobs(), '2026-11-23', new Date('2026-11-26T10:00:00Z'));
    expect(figures.t4.yellow + figures.t4.red).toBe(1);
    expect(staffingRows()).toHaveLength(0);
  });
});
