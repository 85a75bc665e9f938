/** Inserts tickets straight into the store, so tests of other use cases do not depend on createTicket. */
import { tickets, type TicketRow } from '../../src/store/schema.js';
import type { TestAppContext } from './context.js';
import { attachTags, resolveTagRefs, type TagRef } from '../../src/app/tags.js';
import { insertRow } from './db.js';

export type TicketSeed = Partial<Omit<TicketRow, 'id'>> & {
  /** Tags as typed: "area:Authentication", 'area:Data Import / Export'. */
  tags?: readonly string[];
};

/** "area:Data Import / Export" -> { family: 'area', value: 'Data Import / Export' }. */
export function tagRef(typed: string): TagRef {
  const colon = typed.indexOf(':');
  return { family: typed.slice(0, colon), value: typed.slice(colon + 1) };
}

/** Inserts one ticket row (Open, Triage, Medium by default) with its tags; returns the row. */
export function insertTicket(app: TestAppContext, seed: TicketSeed = {}): TicketRow {
  const now = app.clock.now();
  const { tags: typedTags = [], ...fields } = seed;
  return app.store.transaction(() => {
    const row = insertRow(app.store, tickets, {
      title: 'A ticket',
      department: 'paid',
      createdAt: now,
      updatedAt: now,
      tierEnteredAt: now,
      statusChangedAt: now,
      ...fields,
    });
    attachTags(app, row.id, resolveTagRefs(app, typedTags.map(tagRef)));
    return row;
  });
}
