/**
 * A table's checksum as `deskops copy-db` compares it across engines: computed from the rows as the
 * app reads them (decoded by drizzle's columns), so two engines that store a value differently
 * (an instant as milliseconds or as timestamptz, JSON as text or jsonb, a boolean as 0/1 or
 * bool) agree exactly when the app would read the same thing from both.
 *
 * Each row is written as canonical JSON (columns by SQL name, sorted; object keys sorted at every
 * depth; Dates as UTC milliseconds; bytes as base64) and hashed with SHA-256; the table's checksum
 * is the sum of its rows' hashes modulo 2^256. A sum does not depend on the order rows are read in:
 * PostgreSQL orders text keys by its collation and SQLite by bytes, so the same rows come in a
 * different order from each. Keys are unique, so no two equal rows can cancel or stand in for
 * each other.
 */
import { createHash } from 'node:crypto';

/** A value in canonical form: the same JSON for the same decoded value, whichever engine it came from. */
export function canonicalValue(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.getTime();
  if (value instanceof Uint8Array) return { bytes: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') };
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map(canonicalValue);
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(entries.map(([key, inner]) => [key, canonicalValue(inner)]));
  }
  return value;
}

/** The canonical JSON text of a row keyed by SQL column name. */
export function canonicalRow(row: Record<string, unknown>): string {
  return JSON.stringify(canonicalValue(row));
}

const MODULUS = 1n << 256n;

/** Accumulates a table's row count and checksum, rows in any order. */
export class TableChecksum {
  private sum = 0n;
  rows = 0;

  add(row: Record<string, unknown>): void {
    const digest = createHash('sha256').update(canonicalRow(row)).digest('hex');
    this.sum = (this.sum + BigInt(`0x${digest}`)) % MODULUS;
    this.rows += 1;
  }

  /** The checksum as 64 hex digits. */
  hex(): string {
    return this.sum.toString(16).padStart(64, '0');
  }
}
