/** The LeaseRepository on SQLite. */
import { asc, eq, sql } from 'drizzle-orm';
import type { LeaseRepository } from '../repositories/leases.js';
import { leases } from '../schema.js';
import type { SqliteHandles } from './handles.js';

export function sqliteLeases(handles: SqliteHandles): LeaseRepository {
  const { db } = handles;
  return {
    takeTurn(name, holder, at) {
      return db
        .insert(leases)
        .values({ name, token: 1, holder, acquiredAt: at })
        .onConflictDoUpdate({ target: leases.name, set: { token: sql`${leases.token} + 1`, holder, acquiredAt: at } })
        .returning({ token: leases.token })
        .get().token;
    },
    current(name) {
      return db.select().from(leases).where(eq(leases.name, name)).get();
    },
    all() {
      return db.select().from(leases).orderBy(asc(leases.name)).all();
    },
  };
}
