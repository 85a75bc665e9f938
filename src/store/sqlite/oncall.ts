/** The OnCallRepository on SQLite. */
import { and, asc, count, desc, eq, gt, gte, inArray, isNotNull, isNull, lt, lte, or, sql } from 'drizzle-orm';
import { ACTIVE_STATUSES } from '../../domain/lifecycle.js';
import type { EscalationAtStep, OnCallRepository } from '../repositories/oncall.js';
import { auditEvents, contacts, guardEntries, oncallEscalations, rotationMembers, rotationOverrides, rotations, slaClocks, tickets } from '../schema.js';
import type { SqliteHandles } from './handles.js';

/** The guard of every ladder write: this escalation, still at the step we read, not acknowledged. */
function unchanged(row: EscalationAtStep) {
  return and(eq(oncallEscalations.id, row.id), eq(oncallEscalations.step, row.step), isNull(oncallEscalations.acknowledgedAt));
}

export function sqliteOnCall(handles: SqliteHandles): OnCallRepository {
  const { db } = handles;
  return {
    rotations() {
      return db.select().from(rotations).orderBy(asc(rotations.id)).all();
    },
    rotationByName(name) {
      return db.select().from(rotations).where(eq(rotations.name, name)).get();
    },
    rotationById(id) {
      return db.select().from(rotations).where(eq(rotations.id, id)).get();
    },
    rotationMemberIds(rotationId) {
      return db
        .select({ personId: rotationMembers.personId })
        .from(rotationMembers)
        .where(eq(rotationMembers.rotationId, rotationId))
        .orderBy(asc(rotationMembers.position))
        .all()
        .map((m) => m.personId);
    },
    overridesEndingAfter(rotationId, from) {
      return db
        .select({ id: rotationOverrides.id, personId: rotationOverrides.personId, startsAt: rotationOverrides.startsAt, endsAt: rotationOverrides.endsAt })
        .from(rotationOverrides)
        .where(and(eq(rotationOverrides.rotationId, rotationId), gt(rotationOverrides.endsAt, from)))
        .all();
    },
    updateRotationTiming(id, timing) {
      return db
        .update(rotations)
        .set({ handoffWeekday: timing.handoffWeekday, handoffTime: timing.handoffTime, anchorAt: timing.anchorAt })
        .where(eq(rotations.id, id))
        .returning()
        .get();
    },
    insertRotation(row) {
      return db.insert(rotations).values(row).returning().get();
    },
    replaceRotationMembers(rotationId, personIds) {
      db.delete(rotationMembers).where(eq(rotationMembers.rotationId, rotationId)).run();
      db.insert(rotationMembers)
        .values(personIds.map((personId, position) => ({ rotationId, position, personId })))
        .run();
    },
    insertOverride(row) {
      return db.insert(rotationOverrides).values(row).returning().get();
    },
    overrideById(id) {
      return db.select().from(rotationOverrides).where(eq(rotationOverrides.id, id)).get();
    },
    deleteOverride(id) {
      db.delete(rotationOverrides).where(eq(rotationOverrides.id, id)).run();
    },

    contactValue(personId, kind) {
      return db.select({ value: contacts.value }).from(contacts).where(and(eq(contacts.personId, personId), eq(contacts.kind, kind))).get()?.value;
    },
    upsertContact(row) {
      db.insert(contacts).values(row).onConflictDoUpdate({ target: [contacts.personId, contacts.kind], set: { value: row.value } }).run();
    },
    deleteContact(personId, kind) {
      db.delete(contacts).where(and(eq(contacts.personId, personId), eq(contacts.kind, kind))).run();
    },
    contactsOf(personId) {
      return db.select({ kind: contacts.kind, value: contacts.value }).from(contacts).where(eq(contacts.personId, personId)).all();
    },

    escalationById(id) {
      return db.select().from(oncallEscalations).where(eq(oncallEscalations.id, id)).get();
    },
    openEscalationOf(ticketId) {
      return db
        .select()
        .from(oncallEscalations)
        .where(and(eq(oncallEscalations.ticketId, ticketId), isNull(oncallEscalations.acknowledgedAt)))
        .orderBy(desc(oncallEscalations.id))
        .get();
    },
    latestEscalationOf(ticketId) {
      return db.select().from(oncallEscalations).where(eq(oncallEscalations.ticketId, ticketId)).orderBy(desc(oncallEscalations.id)).get();
    },
    insertEscalation(row) {
      return db.insert(oncallEscalations).values(row).returning().get();
    },
    makeEscalationMajor(id, nextStepAt) {
      db.update(oncallEscalations)
        .set({ major: true, nextStepAt })
        .where(and(eq(oncallEscalations.id, id), isNull(oncallEscalations.acknowledgedAt)))
        .run();
    },
    dueEscalations(now, limit) {
      return db
        .select({ id: oncallEscalations.id, ticketId: oncallEscalations.ticketId })
        .from(oncallEscalations)
        .where(and(lte(oncallEscalations.nextStepAt, now), isNull(oncallEscalations.acknowledgedAt)))
        .orderBy(asc(oncallEscalations.nextStepAt))
        .limit(limit)
        .all();
    },
    overdueEscalations(before) {
      return db
        .select({ id: oncallEscalations.id, ticketId: oncallEscalations.ticketId, nextStepAt: oncallEscalations.nextStepAt })
        .from(oncallEscalations)
        .where(and(lt(oncallEscalations.nextStepAt, before), isNull(oncallEscalations.acknowledgedAt)))
        .all();
    },
    updateIfUnchanged(escalation, patch) {
      return db.update(oncallEscalations).set(patch).where(unchanged(escalation)).run().changes > 0;
    },
    advanceIfUnchanged(escalation, patch) {
      return db.update(oncallEscalations).set(patch).where(unchanged(escalation)).returning().get();
    },
    acknowledgeOpenEscalations(ticketId, at, by) {
      return db
        .update(oncallEscalations)
        .set({ acknowledgedAt: at, acknowledgedBy: by, nextStepAt: null })
        .where(and(eq(oncallEscalations.ticketId, ticketId), isNull(oncallEscalations.acknowledgedAt)))
        .returning()
        .all()
        .sort((a, b) => b.id - a.id);
    },
    unacknowledgedEscalations(rotationId, orUnrotated) {
      const ofRotation = orUnrotated ? or(eq(oncallEscalations.rotationId, rotationId), isNull(oncallEscalations.rotationId)) : eq(oncallEscalations.rotationId, rotationId);
      return db
        .select({ ticketId: tickets.id, title: tickets.title, step: oncallEscalations.step, escalatedAt: oncallEscalations.escalatedAt, pagedAt: oncallEscalations.pagedAt })
        .from(oncallEscalations)
        .innerJoin(tickets, eq(tickets.id, oncallEscalations.ticketId))
        .where(and(ofRotation, isNull(oncallEscalations.acknowledgedAt), eq(tickets.tier, 'oncall'), inArray(tickets.status, [...ACTIVE_STATUSES])))
        .orderBy(oncallEscalations.escalatedAt)
        .all();
    },
    escalationCountSince(from) {
      return db.select({ n: count() }).from(oncallEscalations).where(gte(oncallEscalations.escalatedAt, from)).get()?.n ?? 0;
    },

    t4ClocksRunningBetween(from, now) {
      return db
        .select({ clock: slaClocks, ticket: { priority: tickets.priority, department: tickets.department } })
        .from(slaClocks)
        .innerJoin(tickets, eq(tickets.id, slaClocks.ticketId))
        .where(and(eq(slaClocks.tier, 't4'), lt(slaClocks.enteredAt, now), or(isNull(slaClocks.leftAt), gte(slaClocks.leftAt, from))))
        .all();
    },
    assignedOpenT1Tickets() {
      return db
        .select()
        .from(tickets)
        .where(and(eq(tickets.tier, 't1'), inArray(tickets.status, ['open']), isNotNull(tickets.assigneeId)))
        .all();
    },
    assignedAt(ticketId, assigneeId) {
      return (
        db
          .select({ at: auditEvents.at })
          .from(auditEvents)
          .where(and(eq(auditEvents.entity, 'ticket'), eq(auditEvents.entityId, String(ticketId)), sql`json_extract(${auditEvents.after}, '$.assigneeId') = ${assigneeId}`))
          .orderBy(desc(auditEvents.id))
          .limit(1)
          .get()?.at ?? null
      );
    },

    insertGuardEntry(row) {
      return db.insert(guardEntries).values(row).returning().get();
    },
    guardEntryById(id) {
      return db.select().from(guardEntries).where(eq(guardEntries.id, id)).get();
    },
    guardEntriesOfWeek(weekStart) {
      return db.select().from(guardEntries).where(eq(guardEntries.weekStart, weekStart)).orderBy(guardEntries.id).all();
    },
    openLoopsBefore(weekStart) {
      return db
        .select()
        .from(guardEntries)
        .where(and(eq(guardEntries.kind, 'loop'), isNull(guardEntries.closedAt), lt(guardEntries.weekStart, weekStart)))
        .orderBy(guardEntries.id)
        .all();
    },
    closeGuardEntry(id, at) {
      return db.update(guardEntries).set({ closedAt: at }).where(eq(guardEntries.id, id)).returning().get();
    },
  };
}
