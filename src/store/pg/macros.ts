/** The MacroRepository on PostgreSQL (port of src/store/sqlite/macros.ts). */
import { eq, sql } from 'drizzle-orm';
import type { MacroRepository } from '../repositories/macros.js';
import type { PgHandles } from './handles.js';
import { macros, people } from './schema.js';
import { all, get, run } from './session.js';

/**
 * Names in SQLite's BINARY order (byte order), whatever the database's collation: SQLite compares
 * text by bytes, PostgreSQL by the database's locale unless told otherwise.
 */
const byName = sql`${macros.name} collate "C"`;

export function pgMacro(handles: PgHandles): MacroRepository {
  const { db } = handles;
  return {
    byName(name) {
      return get(db.select().from(macros).where(eq(macros.name, name)).limit(1));
    },

    names() {
      // SQLite gives no ORDER BY here and answers in name order (it reads the covering unique index
      // on name); PostgreSQL's heap order would be insertion order, so the name order is asked for.
      return all(db.select({ name: macros.name }).from(macros).orderBy(byName)).map((m) => m.name);
    },

    nameTaken(name) {
      return get(db.select({ id: macros.id }).from(macros).where(eq(macros.name, name)).limit(1)) !== undefined;
    },

    insert(row) {
      return get(db.insert(macros).values(row).returning())!;
    },

    update(id, patch) {
      // As on SQLite: undefined (typed as the row) when no macro has this id.
      return get(db.update(macros).set(patch).where(eq(macros.id, id)).returning())!;
    },

    remove(id) {
      run(db.delete(macros).where(eq(macros.id, id)));
    },

    all() {
      return all(db.select().from(macros).orderBy(byName));
    },

    personName(personId) {
      return get(db.select({ name: people.displayName }).from(people).where(eq(people.id, personId)))?.name;
    },
  };
}
