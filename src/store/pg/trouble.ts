/**
 * PostgreSQL's side of database trouble (store/trouble.ts): which SQLSTATE codes are which kind
 * of trouble, and what the operator should do about each.
 */
import type { StoreTrouble } from '../storage.js';

const TROUBLE_BY_CODE: ReadonlyArray<[RegExp, StoreTrouble]> = [
  // serialization_failure, deadlock_detected, lock_not_available (lock_timeout): another writer won; try again.
  [/^(40001|40P01|55P03)$/, 'busy'],
  [/^53100$/, 'full'],
  // read_only_sql_transaction: a standby, or default_transaction_read_only.
  [/^25006$/, 'readonly'],
  // connection exceptions, the server shutting down, system and internal errors; Node's own socket errors.
  [/^(08...|57P0[1-3]|58...|XX...|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTFOUND)$/, 'io'],
];

/** The kind of database trouble a PostgreSQL error is (by its SQLSTATE or socket code), or undefined for anything else. */
export function pgTrouble(error: unknown): StoreTrouble | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return undefined;
  return TROUBLE_BY_CODE.find(([pattern]) => pattern.test(code))?.[1];
}

const OPERATOR_ADVICE: Record<StoreTrouble, string> = {
  busy: 'PostgreSQL kept refusing the transaction (lock timeouts, deadlocks or serialization failures): look for long transactions holding locks (pg_stat_activity)',
  full: 'PostgreSQL is out of disk space (SQLSTATE 53100): free space on the server that holds the database',
  readonly: 'PostgreSQL refused to write (SQLSTATE 25006): DESKOPS_DATABASE_URL points at a standby or a read-only database; point it at the primary',
  io: 'PostgreSQL cannot be reached or failed (a connection, shutdown or internal error): check the server and the network, then DESKOPS_DATABASE_URL',
};

/** Connection exceptions, the server shutting down or starting, and the socket's own errors: a later statement connects again. */
const TRANSIENT_CODES = /^(40001|40P01|55P03|08...|57P0[1-3]|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE)$/;

/** Whether a PostgreSQL error passes by itself (another writer won, or the connection or server comes back). */
export function pgTransient(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && TRANSIENT_CODES.test(code);
}

/** The line for the operator's log: what to fix. */
export function pgTroubleAdvice(trouble: StoreTrouble): string {
  return OPERATOR_ADVICE[trouble];
}
