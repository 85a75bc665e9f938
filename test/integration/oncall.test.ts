import { asc, eq } from 'drizzle-orm';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RequestContext } from '../../src/app/context.js';
import { setContact } from '../../src/app/oncall-contacts.js';
import { acknowledge, advanceLadder, startOncallLadder } from '../../src/app/oncall-ladder.js';
import { addOverride, currentOnCall, removeOverride, setRotation } from '../../src/app/oncall.js';
import { writeSetting } from '../../src/app/team-settings.js';
import { buildRegistry } from '../../src/commands/index.js';
import { createRouter, type Router } from '../../src/commands/router.js';
import { oncallHandoffJob } from '../../src/jobs/oncall-handoff.js';
import { oncallLadderJob } from '../../src/jobs/oncall-ladder.js';
import type { JobContext } from '../../src/jobs/job.js';
import { comments, oncallEscalations, outbox, rotationMembers, tickets } from '../../src/store/schema.js';
import { auditActions, auditTrail } from '../doubles/audit.js';
import { actAs, createTestApp, type TestApp } from '../doubles/context.js';
import { deleteRows, selectRow, selectRows, updateRows } from '../doubles/db.js';
import { replyText } from '../doubles/deskops.js';
import { insertTicket } from '../doubles/tickets.js';
import { thrown } from '../doubles/errors.js';

const MINUTE = 60_000;
/** Monday 2 March 2026, 10:00 in Berlin: a hand-off instant. */
const START = new Date('2026-03-02T09:00:00Z');

let t: TestApp;
let lead: RequestContext;
let alice: RequestContext;
let bob: RequestContext;
let dave: RequestContext;
afterEach(() => t.close());

const outboxRows = () => selectRows(t.app.store, outbox, undefined, asc(outbox.id));
const escalation = (id: number) => selectRow(t.app.store, oncallEscalations, eq(oncallEscalations.id, id))!;
const jobContext = (): JobContext => ({ ...t.app, logger: pino({ level: 'silent' }) });
/** Runs the ladder job as of `minutes` after START. */
const tickAt = (minutes: number) => {
  const now = new Date(START.getTime() + minutes * MINUTE);
  t.clock.set(now);
  return oncallLadderJob.run(jobContext(), now);
};
const at = (minutes: number) => t.clock.set(new Date(START.getTime() + minutes * MINUTE));

function setUp(): void {
  t = createTestApp({ now: START, settings: { timeZone: 'Europe/Berlin' } });
  lead = actAs(t.app, 'lead', 'lead');
  alice = actAs(t.app, 'alice');
  bob = actAs(t.app, 'bob');
  actAs(t.app, 'carol');
  dave = actAs(t.app, 'dave');
}

describe('rotations, overrides and contacts', () => {
  beforeEach(setUp);

  it('sets a rotation anchored at the latest hand-off, the first person on call from now', () => {
    at(2 * 24 * 60); // Wednesday
    const result = setRotation(lead, { members: ['@alice', '@bob', '@carol'] });
    expect(result.created).toBe(true);
    expect(result.rotation.row).toMatchObject({ name: 'primary', handoffWeekday: 1, handoffTime: '10:00', anchorAt: START });
    expect(result.now).toMatchObject({ personId: alice.actor.kind === 'person' ? alice.actor.personId : -1, until: new Date('2026-03-09T09:00:00Z') });
    expect(auditActions(t.app, 'rotation')).toEqual(['rotation.created']);
    setRotation(lead, { members: ['@bob', '@alice'], handoffWeekday: 2, handoffTime: '9:30' });
    expect(currentOnCall(t.app)!.rotation.row).toMatchObject({ handoffWeekday: 2, handoffTime: '09:30', anchorAt: new Date('2026-03-03T08:30:00Z') });
    expect(auditActions(t.app, 'rotation')).toEqual(['rotation.created', 'rotation.changed']);
  });

  it('refuses agents, empty rotations and people listed twice', () => {
    expect(thrown(() => setRotation(alice, { members: ['@alice'] })).code).toBe('FORBIDDEN');
    expect(thrown(() => setRotation(lead, { members: [] })).code).toBe('INVALID');
    expect(thrown(() => setRotation(lead, { members: ['@alice', '@bob', 'alice'] })).message).toContain('@alice is listed twice');
    expect(thrown(() => setRotation(lead, { members: ['@nobody'] })).code).toBe('NOT_FOUND');
    expect(thrown(() => setRotation(lead, { members: ['@alice'], handoffTime: '25:00' })).code).toBe('INVALID');
  });

  it('lets leads and the person on call add overrides, whole days included', () => {
    setRotation(lead, { members: ['@alice', '@bob'] });
    // Alice's week: bob may not take it himself, nor give it to someone; alice may hand it to him.
    expect(thrown(() => addOverride(bob, { mention: 'me', from: '2026-03-04', to: '2026-03-05' })).message).toContain('@alice is on call for that period');
    expect(thrown(() => addOverride(bob, { mention: '@dave', from: '2026-03-04', to: '2026-03-05' })).code).toBe('FORBIDDEN');
    const { override } = addOverride(alice, { mention: '@bob', from: '2026-03-04', to: '2026-03-05' });
    expect(override).toMatchObject({ startsAt: new Date('2026-03-03T23:00:00Z'), endsAt: new Date('2026-03-05T23:00:00Z') });
    // Bob's own week (from 9 March): his to hand over, never alice's to take.
    expect(thrown(() => addOverride(alice, { mention: 'me', from: '2026-03-10', to: '2026-03-11' })).code).toBe('FORBIDDEN');
    expect(thrown(() => addOverride(alice, { mention: '@dave', from: '2026-03-10', to: '2026-03-11' })).code).toBe('FORBIDDEN');
    addOverride(lead, { mention: '@dave', from: 'now', to: '2026-03-02T18:00' });
    at(60);
    expect(currentOnCall(t.app)!.current).toMatchObject({ personId: personId(dave), viaOverride: true, until: new Date('2026-03-02T17:00:00Z') });
    at(3 * 24 * 60);
    expect(currentOnCall(t.app)!.current).toMatchObject({ personId: personId(bob), backupPersonId: null, viaOverride: true });
    expect(auditActions(t.app, 'rotation')).toEqual(['rotation.created', 'rotation.override', 'rotation.override']);
  });

  it('removes an override for its person, its creator or a lead; never one that is over', () => {
    setRotation(lead, { members: ['@alice', '@bob'] });
    const byLead = addOverride(lead, { mention: '@dave', from: 'now', to: '2026-03-02T18:00' }).override;
    const own = addOverride(alice, { mention: '@bob', from: '2026-03-04', to: '2026-03-05' }).override;
    expect(thrown(() => removeOverride(dave, own.id)).code).toBe('FORBIDDEN');
    expect(removeOverride(bob, own.id)).toMatchObject({ id: own.id, personId: personId(bob) });
    expect(thrown(() => removeOverride(bob, own.id)).code).toBe('NOT_FOUND');
    at(60);
    expect(currentOnCall(t.app)!.current).toMatchObject({ personId: personId(dave), viaOverride: true });
    removeOverride(dave, byLead.id);
    expect(currentOnCall(t.app)!.current).toMatchObject({ personId: personId(alice), viaOverride: false });
    const past = addOverride(lead, { mention: '@bob', from: 'now', to: '2026-03-02T12:00' }).override;
    at(4 * 60);
    expect(thrown(() => removeOverride(lead, past.id)).message).toContain('already over');
    expect(auditActions(t.app, 'rotation').filter((a) => a === 'rotation.override.removed')).toHaveLength(2);
  });

  it('refuses overrides that end first, last over 90 days, are over, or have no rotation', () => {
    expect(thrown(() => addOverride(lead, { mention: '@bob', from: '2026-03-04', to: '2026-03-05' })).message).toContain('no on-call rotation');
    setRotation(lead, { members: ['@alice', '@bob'] });
    expect(thrown(() => addOverride(lead, { mention: '@bob', from: '2026-03-05T10:00', to: '2026-03-05T09:00' })).message).toContain('ends before it starts');
    expect(thrown(() => addOverride(lead, { mention: '@bob', from: '2026-03-05', to: '2026-06-05' })).message).toContain('at most 90 days');
    expect(thrown(() => addOverride(lead, { mention: '@bob', from: '2026-02-01', to: '2026-02-02' })).message).toContain('already over');
    expect(thrown(() => addOverride(lead, { mention: '@bob', from: 'monday', to: '2026-03-05' })).message).toContain('YYYY-MM-DD');
  });

  it('keeps one contact per kind, loosely validated and audited', () => {
    expect(setContact(alice, 'phone', '+49 (30) 123-4567')).toEqual({ contact: { kind: 'phone', value: '+49 (30) 123-4567' }, changed: true });
    expect(setContact(alice, 'phone', '+49 (30) 123-4567').changed).toBe(false);
    expect(setContact(alice, 'phone', '+49 30 7654321').changed).toBe(true);
    expect(thrown(() => setContact(alice, 'phone', 'call me maybe')).code).toBe('INVALID');
    expect(thrown(() => setContact(alice, 'email', 'alice-at-example')).code).toBe('INVALID');
    expect(setContact(alice, 'pager', 'PD user ALICE').changed).toBe(true);
    expect(auditActions(t.app, 'person', personId(alice)).filter((a) => a.startsWith('contact.'))).toEqual(['contact.set', 'contact.set', 'contact.set']);
  });
});

function personId(ctx: RequestContext): number {
  if (ctx.actor.kind !== 'person') throw new Error('not a person');
  return ctx.actor.personId;
}

describe('the acknowledgement ladder', () => {
  let ticketId: number;
  beforeEach(() => {
    setUp();
    setRotation(lead, { members: ['@alice', '@bob', '@carol'] });
    setContact(alice, 'phone', '+49 30 1234567');
    setContact(bob, 'email', 'bob@example.com');
    ticketId = insertTicket(t.app, { title: 'Checkout is down', tier: 'oncall', priority: 'high', severity: 'critical' }).id;
  });

  it('announces, pages after 60 minutes, calls after 90, and stops when acknowledged', () => {
    const started = startOncallLadder(dave, ticketId, { major: false, questions: ['Is checkout down for everyone?'] });
    expect(started).toMatchObject({ oncall: personId(alice), backup: personId(bob), paged: false, existing: false });
    const [announce] = outboxRows();
    expect(announce).toMatchObject({ channel: 'role:helpdesk', dedupeKey: `oncall:${started.escalationId}:announce`, ticketId, mentions: [personId(alice)] });
    // The announcement informs; what wakes someone (page, webhook, call) jumps the outbox queue.
    expect(announce!.urgent).toBe(false);
    const announceText = replyText(announce!.payload as never);
    expect(announceText).toContain('@alice is on call (backup @bob)');
    expect(announceText).toContain(`[Acknowledge] /oncall ack ${ticketId}`);
    expect(announceText).toContain(`[Show ticket] /ticket show ${ticketId}`);

    expect(tickAt(59)).toEqual({ processed: 0, queued: 0, failed: 0 });
    expect(outboxRows()).toHaveLength(1);

    expect(tickAt(60)).toEqual({ processed: 1, queued: 2, failed: 0 });
    const [, page, hook] = outboxRows();
    expect(page).toMatchObject({
      channel: 'role:support-dev',
      dedupeKey: `oncall:${started.escalationId}:page`,
      mentions: [personId(alice)],
      validWhile: { kind: 'ladder', escalationId: started.escalationId, step: 'paged' },
    });
    expect(replyText(page!.payload as never)).toContain(`@alice, please acknowledge #${ticketId}`);
    expect(hook).toMatchObject({ channel: 'webhook:page', dedupeKey: `oncall:${started.escalationId}:page:webhook`, ticketId });
    expect([page!.urgent, hook!.urgent]).toEqual([true, true]);
    expect(hook!.payload).toEqual({
      event: 'deskops.page',
      dedupe_key: `deskops-oncall-${started.escalationId}`,
      ticket: { id: ticketId, title: 'Checkout is down', priority: 'high', severity: 'critical' },
      oncall: { handle: 'alice', contacts: [{ kind: 'phone', value: '+49 30 1234567' }] },
      backup: { handle: 'bob', contacts: [{ kind: 'email', value: 'bob@example.com' }] },
      major: false,
      escalated_at: START.toISOString(),
      step: 'paged',
    });

    expect(tickAt(61).queued).toBe(0);
    expect(tickAt(89).queued).toBe(0);
    expect(tickAt(90)).toEqual({ processed: 1, queued: 1, failed: 0 });
    const call = outboxRows()[3]!;
    expect(call).toMatchObject({ channel: 'role:support-dev', dedupeKey: `oncall:${started.escalationId}:call`, mentions: [personId(alice), personId(bob)], validWhile: { kind: 'ladder', escalationId: started.escalationId, step: 'called' } });
    expect(call.urgent).toBe(true);
    const callText = replyText(call.payload as never);
    expect(callText).toContain('On call: @alice');
    expect(callText).toContain('phone: +49 30 1234567');
    expect(callText).toContain('Backup: @bob');
    expect(callText).toContain('email: bob@example.com');
    expect(tickAt(120).queued).toBe(0);

    at(95);
    expect(acknowledge(alice, ticketId)).toEqual({ kind: 'acknowledged', escalationId: started.escalationId, ticketId, step: 'called', afterMs: 95 * MINUTE, by: '@alice', assigned: true });
    const [ackNotice, ackHook] = outboxRows().slice(4);
    expect(ackNotice).toMatchObject({ channel: 'role:helpdesk', dedupeKey: `oncall:${started.escalationId}:ack` });
    expect(replyText(ackNotice!.payload as never)).toContain('acknowledged by @alice after 1 h 35 min');
    expect(ackHook!.payload).toMatchObject({ event: 'deskops.acknowledge', dedupe_key: `deskops-oncall-${started.escalationId}`, acknowledged_by: 'alice' });
    expect(escalation(started.escalationId)).toMatchObject({ step: 'called', nextStepAt: null, acknowledgedBy: personId(alice) });

    at(100);
    expect(acknowledge(bob, ticketId)).toMatchObject({ kind: 'already', by: '@alice', acknowledgedAt: new Date(START.getTime() + 95 * MINUTE) });
    expect(outboxRows()).toHaveLength(6);
    const keys = outboxRows().map((r) => r.dedupeKey);
    expect(new Set(keys).size).toBe(keys.length);
    expect(auditActions(t.app, 'oncall', started.escalationId)).toEqual(['oncall.escalated', 'oncall.paged', 'oncall.called', 'oncall.acknowledged']);
  });

  it('stops before the call when acknowledged after the page', () => {
    const { escalationId } = startOncallLadder(dave, ticketId, { major: false });
    tickAt(60);
    at(70);
    expect(acknowledge(alice, ticketId)).toMatchObject({ kind: 'acknowledged', step: 'paged', afterMs: 70 * MINUTE });
    expect(tickAt(90)).toEqual({ processed: 0, queued: 0, failed: 0 });
    expect(outboxRows().map((r) => r.dedupeKey)).toEqual([`oncall:${escalationId}:announce`, `oncall:${escalationId}:page`, `oncall:${escalationId}:page:webhook`, `oncall:${escalationId}:ack`, `oncall:${escalationId}:ack:webhook`]);
  });

  it('sends page and call once each when the tick comes three hours late', () => {
    const { escalationId } = startOncallLadder(dave, ticketId, { major: false });
    expect(tickAt(180)).toEqual({ processed: 1, queued: 3, failed: 0 });
    expect(tickAt(181)).toEqual({ processed: 0, queued: 0, failed: 0 });
    expect(tickAt(300).queued).toBe(0);
    expect(outboxRows().map((r) => r.dedupeKey)).toEqual([`oncall:${escalationId}:announce`, `oncall:${escalationId}:page`, `oncall:${escalationId}:page:webhook`, `oncall:${escalationId}:call`]);
    expect(escalation(escalationId)).toMatchObject({ step: 'called', nextStepAt: null, acknowledgedAt: null });
  });

  it('makes a repeated or stale advance a no-op', () => {
    const { escalationId } = startOncallLadder(dave, ticketId, { major: false });
    at(60);
    const system: RequestContext = { ...t.app, actor: { kind: 'system', job: 'test' }, origin: { platform: 'system', channel: null, thread: null } };
    const now = new Date(START.getTime() + 60 * MINUTE);
    expect(t.app.store.transaction(() => advanceLadder(system, escalationId, now))).toBe(2);
    expect(t.app.store.transaction(() => advanceLadder(system, escalationId, now))).toBe(0);
    expect(outboxRows()).toHaveLength(3);
  });

  it('does not mention the on-call person in the announcement of their own escalation', () => {
    startOncallLadder(alice, ticketId, { major: false });
    expect(outboxRows()[0]).toMatchObject({ channel: 'role:helpdesk', mentions: [] });
  });

  it('pages a major outage at once', () => {
    const started = startOncallLadder(dave, ticketId, { major: true });
    expect(started.paged).toBe(true);
    expect(outboxRows().map((r) => r.channel)).toEqual(['role:helpdesk', 'role:support-dev', 'webhook:page']);
    expect(replyText(outboxRows()[0]!.payload as never)).toContain('Major outage: paging @alice now.');
    expect(tickAt(29).queued).toBe(0);
    expect(tickAt(30).queued).toBe(1);
  });

  it('keeps one ladder per ticket; asking again for major pages it now', () => {
    const first = startOncallLadder(dave, ticketId, { major: false });
    at(10);
    const again = startOncallLadder(dave, ticketId, { major: true });
    expect(again).toMatchObject({ escalationId: first.escalationId, existing: true, paged: true });
    expect(outboxRows().map((r) => r.dedupeKey)).toEqual([`oncall:${first.escalationId}:announce`, `oncall:${first.escalationId}:page`, `oncall:${first.escalationId}:page:webhook`]);
    expect(tickAt(40).queued).toBe(1);
  });

  it('pages support-dev and the webhook even when nobody is on call', () => {
    deleteRows(t.app.store, rotationMembers);
    const started = startOncallLadder(dave, ticketId, { major: false });
    expect(started).toMatchObject({ oncall: null, backup: null });
    expect(replyText(outboxRows()[0]!.payload as never)).toContain('Nobody is on call');
    tickAt(60);
    const [, page, hook] = outboxRows();
    expect(page).toMatchObject({ mentions: [] });
    expect(replyText(page!.payload as never)).toContain(`Nobody is on call: someone please acknowledge #${ticketId}`);
    expect(hook!.payload).toMatchObject({ oncall: null, backup: null });
  });

  it('stops quietly when the ticket is resolved before the page', () => {
    const { escalationId } = startOncallLadder(dave, ticketId, { major: false });
    updateRows(t.app.store, tickets, { status: 'resolved' }, eq(tickets.id, ticketId));
    expect(tickAt(60)).toEqual({ processed: 1, queued: 0, failed: 0 });
    expect(escalation(escalationId)).toMatchObject({ step: 'announced', nextStepAt: null });
    expect(auditActions(t.app, 'oncall', escalationId)).toEqual(['oncall.escalated', 'oncall.stopped']);
  });

  it('says when there is nothing to acknowledge', () => {
    expect(thrown(() => acknowledge(alice, ticketId)).code).toBe('NOT_FOUND');
    expect(thrown(() => acknowledge(alice, 999)).code).toBe('NOT_FOUND');
  });
});

describe('/oncall commands', () => {
  let router: Router;
  const say = (text: string, user = 'lead') => replyText(router.handle({ platform: 'shell', user: { externalId: user, handle: user }, channel: '#helpdesk', thread: null, text }));

  beforeEach(() => {
    setUp();
    router = createRouter({ registry: buildRegistry(), app: t.app, logger: pino({ level: 'silent' }) });
  });

  it('walks a team through setting up on-call', () => {
    expect(say('/oncall')).toContain('There is no on-call rotation yet');
    expect(say('/oncall rotation set @alice @bob', 'alice')).toContain('Only leads and admins can set up on-call rotations');
    expect(say('/oncall rotation set @alice @bob @carol handoff:mon at:10:00')).toContain('Rotation: @alice → @bob → @carol');
    const now = say('/on-call');
    expect(now).toContain('On call now: @alice');
    expect(now).toContain('Backup: @bob');
    expect(now).toContain('Until: Mon 9 Mar 2026 10:00 Europe/Berlin');
    expect(now).toContain('Next: @bob from Mon 9 Mar 10:00, backup @carol');
    const schedule = say('/oncall schedule weeks:3');
    expect(schedule).toContain('next 3 weeks');
    expect(schedule).toContain('Mon 16 Mar 10:00 → Mon 23 Mar 10:00  *@carol*, backup @alice');
    expect(say('/oncall override @dave 2026-03-04T12:00 2026-03-04T18:00')).toContain('@dave is on call from Wed 4 Mar 12:00 to Wed 4 Mar 18:00');
    expect(say('/oncall schedule weeks:1')).toContain('*@dave (override #1 for @alice)*');
    expect(say('/oncall contacts set phone +49 30 1234567', 'alice')).toContain('Your phone is now +49 30 1234567');
    expect(say('/oncall contacts @alice', 'bob')).toContain('phone: +49 30 1234567');
    expect(say('/oncall contacts', 'bob')).toContain('You have no emergency contacts');
    expect(say('/oncall contacts set fax 123', 'bob')).toContain('is not a contact kind');
    expect(say('/oncall frobnicate')).toContain('/oncall has no "frobnicate" command');
  });

  it('acknowledges through /oncall ack', () => {
    say('/oncall rotation set @alice @bob');
    const ticketId = insertTicket(t.app, { title: 'Search is down', tier: 'oncall' }).id;
    startOncallLadder(dave, ticketId, { major: false });
    at(12);
    expect(say(`/oncall ack ${ticketId}`, 'alice')).toContain(`#${ticketId} acknowledged by @alice after 12 min`);
    expect(say(`/oncall ack #${ticketId}`, 'bob')).toContain('was already acknowledged by @alice');
  });

  it('checks the setup and says what to fix', () => {
    let check = say('/oncall check');
    expect(check).toContain('There is no on-call rotation');
    expect(check).toContain('Channel role:helpdesk is not configured');
    say('/oncall rotation set @alice');
    check = say('/oncall check');
    expect(check).toContain('has one participant: the call step has no backup to call');
    expect(check).toContain('@alice has no emergency contacts');
    expect(check).toContain('can reach nobody right now');
    say('/oncall rotation set @alice @bob');
    say('/oncall contacts set phone +1 555 0100', 'alice');
    say('/oncall contacts set email bob@example.com', 'bob');
    t.app.store.transaction(() => writeSetting(lead, 'channels', { 'role:helpdesk': '#helpdesk', 'role:support-dev': '#support-dev' }));
    check = say('/oncall check');
    expect(check).toContain('On-call check: all good');
    const ticketId = insertTicket(t.app, { title: 'Down', tier: 'oncall' }).id;
    startOncallLadder(dave, ticketId, { major: false });
    at(90);
    expect(say('/oncall check')).toContain(`The ladder of #${ticketId} is 30 min overdue: is the scheduler running?`);
  });

  it('shows and changes the ladder timing (leads)', () => {
    expect(say('/oncall ladder')).toContain('Page after 60 min');
    expect(say('/oncall ladder ack:30', 'alice')).toContain('Only leads and admins');
    expect(say('/oncall ladder ack:30 call:15')).toContain('Page after 30 min without an acknowledgement (major outages at once); call 15 min after the page.');
  });
});

describe('the ladder follows whoever is on call when each step fires', () => {
  /** Monday 9 March 2026, 10:00 in Berlin: carol hands the week to dave. */
  const HANDOFF = new Date('2026-03-09T09:00:00Z');
  const atOffset = (minutes: number) => new Date(HANDOFF.getTime() + minutes * MINUTE);
  const tickHandoffAt = (minutes: number) => {
    t.clock.set(atOffset(minutes));
    const job = { ...jobContext() };
    return { ladder: oncallLadderJob.run(job, atOffset(minutes)), handoff: oncallHandoffJob.run(job, atOffset(minutes)) };
  };
  let carol: RequestContext;
  let ticketId: number;
  beforeEach(() => {
    setUp();
    carol = actAs(t.app, 'carol');
    setRotation(lead, { members: ['@carol', '@dave'] });
    setContact(carol, 'phone', '+49 30 111');
    setContact(dave, 'phone', '+49 30 222');
    ticketId = insertTicket(t.app, { title: 'Checkout is down', tier: 'oncall', priority: 'high' }).id;
    t.clock.set(atOffset(-10)); // 09:50 Berlin, carol on call
  });

  it('pages and calls the person who took over at the hand-off, not the one stored at escalation', () => {
    const started = startOncallLadder(bob, ticketId, { major: false });
    expect(started.oncall).toBe(personId(carol));
    tickHandoffAt(50); // 10:50: the page is due
    const page = outboxRows().find((r) => r.dedupeKey === `oncall:${started.escalationId}:page`)!;
    expect(replyText(page.payload as never)).toContain(`@dave, please acknowledge #${ticketId}`);
    expect(page.mentions).toEqual([personId(dave)]);
    expect(outboxRows().find((r) => r.dedupeKey.endsWith(':page:webhook'))!.payload).toMatchObject({ oncall: { handle: 'dave' }, backup: { handle: 'carol' } });
    tickHandoffAt(80); // 11:20: the call step
    const call = outboxRows().find((r) => r.dedupeKey === `oncall:${started.escalationId}:call`)!;
    const text = replyText(call.payload as never);
    expect(text).toContain('On call: @dave');
    expect(text).toContain('phone: +49 30 222');
    expect(text).toContain('Backup: @carol');
    expect(call.mentions).toEqual([personId(dave), personId(carol)]);
    expect(escalation(started.escalationId)).toMatchObject({ oncallPersonId: personId(dave), backupPersonId: personId(carol) });
  });

  it('pages whoever an override put on call in between', () => {
    startOncallLadder(bob, ticketId, { major: false });
    t.clock.set(atOffset(20));
    addOverride(lead, { mention: '@alice', from: 'now', to: '2026-03-09T18:00' });
    tickHandoffAt(50);
    const page = outboxRows().find((r) => r.dedupeKey.endsWith(':page'))!;
    expect(replyText(page.payload as never)).toContain(`@alice, please acknowledge #${ticketId}`);
  });

  it('tells the new on-call person at the hand-off which open items they inherit, once', () => {
    const open = startOncallLadder(bob, ticketId, { major: false });
    const otherId = insertTicket(t.app, { title: 'Search is slow', tier: 'oncall' }).id;
    startOncallLadder(bob, otherId, { major: false });
    t.clock.set(atOffset(-5));
    acknowledge(carol, otherId);
    expect(tickHandoffAt(-1).handoff.queued).toBe(0);
    expect(tickHandoffAt(0).handoff.queued).toBe(1);
    const notice = outboxRows().find((r) => r.dedupeKey.startsWith('oncall:handoff:'))!;
    expect(notice).toMatchObject({ channel: 'role:support-dev', mentions: [personId(dave)] });
    const text = replyText(notice.payload as never);
    expect(text).toContain('On-call hand-off: @dave takes over from @carol');
    expect(text).toContain(`#${ticketId} Checkout is down`);
    expect(text).not.toContain('Search is slow');
    expect(text).toContain(`[Acknowledge #${ticketId}] /oncall ack ${ticketId}`);
    expect(tickHandoffAt(1).handoff.queued).toBe(0);
    expect(escalation(open.escalationId).acknowledgedAt).toBeNull();
  });

  it('says so when the new person inherits nothing, and announces hand-backs after an override', () => {
    t.clock.set(atOffset(-120));
    addOverride(lead, { mention: '@alice', from: '2026-03-09T08:00', to: '2026-03-09T09:00' });
    expect(tickHandoffAt(-120).handoff.queued).toBe(1); // 08:00 Berlin: alice covers for carol
    expect(tickHandoffAt(-60).handoff.queued).toBe(1); // 09:00: back to carol
    expect(tickHandoffAt(0).handoff.queued).toBe(1); // 10:00: dave's week
    const notices = outboxRows().filter((r) => r.dedupeKey.startsWith('oncall:handoff:')).map((r) => replyText(r.payload as never));
    expect(notices[0]).toContain('@alice takes over from @carol');
    expect(notices[1]).toContain('@carol takes over from @alice');
    expect(notices[2]).toContain('No open on-call items to take over.');
  });

  it('posts no hand-off for the shift a rotation starts with', () => {
    t.clock.set(START);
    const fresh = createTestApp({ now: START, settings: { timeZone: 'Europe/Berlin' } });
    try {
      const boss = actAs(fresh.app, 'lead', 'lead');
      actAs(fresh.app, 'carol');
      setRotation(boss, { members: ['@carol'] });
      expect(oncallHandoffJob.run({ ...fresh.app, logger: pino({ level: 'silent' }) }, new Date(START.getTime() + MINUTE)).queued).toBe(0);
    } finally {
      fresh.close();
    }
  });
});

describe('acknowledging', () => {
  let carol: RequestContext;
  let ticketId: number;
  beforeEach(() => {
    setUp();
    carol = actAs(t.app, 'carol');
    setRotation(lead, { members: ['@alice', '@bob', '@carol'] });
    ticketId = insertTicket(t.app, { title: 'Checkout is down', tier: 'oncall' }).id;
  });

  it('is for the person on call, the backup or a lead; anyone else is refused and nothing stops', () => {
    const { escalationId } = startOncallLadder(dave, ticketId, { major: false });
    const refusal = thrown(() => acknowledge(carol, ticketId));
    expect(refusal.code).toBe('FORBIDDEN');
    expect(refusal.message).toBe(`Only the person on call (@alice), the backup (@bob) or a lead can acknowledge #${ticketId}.`);
    expect(refusal.hint).toContain('/oncall');
    expect(escalation(escalationId).acknowledgedAt).toBeNull();
    expect(acknowledge(bob, ticketId)).toMatchObject({ kind: 'acknowledged', by: '@bob' });
    const second = insertTicket(t.app, { title: 'Login is down', tier: 'oncall' }).id;
    startOncallLadder(dave, second, { major: false });
    expect(acknowledge(lead, second)).toMatchObject({ kind: 'acknowledged', by: '@lead' });
  });

  it('writes who acknowledged and how long after the page as an internal note, and takes the unassigned ticket', () => {
    startOncallLadder(dave, ticketId, { major: false });
    tickAt(60);
    at(82);
    acknowledge(alice, ticketId);
    const notes = selectRows(t.app.store, comments, eq(comments.ticketId, ticketId));
    expect(notes.map((n) => [n.visibility, n.body])).toContainEqual(['internal', 'On-call: acknowledged by @alice at 11:22 (Europe/Berlin), 22 min after the page.']);
    const ticket = selectRow(t.app.store, tickets, eq(tickets.id, ticketId))!;
    expect(ticket.assigneeId).toBe(personId(alice));
    expect(auditActions(t.app, 'ticket', ticketId)).toEqual(expect.arrayContaining(['comment.note', 'ticket.assigned']));
  });

  it('says "after the escalation" before any page, and leaves an assigned ticket with its assignee', () => {
    updateRows(t.app.store, tickets, { assigneeId: personId(dave) }, eq(tickets.id, ticketId));
    startOncallLadder(dave, ticketId, { major: false });
    at(5);
    acknowledge(alice, ticketId);
    const body = selectRow(t.app.store, comments, eq(comments.ticketId, ticketId))!.body;
    expect(body).toBe('On-call: acknowledged by @alice at 10:05 (Europe/Berlin), 5 min after the escalation (before the page).');
    expect(selectRow(t.app.store, tickets, eq(tickets.id, ticketId))!.assigneeId).toBe(personId(dave));
  });
});

describe('overrides: who may put whom on call', () => {
  beforeEach(() => {
    setUp();
    setRotation(lead, { members: ['@alice', '@bob'] }); // alice this week, bob next week
  });

  it('lets the person on call hand their own shift to someone', () => {
    expect(addOverride(alice, { mention: '@dave', from: '2026-03-04', to: '2026-03-05' }).override.personId).toBe(personId(dave));
  });

  it("refuses an agent who puts themselves, or someone else, over another person's shift", () => {
    const self = thrown(() => addOverride(bob, { mention: 'me', from: '2026-03-04', to: '2026-03-05' }));
    expect(self.code).toBe('FORBIDDEN');
    expect(self.message).toBe('Only leads, or the person on call then, can change who is on call: @alice is on call for that period.');
    expect(self.hint).toContain('Ask @alice');
    expect(thrown(() => addOverride(dave, { mention: '@bob', from: '2026-03-04', to: '2026-03-05' })).code).toBe('FORBIDDEN');
    // Over a period that is partly alice's and partly bob's, bob is not the only one replaced.
    expect(thrown(() => addOverride(bob, { mention: '@dave', from: '2026-03-08', to: '2026-03-10' })).message).toContain('@alice');
  });

  it('lets a lead put anyone on call at any time', () => {
    expect(addOverride(lead, { mention: '@dave', from: '2026-03-04', to: '2026-03-12' }).override.personId).toBe(personId(dave));
  });

  it('audits the refusals of /oncall override and /oncall ack as access.denied', () => {
    const registry = buildRegistry();
    const router = createRouter({ registry, app: t.app, logger: pino({ level: 'silent' }) });
    const reply = router.handle({ platform: 'shell', user: { externalId: 'bob', handle: 'bob' }, channel: null, thread: null, text: '/oncall override me 2026-03-04 2026-03-05' });
    expect(reply.tone).toBe('error');
    expect(auditTrail(t.app, 'person', personId(bob)).at(-1)).toMatchObject({ action: 'access.denied', after: { command: 'oncall override' } });
    const ackTicket = insertTicket(t.app, { tier: 'oncall' }).id;
    startOncallLadder(lead, ackTicket, { major: false });
    const ack = router.handle({ platform: 'shell', user: { externalId: 'dave', handle: 'dave' }, channel: null, thread: null, text: `/oncall ack ${ackTicket}` });
    expect(ack.title).toMatch(/^Only the person on call \(@alice\)/);
    expect(auditTrail(t.app, 'person', personId(dave)).at(-1)).toMatchObject({ action: 'access.denied', after: { command: 'oncall ack' } });
  });
});
