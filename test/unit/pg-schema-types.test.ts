/**
 * The PostgreSQL schema's rows are the SQLite schema's rows, to the type: every table's
 * $inferSelect and $inferInsert are equal between src/store/schema.ts and src/store/pg/schema.ts,
 * so the repositories of both engines take and return the same objects. Checked by the compiler
 * (`npm run typecheck` covers the tests): this file fails to type-check when they differ, naming
 * the table. The runtime test only keeps the two lists of tables the same.
 */
import { is, type InferInsertModel, type InferSelectModel } from 'drizzle-orm';
import { PgTable } from 'drizzle-orm/pg-core';
import { SQLiteTable } from 'drizzle-orm/sqlite-core';
import { describe, expect, it } from 'vitest';
import * as pgSchema from '../../src/store/pg/schema.js';
import * as sqliteSchema from '../../src/store/schema.js';

/** True when A and B are the same type (not merely assignable either way: optional, readonly and any all count). */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Expect<T extends true> = T;
/** Passes for never; otherwise the error names what is left (here: the tables that differ). */
type ExpectNone<T extends never> = T;

type SqliteTables = { [K in keyof typeof sqliteSchema as (typeof sqliteSchema)[K] extends SQLiteTable ? K : never]: (typeof sqliteSchema)[K] };
type PgTables = { [K in keyof typeof pgSchema as (typeof pgSchema)[K] extends PgTable ? K : never]: (typeof pgSchema)[K] };

/** The tables whose row types differ between the engines, or that one schema lacks (never: none). */
type Mismatched<Model extends 'select' | 'insert'> = {
  [K in keyof SqliteTables | keyof PgTables]: K extends keyof SqliteTables
    ? K extends keyof PgTables
      ? Model extends 'select'
        ? Equal<InferSelectModel<SqliteTables[K]>, InferSelectModel<PgTables[K]>> extends true
          ? never
          : K
        : Equal<InferInsertModel<SqliteTables[K]>, InferInsertModel<PgTables[K]>> extends true
          ? never
          : K
      : K
    : K;
}[keyof SqliteTables | keyof PgTables];

// The checks themselves: a mismatch fails as "Type '"tickets"' does not satisfy the constraint 'never'".
export type SelectTypesEqual = ExpectNone<Mismatched<'select'>>;
export type InsertTypesEqual = ExpectNone<Mismatched<'insert'>>;
export type TicketRowEqual = Expect<Equal<sqliteSchema.TicketRow, pgSchema.TicketRow>>;

// The helper sees differences (else the checks above would pass whatever the schemas say).
// @ts-expect-error a Date is not a number
export type DetectsColumnType = Expect<Equal<{ at: Date }, { at: number }>>;
// @ts-expect-error an optional column is not a required one
export type DetectsOptional = Expect<Equal<{ id?: number }, { id: number }>>;
// @ts-expect-error nullable is not the same as not null
export type DetectsNullable = Expect<Equal<{ at: Date | null }, { at: Date }>>;
// @ts-expect-error two different tables' rows
export type DetectsTables = Expect<Equal<InferSelectModel<typeof sqliteSchema.tags>, InferSelectModel<typeof pgSchema.ticketTags>>>;

describe('the PostgreSQL schema has the row types of the SQLite one', () => {
  it('declares the same tables under the same export names', () => {
    const sqliteNames = Object.entries(sqliteSchema).flatMap(([name, value]) => (is(value, SQLiteTable) ? [name] : []));
    const pgNames = Object.entries(pgSchema).flatMap(([name, value]) => (is(value, PgTable) ? [name] : []));
    expect(pgNames.sort()).toEqual(sqliteNames.sort());
    expect(sqliteNames.length).toBeGreaterThan(30);
  });
});
