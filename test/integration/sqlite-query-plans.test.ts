/**
 * SQLite's query plans for the lookups that must use an index (EXPLAIN QUERY PLAN): the pattern
 * watch's "already suggested" lookup by outbox key prefix, the active-tickets list, routing's last
 * routed ticket per agent. The behaviour around them is tested on both engines (pattern-watch,
 * routing); these plans are SQLite's own.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ACTIVE_STATUSES } from '../../src/domain/lifecycle.js';
import { ACTIVE_STATUS_CONDITION, outbox, tickets } from '../../src/store/schema.js';
import { lastRoutedQuery } from '../../src/store/sqlite/audit.js';
import { keyStartsWith } from '../../src/store/sqlite/outbox.js';
import { createTestDesk, type TestDesk } from '../doubles/deskops.js';
import { queryPlan, sqliteStoreOf } from '../doubles/sqlite.js';

const opened: TestDesk[] = [];
afterEach(() => opened.splice(0).forEach((d) => d.dispose()));

function desk(): TestDesk {
  const d = createTestDesk();
  opened.push(d);
  return d;
}

describe("SQLite's query plans", () => {
  it("look outbox keys up by prefix through the key's unique index", () => {
    const d = desk();
    const query = sqliteStoreOf(d.app.store).db.select({ id: outbox.id }).from(outbox).where(keyStartsWith('pattern:a:b:')).toSQL();
    expect(queryPlan(d.app.store, query)).toMatch(/USING (COVERING )?INDEX outbox_dedupe/);
  });

  it('list the active tickets through their partial index, which spells the same statuses as the lifecycle', () => {
    const d = desk();
    const { sql: text } = sqliteStoreOf(d.app.store).db.select().from(tickets).where(ACTIVE_STATUS_CONDITION).toSQL();
    const listed = [...text.matchAll(/'([a-z]+)'/g)].map((m) => m[1]);
    expect(listed).toEqual([...ACTIVE_STATUSES]);
    const plan = queryPlan(d.app.store, { sql: `SELECT id FROM tickets INDEXED BY tickets_active_id WHERE "tickets"."status" IN ('open', 'pending', 'waiting', 'hold', 'review') ORDER BY id DESC LIMIT 10` });
    expect(plan).not.toContain('TEMP B-TREE');
  });

  it("find each agent's last routed ticket through the audit_action index, not a scan of every ticket event", () => {
    const d = desk();
    const steps = queryPlan(d.app.store, lastRoutedQuery(sqliteStoreOf(d.app.store).db, 1).toSQL());
    expect(steps).toMatch(/USING INDEX audit_action \(action=\?\)/);
    expect(steps).not.toContain('TEMP B-TREE');
  });
});
