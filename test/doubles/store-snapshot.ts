/**
 * Whole-store snapshots for "nothing changed" checks: every table's rows, and what a requester's
 * attempt may leave behind (their own person row, its audit events, a dedupe claim) told apart from
 * anything else. The tables are listed from the engine's catalogue: on SQLite sqlite_master, so the
 * search index, SQLite's sequences and drizzle's migration log are compared too; on PostgreSQL the
 * public schema's tables (its sequences are not tables, drizzle's log has a schema of its own).
 * Rows are compared within one engine, never across.
 */
import { expect } from 'vitest';
import { isSqliteStore } from '../../src/store/database.js';
import type { PgStore } from '../../src/store/pg/store.js';
import type { TestAppContext } from './context.js';
import { rawSqlite } from './sqlite.js';
import { onPostgres, pgDbCode } from './test-engine.js';

/** Every table's rows as JSON lines, by table name. */
export type StoreSnapshot = Map<string, string[]>;

export function snapshotStore(app: Pick<TestAppContext, 'store'>): StoreSnapshot {
  if (!isSqliteStore(app.store)) {
    const store = app.store as PgStore;
    const { tableNamesPg, tableRowsPg } = pgDbCode();
    return new Map(tableNamesPg(store).map((name) => [name, tableRowsPg(store, name)]));
  }
  const sqlite = rawSqlite(app.store);
  const tables = sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as Array<{ name: string }>;
  const snapshot: StoreSnapshot = new Map();
  for (const { name } of tables) {
    const rows = sqlite.prepare(`SELECT * FROM "${name}"`).all() as Array<Record<string, unknown>>;
    snapshot.set(
      name,
      rows.map((row) => JSON.stringify(row, (_, value: unknown) => (Buffer.isBuffer(value) ? value.toString('hex') : value))),
    );
  }
  return snapshot;
}

/**
 * Every table but the audit trail as one JSON text, rows in rowid order: what a refused command
 * must leave untouched. SQLite's sequences, drizzle's own tables (__…) and the search index's
 * shadow tables (search_docs_data, …: FTS5's own storage) are left out; the index itself is compared.
 */
export function storeJsonWithoutAudit(app: Pick<TestAppContext, 'store'>): string {
  if (!isSqliteStore(app.store)) {
    const store = app.store as PgStore;
    const { tableNamesPg, tableRowsPg } = pgDbCode();
    return JSON.stringify(tableNamesPg(store).filter((name) => name !== 'audit_events').map((name) => [name, tableRowsPg(store, name)]));
  }
  const sqlite = rawSqlite(app.store);
  const tables = sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('audit_events', 'sqlite_sequence') AND name NOT LIKE '\\_\\_%' ESCAPE '\\' AND name NOT LIKE 'search\\_docs\\_%' ESCAPE '\\' ORDER BY name").all() as { name: string }[];
  return JSON.stringify(tables.map(({ name }) => [name, sqlite.prepare(`SELECT * FROM "${name}" ORDER BY rowid`).all()]));
}

/** Rows in `after` that were not in `before`, and rows of `before` gone or changed in `after`, per table. */
export function storeChanges(before: StoreSnapshot, after: StoreSnapshot): Map<string, { added: string[]; removed: string[] }> {
  const changes = new Map<string, { added: string[]; removed: string[] }>();
  for (const table of new Set([...before.keys(), ...after.keys()])) {
    const was = new Set(before.get(table) ?? []);
    const now = new Set(after.get(table) ?? []);
    const added = [...now].filter((row) => !was.has(row));
    const removed = [...was].filter((row) => !now.has(row));
    if (added.length > 0 || removed.length > 0) changes.set(table, { added, removed });
  }
  return changes;
}

/** Audit actions a requester's refused attempt may leave: their person row appearing, the denial, an access change. */
export const REQUESTER_AUDIT = new Set(['person.created', 'access.denied', 'person.access']);

/**
 * Fails unless the only changes between the snapshots are what a refused requester leaves: a new
 * person (people, identities, their ids in sqlite_sequence), audit events of REQUESTER_AUDIT
 * about a person, claims in seen_events whose keys match `claims`, and the adapter's own
 * bookkeeping tables named in `bookkeeping` (the Rocket.Chat room cursors).
 */
export function expectOnlyRequesterTraces(before: StoreSnapshot, after: StoreSnapshot, label: string, claims?: RegExp, bookkeeping: readonly string[] = []): void {
  for (const [table, { added, removed }] of storeChanges(before, after)) {
    if (bookkeeping.includes(table)) continue;
    if (table === 'people' || table === 'identities') {
      // An identity may change its handle (people rename themselves); nothing else of a row may change.
      const key = (r: string) => {
        const row = JSON.parse(r) as Record<string, unknown>;
        return table === 'identities' ? `${String(row.platform)}:${String(row.external_id)}:${String(row.person_id)}` : r;
      };
      const renamed = new Set(added.map(key));
      expect(removed.filter((row) => !renamed.has(key(row))), `${label}: ${table} rows changed`).toEqual([]);
      for (const row of added.map((r) => JSON.parse(r) as Record<string, unknown>)) {
        // SQLite stores a boolean as 0 or 1.
        if (table === 'people') expect(row.is_staff, `${label}: a new person is staff: ${JSON.stringify(row)}`).toBe(onPostgres ? false : 0);
      }
      continue;
    }
    if (table === 'sqlite_sequence') {
      for (const row of added.map((r) => JSON.parse(r) as { name: string })) expect(['people', 'identities', 'audit_events'], `${label}: sequence of ${row.name} moved`).toContain(row.name);
      continue;
    }
    if (table === 'audit_events') {
      expect(removed, `${label}: audit rows changed`).toEqual([]);
      for (const row of added.map((r) => JSON.parse(r) as { action: string; entity: string })) {
        expect(row.entity, `${label}: audit of ${row.action}`).toBe('person');
        expect([...REQUESTER_AUDIT], `${label}: audit action`).toContain(row.action);
      }
      continue;
    }
    if (table === 'seen_events' && claims) {
      expect(removed, `${label}: claims removed`).toEqual([]);
      for (const row of added.map((r) => JSON.parse(r) as { key: string })) expect(row.key, `${label}: claim`).toMatch(claims);
      continue;
    }
    expect.fail(`${label}: ${table} changed: +${added.length} -${removed.length}\n${[...added, ...removed].slice(0, 3).join('\n')}`);
  }
}

/** The audit actions added between the snapshots. */
export function addedAuditActions(before: StoreSnapshot, after: StoreSnapshot): string[] {
  const change = storeChanges(before, after).get('audit_events');
  return (change?.added ?? []).map((row) => (JSON.parse(row) as { action: string }).action);
}
