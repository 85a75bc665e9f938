/**
 * The OnCallRepository on PostgreSQL: the SQLite implementation (../sqlite/oncall.ts) ported query
 * by query. Where the SQLite query has no ORDER BY, its rows come in the order of the index SQLite's
 * planner walks; each such query here says that order explicitly, so both engines answer alike.
 */
import { and, asc, count, desc, eq, gt, gte, inArray, isNotNull, isNull, lt, lte, or, sql } from 'drizzle-orm';
import { ACTIVE_STATUSES } from '../../domain/lifecycle.js';
import type { EscalationAtStep, OnCallRepository } from '../repositories/oncall.js';
import type { PgHandles } from './handles.js';
import { auditEvents, contacts, guardEntries, oncallEscalations, rotationMembers, rotationOverrides, rotations, slaClocks, tickets } from './schema.js';
import { all, get, run } from './session.js';

/** The guard of every ladder write: this escalation, still at the step we read, not acknowledged. */
function unchanged(row: EscalationAtStep) {
  return and(eq(oncallEscalations.id, row.id), eq(oncallEscalations.step, row.step), isNull(oncallEscalations.acknowledgedAt));
}

export function pgOnCall(handles: PgHandles): OnCallRepository {
  const { db } = handles;
  return {
    rotations() {
      return all(db.select().from(rotations).orderBy(asc(rotations.id)));
    },
    rotationByName(name) {
      return get(db.select().from(rotations).where(eq(rotations.name, name)));
    },
    rotationById(id) {
      return get(db.select().from(rotations).where(eq(rotations.id, id)));
    },
    rotationMemberIds(rotationId) {
      return all(db.select({ personId: rotationMembers.personId }).from(rotationMembers).where(eq(rotationMembers.rotationId, rotationId)).orderBy(asc(rotationMembers.position))).map(
        (m) => m.personId,
      );
    },
    overridesEndingAfter(rotationId, from) {
      // SQLite walks rotation_overrides_span (rotation_id, starts_at): by start, then id.
      return all(
        db
          .select({ id: rotationOverrides.id, personId: rotationOverrides.personId, startsAt: rotationOverrides.startsAt, endsAt: rotationOverrides.endsAt })
          .from(rotationOverrides)
          .where(and(eq(rotationOverrides.rotationId, rotationId), gt(rotationOverrides.endsAt, from)))
          .orderBy(asc(rotationOverrides.startsAt), asc(rotationOverrides.id)),
      );
    },
    updateRotationTiming(id, timing) {
      return get(
        db
          .update(rotations)
          .set({ handoffWeekday: timing.handoffWeekday, handoffTime: timing.handoffTime, anchorAt: timing.anchorAt })
          .where(eq(rotations.id, id))
          .returning(),
      )!;
    },
    insertRotation(row) {
      return get(db.insert(rotations).values(row).returning())!;
    },
    replaceRotationMembers(rotationId, personIds) {
      run(db.delete(rotationMembers).where(eq(rotationMembers.rotationId, rotationId)));
      // As on SQLite, an empty list throws here (drizzle refuses an insert without values), after the delete.
      run(db.insert(rotationMembers).values(personIds.map((personId, position) => ({ rotationId, position, personId }))));
    },
    insertOverride(row) {
      return get(db.insert(rotationOverrides).values(row).returning())!;
    },
    overrideById(id) {
      return get(db.select().from(rotationOverrides).where(eq(rotationOverrides.id, id)));
    },
    deleteOverride(id) {
      run(db.delete(rotationOverrides).where(eq(rotationOverrides.id, id)));
    },

    contactValue(personId, kind) {
      return get(db.select({ value: contacts.value }).from(contacts).where(and(eq(contacts.personId, personId), eq(contacts.kind, kind))))?.value;
    },
    upsertContact(row) {
      run(db.insert(contacts).values(row).onConflictDoUpdate({ target: [contacts.personId, contacts.kind], set: { value: row.value } }));
    },
    deleteContact(personId, kind) {
      run(db.delete(contacts).where(and(eq(contacts.personId, personId), eq(contacts.kind, kind))));
    },
    contactsOf(personId) {
      // SQLite reads its primary key index (person_id, kind): by kind, in byte order (BINARY), hence COLLATE "C".
      return all(
        db
          .select({ kind: contacts.kind, value: contacts.value })
          .from(contacts)
          .where(eq(contacts.personId, personId))
          .orderBy(sql`${contacts.kind} collate "C"`),
      );
    },

    escalationById(id) {
      return get(db.select().from(oncallEscalations).where(eq(oncallEscalations.id, id)));
    },
    openEscalationOf(ticketId) {
      return get(
        db
          .select()
          .from(oncallEscalations)
          .where(and(eq(oncallEscalations.ticketId, ticketId), isNull(oncallEscalations.acknowledgedAt)))
          .orderBy(desc(oncallEscalations.id))
          .limit(1),
      );
    },
    latestEscalationOf(ticketId) {
      return get(db.select().from(oncallEscalations).where(eq(oncallEscalations.ticketId, ticketId)).orderBy(desc(oncallEscalations.id)).limit(1));
    },
    insertEscalation(row) {
      return get(db.insert(oncallEscalations).values(row).returning())!;
    },
    makeEscalationMajor(id, nextStepAt) {
      run(
        db
          .update(oncallEscalations)
          .set({ major: true, nextStepAt })
          .where(and(eq(oncallEscalations.id, id), isNull(oncallEscalations.acknowledgedAt))),
      );
    },
    dueEscalations(now, limit) {
      // next_step_at is never null here (the filter); ties as SQLite's index walk: by id.
      return all(
        db
          .select({ id: oncallEscalations.id, ticketId: oncallEscalations.ticketId })
          .from(oncallEscalations)
          .where(and(lte(oncallEscalations.nextStepAt, now), isNull(oncallEscalations.acknowledgedAt)))
          .orderBy(asc(oncallEscalations.nextStepAt), asc(oncallEscalations.id))
          .limit(limit),
      );
    },
    overdueEscalations(before) {
      // SQLite walks oncall_escalations_due (next_step_at): most overdue first, then id.
      return all(
        db
          .select({ id: oncallEscalations.id, ticketId: oncallEscalations.ticketId, nextStepAt: oncallEscalations.nextStepAt })
          .from(oncallEscalations)
          .where(and(lt(oncallEscalations.nextStepAt, before), isNull(oncallEscalations.acknowledgedAt)))
          .orderBy(asc(oncallEscalations.nextStepAt), asc(oncallEscalations.id)),
      );
    },
    updateIfUnchanged(escalation, patch) {
      return run(db.update(oncallEscalations).set(patch).where(unchanged(escalation))).changes > 0;
    },
    advanceIfUnchanged(escalation, patch) {
      return get(db.update(oncallEscalations).set(patch).where(unchanged(escalation)).returning());
    },
    acknowledgeOpenEscalations(ticketId, at, by) {
      return all(
        db
          .update(oncallEscalations)
          .set({ acknowledgedAt: at, acknowledgedBy: by, nextStepAt: null })
          .where(and(eq(oncallEscalations.ticketId, ticketId), isNull(oncallEscalations.acknowledgedAt)))
          .returning(),
      ).sort((a, b) => b.id - a.id);
    },
    unacknowledgedEscalations(rotationId, orUnrotated) {
      const ofRotation = orUnrotated ? or(eq(oncallEscalations.rotationId, rotationId), isNull(oncallEscalations.rotationId)) : eq(oncallEscalations.rotationId, rotationId);
      // Oldest first; escalations at the same instant by id (SQLite leaves such ties in its join's order).
      return all(
        db
          .select({ ticketId: tickets.id, title: tickets.title, step: oncallEscalations.step, escalatedAt: oncallEscalations.escalatedAt, pagedAt: oncallEscalations.pagedAt })
          .from(oncallEscalations)
          .innerJoin(tickets, eq(tickets.id, oncallEscalations.ticketId))
          .where(and(ofRotation, isNull(oncallEscalations.acknowledgedAt), eq(tickets.tier, 'oncall'), inArray(tickets.status, [...ACTIVE_STATUSES])))
          .orderBy(asc(oncallEscalations.escalatedAt), asc(oncallEscalations.id)),
      );
    },
    escalationCountSince(from) {
      return get(db.select({ n: count() }).from(oncallEscalations).where(gte(oncallEscalations.escalatedAt, from)))?.n ?? 0;
    },

    t4ClocksRunningBetween(from, now) {
      // SQLite walks sla_clocks_entered (entered_at): by entry, then clock id.
      return all(
        db
          .select({ clock: slaClocks, ticket: { priority: tickets.priority, department: tickets.department } })
          .from(slaClocks)
          .innerJoin(tickets, eq(tickets.id, slaClocks.ticketId))
          .where(and(eq(slaClocks.tier, 't4'), lt(slaClocks.enteredAt, now), or(isNull(slaClocks.leftAt), gte(slaClocks.leftAt, from))))
          .orderBy(asc(slaClocks.enteredAt), asc(slaClocks.id)),
      );
    },
    assignedOpenT1Tickets() {
      // SQLite walks tickets_status_tier (status, tier) for one status and tier: by id.
      return all(
        db
          .select()
          .from(tickets)
          .where(and(eq(tickets.tier, 't1'), inArray(tickets.status, ['open']), isNotNull(tickets.assigneeId)))
          .orderBy(asc(tickets.id)),
      );
    },
    assignedAt(ticketId, assigneeId) {
      // SQLite's json_extract(after, '$.assigneeId') = ? matches a JSON number only; jsonb equality with the number does the same.
      return (
        get(
          db
            .select({ at: auditEvents.at })
            .from(auditEvents)
            .where(and(eq(auditEvents.entity, 'ticket'), eq(auditEvents.entityId, String(ticketId)), sql`(${auditEvents.after} -> 'assigneeId') = ${JSON.stringify(assigneeId)}::jsonb`))
            .orderBy(desc(auditEvents.id))
            .limit(1),
        )?.at ?? null
      );
    },

    insertGuardEntry(row) {
      return get(db.insert(guardEntries).values(row).returning())!;
    },
    guardEntryById(id) {
      return get(db.select().from(guardEntries).where(eq(guardEntries.id, id)));
    },
    guardEntriesOfWeek(weekStart) {
      return all(db.select().from(guardEntries).where(eq(guardEntries.weekStart, weekStart)).orderBy(guardEntries.id));
    },
    openLoopsBefore(weekStart) {
      // week_start is an ISO date: text comparison, byte order on SQLite; COLLATE "C" keeps it byte order here.
      return all(
        db
          .select()
          .from(guardEntries)
          .where(and(eq(guardEntries.kind, 'loop'), isNull(guardEntries.closedAt), sql`${guardEntries.weekStart} collate "C" < ${weekStart}`))
          .orderBy(guardEntries.id),
      );
    },
    closeGuardEntry(id, at) {
      return get(db.update(guardEntries).set({ closedAt: at }).where(eq(guardEntries.id, id)).returning())!;
    },
  };
}
