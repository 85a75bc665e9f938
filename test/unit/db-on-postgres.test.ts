/**
 * test/doubles/db-pg.ts rebuilds conditions written with the SQLite schema on the PostgreSQL twin
 * tables: the same SQL shape, PostgreSQL's column names and quoting, and each bound value encoded as
 * the twin column encodes it (an instant as timestamptz text where SQLite binds milliseconds). No
 * server needed: the PostgreSQL dialect writes the statement.
 */
import { and, desc, eq, getTableColumns, getTableName, gt, inArray, is, isNull, sql, Table } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { SQLiteSyncDialect, type SQLiteTable } from 'drizzle-orm/sqlite-core';
import { describe, expect, it } from 'vitest';
import * as lite from '../../src/store/schema.js';
import { onPg, orderOnPg, pgColumn, pgTwin } from '../doubles/db-pg.js';

const pgDialect = new PgDialect();
const when = new Date('2026-03-02T09:00:00.123Z');

describe('a condition written with the SQLite schema, on PostgreSQL', () => {
  it('names the twin columns and encodes the values as they do', () => {
    const condition = and(eq(lite.tickets.status, 'open'), gt(lite.tickets.createdAt, when), inArray(lite.tickets.id, [1, 2]), isNull(lite.tickets.assigneeId))!;
    // On SQLite the instant is bound as its milliseconds.
    expect(new SQLiteSyncDialect().sqlToQuery(condition).params).toEqual(['open', when.getTime(), 1, 2]);
    expect(pgDialect.sqlToQuery(onPg(condition))).toEqual({
      sql: '("tickets"."status" = $1 and "tickets"."created_at" > $2 and "tickets"."id" in ($3, $4) and "tickets"."assignee_id" is null)',
      params: ['open', when.toISOString(), 1, 2],
      // The instant is typed as the twin's timestamp column types it.
      typings: ['none', 'timestamp', 'none', 'none'],
    });
  });

  it('encodes booleans and JSON as the twin columns do', () => {
    expect(pgDialect.sqlToQuery(onPg(eq(lite.people.isStaff, true))).params).toEqual([true]);
    expect(pgDialect.sqlToQuery(onPg(eq(lite.teamSettings.value, { n: 1 }))).params).toEqual(['{"n":1}']);
  });

  it('orders by the twin columns', () => {
    expect(pgDialect.sqlToQuery(orderOnPg(desc(lite.auditEvents.at)) as never).sql).toBe('"audit_events"."at" desc');
    expect(pgColumn(lite.outbox.dedupeKey).name).toBe('dedupe_key');
  });

  it('refuses what it cannot rebuild, rather than run it on the wrong table', () => {
    const subquery = sql`${lite.tickets.id} in ${{ not: 'a column' }}`;
    expect(() => onPg(subquery)).toThrow(/cannot rebuild/);
  });

  it('finds a twin for every SQLite table and column', () => {
    const tables = (Object.values(lite) as unknown[]).filter((value): value is SQLiteTable => is(value, Table));
    expect(tables.length).toBeGreaterThan(20);
    for (const table of tables) {
      expect(getTableName(pgTwin(table))).toBe(getTableName(table));
      for (const column of Object.values(getTableColumns(table))) expect(pgColumn(column).name).toBe(column.name);
    }
  });
});
