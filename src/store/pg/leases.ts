/** The LeaseRepository on PostgreSQL, ported from src/store/sqlite/leases.ts. */
import { asc, eq, sql } from 'drizzle-orm';
import type { LeaseRepository } from '../repositories/leases.js';
import { leases } from './schema.js';
import { all, get } from './session.js';
import type { PgHandles } from './handles.js';

export function pgLeases(handles: PgHandles): LeaseRepository {
  const { db } = handles;
  return {
    takeTurn(name, holder, at) {
      const row = get(
        db
          .insert(leases)
          .values({ name, token: 1, holder, acquiredAt: at })
          .onConflictDoUpdate({ target: leases.name, set: { token: sql`${leases.token} + 1`, holder, acquiredAt: at } })
          .returning({ token: leases.token }),
      );
      return row!.token;
    },
    current(name) {
      return get(db.select().from(leases).where(eq(leases.name, name)));
    },
    all() {
      // Byte order, as SQLite compares text.
      return all(db.select().from(leases).orderBy(asc(sql`${leases.name} collate "C"`)));
    },
  };
}
