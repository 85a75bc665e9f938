/** The ClockRepository on SQLite. */
import type { ClockRepository } from '../repositories/clocks.js';
import type { SqliteHandles } from './handles.js';

// eslint-disable-next-line @typescript-eslint/no-unused-vars -- filled in as storage moves behind the port
export function sqliteClock(handles: SqliteHandles): ClockRepository {
  return {};
}
