/**
 * The weekly Changing of the Guard: one digest a week reaches the leads' channel whoever or
 * whatever asks for it, and its figures describe that week as it ended, not the Monday after.
 */
import { eq } from 'drizzle-orm';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runWeeklyDigest } from '../../src/jobs/weekly-digest.js';
import type { JobContext } from '../../src/jobs/job.js';
import { auditEvents, outbox } from '../../src/store/schema.js';
import { createTestDesk, replyText, type TestDesk } from '../doubles/deskops.js';
import { selectRows } from '../doubles/db.js';

let desk: TestDesk;
afterEach(() => desk.dispose());

const at = (iso: string) => desk.clock.set(new Date(iso));
const ok = (line: string, user?: string) => {
  const reply = desk.run(line, user);
  expect(reply.tone, `${line}: ${replyText(reply)}`).not.toBe('error');
  return replyText(reply);
};
const jobs = (): JobContext => ({ ...desk.app, logger: pino({ level: 'silent' }) });
const digestRows = () => selectRows(desk.app.store, outbox).filter((row) => row.dedupeKey.startsWith('digest:'));
const postedDigest = () => {
  const rows = digestRows();
  expect(rows).toHaveLength(1);
  return replyText(rows[0]!.payload as never);
};

/**
 * The week of Monday 2026-11-16 (UTC, Mon–Fri 09:00–17:00): five tickets opened in Triage, one
 * resolved in T1, one escalated to On-Call and acknowledged, one opened late on Friday. On the
 * Monday after, before the digest, three of them move on to T2.
 */
function busyWeek(): void {
  at('2026-11-16T09:00:00Z');
  ok('/ticket new "Login fails"');
  ok('/ticket new "Export is slow"');
  ok('/ticket new "Invoice shows the wrong VAT"');
  at('2026-11-17T09:00:00Z');
  ok('/escalate 3 to:t1 Which VAT rule applies?');
  at('2026-11-18T10:00:00Z');
  ok('/ticket status 3 resolved');
  at('2026-11-19T09:00:00Z');
  ok('/ticket new "Checkout is down"');
  ok('/escalate 4 to:oncall Checkout is down for every card');
  at('2026-11-19T09:10:00Z');
  ok('/oncall ack 4');
  at('2026-11-20T15:30:00Z');
  ok('/ticket new "Push arrives late"'); // 1 h 30 of business time by Friday 17:00: green
  at('2026-11-23T09:00:00Z');
  ok('/escalate 1 to:t2 Why does the login loop?');
  ok('/escalate 2 to:t2 Where does the export stall?');
  ok('/ticket status 3 open');
  ok('/escalate 3 to:t2 Is the VAT table wrong?');
}

describe('the figures describe the week as it ended', () => {
  beforeEach(() => {
    desk = createTestDesk({ now: '2026-11-16T09:00:00Z' });
  });

  it('counts opened and resolved tickets by the tier they were in at that moment, open ones as the week ended', () => {
    busyWeek();
    at('2026-11-23T10:05:00Z');
    expect(runWeeklyDigest(jobs(), new Date('2026-11-23T10:05:00Z')).queued).toBe(1);
    const digest = postedDigest();
    expect(digest).toContain('Changing of the Guard: week of 2026-11-16');
    expect(digest).toContain('Triage: 5 opened, 0 resolved, 3 open');
    expect(digest).toContain('T1: 0 opened, 1 resolved, 0 open');
    expect(digest).toContain('On-Call: 0 opened, 0 resolved, 1 open');
    expect(digest).not.toMatch(/^T2:/m);
  });

  it('gives each tier entry the SLA band it had at the end of the week, not on the Monday after', () => {
    busyWeek();
    at('2026-11-23T10:05:00Z');
    runWeeklyDigest(jobs(), new Date('2026-11-23T10:05:00Z'));
    const digest = postedDigest();
    // #5 had 1 h 30 of business time at Friday 17:00 (green); by Monday 10:05 it has 2 h 35 (yellow).
    expect(digest).toContain('Triage: 40% green — 2 green, 0 yellow, 3 red');
    expect(digest).toContain('T1: 0% green — 0 green, 0 yellow, 1 red');
  });

  it('lists every on-call escalation still open, acknowledged or not', () => {
    busyWeek();
    at('2026-11-23T10:05:00Z');
    runWeeklyDigest(jobs(), new Date('2026-11-23T10:05:00Z'));
    const digest = postedDigest();
    expect(digest).toMatch(/Open on-call items[^\n]*\n• #4 Checkout is down — acknowledged by @lead/);
    expect(digest).toContain('1 open on-call item');
  });
});

describe('one digest a week reaches the leads', () => {
  beforeEach(() => {
    desk = createTestDesk({ now: '2026-11-16T09:00:00Z' });
    ok('/ticket new "Something from last week"');
    desk.run('/whoami', 'alice');
  });

  it('is for leads to post; agents may preview it, and a refusal is audited', () => {
    at('2026-11-23T09:00:00Z');
    const refused = desk.run('/guard digest', 'alice');
    expect(refused.tone).toBe('error');
    expect(refused.title).toMatch(/^Only leads and admins can post the weekly digest/);
    expect(refused.text).toContain('/guard digest preview');
    const denied = selectRows(desk.app.store, auditEvents, eq(auditEvents.action, 'access.denied'));
    expect(denied.at(-1)).toMatchObject({ actorLabel: '@alice', after: { command: 'guard digest' } });
    expect(replyText(desk.run('/guard digest preview', 'alice'))).toContain('Changing of the Guard: week of 2026-11-16');
    expect(digestRows()).toEqual([]);
  });

  it('posts once when a lead asks first: the scheduled run and a second request post nothing, and say when it went', () => {
    at('2026-11-23T09:00:00Z');
    expect(ok('/guard digest')).toContain("Digest for the week of 2026-11-16 queued for the leads' channel");
    at('2026-11-23T10:05:00Z');
    expect(runWeeklyDigest(jobs(), new Date('2026-11-23T10:05:00Z')).queued).toBe(0);
    const again = desk.run('/guard digest');
    expect(again.tone).toBe('info');
    expect(replyText(again)).toContain('The digest for the week of 2026-11-16 was already posted to the leads\' channel on Mon 23 Nov 2026 09:00 UTC by @lead');
    expect(digestRows().map((row) => row.dedupeKey)).toEqual(['digest:2026-11-16']);
  });

  it('posts once when the scheduled run comes first', () => {
    at('2026-11-23T10:05:00Z');
    expect(runWeeklyDigest(jobs(), new Date('2026-11-23T10:05:00Z')).queued).toBe(1);
    at('2026-11-23T11:00:00Z');
    expect(replyText(desk.run('/guard digest'))).toContain('already posted to the leads\' channel on Mon 23 Nov 2026 10:05 UTC by the scheduled job');
    expect(digestRows()).toHaveLength(1);
  });

  it('reads week:last like /guard show last, and refuses a week that has not ended', () => {
    at('2026-11-25T12:00:00Z');
    expect(replyText(desk.run('/guard digest preview week:last'))).toContain('Changing of the Guard: week of 2026-11-16');
    expect(replyText(desk.run('/guard digest preview week:2026-11-20'))).toContain('Changing of the Guard: week of 2026-11-16');
    const current = desk.run('/guard digest preview week:2026-11-24');
    expect(current.tone).toBe('error');
    expect(current.title).toBe('The week of 2026-11-23 has not ended yet (it ends Sunday 2026-11-29).');
    expect(current.text).toContain('/guard digest preview week:last');
    expect(desk.run('/guard digest week:this').tone).toBe('error');
    expect(digestRows()).toEqual([]);
  });
});
