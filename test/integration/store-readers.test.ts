/**
 * The hot paths read and write through prepared statements instead of drizzle's builder; what
 * they return and store must be exactly what the builder would have.
 */
import { and, desc, eq, isNull } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordAudit } from '../../src/app/audit.js';
import { insertOutboxRow } from '../../src/app/outbox.js';
import { currentClock } from '../../src/app/sla.js';
import { createTicket } from '../../src/app/ticket-create.js';
import { addComment, commentsOf, findTicket } from '../../src/app/ticket-records.js';
import { ticketDetail } from '../../src/app/ticket-queries.js';
import { auditEvents, comments, outbox, slaClocks, tickets } from '../../src/store/schema.js';
import { actAs, createTestApp, type TestApp } from '../doubles/context.js';
import { inTransaction, selectRow, selectRows, storedRows } from '../doubles/db.js';
import { insertTicket } from '../doubles/tickets.js';
import type { RequestContext } from '../../src/app/context.js';

let t: TestApp;
let alice: RequestContext;
beforeEach(() => {
  t = createTestApp();
  alice = actAs(t.app, 'alice', 'agent');
});
afterEach(() => t.close());

const builderTicket = (id: number) => selectRow(t.app.store, tickets, eq(tickets.id, id));

describe('prepared reads', () => {
  it('read a ticket with every column set exactly as the builder does, and undefined for no ticket', () => {
    const at = (minutes: number) => new Date(t.clock.now().getTime() + minutes * 60_000);
    const parent = insertTicket(t.app);
    const row = insertTicket(t.app, {
      status: 'hold',
      holdUntil: at(60),
      assigneeId: 1,
      team: 'product',
      parentId: parent.id,
      severity: 'minor',
      chatPlatform: 'slack',
      chatChannel: 'C1',
      chatThread: '1.2',
      sourceLink: 'https://example.com',
      lastPublicReplyAt: at(1),
      lastRequesterMessageAt: at(2),
      statusTimerAt: at(3),
      pendingRemindedAt: at(4),
      replyDueAt: at(5),
      replyWarnedAt: at(6),
    });
    expect(findTicket(t.app, row.id)).toEqual(builderTicket(row.id));
    expect(findTicket(t.app, parent.id)).toEqual(builderTicket(parent.id));
    expect(findTicket(t.app, 999)).toBeUndefined();
  });

  it('read clocks and comments as the builder does', () => {
    const { ticket } = createTicket(alice, { title: 'Clocked' });
    addComment(alice, ticket.id, 'public', 'first');
    addComment(alice, ticket.id, 'internal', 'second');
    const clock = selectRow(t.app.store, slaClocks, and(eq(slaClocks.ticketId, ticket.id), isNull(slaClocks.leftAt)), desc(slaClocks.id));
    expect(clock).toBeDefined();
    expect(currentClock(t.app, ticket.id)).toEqual(clock);
    expect(currentClock(t.app, 999)).toBeUndefined();
    expect(commentsOf(t.app, ticket.id)).toEqual(selectRows(t.app.store, comments, eq(comments.ticketId, ticket.id), comments.id));
    expect(commentsOf(t.app, ticket.id).map((c) => c.body)).toEqual(['first', 'second']);
  });

  it('give a card its parent, children, handles and no acknowledgement wait', () => {
    const parent = insertTicket(t.app, { title: 'Parent', createdBy: 1 });
    const child = insertTicket(t.app, { title: 'Child', parentId: parent.id, assigneeId: 1 });
    const card = ticketDetail(t.app, child.id);
    expect(card.parent).toEqual({ id: parent.id, title: 'Parent', kind: 'split' });
    expect(card.assignee).toBe('@alice');
    expect(card.createdBy).toBeNull();
    expect(ticketDetail(t.app, parent.id).children).toEqual([{ id: child.id, title: 'Child', status: 'open', kind: 'split' }]);
    expect(ticketDetail(t.app, parent.id).createdBy).toBe('@alice');
    expect(card.awaitingAck).toBe(false);
  });

  it('read a card in one read transaction of its own, or in the one of the caller', () => {
    const ticket = insertTicket(t.app, { title: 'Snapshot' });
    const { store } = t.app;
    expect(store.read(() => inTransaction(store))).toBe(true);
    expect(ticketDetail(t.app, ticket.id).ticket.title).toBe('Snapshot');
    expect(inTransaction(store)).toBe(false);
    store.transaction(() => {
      expect(ticketDetail(t.app, ticket.id).ticket.title).toBe('Snapshot');
      expect(inTransaction(store)).toBe(true);
    });
    expect(() => ticketDetail(t.app, 999)).toThrow('There is no ticket #999.');
    expect(inTransaction(store)).toBe(false);
  });
});

describe('prepared writes', () => {
  it('store NULL, not the text "null", for absent JSON and instants', () => {
    recordAudit(alice, { entity: 'ticket', entityId: 7, action: 'probe' });
    recordAudit(alice, { entity: 'ticket', entityId: 8, action: 'probe', before: { a: 1 }, after: [1, 'two'] });
    const raw = storedRows(t.app.store, auditEvents, [auditEvents.entityId, auditEvents.before, auditEvents.after, auditEvents.at], eq(auditEvents.action, 'probe'), auditEvents.id);
    expect(raw).toEqual([
      { entity_id: '7', before: null, after: null, at: t.clock.now().getTime() },
      { entity_id: '8', before: '{"a":1}', after: '[1,"two"]', at: t.clock.now().getTime() },
    ]);
    expect(selectRow(t.app.store, auditEvents, eq(auditEvents.entityId, '8'))).toMatchObject({ before: { a: 1 }, after: [1, 'two'] });

    expect(insertOutboxRow(t.app, { audience: 'staff', dedupeKey: 'k', channel: 'tier:t1', payload: { text: 'hi' } })).toBe(true);
    expect(insertOutboxRow(t.app, { audience: 'staff', dedupeKey: 'k', channel: 'tier:t1', payload: { text: 'again' } })).toBe(false);
    expect(storedRows(t.app.store, outbox, [outbox.payload, outbox.ticketId, outbox.validWhile, outbox.mentions, outbox.state, outbox.attempts], eq(outbox.dedupeKey, 'k'))).toEqual([{
      payload: '{"text":"hi"}',
      ticket_id: null,
      valid_while: null,
      mentions: null,
      state: 'queued',
      attempts: 0,
    }]);
    expect(selectRow(t.app.store, outbox, eq(outbox.dedupeKey, 'k'))?.nextAttemptAt).toEqual(t.clock.now());
  });

  it('create a ticket with its derived columns, SLA clock, audit event and outbox row in one go', () => {
    const { ticket } = createTicket(alice, { title: 'New', priority: 'high' });
    expect(ticket).toEqual(builderTicket(ticket.id));
    expect(ticket.replyDueAt).not.toBeNull();
    expect(ticket.statusTimerAt).toBeNull();
    const clock = currentClock(t.app, ticket.id)!;
    expect(clock).toMatchObject({ tier: 'triage', band: 'green', usedMs: 0, leftAt: null, warned: null, runningSince: t.clock.now() });
    expect(clock.nextCheckAt).not.toBeNull();
    const events = selectRows(t.app.store, auditEvents, and(eq(auditEvents.entity, 'ticket'), eq(auditEvents.entityId, String(ticket.id))));
    expect(events.map((a) => a.action)).toEqual(['ticket.created']);
    expect(selectRows(t.app.store, outbox, eq(outbox.ticketId, ticket.id)).map((o) => o.dedupeKey)).toEqual([`ticket-new:${ticket.id}`]);
  });
});
