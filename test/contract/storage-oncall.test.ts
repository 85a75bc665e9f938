/**
 * The on-call repository answers alike on SQLite and PostgreSQL (src/store/pg/oncall.ts): the same
 * steps through sqliteStore.oncall and pgOnCall(pgStore), the same answers, in the same order.
 */
import { describe, expect, it } from 'vitest';
import { pgOnCall } from '../../src/store/pg/oncall.js';
import type { OnCallRepository } from '../../src/store/repositories/oncall.js';
import * as lite from '../../src/store/schema.js';
import { pgSeed, sqliteSeed, ticketRow, type Seed, type TicketInsert } from '../doubles/seed-engines.js';
import { useStorageEngines } from '../doubles/storage-engines.js';

const engines = useStorageEngines();

const T0 = Date.parse('2026-03-02T09:00:00.000Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000);

async function both(): Promise<Array<{ repo: OnCallRepository; seed: Seed }>> {
  const { sqliteStore, pgStore } = await engines.open();
  return [
    { repo: sqliteStore.oncall, seed: sqliteSeed(sqliteStore) },
    { repo: pgOnCall(pgStore), seed: pgSeed(pgStore) },
  ];
}

function seedPeople(seed: Seed): void {
  seed(lite.people, [1, 2, 3, 4].map((id) => ({ id, displayName: `Person ${id}`, role: 'agent' as const, isStaff: true, createdAt: at(0) })));
}

const ticket = (id: number, values: Partial<TicketInsert> = {}) => ticketRow(id, at(0), { tier: 'oncall', ...values });

describe('the on-call repository on SQLite and PostgreSQL', () => {
  it('stores rotations, their members and overrides alike', async () => {
    const answers = [];
    for (const { repo, seed } of await both()) {
      seedPeople(seed);
      const b = repo.insertRotation({ name: 'b-team', anchorAt: at(0), createdAt: at(1) });
      const a = repo.insertRotation({ name: 'a-team', handoffWeekday: 3, handoffTime: '09:30', anchorAt: at(5), createdAt: at(2) });
      const timed = repo.updateRotationTiming(b.id, { handoffWeekday: 5, handoffTime: '16:00', anchorAt: at(60) });
      repo.replaceRotationMembers(b.id, [3, 1, 2]);
      repo.replaceRotationMembers(a.id, [4]);
      const membersBefore = repo.rotationMemberIds(b.id);
      repo.replaceRotationMembers(b.id, [2, 4]);
      let emptyRefused = false;
      try {
        repo.replaceRotationMembers(a.id, []);
      } catch {
        emptyRefused = true;
      }
      // Inserted out of start order; one ended before `from`, one of another rotation.
      const late = repo.insertOverride({ rotationId: b.id, personId: 1, startsAt: at(300), endsAt: at(400), createdBy: 2, createdAt: at(3) });
      const early = repo.insertOverride({ rotationId: b.id, personId: 3, startsAt: at(100), endsAt: at(200), createdAt: at(4) });
      repo.insertOverride({ rotationId: b.id, personId: 4, startsAt: at(10), endsAt: at(50), createdAt: at(5) });
      repo.insertOverride({ rotationId: a.id, personId: 4, startsAt: at(100), endsAt: at(500), createdAt: at(6) });
      const sameStart = repo.insertOverride({ rotationId: b.id, personId: 2, startsAt: at(100), endsAt: at(150), createdAt: at(7) });
      const spans = repo.overridesEndingAfter(b.id, at(50));
      const found = repo.overrideById(late.id);
      repo.deleteOverride(early.id);
      answers.push({
        b,
        a,
        timed,
        rotations: repo.rotations(),
        byName: repo.rotationByName('a-team'),
        byNameMissing: repo.rotationByName('A-TEAM'),
        byId: repo.rotationById(b.id),
        byIdMissing: repo.rotationById(999),
        membersBefore,
        membersAfter: repo.rotationMemberIds(b.id),
        emptyRefused,
        membersOfA: repo.rotationMemberIds(a.id),
        spans,
        ids: { late: late.id, early: early.id, sameStart: sameStart.id },
        found,
        deleted: repo.overrideById(early.id),
        spansAfterDelete: repo.overridesEndingAfter(b.id, at(0)),
      });
    }
    const [onSqlite, onPg] = answers;
    expect(onPg).toEqual(onSqlite);
    expect(onSqlite!.timed).toMatchObject({ name: 'b-team', handoffWeekday: 5, handoffTime: '16:00', anchorAt: at(60), createdAt: at(1) });
    expect(onSqlite!.b).toMatchObject({ handoffWeekday: 1, handoffTime: '10:00' });
    expect(onSqlite!.rotations.map((r) => r.name)).toEqual(['b-team', 'a-team']);
    expect(onSqlite!.byNameMissing).toBeUndefined();
    expect(onSqlite!.membersBefore).toEqual([3, 1, 2]);
    expect(onSqlite!.membersAfter).toEqual([2, 4]);
    expect(onSqlite!.emptyRefused).toBe(true);
    // The delete before the refused insert stays (no transaction around it), on both engines.
    expect(onSqlite!.membersOfA).toEqual([]);
    const { late, early, sameStart } = onSqlite!.ids;
    expect(onSqlite!.spans.map((s) => s.id)).toEqual([early, sameStart, late]);
    expect(onSqlite!.spans[0]).toEqual({ id: early, personId: 3, startsAt: at(100), endsAt: at(200) });
    expect(onSqlite!.found).toMatchObject({ personId: 1, createdBy: 2 });
    expect(onSqlite!.deleted).toBeUndefined();
    expect(onSqlite!.spansAfterDelete.map((s) => s.personId)).toEqual([4, 2, 1]);
  });

  it('keeps one contact of each kind per person, listed by kind in byte order', async () => {
    const answers = [];
    for (const { repo, seed } of await both()) {
      seedPeople(seed);
      repo.upsertContact({ personId: 1, kind: 'phone', value: '+1 555 0100' });
      repo.upsertContact({ personId: 1, kind: 'backup', value: 'old' });
      repo.upsertContact({ personId: 1, kind: 'Email', value: 'a@example.com' });
      repo.upsertContact({ personId: 2, kind: 'phone', value: '+1 555 0200' });
      repo.upsertContact({ personId: 1, kind: 'backup', value: 'new' });
      const listed = repo.contactsOf(1);
      repo.deleteContact(1, 'phone');
      repo.deleteContact(1, 'missing');
      answers.push({
        listed,
        backup: repo.contactValue(1, 'backup'),
        wrongCase: repo.contactValue(1, 'email'),
        deleted: repo.contactValue(1, 'phone'),
        other: repo.contactValue(2, 'phone'),
        after: repo.contactsOf(1),
        none: repo.contactsOf(3),
      });
    }
    const [onSqlite, onPg] = answers;
    expect(onPg).toEqual(onSqlite);
    expect(onSqlite!.listed).toEqual([
      { kind: 'Email', value: 'a@example.com' },
      { kind: 'backup', value: 'new' },
      { kind: 'phone', value: '+1 555 0100' },
    ]);
    expect(onSqlite).toMatchObject({ backup: 'new', wrongCase: undefined, deleted: undefined, other: '+1 555 0200', none: [] });
  });

  it('runs the escalation ladder alike: due, overdue, guarded writes, acknowledgement, the inherited list', async () => {
    const answers = [];
    for (const { repo, seed } of await both()) {
      seedPeople(seed);
      seed(lite.tickets, [ticket(1), ticket(2, { status: 'pending' }), ticket(3, { status: 'resolved' }), ticket(4, { tier: 't4' }), ticket(5)]);
      const rotation = repo.insertRotation({ name: 'primary', anchorAt: at(0), createdAt: at(0) });
      const other = repo.insertRotation({ name: 'secondary', anchorAt: at(0), createdAt: at(0) });
      const e1 = repo.insertEscalation({ ticketId: 1, rotationId: rotation.id, escalatedAt: at(30), escalatedBy: 2, oncallPersonId: 1, nextStepAt: at(40) });
      const e2 = repo.insertEscalation({ ticketId: 2, rotationId: null, escalatedAt: at(10), nextStepAt: at(20), step: 'paged', pagedAt: at(15) });
      const e3 = repo.insertEscalation({ ticketId: 3, rotationId: rotation.id, escalatedAt: at(5), nextStepAt: at(20) });
      const e4 = repo.insertEscalation({ ticketId: 4, rotationId: rotation.id, escalatedAt: at(20), nextStepAt: null });
      const e5 = repo.insertEscalation({ ticketId: 5, rotationId: other.id, escalatedAt: at(30), nextStepAt: at(25) });
      // Ticket 1's second escalation, at the same instant as its first.
      const e6 = repo.insertEscalation({ ticketId: 1, rotationId: rotation.id, escalatedAt: at(30), nextStepAt: at(90) });
      const due = repo.dueEscalations(at(40), 10);
      const dueTwo = repo.dueEscalations(at(40), 2);
      const overdue = repo.overdueEscalations(at(40));
      const inherited = repo.unacknowledgedEscalations(rotation.id, false);
      const inheritedOrUnrotated = repo.unacknowledgedEscalations(rotation.id, true);
      const counts = [repo.escalationCountSince(at(0)), repo.escalationCountSince(at(20)), repo.escalationCountSince(at(31))];

      const advanced = repo.advanceIfUnchanged({ id: e2.id, step: 'paged' }, { step: 'called', nextStepAt: at(60), backupPersonId: 3 });
      const staleAdvance = repo.advanceIfUnchanged({ id: e2.id, step: 'paged' }, { step: 'called' });
      const updated = repo.updateIfUnchanged({ id: e5.id, step: 'announced' }, { step: 'paged', pagedAt: at(26) });
      const staleUpdate = repo.updateIfUnchanged({ id: e5.id, step: 'announced' }, { step: 'paged' });
      repo.makeEscalationMajor(e4.id, at(21));

      const acknowledged = repo.acknowledgeOpenEscalations(1, at(50), 4);
      const againNone = repo.acknowledgeOpenEscalations(1, at(51), null);
      repo.makeEscalationMajor(e1.id, at(99));
      const guardAfterAck = repo.updateIfUnchanged({ id: e6.id, step: 'announced' }, { step: 'paged' });
      answers.push({
        ids: [e1, e2, e3, e4, e5, e6].map((e) => e.id),
        e1,
        due,
        dueTwo,
        overdue,
        inherited,
        inheritedOrUnrotated,
        counts,
        advanced,
        staleAdvance,
        updated,
        staleUpdate,
        major: repo.escalationById(e4.id),
        majorAfterAck: repo.escalationById(e1.id),
        acknowledged,
        againNone,
        guardAfterAck,
        open1: repo.openEscalationOf(1),
        latest1: repo.latestEscalationOf(1),
        open2: repo.openEscalationOf(2),
        latestNone: repo.latestEscalationOf(99),
        missing: repo.escalationById(999),
      });
    }
    const [onSqlite, onPg] = answers;
    expect(onPg).toEqual(onSqlite);
    const [e1, e2, e3, e4, e5, e6] = onSqlite!.ids as [number, number, number, number, number, number];
    expect(onSqlite!.e1).toMatchObject({ major: false, step: 'announced', pagedAt: null, acknowledgedAt: null, escalatedBy: 2 });
    expect(onSqlite!.due).toEqual([
      { id: e2, ticketId: 2 },
      { id: e3, ticketId: 3 },
      { id: e5, ticketId: 5 },
      { id: e1, ticketId: 1 },
    ]);
    expect(onSqlite!.dueTwo.map((e) => e.id)).toEqual([e2, e3]);
    expect(onSqlite!.overdue).toEqual([
      { id: e2, ticketId: 2, nextStepAt: at(20) },
      { id: e3, ticketId: 3, nextStepAt: at(20) },
      { id: e5, ticketId: 5, nextStepAt: at(25) },
    ]);
    expect(onSqlite!.inherited).toEqual([
      { ticketId: 1, title: 'Ticket 1', step: 'announced', escalatedAt: at(30), pagedAt: null },
      { ticketId: 1, title: 'Ticket 1', step: 'announced', escalatedAt: at(30), pagedAt: null },
    ]);
    expect(onSqlite!.inheritedOrUnrotated.map((e) => e.ticketId)).toEqual([2, 1, 1]);
    expect(onSqlite!.counts).toEqual([6, 4, 0]);
    expect(onSqlite!.advanced).toMatchObject({ id: e2, step: 'called', nextStepAt: at(60), backupPersonId: 3, pagedAt: at(15) });
    expect(onSqlite!.staleAdvance).toBeUndefined();
    expect([onSqlite!.updated, onSqlite!.staleUpdate, onSqlite!.guardAfterAck]).toEqual([true, false, false]);
    expect(onSqlite!.major).toMatchObject({ id: e4, major: true, nextStepAt: at(21) });
    expect(onSqlite!.majorAfterAck).toMatchObject({ id: e1, major: false, nextStepAt: null });
    expect(onSqlite!.acknowledged.map((e) => e.id)).toEqual([e6, e1]);
    expect(onSqlite!.acknowledged[0]).toMatchObject({ acknowledgedAt: at(50), acknowledgedBy: 4, nextStepAt: null });
    expect(onSqlite!.againNone).toEqual([]);
    expect(onSqlite!.open1).toBeUndefined();
    expect(onSqlite!.latest1?.id).toBe(e6);
    expect(onSqlite!.open2?.id).toBe(e2);
    expect(onSqlite!.latestNone).toBeUndefined();
    expect(onSqlite!.missing).toBeUndefined();
  });

  it('reads T4 clocks, assigned T1 tickets and when an assignee was set alike', async () => {
    const answers = [];
    for (const { repo, seed } of await both()) {
      seedPeople(seed);
      seed(lite.tickets, [
        ticket(1, { tier: 't4', priority: 'high', department: 'community' }),
        ticket(2, { tier: 't4' }),
        ticket(3, { tier: 't1', assigneeId: 2 }),
        ticket(4, { tier: 't1', assigneeId: null }),
        ticket(5, { tier: 't1', assigneeId: 1, status: 'pending' }),
        ticket(6, { tier: 't1', assigneeId: 3 }),
        ticket(7, { tier: 't2', assigneeId: 3 }),
      ]);
      seed(lite.slaClocks, [
        { id: 1, ticketId: 2, tier: 't4', enteredAt: at(50), leftAt: null, usedMs: 5, runningSince: at(50) },
        { id: 2, ticketId: 1, tier: 't4', enteredAt: at(10), leftAt: at(20), usedMs: 7, band: 'yellow', warned: 'pre-yellow' },
        { id: 3, ticketId: 1, tier: 't4', enteredAt: at(30), leftAt: null, nextCheckAt: at(90) },
        { id: 4, ticketId: 2, tier: 't4', enteredAt: at(0), leftAt: at(5) },
        { id: 5, ticketId: 2, tier: 't3', enteredAt: at(15), leftAt: null },
        { id: 6, ticketId: 1, tier: 't4', enteredAt: at(100), leftAt: null },
        { id: 7, ticketId: 2, tier: 't4', enteredAt: at(30), leftAt: at(60) },
      ]);
      const event = (id: number, entityId: string, after: unknown, entity = 'ticket') => ({ id, entity, entityId, action: 'assign', actorLabel: 'x', before: null, after, at: at(id) });
      seed(lite.auditEvents, [
        event(1, '3', { assigneeId: 2, status: 'open' }),
        event(2, '3', { assigneeId: 1 }),
        event(3, '3', { assigneeId: 2 }),
        event(4, '3', { title: 'no assignee' }),
        event(5, '3', { assigneeId: '1' }),
        event(6, '6', { assigneeId: 3 }),
        event(7, '3', { assigneeId: 1 }, 'rotation'),
        event(8, '3', null),
      ]);
      answers.push({
        clocks: repo.t4ClocksRunningBetween(at(20), at(100)),
        none: repo.t4ClocksRunningBetween(at(200), at(0)),
        t1: repo.assignedOpenT1Tickets(),
        at2: repo.assignedAt(3, 2),
        at1: repo.assignedAt(3, 1),
        at3: repo.assignedAt(6, 3),
        never: repo.assignedAt(3, 4),
      });
    }
    const [onSqlite, onPg] = answers;
    expect(onPg).toEqual(onSqlite);
    expect(onSqlite!.clocks.map((c) => c.clock.id)).toEqual([2, 3, 7, 1]);
    expect(onSqlite!.clocks[0]).toEqual({
      clock: { id: 2, ticketId: 1, tier: 't4', enteredAt: at(10), leftAt: at(20), usedMs: 7, runningSince: null, band: 'yellow', warned: 'pre-yellow', nextCheckAt: null, snoozedUntil: null },
      ticket: { priority: 'high', department: 'community' },
    });
    expect(onSqlite!.none).toEqual([]);
    expect(onSqlite!.t1.map((t) => t.id)).toEqual([3, 6]);
    expect(onSqlite!.t1[0]).toMatchObject({ title: 'Ticket 3', assigneeId: 2, holdUntil: null, createdAt: at(0) });
    expect(onSqlite).toMatchObject({ at2: at(3), at1: at(2), at3: at(6), never: null });
  });

  it('keeps the guard log alike: a week, its open loops, closing one', async () => {
    const answers = [];
    for (const { repo, seed } of await both()) {
      seedPeople(seed);
      const entries = [
        repo.insertGuardEntry({ weekStart: '2026-02-23', kind: 'loop', body: 'old loop', authorId: 1, createdAt: at(1) }),
        repo.insertGuardEntry({ weekStart: '2026-03-02', kind: 'hotfix', body: 'hotfix', createdAt: at(2) }),
        repo.insertGuardEntry({ weekStart: '2026-02-16', kind: 'loop', body: 'older loop', createdAt: at(3) }),
        repo.insertGuardEntry({ weekStart: '2026-02-23', kind: 'sql', body: 'a query', createdAt: at(4) }),
        repo.insertGuardEntry({ weekStart: '2026-03-02', kind: 'loop', body: 'this week', createdAt: at(5) }),
        repo.insertGuardEntry({ weekStart: '2026-02-09', kind: 'loop', body: 'closed loop', createdAt: at(6) }),
      ];
      const closed = repo.closeGuardEntry(entries[5]!.id, at(10));
      answers.push({
        entries,
        closed,
        byId: repo.guardEntryById(entries[0]!.id),
        missing: repo.guardEntryById(999),
        week: repo.guardEntriesOfWeek('2026-02-23'),
        emptyWeek: repo.guardEntriesOfWeek('2026-01-05'),
        loops: repo.openLoopsBefore('2026-03-02'),
        loopsBefore: repo.openLoopsBefore('2026-02-23'),
      });
    }
    const [onSqlite, onPg] = answers;
    expect(onPg).toEqual(onSqlite);
    expect(onSqlite!.entries[0]).toMatchObject({ weekStart: '2026-02-23', kind: 'loop', authorId: 1, closedAt: null });
    expect(onSqlite!.closed).toMatchObject({ body: 'closed loop', closedAt: at(10) });
    expect(onSqlite!.missing).toBeUndefined();
    expect(onSqlite!.week.map((e) => e.body)).toEqual(['old loop', 'a query']);
    expect(onSqlite!.emptyWeek).toEqual([]);
    expect(onSqlite!.loops.map((e) => e.body)).toEqual(['old loop', 'older loop']);
    expect(onSqlite!.loopsBefore.map((e) => e.body)).toEqual(['older loop']);
  });
});
