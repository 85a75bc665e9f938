/**
 * The pager (issue 10): only the person on call, the backup and leads may acknowledge a page
 * (acknowledging stops the call step and tells the paging relay to stop); only a lead or the person
 * being replaced may put someone else on call, or put themselves on call over another's shift.
 *
 * Before this, any agent's `/oncall ack` silenced any page and `/oncall override me now <to>` took
 * anyone's shift: each expectation below was the opposite then.
 */
import { eq } from 'drizzle-orm';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runJobsOnce } from '../../src/jobs/runs.js';
import { allJobs } from '../../src/jobs/index.js';
import { oncallEscalations, outbox } from '../../src/store/schema.js';
import { auditActions } from '../doubles/audit.js';
import { createTestDesk, replyText, type TestDesk } from '../doubles/deskops.js';
import { selectFields, selectRow } from '../doubles/db.js';

let desk: TestDesk;
beforeEach(() => {
  desk = createTestDesk({ env: { DESKOPS_PAGE_WEBHOOK: 'https://relay.example/page' } });
  for (const who of ['alice', 'bob', 'carol', 'dave']) desk.run('/whoami', who);
  desk.run('/people role @dave lead');
  for (const line of ['/oncall rotation set @bob @carol', '/ticket new "Checkout is down"', '/escalate 1 to:oncall major Checkout fails for every card']) {
    const reply = desk.run(line);
    expect(reply.tone, `${line}: ${replyText(reply)}`).not.toBe('error');
  }
  runJobsOnce({ ...desk.app, logger: pino({ level: 'silent' }) }, allJobs(), desk.clock.now());
});
afterEach(() => desk.dispose());

const escalation = () => selectRow(desk.app.store, oncallEscalations, eq(oncallEscalations.ticketId, 1))!;
const keys = () => selectFields(desk.app.store, outbox, { key: outbox.dedupeKey }).map((r) => r.key);

describe('acknowledging a page', () => {
  it('is refused to an agent who is neither paged nor backup: the ladder and the relay go on', () => {
    expect(escalation().step).toBe('paged');
    const reply = desk.run('/oncall ack 1', 'alice');
    expect(reply).toMatchObject({ tone: 'error', title: 'Only the person on call (@bob), the backup (@carol) or a lead can acknowledge #1.' });
    expect(escalation().acknowledgedAt).toBeNull();
    expect(keys().filter((k) => /:ack/.test(k))).toEqual([]);
    expect(auditActions(desk.app, 'person')).toContain('access.denied');
    // The call step still comes.
    desk.clock.set(new Date(desk.clock.now().getTime() + 31 * 60_000));
    runJobsOnce({ ...desk.app, logger: pino({ level: 'silent' }) }, allJobs(), desk.clock.now());
    expect(escalation().step).toBe('called');
  });

  it.each([['bob', 'the person paged'], ['carol', 'the backup'], ['dave', 'a lead'], ['lead', 'an admin']])('is taken from %s (%s), and the relay is told', (who) => {
    const reply = desk.run('/oncall ack 1', who);
    expect(reply.tone, replyText(reply)).toBe('success');
    expect(escalation().acknowledgedAt).not.toBeNull();
    expect(keys()).toContain(`oncall:${escalation().id}:ack:webhook`);
  });
});

describe('overrides', () => {
  it("refuses an agent who puts themselves on call over someone else's shift, or someone else on call over it", () => {
    expect(desk.run('/oncall override me now 2026-11-25', 'alice')).toMatchObject({ tone: 'error', title: 'Only leads, or the person on call then, can change who is on call: @bob is on call for that period.' });
    expect(desk.run('/oncall override @alice now 2026-11-25', 'carol').tone).toBe('error');
    expect(desk.run('/oncall', 'alice').title).toBe('On call now: @bob');
  });

  it('lets the person on call hand their shift to someone and a lead put anyone on call; nobody takes another\'s shift', () => {
    expect(desk.run('/oncall override @alice now 2026-11-25', 'bob').tone).toBe('success');
    expect(desk.run('/oncall', 'carol').title).toMatch(/^On call now: @alice \(covering for @bob/);
    expect(desk.run('/oncall override @carol 2026-11-26 2026-11-27', 'dave').tone).toBe('success');
    // Carol's own week (from the next hand-off): nothing to hand over to herself, nobody else's to take.
    expect(desk.run('/oncall override me 2026-12-01 2026-12-02', 'carol')).toMatchObject({ tone: 'error', title: 'You are on call for that whole period already.' });
    expect(desk.run('/oncall override me 2026-12-01 2026-12-02', 'bob').tone).toBe('error');
  });
});
