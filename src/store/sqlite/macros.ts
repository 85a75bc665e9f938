/** The MacroRepository on SQLite. */
import { asc, eq } from 'drizzle-orm';
import type { MacroRepository } from '../repositories/macros.js';
import { macros, people } from '../schema.js';
import type { SqliteHandles } from './handles.js';

export function sqliteMacro(handles: SqliteHandles): MacroRepository {
  const { db } = handles;
  return {
    byName(name) {
      return db.select().from(macros).where(eq(macros.name, name)).get();
    },

    names() {
      return db
        .select({ name: macros.name })
        .from(macros)
        .all()
        .map((m) => m.name);
    },

    nameTaken(name) {
      return db.select({ id: macros.id }).from(macros).where(eq(macros.name, name)).get() !== undefined;
    },

    insert(row) {
      return db.insert(macros).values(row).returning().get();
    },

    update(id, patch) {
      return db.update(macros).set(patch).where(eq(macros.id, id)).returning().get();
    },

    remove(id) {
      db.delete(macros).where(eq(macros.id, id)).run();
    },

    all() {
      return db.select().from(macros).orderBy(asc(macros.name)).all();
    },

    personName(personId) {
      return db.select({ name: people.displayName }).from(people).where(eq(people.id, personId)).get()?.name;
    },
  };
}
