/**
 * Database trouble in words every engine shares: which errors a store throws are which kind of
 * trouble (the user is told nothing changed; the operator what to fix). Each engine classifies its
 * own driver's errors; the rest of deskops asks here.
 */
import type { StoreTrouble } from './storage.js';
import { pgTrouble } from './pg/trouble.js';
import { sqliteTrouble, sqliteTroubleAdvice } from './sqlite/trouble.js';

export type { StoreTrouble } from './storage.js';

/** The kind of database trouble `error` is (busy, full, read-only, failing), or undefined for anything else. */
export function storeTrouble(error: unknown): StoreTrouble | undefined {
  return sqliteTrouble(error) ?? pgTrouble(error);
}

/** The line for the operator's log: what to fix (SQLite's words: the store deskops runs on; pg/trouble.ts has PostgreSQL's). */
export function storeTroubleAdvice(trouble: StoreTrouble): string {
  return sqliteTroubleAdvice(trouble);
}
