/** The TicketRepository on SQLite. */
import type { TicketRepository } from '../repositories/tickets.js';
import type { SqliteHandles } from './handles.js';

// eslint-disable-next-line @typescript-eslint/no-unused-vars -- filled in as storage moves behind the port
export function sqliteTicket(handles: SqliteHandles): TicketRepository {
  return {};
}
