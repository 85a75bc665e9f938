/** Reading tickets' audit trail in bulk, for the digest's replay of the week as it ended. */
import type { Store } from './database.js';

/** A ticket's audit event as stored: the ticket id as text, the instant in milliseconds, before and after as JSON text. */
export interface StoredTicketEvent {
  entityId: string;
  at: number;
  before: string | null;
  after: string | null;
}

// Only events whose JSON names a status or a team: a comment, a tag or an assignment cannot start
// or stop a clock, and on the busy week they are a third of the rows to read and parse.
const ticketsEventsSince = (count: number) =>
  `SELECT ENTITY_ID AS "entityId", AT AS "at", BEFORE AS "before", AFTER AS "after" FROM AUDIT_EVENTS WHERE ENTITY = 'ticket' AND ENTITY_ID IN (${Array(count).fill('?').join(', ')}) AND AT >= ?
     AND (instr(BEFORE, '"status"') OR instr(BEFORE, '"team"') OR instr(AFTER, '"status"') OR instr(AFTER, '"team"')) ORDER BY ENTITY_ID, ID`;

/**
 * The audit events of these tickets from `since` on that name a status or a team (those that can
 * change whether an SLA clock runs), oldest first per ticket, in one statement (callers keep the
 * list to a few hundred ids).
 */
export function statusOrTeamEventsSince(store: Store, ticketIds: readonly number[], since: Date): StoredTicketEvent[] {
  return store.sqlite.prepare(ticketsEventsSince(ticketIds.length)).raw(false).all(...ticketIds.map(String), since.getTime()) as StoredTicketEvent[];
}
