/** The OutboxRepository on SQLite. */
import type { OutboxRepository } from '../repositories/outbox.js';
import type { SqliteHandles } from './handles.js';

// eslint-disable-next-line @typescript-eslint/no-unused-vars -- filled in as storage moves behind the port
export function sqliteOutbox(handles: SqliteHandles): OutboxRepository {
  return {};
}
