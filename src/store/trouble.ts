/**
 * Database trouble in words every engine shares: which errors a store throws are which kind of
 * trouble (the user is told nothing changed; the operator what to fix). Each engine classifies its
 * own driver's errors; the rest of deskops asks here.
 */
import type { StoreTrouble } from './storage.js';
import { pgTransient, pgTrouble, pgTroubleAdvice } from './pg/trouble.js';
import { sqliteTrouble, sqliteTroubleAdvice } from './sqlite/trouble.js';

export type { StoreTrouble } from './storage.js';

/** The kind of database trouble `error` is (busy, full, read-only, failing), or undefined for anything else. */
export function storeTrouble(error: unknown): StoreTrouble | undefined {
  return sqliteTrouble(error) ?? pgTrouble(error);
}

/**
 * The line for the operator's log: what to fix, in the words of the engine that raised `error`
 * (SQLite's when no error is given: the store a lone deskops runs on).
 */
export function storeTroubleAdvice(trouble: StoreTrouble, error?: unknown): string {
  return error !== undefined && sqliteTrouble(error) === undefined && pgTrouble(error) !== undefined ? pgTroubleAdvice(trouble) : sqliteTroubleAdvice(trouble);
}

/**
 * Whether `error` is trouble that passes by itself within seconds, so the same work may simply run
 * again: another writer's lock (either engine), or PostgreSQL's connection lost or the server
 * restarting (the bridge connects again before the next statement). A full, read-only or failing
 * database needs a person instead.
 */
export function storeTransient(error: unknown): boolean {
  return sqliteTrouble(error) === 'busy' || pgTransient(error);
}

/**
 * Whether `error` is the whole database locked by another writer (SQLite's single writer: a backup,
 * a script), which may last long and holds every write; PostgreSQL's locks are a few rows held by
 * another replica's transaction for milliseconds, or a conflict between two transactions.
 */
export function storeLockedWhole(error: unknown): boolean {
  return sqliteTrouble(error) === 'busy';
}
