/** Reading tickets' audit trail in bulk, for the digest's replay of the week as it ended. */
import type { Store } from './database.js';

/** A ticket's audit event as stored: the ticket id as text, the instant in milliseconds, before and after as JSON text. */
export interface StoredTicketEvent {
  entityId: string;
  at: number;
  before: string | null;
  after: string | null;
}

const ticketsEventsSince = (count: number) =>
  `SELECT ENTITY_ID AS "entityId", AT AS "at", BEFORE AS "before", AFTER AS "after" FROM AUDIT_EVENTS WHERE ENTITY = 'ticket' AND ENTITY_ID IN (${Array(count).fill('?').join(', ')}) AND AT >= ? ORDER BY ENTITY_ID, ID`;

/** The audit events of these tickets from `since` on, oldest first per ticket, in one statement (callers keep the list to a few hundred ids). */
export function ticketEventsSince(store: Store, ticketIds: readonly number[], since: Date): StoredTicketEvent[] {
  return store.sqlite.prepare(ticketsEventsSince(ticketIds.length)).raw(false).all(...ticketIds.map(String), since.getTime()) as StoredTicketEvent[];
}
