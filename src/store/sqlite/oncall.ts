/** The OnCallRepository on SQLite. */
import type { OnCallRepository } from '../repositories/oncall.js';
import type { SqliteHandles } from './handles.js';

// eslint-disable-next-line @typescript-eslint/no-unused-vars -- filled in as storage moves behind the port
export function sqliteOnCall(handles: SqliteHandles): OnCallRepository {
  return {};
}
